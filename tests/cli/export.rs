//! `export a2a DIR`: an A2A agent card per process, written as files; nothing secret in
//! them; a folder holding someone else's files refused; nothing written from an invalid tree.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{Output, Tree};

/// Values that must never reach a card: an endpoint's token (as its user) and secret query
/// parameter, a literal secret in `env`, an ordinary env value, and a secret binding's
/// reference.
const SECRETS: &[&str] = &[
    "tok3n-as-user",
    "k3y-in-query",
    "plain-password-value",
    "debug-level-value",
    "kv/data/coder#openai",
];

/// Valid, with warnings (the credentials in the endpoint and `env` are W0303).
const TREE: &str = r#"
apiVersion: oslinker/v1
kind: Environment
id: production
name: Production
---
apiVersion: oslinker/v1
kind: Environment
id: staging
name: Staging
---
apiVersion: oslinker/v1
kind: Process
id: coder
name: Code Writer
type: agent
status: running
metadata:
  platform: nodejs
  version: "2.1.0"
capabilities: [code.generation, code.review]
endpoint: https://tok3n-as-user@agents.example.com/a2a?region=eu&api_key=k3y-in-query
runtimeContext:
  environment: production
  version: nodejs-20.x
  env:
    DB_PASSWORD: plain-password-value
    LOG_LEVEL: debug-level-value
---
apiVersion: oslinker/v1
kind: Process
id: analyst
name: Data Analyst
type: agent
status: running
metadata:
  platform: python
capabilities: [data.analysis]
runtimeContext:
  environment: staging
---
apiVersion: oslinker/v1
kind: Provider
id: analyst-api
platform: python
process: analyst
endpoint: https://analyst.example.com/rpc
capabilities: [data.visualization]
---
apiVersion: oslinker/v1
kind: Process
id: indexer
name: Indexer
type: service
status: running
metadata:
  platform: python
capabilities: [search.index]
runtimeContext:
  environment: production
---
apiVersion: oslinker/v1
kind: Binding
id: coder-secrets
processId: coder
environmentId: production
type: secrets
config:
  store: vault
  secrets:
    OPENAI_API_KEY: kv/data/coder#openai
"#;

fn tree() -> Tree {
    Tree::new(&[("tree.yaml", TREE)])
}

/// `export a2a out ARGS...`, run beside `tree/`.
fn export(tree: &Tree, args: &[&str]) -> Output {
    let mut all = vec!["export", "a2a", "out"];
    all.extend_from_slice(args);
    tree.run(all)
}

fn out(tree: &Tree) -> PathBuf {
    tree.parent().join("out")
}

fn card(tree: &Tree, id: &str) -> Value {
    let path = out(tree).join(id).join("agent-card.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_card_per_process_is_written_and_listed() {
    let tree = tree();
    let output = export(&tree, &[]);
    output.assert_code(0);
    assert_eq!(
        output.stdout,
        "out/analyst/agent-card.json\nout/coder/agent-card.json\nout/indexer/agent-card.json\n"
    );
    assert!(
        output.stderr.contains("wrote 3 agent cards to `out`"),
        "{}",
        output.stderr
    );
    assert_eq!(
        files(&out(&tree)),
        [
            "analyst/agent-card.json",
            "coder/agent-card.json",
            "indexer/agent-card.json"
        ]
    );
}

#[test]
fn a_card_follows_the_a2a_agent_card_shape() {
    let tree = tree();
    export(&tree, &[]).assert_code(0);
    assert_eq!(
        card(&tree, "coder"),
        json!({
            "name": "Code Writer",
            "description": "Code Writer: an agent on nodejs, in production.",
            "supportedInterfaces": [{
                // Its endpoint, the token and the secret parameter removed, not masked.
                "url": "https://agents.example.com/a2a?region=eu",
                "protocolBinding": "JSONRPC",
                "protocolVersion": "1.0",
            }],
            "version": "2.1.0",
            "capabilities": {"streaming": false, "pushNotifications": false},
            "defaultInputModes": ["application/json"],
            "defaultOutputModes": ["application/json"],
            "skills": [
                {
                    "id": "code.generation",
                    "name": "Code generation",
                    "description": "Serves the `code.generation` capability.",
                    "tags": ["code", "generation"],
                },
                {
                    "id": "code.review",
                    "name": "Code review",
                    "description": "Serves the `code.review` capability.",
                    "tags": ["code", "review"],
                },
            ],
        })
    );
}

#[test]
fn a_process_backing_a_provider_gets_its_endpoint_and_capabilities() {
    let tree = tree();
    export(&tree, &[]).assert_code(0);
    let analyst = card(&tree, "analyst");
    assert_eq!(
        analyst["supportedInterfaces"][0]["url"],
        "https://analyst.example.com/rpc"
    );
    let skills: Vec<&str> = (analyst["skills"].as_array().unwrap().iter())
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(skills, ["data.analysis", "data.visualization"]);
    assert_eq!(analyst["version"], "unversioned");
}

#[test]
fn a_process_without_an_endpoint_is_described_where_serve_runs() {
    let tree = tree();
    export(&tree, &["--base-url", "https://registry.example.com/"]).assert_code(0);
    assert_eq!(
        card(&tree, "indexer")["supportedInterfaces"],
        json!([{
            "url": "https://registry.example.com/v1/agents/indexer",
            "protocolBinding": "HTTP+JSON",
            "protocolVersion": "1.0",
        }])
    );
}

#[test]
fn a_base_url_that_is_not_http_is_a_usage_error() {
    let tree = tree();
    for bad in [
        "ftp://x.example",
        "not a url",
        "https://u:pw-in-base@x.example",
    ] {
        let output = export(&tree, &["--base-url", bad]);
        output.assert_code(2);
        assert!(!output.all().contains("pw-in-base"), "{}", output.all());
    }
    assert!(!out(&tree).exists());
}

#[test]
fn secret_looking_values_never_reach_a_card() {
    let tree = tree();
    let output = export(&tree, &[]);
    output.assert_code(0);
    let mut cards = String::new();
    for file in files(&out(&tree)) {
        cards += &fs::read_to_string(out(&tree).join(file)).unwrap();
    }
    let shown: Vec<&str> = SECRETS
        .iter()
        .copied()
        .filter(|s| cards.contains(s) || output.all().contains(s))
        .collect();
    assert!(shown.is_empty(), "shown: {shown:?}\n{cards}");
    assert!(!cards.contains("redacted"), "{cards}");
}

#[test]
fn only_the_environment_asked_for() {
    let tree = tree();
    let output = export(&tree, &["--env", "Production"]);
    output.assert_code(0);
    assert_eq!(
        files(&out(&tree)),
        ["coder/agent-card.json", "indexer/agent-card.json"]
    );
    let unknown = export(&tree, &["--env", "prod"]);
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains("unknown environment `prod`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn its_own_cards_are_rewritten() {
    let tree = tree();
    export(&tree, &[]).assert_code(0);
    let card_path = out(&tree).join("coder").join("agent-card.json");
    fs::write(&card_path, "{}").unwrap();
    export(&tree, &[]).assert_code(0);
    assert_eq!(card(&tree, "coder")["name"], "Code Writer");
}

#[test]
fn a_folder_holding_other_files_is_refused_unless_forced() {
    let tree = tree();
    let out = out(&tree);
    fs::create_dir_all(out.join("coder")).unwrap();
    fs::write(out.join("index.html"), "mine").unwrap();
    fs::write(out.join("coder").join("notes.txt"), "mine too").unwrap();

    let refused = export(&tree, &[]);
    refused.assert_code(2);
    assert!(
        refused
            .stderr
            .contains("`out` holds files that `export a2a` did not write"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(refused.stdout, "");
    // Nothing written, nothing lost.
    assert_eq!(files(&out), ["coder/notes.txt", "index.html"]);

    export(&tree, &["--force"]).assert_code(0);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "mine");
    assert_eq!(
        fs::read_to_string(out.join("coder").join("notes.txt")).unwrap(),
        "mine too"
    );
    assert_eq!(card(&tree, "coder")["name"], "Code Writer");
}

#[test]
fn a_file_where_the_folder_should_be_is_refused() {
    let tree = tree();
    fs::write(out(&tree), "a file").unwrap();
    let output = export(&tree, &["--force"]);
    output.assert_code(2);
    assert!(
        output.stderr.contains("`out` is not a folder"),
        "{}",
        output.stderr
    );
    assert_eq!(fs::read_to_string(out(&tree)).unwrap(), "a file");
}

#[cfg(unix)]
#[test]
fn a_card_is_never_written_through_a_symbolic_link_even_forced() {
    let tree = tree();
    let elsewhere = tree.parent().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::create_dir_all(out(&tree)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out(&tree).join("coder")).unwrap();
    let output = export(&tree, &["--force"]);
    output.assert_code(2);
    assert!(
        output.stderr.contains("is in the way (a symbolic link"),
        "{}",
        output.stderr
    );
    assert!(files(&elsewhere).is_empty());
    // Checked before anything is written.
    assert!(!out(&tree).join("analyst").exists());
}

#[test]
fn an_invalid_tree_exits_1_and_writes_nothing() {
    let tree = Tree::new(&[(
        "p.yaml",
        "apiVersion: oslinker/v1\nkind: Process\nid: p\nstatus: running\nmetadata:\n  platform: nowhere\n",
    )]);
    let output = export(&tree, &[]);
    output.assert_code(1);
    assert!(
        output.stderr.contains("nothing resolved"),
        "{}",
        output.stderr
    );
    assert!(!out(&tree).exists());
}
