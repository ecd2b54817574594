//! Secrets found by their value (issue 11, E0112): a token of each known format, planted in
//! an env value, a label, an endpoint, a name and a file that does not parse, is reported at
//! its place and never shown by any command or format; near misses are left alone. Tokens
//! are generated here, so the repository holds no token-shaped string.

use crate::support::{Output, Tree};

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX: &str = "0123456789abcdef";

/// `n` characters of `alphabet`, the same for the same `seed`.
fn chars(seed: u64, n: usize, alphabet: &str) -> String {
    let alphabet = alphabet.as_bytes();
    let mut state = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            alphabet[(state >> 33) as usize % alphabet.len()] as char
        })
        .collect()
}

/// One fake token of each family (the unit corpus in `src/secrets/tokens.rs` has more forms).
fn tokens() -> Vec<String> {
    let dashes = "-----";
    let key: Vec<String> = (0..6).map(|i| chars(90 + i, 64, ALNUM)).collect();
    vec![
        format!("sk-proj-{}", chars(1, 120, ALNUM)),
        format!("sk-ant-api03-{}", chars(2, 93, ALNUM)),
        format!("ghp_{}", chars(3, 36, ALNUM)),
        format!("glpat-{}", chars(4, 20, ALNUM)),
        format!("AKIA{}", chars(5, 16, UPPER)),
        format!("AIza{}", chars(6, 35, ALNUM)),
        format!(
            "xoxb-{}-{}",
            chars(7, 12, "0123456789"),
            chars(8, 24, ALNUM)
        ),
        format!("sk_live_{}", chars(9, 24, ALNUM)),
        // A JSON Web Token: `{"alg":"HS256","typ":"JWT"}`, a payload, a signature.
        format!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{}",
            chars(10, 43, ALNUM)
        ),
        format!("dop_v1_{}", chars(11, 64, HEX)),
        // A PEM private key: its body is what must never show.
        format!(
            "{dashes}BEGIN RSA PRIVATE KEY{dashes}\n{}\n{dashes}END RSA PRIVATE KEY{dashes}",
            key.join("\n")
        ),
    ]
}

/// What must never appear for a token: the token, or for a PEM key any of its body lines.
fn visible_parts(token: &str) -> Vec<&str> {
    match token.starts_with("-----") {
        true => token.lines().filter(|l| !l.starts_with("-----")).collect(),
        false => vec![token],
    }
}

/// A Process with the token as an env value, a label and an env value inside a URL.
fn process(id: &str, token: &str) -> String {
    let value = serde_json::to_string(token).unwrap();
    let in_url = serde_json::to_string(&format!("https://x:{token}@h.example/x")).unwrap();
    format!(
        "kind: Process\nid: {id}\nname: {id}\nstatus: running\n\
         metadata:\n  platform: nodejs\n  owner: {value}\n\
         runtimeContext:\n  environment: production\n  env:\n\
         \x20   SETTING: {value}\n\
         \x20   NODE_ENV: production\n\
         \x20   HOOK: {in_url}\n"
    )
}

/// A Provider with the token as the password of its endpoint.
fn provider(id: &str, token: &str) -> String {
    let endpoint = serde_json::to_string(&format!("https://admin:{token}@api.example/v1")).unwrap();
    format!(
        "kind: Provider\nid: {id}\nplatform: custom\nendpoint: {endpoint}\ncapabilities: [code]\n"
    )
}

/// Every command and format that shows the tree or its problems.
fn every_output(tree: &Tree) -> Vec<(String, Output)> {
    let mut runs: Vec<Vec<&str>> = ["human", "json", "github", "sarif", "junit"]
        .iter()
        .map(|format| vec!["validate", "--format", format])
        .collect();
    runs.extend([
        vec!["plan", "--format", "json"],
        vec!["plan", "--format", "yaml"],
        vec!["plan"],
        vec!["explain", "p0"],
        vec!["resolve", "p0"],
        vec!["graph"],
    ]);
    runs.into_iter()
        .map(|args| (args.join(" "), tree.run(&args)))
        .collect()
}

#[test]
fn a_token_of_each_family_is_reported_where_it_sits_and_never_shown() {
    let tokens = tokens();
    let mut files = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        files.push((format!("p{i}.yaml"), process(&format!("p{i}"), token)));
        files.push((format!("v{i}.yaml"), provider(&format!("v{i}"), token)));
        // A file that does not parse (a tab, an unclosed flow mapping) with the token in a
        // plain value and in a comment.
        files.push((
            format!("broken{i}.yaml"),
            format!(
                "kind: Process\nenv: {{A: {}\n\tx: [\n# {}\n",
                token.replace('\n', " "),
                token.replace('\n', " ")
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let tree = Tree::new(&files);
    let mut failures = Vec::new();
    for (command, out) in every_output(&tree) {
        for token in &tokens {
            if visible_parts(token)
                .iter()
                .any(|part| out.all().contains(part))
            {
                failures.push(format!("{command} shows {}...", &token[..12]));
            }
        }
    }
    // Each place holds one E0112: the label (line 7), the two env values (lines 11 and 13),
    // the endpoint (line 4); and every broken file is an E0001.
    let report = tree.validate();
    report.assert_code(1);
    let positions = report.positions();
    for i in 0..tokens.len() {
        for (file, line) in [
            (format!("p{i}.yaml"), 7),
            (format!("p{i}.yaml"), 11),
            (format!("p{i}.yaml"), 13),
            (format!("v{i}.yaml"), 4),
        ] {
            let found = positions
                .iter()
                .any(|(code, f, l, _)| code == "E0112" && f.ends_with(&file) && *l == line);
            if !found {
                failures.push(format!("no E0112 at {file}:{line}"));
            }
        }
        let broken = format!("broken{i}.yaml");
        if !positions
            .iter()
            .any(|(code, f, ..)| code == "E0001" && f.ends_with(&broken))
        {
            failures.push(format!("no E0001 in {broken}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_messages_name_the_kind_of_secret_and_its_place() {
    let token = &tokens()[0];
    let tree = Tree::new(&[("p.yaml", &process("p", token))]);
    let out = tree.validate();
    let messages: Vec<String> = crate::support::diagnostics(&out.json())
        .iter()
        .filter(|d| d["code"] == "E0112")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "`metadata.owner` holds an OpenAI API key",
            "`runtimeContext.env.SETTING` holds an OpenAI API key",
            "`runtimeContext.env.HOOK` holds an OpenAI API key",
        ]
    );
}

#[test]
fn near_misses_are_not_secrets_and_show_as_written() {
    let values = [
        "${OPENAI_API_KEY}",
        "$(OPENAI_API_KEY)",
        "<secret:vault:kv/data/app#openai>",
        "sk-...",
        "sk-xxxx",
        "changeme",
        "ssh://git@github.com/o/r.git",
        "https://deploy@h.example/x",
        "postgres://app:${DB_PASSWORD}@db/x",
        "123e4567-e89b-12d3-a456-426614174000",
    ];
    let digest = format!("sha256:{}", chars(20, 64, HEX));
    let commit = chars(21, 40, HEX);
    let mut env = String::new();
    let all: Vec<&str> = values
        .iter()
        .copied()
        .chain([digest.as_str(), commit.as_str()])
        .collect();
    for (i, value) in all.iter().enumerate() {
        env.push_str(&format!(
            "    V{i}: {}\n",
            serde_json::to_string(value).unwrap()
        ));
    }
    let process = format!(
        "kind: Process\nid: p\nname: p\nstatus: running\nmetadata:\n  platform: nodejs\n\
         runtimeContext:\n  environment: production\n  env:\n{env}"
    );
    let tree = Tree::new(&[("p.yaml", &process)]);
    let codes = tree.validate().codes();
    assert!(!codes.contains(&"E0112".to_string()), "{codes:?}");
    let plan = tree.run(["plan", "--format", "json"]).json();
    for (i, value) in all.iter().enumerate() {
        assert_eq!(
            plan["processes"][0]["env"][format!("V{i}")],
            *value,
            "{value}"
        );
    }
}
