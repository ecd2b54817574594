//! `kind: Policy`: a team's own rules in CEL, judged by `validate` in every format with the
//! linked view, never showing a secret, never ending the run; and `oslinker policy test`
//! running their examples. What each code reports is in `tests/rules/E0113-*`, `E0114-*`,
//! `E0300-*`.

use serde_json::Value;

use crate::support::{Tree, diagnostics, oslinker, repo};

/// Two production processes, one linking to the other, a binding, a hosted provider.
const FLEET: &str = "\
kind: Process
id: writer
name: Writer
status: running
capabilities: [text.write]
requires: [code.review]
metadata: {platform: nodejs, owner: docs-team}
runtimeContext:
  environment: production
  env: {LOG_LEVEL: info, SERVICE_TOKEN: tok-123456789}
---
kind: Process
id: reviewer
name: Reviewer
status: stopped
capabilities: [code.review]
metadata: {platform: nodejs}
runtimeContext: {environment: production}
---
kind: Binding
id: writer-secrets
processId: writer
environmentId: production
type: secrets
config: {store: env, secrets: {API_KEY: WRITER_API_KEY}}
";

/// One rule: every process has an `owner` label.
const OWNER_POLICY: &str = "kind: Policy
id: team
rules:
  - id: owner
    match: {kinds: [Process]}
    expression: \"'owner' in object.metadata\"
    message: \"{{ id }} has no owner\"
";

fn tree_with(policy: &str) -> Tree {
    Tree::new(&[("fleet.yaml", FLEET), ("policy.yaml", policy)])
}

/// The diagnostics of policies: a rule's own code, E0113 or E0114 (the fleet has findings of
/// its own: E0211, W0303).
fn of_policies(report: &Value) -> Vec<&Value> {
    diagnostics(report)
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            code.contains('/') || code == "E0113" || code == "E0114"
        })
        .collect()
}

/// `(code, file, line)` of each policy diagnostic in a JSON report.
fn found(report: &Value) -> Vec<(String, String, u64)> {
    of_policies(report)
        .into_iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap().to_string();
            let file = d["file"].as_str().unwrap().to_string();
            (code, file, d["line"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn rules_read_the_manifest_and_its_linked_view() {
    let tree = tree_with(
        "kind: Policy
id: team
rules:
  - id: owner
    match: {kinds: [Process]}
    expression: \"'owner' in object.metadata\"
    message: \"{{ id }} has no owner\"
  - id: linked-to-running
    match: {kinds: [Process], environments: [production]}
    expression: \"links.all(l, l.provider != null)\"
    message: \"{{ id }} requires something no running process serves: {{ links.filter(l, l.provider == null).map(l, l.capability) }}\"
  - id: no-env-store
    match: {kinds: [Binding], environments: [production]}
    expression: \"object.config.store != 'env'\"
    message: \"{{ id }} of {{ process.id }} keeps secrets in env\"
    severity: warning
  - id: has-secrets
    match: {kinds: [Process], labels: {owner: docs-team}}
    expression: \"bindings.exists(b, b.type == 'secrets') && environment == 'env-production'\"
    message: never shown
",
    );
    let out = tree.validate();
    out.assert_code(1);
    let report = out.json();
    let at = |code: &str, line: u64| (code.to_string(), "tree/fleet.yaml".to_string(), line);
    assert_eq!(
        found(&report),
        [
            at("team/linked-to-running", 2),
            at("team/owner", 13),
            at("team/no-env-store", 21),
        ],
        "{report:#}"
    );
    let messages: Vec<&str> = of_policies(&report)
        .into_iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "writer requires something no running process serves: [code.review]",
            "reviewer has no owner",
            "writer-secrets of writer keeps secrets in env",
        ]
    );
    let severities: Vec<&str> = of_policies(&report)
        .into_iter()
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "error", "warning"]);
    // The rule's own line is the related place.
    let related = &of_policies(&report)[1]["related"][0];
    assert_eq!(related["file"], "tree/policy.yaml");
    assert_eq!(related["line"], 4);
}

#[test]
fn a_rule_sees_secrets_redacted() {
    let tree = tree_with(
        "kind: Policy
id: team
rules:
  - id: show-env
    match: {kinds: [Process], labels: {owner: docs-team}}
    expression: \"false\"
    message: \"env is {{ object.runtimeContext.env }} and token {{ object.runtimeContext.env.SERVICE_TOKEN }}\"
",
    );
    let out = tree.validate();
    let all = out.all();
    assert!(!all.contains("tok-123456789"), "{all}");
    let report = out.json();
    let message = of_policies(&report)[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.ends_with("and token <redacted>"), "{message}");
}

#[test]
fn findings_carry_the_rules_code_in_every_format() {
    let tree = tree_with(
        "kind: Policy
id: team
rules:
  - id: owner
    match: {kinds: [Process]}
    expression: \"'owner' in object.metadata\"
    message: \"{{ id }} has no owner\"
    help: add an owner label
",
    );
    let sarif = tree.run(["validate", "--format", "sarif"]);
    sarif.assert_code(1);
    let log = sarif.json();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let result = results
        .iter()
        .find(|r| r["ruleId"] == "team/owner")
        .unwrap();
    assert_eq!(result["ruleId"], "team/owner");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "team/owner");
    let github = tree.run(["validate", "--format", "github"]);
    assert!(
        github.stdout.contains("team/owner policy-rule"),
        "{}",
        github.stdout
    );
    let junit = tree.run(["validate", "--format", "junit"]);
    assert!(junit.stdout.contains("[team/owner]"), "{}", junit.stdout);
    let human = tree.run(["--color", "never", "validate"]);
    assert!(
        human.stderr.contains("team/owner policy-rule"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("help: add an owner label"),
        "{}",
        human.stderr
    );
}

#[test]
fn a_rule_that_cannot_compile_or_run_never_ends_the_run() {
    // Nesting past the parser's limit, a huge expression, a wrong type, a missing field: each
    // is a diagnostic at the rule; the other rules are still judged.
    let deep = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
    let huge = format!("true{}", " && true".repeat(4000));
    let policy = format!(
        "kind: Policy
id: team
rules:
  - id: deep
    expression: \"{deep}\"
    message: m
  - id: huge
    expression: \"{huge}\"
    message: m
  - id: wrong-type
    match: {{kinds: [Process]}}
    expression: \"object.name + 1 == 2\"
    message: m
  - id: owner
    match: {{kinds: [Process]}}
    expression: \"'owner' in object.metadata\"
    message: \"{{{{ id }}}} has no owner\"
"
    );
    let tree = tree_with(&policy);
    let out = tree.validate();
    out.assert_code(1);
    let report = out.json();
    let codes: Vec<&str> = of_policies(&report)
        .into_iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["team/owner", "E0113", "E0113", "E0114"],
        "{}",
        out.all()
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn the_bundled_policy_passes_its_examples_and_the_tree() {
    let out = oslinker(repo())
        .args(["-d", "linker.d", "policy", "test"])
        .run();
    out.assert_code(0);
    assert!(
        out.stdout.starts_with("ok    platform-team: "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("6 examples: 6 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    let json = oslinker(repo())
        .args(["-d", "linker.d", "policy", "test", "--format", "json"])
        .run();
    json.assert_code(0);
    let report = json.json();
    assert_eq!(report["formatVersion"], 1);
    assert_eq!(report["passed"], 6);
    assert_eq!(report["failed"], 0);
    assert_eq!(
        report["results"][1]["expectedToFail"][0],
        "no-env-store-in-production"
    );
    assert_eq!(
        report["results"][1]["failed"][0],
        "no-env-store-in-production"
    );
}

#[test]
fn a_failing_example_says_what_it_expected_and_fails_the_run() {
    let tree = Tree::new(&[(
        "policy.yaml",
        "kind: Policy
id: team
rules:
  - id: owner
    match: {kinds: [Process]}
    expression: \"'owner' in object.metadata\"
    message: no owner
examples:
  - name: an owned process passes
    manifests:
      - {kind: Process, id: a, name: A, status: running, metadata: {platform: nodejs, owner: me}, runtimeContext: {environment: production}}
  - name: wrongly expected to fail
    manifests:
      - {kind: Process, id: b, name: B, status: running, metadata: {platform: nodejs, owner: me}, runtimeContext: {environment: production}}
    fail: [owner]
  - name: a broken example manifest
    manifests:
      - {kind: Process, id: c, nmae: C}
",
    )]);
    let out = tree.run(["policy", "test"]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ok    team: an owned process passes  (tree/policy.yaml:"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("FAIL  team: wrongly expected to fail"),
        "{}",
        out.stdout
    );
    assert_eq!(lines[2], "      must fail: owner");
    assert_eq!(lines[3], "      failed:    (none)");
    assert!(
        lines[4].starts_with("FAIL  team: a broken example manifest"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("E0104 unknown-field"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("3 examples: 1 passed, 2 failed\n"),
        "{}",
        out.stdout
    );
    // The tree itself is judged by `validate` as usual: the examples are not part of it.
    tree.validate().assert_code(0);
}

#[test]
fn policy_test_names_an_unknown_policy() {
    let out = oslinker(repo())
        .args(["-d", "linker.d", "policy", "test", "platform-tem"])
        .run();
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "error: no Policy `platform-tem` in this tree\nhelp: did you mean `platform-team`?\n"
    );
}

#[test]
fn a_rules_findings_are_configured_and_suppressed_by_its_code() {
    let policy = OWNER_POLICY;
    let tree = Tree::new(&[
        ("a.yaml", &crate::support::process_yaml("a")),
        (
            "b.yaml",
            "kind: Process\nid: b\nname: b\nstatus: running\nmetadata:\n  platform: nodejs\n  suppress:\n    - {code: team/owner, reason: a shared sandbox nobody owns}\nruntimeContext:\n  environment: production\n",
        ),
        ("policy.yaml", policy),
    ]);
    let codes = |out: &crate::support::Output| -> Vec<(String, String)> {
        diagnostics(&out.json())
            .iter()
            .map(|d| {
                let code = d["code"].as_str().unwrap().to_string();
                (code, d["severity"].as_str().unwrap().to_string())
            })
            .collect()
    };
    // `b` silences its finding with a reason; `a`'s stands, an error.
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(codes(&out), [("team/owner".into(), "error".into())]);
    let shown = tree.run(["validate", "--format", "json", "--show-suppressed"]);
    let suppressed = &shown.json()["suppressed"];
    assert_eq!(suppressed[0]["code"], "team/owner", "{suppressed:#}");
    assert_eq!(suppressed[0]["reason"], "a shared sandbox nobody owns");
    // Settings make it a warning, then allow it.
    tree.write(
        "settings.yaml",
        "kind: Settings\nspec:\n  lints:\n    team/owner: warn\n",
    );
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(codes(&out), [("team/owner".into(), "warning".into())]);
    tree.write(
        "settings.yaml",
        "kind: Settings\nspec:\n  lints:\n    team/owner: allow\n",
    );
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(codes(&out), []);
    // A suppression of a rule that finds nothing there is unused (W0305).
    tree.write("settings.yaml", "kind: Settings\nspec:\n  lints: {}\n");
    tree.write("a.yaml", "kind: Process\nid: a\nname: a\nstatus: running\nmetadata:\n  platform: nodejs\n  owner: me\n  suppress:\n    - {code: team/owner, reason: not needed}\nruntimeContext:\n  environment: production\n");
    let out = tree.validate();
    assert_eq!(
        codes(&out),
        [("W0305".into(), "warning".into())],
        "{}",
        out.all()
    );
}

#[test]
fn settings_naming_a_rule_no_policy_has_is_an_error_with_a_suggestion() {
    let policy = OWNER_POLICY;
    // A typo (`team/ownr`) would otherwise configure nothing, silently: `a`'s finding
    // stays an error though the team meant to allow it.
    let tree = Tree::new(&[
        ("a.yaml", &crate::support::process_yaml("a")),
        ("policy.yaml", policy),
        (
            "settings.toml",
            "[[manifest]]\nkind = \"Settings\"\n[manifest.spec.lints]\n\"team/ownr\" = \"allow\"\n[manifest.spec.environments.production.lints]\n\"other/rule\" = \"warn\"\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    let report = out.json();
    let problems: Vec<(String, u64, String)> = diagnostics(&report)
        .iter()
        .filter(|d| d["file"] == "tree/settings.toml")
        .map(|d| {
            let code = d["code"].as_str().unwrap().to_string();
            let help = d["help"].as_str().unwrap_or_default().to_string();
            (code, d["line"].as_u64().unwrap(), help)
        })
        .collect();
    assert_eq!(problems.len(), 2, "{}", out.all());
    assert_eq!((problems[0].0.as_str(), problems[0].1), ("E0110", 4));
    assert!(
        problems[0].2.contains("did you mean `team/owner`?"),
        "{problems:?}"
    );
    assert_eq!((problems[1].0.as_str(), problems[1].1), ("E0110", 6));
}

#[test]
fn a_rule_that_would_run_for_hours_is_stopped_and_reported() {
    // 200 x 200 x 200 evaluations: hours in the interpreter, which has no budget of its own.
    let list: Vec<String> = (0..200).map(|i| i.to_string()).collect();
    let list = format!("[{}]", list.join(","));
    let policy = format!(
        "kind: Policy\nid: team\nrules:\n  - id: costly\n    match: {{kinds: [Process]}}\n    expression: \"{list}.all(a, {list}.all(b, {list}.all(c, true)))\"\n    message: m\n"
    );
    let tree = Tree::new(&[
        ("a.yaml", crate::support::process_yaml("a").as_str()),
        ("policy.yaml", policy.as_str()),
    ]);
    let out = tree
        .cmd(["validate", "--format", "json"])
        .env("OSLINKER_POLICY_BUDGET", "300ms")
        .run();
    out.assert_code(1);
    let report = out.json();
    let found = diagnostics(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["code"], "E0114");
    assert_eq!(
        found[0]["message"],
        "the tree's policies were not judged: their rules took longer than 300ms"
    );
}
