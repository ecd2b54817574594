//! `oslinker explain ID|CAPABILITY` on `tests/fixtures/graph` (see its README): every kind of
//! id (built-in ones too), a capability with eligible and ineligible candidates, an id that is
//! also a capability, both formats, unknown names and invalid trees.

use serde_json::{Value, json};

use crate::support::{Output, Tree, fixtures, oslinker, process_yaml, repo};

fn explain(args: &[&str]) -> Output {
    oslinker(fixtures())
        .args(["-q", "-d", "graph", "explain"])
        .args(args)
        .run()
}

/// The JSON explanation of `name` (exit 0).
#[track_caller]
fn explained(name: &str) -> Value {
    let out = explain(&[name, "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(json["query"], name);
    json
}

/// The one id explained.
#[track_caller]
fn only_id(json: &Value) -> &Value {
    let ids = json["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 1, "{json:#}");
    &ids[0]
}

fn at(file: &str, line: u64, column: u64) -> Value {
    json!({"file": format!("graph/{file}"), "line": line, "column": column})
}

/// `(kind, id or capability #position, field)` of each `referencedBy` entry.
fn referrers(id: &Value) -> Vec<String> {
    id["referencedBy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["id"].as_str() {
            Some(id) => format!("{} {id} {}", r["kind"].as_str().unwrap(), r["field"]),
            None => format!(
                "{} {} #{}",
                r["kind"].as_str().unwrap(),
                r["capability"].as_str().unwrap(),
                r["position"]
            ),
        })
        .collect()
}

#[test]
fn a_process() {
    let json = explained("web");
    assert_eq!(json["capability"], Value::Null);
    let web = only_id(&json);
    assert_eq!(web["kind"], "Process");
    assert_eq!(web["definedAt"], at("processes.yaml", 2, 5));
    assert_eq!(web["builtin"], false);
    assert_eq!(web["details"]["status"], "running");
    assert_eq!(web["details"]["environment"], "env-production");
    assert_eq!(
        web["references"],
        json!([
            {"field": "metadata.platform", "kind": "Platform", "id": "nodejs",
             "written": "nodejs", "at": at("processes.yaml", 5, 22),
             "definedAt": null, "builtin": true},
            {"field": "runtimeContext.environment", "kind": "Environment",
             "id": "env-production", "written": "production",
             "at": at("processes.yaml", 8, 31),
             "definedAt": at("environments.yaml", 2, 5), "builtin": false},
        ])
    );
    assert_eq!(
        referrers(web),
        [
            "Binding web-network \"processId\"",
            "Binding web-secrets \"processId\""
        ]
    );
    assert_eq!(
        web["requires"],
        json!([
            {"process": "web", "capability": "data.analysis", "environment": "env-production",
             "provider": "analyst-api", "at": at("processes.yaml", 7, 12)},
            {"process": "web", "capability": "translation", "environment": "env-production",
             "provider": "cloud-translate", "at": at("processes.yaml", 7, 27)},
        ])
    );
    assert_eq!(web["chosenBy"], json!([]));
}

#[test]
fn a_process_table() {
    let out = explain(&["web"]);
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("explain_process_table", out.stdout);
}

#[test]
fn a_process_that_serves_and_one_that_is_unresolved() {
    let analyst = explained("analyst");
    let analyst = only_id(&analyst);
    assert_eq!(referrers(analyst), ["Provider analyst-api \"process\""]);
    let stage_bot = explained("stage-bot");
    let stage_bot = only_id(&stage_bot);
    assert_eq!(stage_bot["requires"][0]["provider"], Value::Null);
    assert_eq!(stage_bot["requires"][0]["environment"], "env-staging");
    let table = explain(&["stage-bot"]).stdout;
    assert!(
        table.contains("data.analysis  -> unresolved  in env-staging"),
        "{table}"
    );
}

#[test]
fn an_environment_defined_in_the_tree_replacing_a_built_in_one() {
    let json = explained("env-production");
    let env = only_id(&json);
    assert_eq!(env["kind"], "Environment");
    assert_eq!(env["definedAt"], at("environments.yaml", 2, 5));
    assert_eq!(env["builtin"], false);
    assert_eq!(env["overridesBuiltin"], true);
    assert_eq!(env["details"]["name"], "production");
    assert_eq!(
        env["details"]["variables"],
        json!(["LOG_LEVEL", "SHARED_API_KEY"])
    );
    assert_eq!(
        referrers(env),
        [
            "Process analyst \"runtimeContext.environment\"",
            "Process translator \"runtimeContext.environment\"",
            "Process web \"runtimeContext.environment\"",
            "Binding stage-bot-prod-secrets \"environmentId\"",
            "Binding web-network \"environmentId\"",
            "Binding web-secrets \"environmentId\"",
        ]
    );
    let table = explain(&["env-production"]).stdout;
    assert!(table.contains("(replaces the built-in one)"), "{table}");
}

#[test]
fn a_built_in_environment_by_its_name() {
    let json = explained("staging");
    let env = only_id(&json);
    assert_eq!(env["id"], "env-staging");
    assert_eq!(env["definedAt"], Value::Null);
    assert_eq!(env["builtin"], true);
    assert_eq!(
        referrers(env),
        ["Process stage-bot \"runtimeContext.environment\""]
    );
    let table = explain(&["staging"]).stdout;
    assert!(
        table.starts_with(
            "Environment env-staging (named `staging`)\n  defined at       built in\n"
        ),
        "{table}"
    );
}

#[test]
fn a_binding() {
    let json = explained("web-secrets");
    let binding = only_id(&json);
    assert_eq!(binding["kind"], "Binding");
    assert_eq!(binding["definedAt"], at("bindings.yaml", 2, 5));
    assert_eq!(binding["details"]["store"], "vault");
    assert_eq!(binding["details"]["secrets"], json!(["TRANSLATE_API_KEY"]));
    let fields: Vec<&str> = binding["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["processId", "environmentId"]);
    assert_eq!(binding["referencedBy"], json!([]));
}

#[test]
fn a_provider() {
    let json = explained("analyst-api");
    let provider = only_id(&json);
    assert_eq!(provider["kind"], "Provider");
    assert_eq!(provider["details"]["hosted"], false);
    assert_eq!(provider["details"]["process"], "analyst");
    assert_eq!(referrers(provider), ["CapabilityMap data.analysis #1"]);
    assert_eq!(
        provider["referencedBy"][0]["at"],
        at("capabilities.yaml", 3, 19)
    );
    assert_eq!(provider["chosenBy"][0]["process"], "web");
    assert_eq!(provider["chosenBy"][0]["capability"], "data.analysis");

    let hosted = explained("cloud-translate");
    let hosted = only_id(&hosted);
    assert_eq!(hosted["details"]["hosted"], true);
    assert_eq!(
        hosted["details"]["endpoint"],
        "https://translate.example.com/v1"
    );
    assert_eq!(referrers(hosted), ["CapabilityMap translation #2"]);
}

#[test]
fn platforms_built_in_and_defined() {
    let python = explained("python");
    let python = only_id(&python);
    assert_eq!(python["kind"], "Platform");
    assert_eq!(python["builtin"], true);
    assert_eq!(python["definedAt"], Value::Null);
    assert_eq!(
        python["details"]["bindingTypes"],
        json!(["secrets", "files", "network"])
    );
    assert_eq!(
        referrers(python),
        [
            "Process analyst \"metadata.platform\"",
            "Process translator \"metadata.platform\"",
            "Provider analyst-api \"platform\"",
            "Provider translator-svc \"platform\"",
        ]
    );
    assert!(
        explain(&["python"])
            .stdout
            .contains("defined at       built in\n")
    );

    let edge = explained("edge");
    let edge = only_id(&edge);
    assert_eq!(edge["definedAt"], at("platforms.toml", 2, 6));
    assert_eq!(edge["details"]["versionPattern"], "edge-\\d+");
    assert_eq!(referrers(edge), ["Process stage-bot \"metadata.platform\""]);
}

#[test]
fn a_capability_with_eligible_and_ineligible_candidates() {
    let json = explained("translation");
    assert_eq!(json["ids"], json!([]));
    let capability = &json["capability"];
    assert_eq!(capability["named"], true);
    assert_eq!(capability["matched"], "translation");
    assert_eq!(
        capability["keys"],
        json!([{"key": "translation", "mapped": true, "at": at("capabilities.yaml", 4, 3)}])
    );
    assert_eq!(
        capability["candidates"],
        json!([
            {"rank": null, "id": "translator-svc", "kind": "Provider", "platform": "python",
             "process": "translator", "status": "stopped", "environment": "env-production",
             "eligible": false, "via": "map #1", "position": 1, "of": 2,
             "listedAt": at("capabilities.yaml", 4, 17),
             "order": "listed #1 of 2 under map key `translation`", "reason": "stopped"},
            {"rank": 1, "id": "cloud-translate", "kind": "Provider",
             "platform": "openai-agents", "process": null, "status": null,
             "environment": null, "eligible": true, "via": "map #2", "position": 2, "of": 2,
             "listedAt": at("capabilities.yaml", 4, 33),
             "order": "listed #2 of 2 under map key `translation`",
             "reason": "hosted (no process)"},
        ])
    );
    assert_eq!(
        capability["requiredBy"],
        json!([{"process": "web", "capability": "translation", "environment": "env-production",
                "provider": "cloud-translate", "at": at("processes.yaml", 7, 27)}])
    );
}

#[test]
fn a_capability_routed_by_a_prefix_with_advertisers() {
    let json = explained("data.analysis.timeseries");
    let capability = &json["capability"];
    assert_eq!(capability["matched"], "data.analysis");
    let keys: Vec<(&str, bool)> = capability["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["key"].as_str().unwrap(), k["mapped"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        keys,
        [("data.analysis.timeseries", false), ("data.analysis", true)]
    );
    let analyst = &capability["candidates"][1];
    assert_eq!(analyst["id"], "analyst");
    assert_eq!(analyst["kind"], "Process");
    assert_eq!(analyst["via"], "advertised");
    assert_eq!(analyst["rank"], 2);
    assert_eq!(analyst["position"], Value::Null);
    assert_eq!(analyst["listedAt"], at("processes.yaml", 16, 16));
    assert_eq!(
        analyst["order"],
        "lists `data.analysis.timeseries` in its capabilities; not mapped: after the 1 mapped, by id"
    );
}

#[test]
fn a_capability_in_one_environment() {
    let out = explain(&["data.analysis", "--env", "staging", "--format", "json"]);
    out.assert_code(0);
    let capability = &out.json()["capability"];
    assert_eq!(capability["environment"], "env-staging");
    assert_eq!(capability["candidates"][0]["eligible"], false);
    assert_eq!(
        capability["candidates"][0]["reason"],
        "runs in env-production, not env-staging"
    );
    // Requirements are always resolved where their process runs.
    let required: Vec<(&str, &Value)> = capability["requiredBy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["process"].as_str().unwrap(), &r["provider"]))
        .collect();
    assert_eq!(
        required,
        [("stage-bot", &Value::Null), ("web", &json!("analyst-api"))]
    );
}

#[test]
fn a_capability_table() {
    let out = explain(&["translation"]);
    out.assert_code(0);
    insta::assert_snapshot!("explain_capability_table", out.stdout);
    let staging = explain(&["data.analysis.timeseries", "--env", "staging"]);
    insta::assert_snapshot!("explain_capability_prefix_staging_table", staging.stdout);
}

#[test]
fn a_name_that_is_both_an_id_and_a_capability_explains_both_id_first() {
    let tree = Tree::new(&[
        (
            "p.yaml",
            &format!("{}capabilities: [search]\n", process_yaml("search")),
        ),
        (
            "q.yaml",
            &format!("{}requires: [search]\n", process_yaml("asker")),
        ),
    ]);
    let out = tree.run(["explain", "search", "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    assert_eq!(json["ids"][0]["kind"], "Process");
    assert_eq!(json["ids"][0]["chosenBy"][0]["process"], "asker");
    assert_eq!(json["capability"]["capability"], "search");
    assert_eq!(json["capability"]["candidates"][0]["id"], "search");
    let table = tree.run(["explain", "search"]).stdout;
    let process = table.find("Process search\n").unwrap();
    let capability = table.find("\ncapability search\n").unwrap();
    assert!(process < capability, "{table}");
}

#[test]
fn a_process_and_a_provider_with_one_id_are_both_explained() {
    let tree = Tree::new(&[
        (
            "p.yaml",
            &format!("{}requires: [search]\n", process_yaml("twin")),
        ),
        ("q.yaml", &process_yaml("asker")),
        (
            "prov.yaml",
            "kind: Provider\nid: twin\nplatform: custom\ncapabilities: [search]\n",
        ),
    ]);
    let out = tree.run(["explain", "twin", "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    let kinds: Vec<&str> = json["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Process", "Provider"]);
    // Routing reads the shared id as the Provider: it, not the Process, is chosen.
    assert_eq!(json["ids"][0]["chosenBy"], json!([]));
    assert_eq!(json["ids"][1]["chosenBy"][0]["process"], "twin");
}

#[test]
fn secret_values_never_appear() {
    for name in [
        "env-production",
        "web-secrets",
        "stage-bot-prod-secrets",
        "web",
    ] {
        for format in ["table", "json"] {
            let out = explain(&[name, "--format", format]);
            out.assert_code(0);
            for secret in [
                "literal-not-in-a-binding",
                "kv/data/web#translate",
                "STAGE_BOT_TOKEN",
            ] {
                assert!(
                    !out.all().contains(secret),
                    "{secret} in {name}:\n{}",
                    out.all()
                );
            }
        }
    }
}

#[test]
fn an_unknown_name_is_a_usage_error_with_a_suggestion() {
    for (name, best) in [
        ("anlyst", Some("analyst")),
        ("Data.Analysis", Some("data.analysis")),
        ("stagin", Some("staging")),
        ("nothing-like-it", None),
        ("", None),
    ] {
        let out = explain(&[name]);
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.starts_with(&format!(
                "error: `{name}` is neither an id nor a capability in this tree\n"
            )),
            "{}",
            out.stderr
        );
        match best {
            Some(best) => assert!(
                out.stderr
                    .contains(&format!("help: did you mean `{best}`?")),
                "{}",
                out.stderr
            ),
            None => assert!(!out.stderr.contains("help:"), "{}", out.stderr),
        }
    }
    // Too far from every name to be a typo, but a part of some: those are offered.
    let out = oslinker(repo())
        .args(["-d", "linker.d", "explain", "bedrock"])
        .run();
    out.assert_code(2);
    assert!(
        out.stderr.contains(
            "help: names with `bedrock` in them: `aws-bedrock`, `bedrock-summarizer`, \
             `bedrock-summarizer-001`"
        ),
        "{}",
        out.stderr
    );
    // A capability that nothing names and no map key routes is unknown too.
    explain(&["ui.design"]).assert_code(2);
    // One under a mapped key is routed by it, as `resolve` does.
    let routed = explain(&["translation.french", "--format", "json"]);
    routed.assert_code(0);
    assert_eq!(routed.json()["capability"]["named"], false);
    assert_eq!(routed.json()["capability"]["matched"], "translation");
}

#[test]
fn an_unknown_env_is_a_usage_error() {
    let out = explain(&["translation", "--env", "moon"]);
    out.assert_code(2);
    assert!(out.stderr.contains("unknown environment `moon` (--env)"));
}

#[test]
fn an_invalid_tree_gets_its_diagnostics_and_exit_1() {
    let tree = Tree::new(&[(
        "p.yaml",
        "kind: Process\nid: p\nname: P\nstatus: running\nmetadata: {platform: zos}\nruntimeContext: {environment: production}\n",
    )]);
    for format in ["table", "json"] {
        let out = tree.run(["explain", "p", "--format", format]);
        out.assert_code(1);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("E0204"), "{}", out.stderr);
    }
}

#[test]
fn json_is_deterministic() {
    for name in ["env-production", "translation", "python"] {
        let first = explain(&[name, "--format", "json"]).stdout;
        let second = explain(&[name, "--format", "json"]).stdout;
        assert_eq!(first, second);
    }
}
