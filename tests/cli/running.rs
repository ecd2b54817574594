//! How processes run (issue 12, part 1): `endpoint`, `resources`, `replicas`, `isolation` and
//! alternative runtimes in `plan` (table, JSON, YAML), `explain` and `diff`; left out of a
//! process that does not declare them.

use serde_json::{Value, json};

use crate::support::Tree;

const PROCESSES: &str = "\
kind: Environment
id: shared
name: shared
quota: {cpu: 4, memory: 4Gi}
minimumIsolation: container
---
kind: Process
id: api
name: API
status: running
metadata: {platform: nodejs}
runtimeContext:
  environment: shared
  version: nodejs-20.x
  alternatives:
    - platform: python
      version: python-3.12
    - platform: custom
endpoint: https://api.example.com/agent
resources: {cpu: 500m, memory: 512Mi, gpu: 1}
replicas: {min: 1, max: 4, targetConcurrency: 10}
isolation: container
---
kind: Process
id: plain
name: Plain
status: running
metadata: {platform: nodejs}
runtimeContext: {environment: development}
";

fn tree() -> Tree {
    Tree::new(&[("processes.yaml", PROCESSES)])
}

fn planned(tree: &Tree, id: &str) -> Value {
    let out = tree.run(["plan", "--format", "json"]);
    out.assert_code(0);
    let plan = out.json();
    let processes = plan["processes"].as_array().unwrap();
    processes.iter().find(|p| p["id"] == id).unwrap().clone()
}

#[test]
fn plan_json_has_the_running_fields_of_a_process_that_declares_them() {
    let api = planned(&tree(), "api");
    assert_eq!(api["endpoint"], "https://api.example.com/agent");
    assert_eq!(api["isolation"], "container");
    assert_eq!(
        api["resources"],
        json!({"cpu": "500m", "memory": "512Mi", "gpu": 1})
    );
    assert_eq!(
        api["replicas"],
        json!({"min": 1, "max": 4, "targetConcurrency": 10})
    );
    assert_eq!(
        api["alternatives"],
        json!([
            {"platform": "python", "runtimeVersion": "python-3.12"},
            {"platform": "custom"}
        ])
    );
}

#[test]
fn plan_json_leaves_them_out_of_a_process_that_does_not() {
    let plain = planned(&tree(), "plain");
    for key in [
        "endpoint",
        "isolation",
        "resources",
        "replicas",
        "alternatives",
    ] {
        assert!(plain.get(key).is_none(), "{key} in {plain:#}");
    }
}

#[test]
fn plan_yaml_and_table_show_them() {
    let tree = tree();
    let yaml = tree.run(["plan", "--format", "yaml", "--process", "api"]);
    yaml.assert_code(0);
    let text = yaml.stdout.clone();
    for line in [
        "  endpoint: https://api.example.com/agent\n",
        "  isolation: container\n",
        "    cpu: 500m\n",
        "    targetConcurrency: 10\n",
        "  - platform: python\n    runtimeVersion: python-3.12\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let table = tree.run(["plan", "--process", "api"]);
    let text = table.stdout.clone();
    for line in [
        "  alternatives python (python-3.12), custom\n",
        "  endpoint     https://api.example.com/agent\n",
        "  isolation    container\n",
        "  resources    cpu 500m, memory 512Mi, gpu 1\n",
        "  replicas     1-4 (target concurrency 10)\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let plain = tree.run(["plan", "--process", "plain"]);
    let text = plain.stdout.clone();
    assert!(!text.contains("isolation"), "{text}");
}

fn details(tree: &Tree, id: &str) -> Value {
    let out = tree.run(["explain", id, "--format", "json"]);
    out.assert_code(0);
    out.json()["ids"][0]["details"].clone()
}

#[test]
fn explain_json_shows_them_for_processes_environments_and_platforms() {
    let tree = tree();
    let api = details(&tree, "api");
    assert_eq!(api["endpoint"], "https://api.example.com/agent");
    assert_eq!(api["isolation"], "container");
    assert_eq!(api["resources"]["memory"], "512Mi");
    assert_eq!(api["replicas"]["max"], 4);
    assert_eq!(api["alternatives"][1], json!({"platform": "custom"}));
    assert!(details(&tree, "plain").get("resources").is_none());

    let shared = details(&tree, "shared");
    assert_eq!(shared["quota"], json!({"cpu": "4", "memory": "4Gi"}));
    assert_eq!(shared["minimumIsolation"], "container");

    let hosted = details(&tree, "openai-agents");
    assert_eq!(hosted["isolation"], json!(["container"]));
    assert_eq!(hosted["scales"], true);
    let nodejs = details(&tree, "nodejs");
    assert_eq!(
        nodejs["isolation"],
        json!(["none", "process", "container", "vm"])
    );
    assert_eq!(nodejs["scales"], false);
}

#[test]
fn a_trees_platform_sets_its_isolation_levels_and_scaling() {
    let tree = Tree::new(&[(
        "platform.yaml",
        "kind: Platform\nid: openai-agents\nbindingTypes: [secrets]\nisolation: [vm]\nscales: false\n\
         ---\nkind: Process\nid: a\nname: A\nstatus: running\nmetadata: {platform: openai-agents}\n\
         runtimeContext: {environment: development}\nisolation: vm\nreplicas: {min: 1, max: 2}\n",
    )]);
    // The built-in would say E0215 (containers only) and W0306 (it scales): the tree's
    // replacement says neither.
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
}

#[test]
fn diff_shows_a_change_of_resources_and_replicas() {
    let tree = tree();
    let old = tree.run(["plan", "--format", "json"]);
    std::fs::write(tree.parent().join("old.json"), &old.stdout).unwrap();
    let edited = PROCESSES
        .replace("cpu: 500m", "cpu: 750m")
        .replace("max: 4", "max: 5");
    tree.write("processes.yaml", edited);
    let out = tree.run(["diff", "old.json"]);
    let text = out.stdout.clone();
    assert!(text.contains("~ process api\n"), "{text}");
    assert!(
        text.contains("    ~ resources/cpu: 500m -> 750m\n"),
        "{text}"
    );
    assert!(text.contains("    ~ replicas/max: 4 -> 5\n"), "{text}");
    assert!(!text.contains("process plain"), "{text}");
}

#[test]
fn graph_labels_a_process_with_its_isolation_and_replicas() {
    let out = tree().run(["graph"]);
    out.assert_code(0);
    assert!(
        (out.stdout)
            .contains(r#"label="api\nAPI\nnodejs · running · container isolation · 1-4 replicas""#),
        "{}",
        out.stdout
    );
    assert!(
        (out.stdout).contains(r#"label="plain\nPlain\nnodejs · running""#),
        "{}",
        out.stdout
    );
}
