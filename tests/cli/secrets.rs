//! Secrets in the forms that the raw-text masker and the endpoint checks must both know
//! (issue 9, "Secrets"): credentials in endpoints that are not URLs, a token as a URL's
//! user, secret names in a fragment or percent-encoded in a query; and, in files that do
//! not parse, YAML explicit keys, TOML multi-line strings and quoted dotted keys. Each case
//! is checked in every validate format (only `human` shows snippets, but every format
//! quotes messages), and where the tree is valid, in the plan too.

use crate::support::{Output, Tree};

/// What no output may contain.
const SECRET: &str = "SECRETVALUE123";

/// `validate` in every format.
fn validate_everywhere(tree: &Tree) -> Vec<(String, Output)> {
    ["human", "json", "github", "sarif", "junit"]
        .into_iter()
        .map(|format| {
            let args = ["validate", "--format", format];
            (args.join(" "), tree.run(args))
        })
        .collect()
}

/// The commands that showed the secret.
fn shown_by(runs: &[(String, Output)]) -> Vec<&str> {
    runs.iter()
        .filter(|(_, out)| out.all().contains(SECRET))
        .map(|(command, _)| command.as_str())
        .collect()
}

/// Fails with every case that went wrong, so that one run shows all of them.
#[track_caller]
fn assert_no_failures(failures: &[String]) {
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A Provider with this endpoint, and an unknown field on the next line so that the human
/// report shows the endpoint's line in a snippet even when nothing flags the endpoint.
fn provider(endpoint: &str) -> String {
    format!(
        "kind: Provider\nid: prov\nplatform: custom\nendpoint: {endpoint}\ncapabilitiez: [code]\n"
    )
}

/// The codes `validate --format json` reports, in order.
fn codes(tree: &Tree) -> Vec<String> {
    tree.validate().codes()
}

#[test]
fn credentials_in_an_endpoint_that_is_not_a_url_are_not_quoted() {
    let mut failures = Vec::new();
    for endpoint in [
        format!("ftp://admin:{SECRET}@api.example.com/v1"),
        format!("admin:{SECRET}@api.example.com"),
        format!("{SECRET}@api.example.com/v1"),
        format!("api.example.com/v1?api_key={SECRET}"),
    ] {
        let tree = Tree::new(&[("p.yaml", &provider(&endpoint))]);
        let runs = validate_everywhere(&tree);
        let shown = shown_by(&runs);
        if !shown.is_empty() {
            failures.push(format!("{endpoint}: shown by {shown:?}"));
        }
        // The endpoint is still reported as not a URL, and as holding a credential: a URL's
        // password is a secret by its value (E0112), the rest literal secrets (W0303).
        let found = codes(&tree);
        let credential = if endpoint.contains("://") {
            "E0112"
        } else {
            "W0303"
        };
        if !(found.contains(&"E0110".to_string()) && found.contains(&credential.to_string())) {
            failures.push(format!("{endpoint}: codes {found:?}"));
        }
    }
    assert_no_failures(&failures);
}

#[test]
fn endpoint_url_forms_that_hold_a_credential_are_hidden() {
    let mut failures = Vec::new();
    for (endpoint, redacted) in [
        // A token as the URL's user.
        (
            format!("https://{SECRET}@api.example.com/v1"),
            "https://<redacted>@api.example.com/v1",
        ),
        // A secret name in the fragment (an OAuth implicit-flow callback).
        (
            format!("https://api.example.com/cb#access_token={SECRET}&state=1"),
            "https://api.example.com/cb#access_token=<redacted>&state=1",
        ),
        // A secret name percent-encoded in the query (`%5F` is `_`).
        (
            format!("https://api.example.com/v1?api%5Fkey={SECRET}&page=2"),
            "https://api.example.com/v1?api%5Fkey=<redacted>&page=2",
        ),
        (
            format!("https://api.example.com/v1?%74oken={SECRET}"),
            "https://api.example.com/v1?%74oken=<redacted>",
        ),
    ] {
        let tree = Tree::new(&[("p.yaml", &provider(&endpoint))]);
        let runs = validate_everywhere(&tree);
        let shown = shown_by(&runs);
        if !shown.is_empty() {
            failures.push(format!("{endpoint}: shown by {shown:?}"));
        }
        let found = codes(&tree);
        if !found.contains(&"W0303".to_string()) {
            failures.push(format!("{endpoint}: codes {found:?}"));
        }
        // Valid apart from the stray field: the plan shows the endpoint redacted.
        let valid = Tree::new(&[(
            "p.yaml",
            &provider(&endpoint).replace("capabilitiez", "capabilities"),
        )]);
        let plan = valid.run(["resolve", "code", "--all", "--format", "json"]);
        plan.assert_code(0);
        if !plan.stdout.contains(redacted) {
            failures.push(format!("{endpoint}: resolve shows {}", plan.stdout));
        }
    }
    assert_no_failures(&failures);
}

/// Files that do not parse: only the raw text says where the secret is.
#[test]
fn secrets_in_files_that_do_not_parse_are_hidden_in_every_form() {
    let cases = [
        // A YAML explicit key: the value is on the `:` line.
        (
            "a.yaml",
            format!("kind: Environment\nenv:\n  ? OPENAI_API_KEY\n  : {SECRET}\n  X: a: b\n"),
        ),
        // A TOML multi-line string: its continuation lines are not indented.
        (
            "a.toml",
            format!(
                "kind = \"Environment\"\n[env]\nOPENAI_API_KEY = \"\"\"\nfirst\n{SECRET}\"\"\"\noops =\n"
            ),
        ),
        (
            "b.toml",
            format!("kind = \"Environment\"\n[env]\nGH_TOKEN = '''\n{SECRET}\n''' oops\n"),
        ),
        // TOML quoted dotted keys.
        (
            "c.toml",
            format!("kind = \"Environment\"\n\"env\".\"OPENAI_API_KEY\" = \"{SECRET}\"\noops =\n"),
        ),
        (
            "d.toml",
            format!("kind = \"Environment\"\nenv . 'DB_PASSWORD' = \"{SECRET}\"\noops =\n"),
        ),
        // A URL with credentials, whatever the key.
        (
            "e.yaml",
            format!("kind: Provider\nendpoint: https://{SECRET}@api.example.com\nX: a: b\n"),
        ),
    ];
    let mut failures = Vec::new();
    for (file, text) in cases {
        let tree = Tree::new(&[(file, &text)]);
        let runs = validate_everywhere(&tree);
        let shown = shown_by(&runs);
        if !shown.is_empty() {
            failures.push(format!("{text:?}: shown by {shown:?}"));
        }
        assert_eq!(codes(&tree), ["E0001"], "{text}");
        // The snippet does show the lines around the secret (so the test can fail).
        let human = &runs[0].1;
        assert!(human.stderr.contains("│ "), "{}", human.stderr);
    }
    assert_no_failures(&failures);
}

/// Found by the adversarial review: parameter names spelt with hyphens or brackets, a
/// presigned URL's signature, and URL credentials in an env value or a label, which `plan`
/// printed whole.
#[test]
fn url_credentials_in_parameters_env_values_and_labels_are_hidden() {
    let mut failures = Vec::new();
    for endpoint in [
        format!("https://h.example/x?x-api-key={SECRET}"),
        format!("https://h.example/x?api-key={SECRET}"),
        format!("https://h.example/x?api_key[]={SECRET}"),
        format!("https://h.example/x?api_key%5B%5D={SECRET}"),
        format!("https://h.example/x?X-Amz-Signature={SECRET}"),
    ] {
        let tree = Tree::new(&[("p.yaml", &provider(&endpoint))]);
        let mut runs = validate_everywhere(&tree);
        runs.push(("explain prov".to_string(), tree.run(["explain", "prov"])));
        let shown = shown_by(&runs);
        if !shown.is_empty() {
            failures.push(format!("{endpoint}: shown by {shown:?}"));
        }
    }
    let process = format!(
        "kind: Process\nid: p\nname: p\nstatus: running\n\
         metadata: {{platform: nodejs, dashboard: \"https://admin:{SECRET}@grafana.example\"}}\n\
         runtimeContext:\n  environment: production\n  env:\n\
         \x20   DATABASE_URL: postgres://app:{SECRET}@db/x\n\
         \x20   WEBHOOK: https://h.example/hook?api_key={SECRET}\n\
         \x20   REPO: ssh://git@github.com/o/r\n\
         \x20   CONTACT: ops@example.com\n"
    );
    let tree = Tree::new(&[("p.yaml", &process)]);
    let mut runs = validate_everywhere(&tree);
    for format in ["table", "json", "yaml"] {
        let args = ["plan", "--format", format];
        runs.push((args.join(" "), tree.run(args)));
    }
    let shown = shown_by(&runs);
    if !shown.is_empty() {
        failures.push(format!("env and labels: shown by {shown:?}"));
    }
    // A URL's password is a secret by its value (E0112), a secret-looking parameter a
    // literal secret (W0303); a user without a password and an address are neither.
    let found = codes(&tree);
    let count = |code: &str| found.iter().filter(|c| *c == code).count();
    if (count("E0112"), count("W0303")) != (2, 1) {
        failures.push(format!(
            "env and labels: {found:?}, expected 2 E0112 and 1 W0303"
        ));
    }
    // Without the passwords (errors), the tree plans: the parameter is hidden there.
    let tree = Tree::new(&[(
        "p.yaml",
        &process
            .replace(&format!("app:{SECRET}@"), "app@")
            .replace(&format!("admin:{SECRET}@"), "admin@"),
    )]);
    let plan = tree.run(["plan", "--format", "json"]).json();
    let env = &plan["processes"][0]["env"];
    for (name, expected) in [
        ("WEBHOOK", "https://h.example/hook?api_key=<redacted>"),
        ("REPO", "ssh://git@github.com/o/r"),
        ("CONTACT", "ops@example.com"),
    ] {
        if env[name] != expected {
            failures.push(format!("plan env {name}: {}", env[name]));
        }
    }
    assert_no_failures(&failures);
}

/// Found by the adversarial review: a YAML alias carried a secret's value out under a plain
/// name (`LOG: *a`), and the plan printed it.
#[test]
fn a_variable_repeating_a_secrets_value_is_a_literal_secret_too() {
    let process = format!(
        "kind: Process\nid: p\nname: p\nstatus: running\nmetadata: {{platform: nodejs}}\n\
         runtimeContext:\n  environment: production\n  env:\n\
         \x20   OPENAI_API_KEY: &a {SECRET}\n    LOG: *a\n    COPY: {SECRET}\n    LEVEL: info\n"
    );
    let tree = Tree::new(&[("p.yaml", &process)]);
    let mut runs = validate_everywhere(&tree);
    for format in ["table", "json", "yaml"] {
        let args = ["plan", "--format", format];
        runs.push((args.join(" "), tree.run(args)));
    }
    assert_no_failures(
        &shown_by(&runs)
            .iter()
            .map(|c| format!("shown by {c}"))
            .collect::<Vec<_>>(),
    );
    assert_eq!(codes(&tree), ["W0303", "W0303", "W0303"]);
    let plan = tree.run(["plan", "--format", "json"]).json();
    assert_eq!(plan["processes"][0]["env"]["LEVEL"], "info");
}
