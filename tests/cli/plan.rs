//! `oslinker plan` (issue section 4): the table of `linker.d`, the JSON shape (env overlay,
//! secrets, bindings per environment, links, routes), filters, YAML, and invalid trees.

use serde_json::{Value, json};

use crate::support::{Output, Tree, oslinker, repo};

/// A small tree with every part of a plan: environment defaults overridden by a process,
/// a secrets binding, a binding for another environment, a resolved and an unresolved link.
fn plan_tree() -> Tree {
    Tree::new(&[
        (
            "environments.yaml",
            "\
kind: Environment
id: env-production
name: production
env:
  LOG_LEVEL: info
  REGION: eu
---
kind: Environment
id: env-staging
name: staging
env:
  LOG_LEVEL: debug
---
# The unresolved link below is planted: in this tree it is a warning, not an error.
kind: Settings
spec:
  lints: {critical-requirement-unresolved: warn}
",
        ),
        (
            "processes.yaml",
            "\
kind: Process
id: web
name: Web Agent
status: running
metadata: {platform: nodejs, version: \"2.0\"}
capabilities: [web.serve]
requires: [data.analysis, translation]
runtimeContext:
  environment: production
  version: nodejs-20.x
  env:
    LOG_LEVEL: warn
    NODE_ENV: production
---
kind: Process
id: analyst
name: Analyst
type: service
status: running
metadata: {platform: python}
capabilities: [data.analysis]
runtimeContext: {environment: env-production}
---
kind: Process
id: translator
name: Translator
type: tool
status: stopped
metadata: {platform: python}
capabilities: [translation]
runtimeContext: {environment: production}
---
kind: Process
id: stage-bot
name: Stage Bot
status: pending
metadata: {platform: custom}
runtimeContext: {environment: staging}
",
        ),
        (
            "bindings.toml",
            "\
[[manifest]]
kind = \"Binding\"
id = \"web-secrets\"
processId = \"web\"
environmentId = \"production\"
type = \"secrets\"
config = { store = \"vault\", secrets = { OPENAI_API_KEY = \"kv/data/x#y\" } }

[[manifest]]
kind = \"Binding\"
id = \"web-files\"
processId = \"web\"
environmentId = \"env-production\"
type = \"files\"
config = { mounts = [{ source = \"/srv/a\", target = \"/app/a\" }, { source = \"/srv/b\", target = \"/app/b\", readOnly = false }] }

[[manifest]]
kind = \"Binding\"
id = \"web-in-staging\"
processId = \"web\"
environmentId = \"staging\"
type = \"network\"
config = { egress = [\"staging.example:443\"] }

[[manifest]]
kind = \"Binding\"
id = \"stage-bot-net\"
processId = \"stage-bot\"
environmentId = \"staging\"
type = \"network\"
config = { ingress = [{ port = 8080 }, { port = 53, protocol = \"udp\" }], egress = [\"api.example:443\"] }
",
        ),
        (
            "map.yaml",
            "kind: CapabilityMap\nmappings:\n  data.analysis: [analyst]\n  translation: [translator]\n",
        ),
    ])
}

fn plan_json(tree: &Tree, args: &[&str]) -> Value {
    let out = tree.run([&["plan", "--format", "json"], args].concat());
    out.assert_code(0);
    out.json()
}

fn process_ids(plan: &Value) -> Vec<&str> {
    plan["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

fn process<'a>(plan: &'a Value, id: &str) -> &'a Value {
    plan["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

/// The bindings of a planned process, by id.
fn bindings(process: &Value) -> Vec<Value> {
    let mut list = process["bindings"].as_array().unwrap().clone();
    list.sort_by_key(|b| b["id"].as_str().unwrap().to_string());
    list
}

#[test]
fn plan_tree_validates_with_only_the_expected_warnings() {
    let out = plan_tree().validate();
    out.assert_code(0);
    // The binding for another environment, and `translation` served only by a stopped process
    // (in production, critical: E0211, made a warning by the tree's Settings).
    assert_eq!(out.codes(), ["W0302", "E0211"]);
}

#[test]
fn json_shape_and_process_order() {
    let tree = plan_tree();
    let out = tree.run(["plan", "--format", "json"]);
    out.assert_code(0);
    let plan = out.json();
    assert_eq!(plan["formatVersion"], 1);
    assert_eq!(
        process_ids(&plan),
        ["analyst", "stage-bot", "translator", "web"]
    );
    for p in plan["processes"].as_array().unwrap() {
        for key in [
            "id",
            "name",
            "type",
            "status",
            "platform",
            "runtimeVersion",
            "environment",
            "env",
            "bindings",
            "provides",
            "links",
        ] {
            assert!(p.get(key).is_some(), "`{key}` missing in {p}");
        }
    }
    // Warnings get a one-line note on stderr; data stays on stdout.
    assert!(out.stderr.starts_with("note: 2 warnings"), "{}", out.stderr);
    let quiet = tree.run(["-q", "plan", "--format", "json"]);
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, out.stdout);
}

#[test]
fn json_process_fields_env_overlay_secrets_bindings_and_links() {
    let plan = plan_json(&plan_tree(), &[]);
    let web = process(&plan, "web");
    assert_eq!(web["name"], "Web Agent");
    assert_eq!(web["type"], "agent");
    assert_eq!(web["status"], "running");
    assert_eq!(web["platform"], "nodejs");
    assert_eq!(web["runtimeVersion"], "nodejs-20.x");
    assert_eq!(web["environment"], "env-production");
    // Environment defaults, overridden by the process's own, plus the secrets binding's names.
    assert_eq!(
        web["env"],
        json!({
            "LOG_LEVEL": "warn",
            "NODE_ENV": "production",
            "OPENAI_API_KEY": "<secret:vault:kv/data/x#y>",
            "REGION": "eu",
        })
    );
    // Only the bindings of its own environment (not `web-in-staging`).
    assert_eq!(
        bindings(web),
        [
            json!({
                "id": "web-files",
                "type": "files",
                "mounts": [
                    {"source": "/srv/a", "target": "/app/a", "readOnly": true},
                    {"source": "/srv/b", "target": "/app/b", "readOnly": false},
                ],
            }),
            json!({
                "id": "web-secrets",
                "type": "secrets",
                "store": "vault",
                "secrets": {"OPENAI_API_KEY": "kv/data/x#y"},
            }),
        ]
    );
    assert_eq!(web["provides"], json!(["web.serve"]));
    assert_eq!(
        web["links"],
        json!([
            {"capability": "data.analysis", "provider": "analyst"},
            {"capability": "translation", "provider": null},
        ])
    );

    let analyst = process(&plan, "analyst");
    assert_eq!(analyst["type"], "service");
    assert_eq!(analyst["runtimeVersion"], Value::Null);
    assert_eq!(analyst["env"], json!({"LOG_LEVEL": "info", "REGION": "eu"}));
    assert_eq!(analyst["bindings"], json!([]));
    assert_eq!(analyst["links"], json!([]));

    let bot = process(&plan, "stage-bot");
    assert_eq!(bot["status"], "pending");
    assert_eq!(bot["environment"], "env-staging");
    assert_eq!(bot["env"], json!({"LOG_LEVEL": "debug"}));
    assert_eq!(
        bindings(bot),
        [json!({
            "id": "stage-bot-net",
            "type": "network",
            "ingress": [{"port": 8080, "protocol": "tcp"}, {"port": 53, "protocol": "udp"}],
            "egress": ["api.example:443"],
        })]
    );
}

#[test]
fn routes_list_every_mapped_capability_with_its_eligible_providers() {
    let tree = plan_tree();
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        plan["routes"],
        json!({"data.analysis": ["analyst"], "translation": []})
    );
    let staging = plan_json(&tree, &["--env", "staging"]);
    assert_eq!(
        staging["routes"],
        json!({"data.analysis": [], "translation": []})
    );
}

#[test]
fn env_filters_processes_by_name_or_id() {
    let tree = plan_tree();
    assert_eq!(
        process_ids(&plan_json(&tree, &["--env", "staging"])),
        ["stage-bot"]
    );
    assert_eq!(
        process_ids(&plan_json(&tree, &["--env", "env-staging"])),
        ["stage-bot"]
    );
    assert_eq!(
        process_ids(&plan_json(&tree, &["--env", "production"])),
        ["analyst", "translator", "web"]
    );
    assert_eq!(
        process_ids(&plan_json(&tree, &["--env", "development"])),
        Vec::<&str>::new()
    );

    let out = tree.run(["plan", "--env", "moon"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("unknown environment `moon`"),
        "{}",
        out.stderr
    );
}

#[test]
fn process_selects_one_and_an_unknown_one_is_a_usage_error() {
    let tree = plan_tree();
    let plan = plan_json(&tree, &["--process", "web"]);
    assert_eq!(process_ids(&plan), ["web"]);
    assert_eq!(plan["routes"]["data.analysis"], json!(["analyst"]));

    let out = tree.run(["plan", "--process", "wev"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("error: no process `wev`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `web`?"), "{}", out.stderr);
}

#[test]
fn table_of_the_plan_tree() {
    let out = plan_tree().run(["-q", "plan"]);
    out.assert_code(0);
    insta::assert_snapshot!("plan_tree_table", out.stdout);
}

#[test]
fn table_of_linker_d() {
    let out = oslinker(repo()).args(["plan"]).run();
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("plan_linker_d_table", out.stdout);
}

#[test]
fn table_of_linker_d_fits_80_columns() {
    let out = oslinker(repo()).args(["plan"]).env("COLUMNS", "80").run();
    out.assert_code(0);
    // Only a single item longer than a line (a long secret reference) may run past 80
    // columns: it is never cut, and nothing else shares its line.
    let long: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.chars().count() > 80 && l.trim().contains(' '))
        .collect();
    assert!(
        long.is_empty(),
        "lines over 80 columns:\n{}",
        long.join("\n")
    );
}

#[test]
fn json_of_linker_d() {
    let out = oslinker(repo()).args(["plan", "--format", "json"]).run();
    out.assert_code(0);
    let plan = out.json();
    let ids = process_ids(&plan);
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "processes are sorted by id");
    assert!(ids.len() >= 9, "{ids:?}");
    let lucid = process(&plan, "process-123");
    assert_eq!(
        lucid["env"]["OPENAI_API_KEY"],
        "<secret:vault:kv/data/lucid#openai>"
    );
    assert_eq!(
        lucid["links"],
        json!([{"capability": "data.analysis", "provider": "dreamnet-wolf-pack"}])
    );
    // A dotted capability resolves through its prefix.
    let copilot = process(&plan, "agentforce-sales-copilot");
    assert_eq!(
        copilot["links"][0],
        json!({"capability": "data.analysis.forecasting", "provider": "dreamnet-wolf-pack"})
    );
    assert_eq!(
        plan["routes"]["code.generation"],
        json!(["dreamnet-lucid", "openai-assistant"])
    );
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Reads a YAML stream into JSON values, one per document, resolving plain scalars by the
/// core schema (null, booleans, integers). Fails on any parse error.
fn yaml_documents(text: &str) -> Vec<Value> {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    enum Frame {
        Seq(Vec<Value>),
        Map(serde_json::Map<String, Value>, Option<String>),
    }
    fn attach(stack: &mut [Frame], docs: &mut Vec<Value>, value: Value) {
        match stack.last_mut() {
            None => docs.push(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                None => *key = Some(value.as_str().expect("string keys").to_string()),
                Some(k) => {
                    assert!(map.insert(k.clone(), value).is_none(), "duplicate key {k}");
                }
            },
        }
    }
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, _) = event.unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"));
        match event {
            Event::Scalar(s, style, _, _) => {
                let value = if style != ScalarStyle::Plain {
                    Value::String(s.to_string())
                } else {
                    match s.as_ref() {
                        "~" | "null" | "" => Value::Null,
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        other => other
                            .parse::<i64>()
                            .map(Value::from)
                            .unwrap_or_else(|_| Value::String(other.to_string())),
                    }
                };
                attach(&mut stack, &mut docs, value);
            }
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Frame::Map(serde_json::Map::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let value = match stack.pop().unwrap() {
                    Frame::Seq(items) => Value::Array(items),
                    Frame::Map(map, _) => Value::Object(map),
                };
                attach(&mut stack, &mut docs, value);
            }
            Event::Alias(_) => panic!("unexpected alias in plan YAML"),
            _ => {}
        }
    }
    docs
}

fn yaml_equals_json(tree_or_repo: &dyn Fn(&str) -> Output) {
    let yaml = tree_or_repo("yaml");
    yaml.assert_code(0);
    let json = tree_or_repo("json");
    json.assert_code(0);
    assert!(yaml.stdout.contains("formatVersion: 1"), "{}", yaml.stdout);
    assert!(
        !yaml.stdout.trim_start().starts_with('{'),
        "YAML, not JSON: {}",
        yaml.stdout
    );
    let docs = yaml_documents(&yaml.stdout);
    assert_eq!(docs.len(), 1, "one YAML document");
    assert_eq!(
        docs[0],
        json.json(),
        "the YAML plan reads back as the JSON plan"
    );
}

#[test]
fn yaml_plan_is_the_json_plan() {
    let tree = plan_tree();
    yaml_equals_json(&|format| tree.run(["-q", "plan", "--format", format]));
    yaml_equals_json(&|format| oslinker(repo()).args(["plan", "--format", format]).run());
}

#[test]
fn yaml_plan_quotes_strings_that_would_read_as_other_types() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: \"true\"
status: running
metadata: {platform: custom}
runtimeContext:
  environment: production
  version: \"1\"
  env:
    NUMBER: \"8080\"
    BOOL: \"false\"
    NULLISH: \"null\"
    EMPTY: \"\"
    TILDE: \"~\"
    COLON: \"a: b\"
    HASH: \"#x\"
",
    )]);
    tree.validate().assert_code(0);
    yaml_equals_json(&|format| tree.run(["plan", "--format", format]));
}

// ---------------------------------------------------------------------------------------------
// Invalid trees, empty plans.

#[test]
fn plan_on_an_invalid_tree_prints_only_errors_and_nothing_on_stdout() {
    let tree = plan_tree();
    tree.write("broken.yaml", "kind: Proces\n");
    for format in ["table", "json", "yaml"] {
        let out = tree.run(["plan", "--format", format]);
        out.assert_code(1);
        assert_eq!(out.stdout, "", "{format}");
        assert!(out.stderr.contains("E0102"), "{format}: {}", out.stderr);
        // Only errors; the tree's warnings are for `validate`.
        assert!(!out.stderr.contains("W0302"), "{format}: {}", out.stderr);
        assert!(out.stderr.contains("1 error"), "{format}: {}", out.stderr);
    }
}

#[test]
fn plan_of_a_tree_without_processes() {
    let tree = Tree::new(&[("env.yaml", "kind: Environment\nid: e\nname: e\n")]);
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        plan,
        json!({"formatVersion": 1, "processes": [], "routes": {}})
    );
    let table = tree.run(["plan"]);
    table.assert_code(0);
    assert!(!table.stdout.is_empty());
}

#[test]
fn plan_of_an_empty_tree_is_exit_1() {
    let out = Tree::empty().run(["plan"]);
    out.assert_code(1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("E0005"), "{}", out.stderr);
}
