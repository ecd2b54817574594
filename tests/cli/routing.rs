//! Capability maps limited to environments (`environments: [...]`): where they route
//! (`resolve`, `plan`, `explain`, `graph`, each process's links), what does not conflict,
//! prefix routing across both kinds of map, the plan's `environmentRoutes` and `diff` of them,
//! and the requirement checks (E0209, W0301) decided under each environment's own maps. The
//! reports of conflicts (E0208) and unknown environments (E0203) in scoped maps are cases in
//! `tests/rules`.
//!
//! Every tree is built here, one manifest per file, so that positions are easy to read: a
//! process's `requires` is at line 6, column 12; an unscoped map's first key at line 3,
//! column 3; a scoped map's `environments` list starts at line 2, column 16, and its first key
//! is at line 4, column 3.

use serde_json::{Value, json};

use crate::support::{Tree, at, oslinker};

/// A Process on nodejs, one file: `requires` (if any) at line 6.
fn process(id: &str, status: &str, environment: &str, requires: &[&str]) -> String {
    let requires = match requires {
        [] => String::new(),
        list => format!("requires: [{}]\n", list.join(", ")),
    };
    format!(
        "kind: Process\nid: {id}\nname: {id}\nstatus: {status}\nmetadata: {{platform: nodejs}}\n\
         {requires}runtimeContext: {{environment: {environment}}}\n"
    )
}

/// A capability map for every environment; `mappings` are `key: [ids]` lines.
fn unscoped(mappings: &[&str]) -> String {
    format!(
        "kind: CapabilityMap\nmappings:\n  {}\n",
        mappings.join("\n  ")
    )
}

/// A capability map for these environments (as written in the list).
fn scoped(environments: &str, mappings: &[&str]) -> String {
    format!(
        "kind: CapabilityMap\nenvironments: [{environments}]\nmappings:\n  {}\n",
        mappings.join("\n  ")
    )
}

/// Three servers (two in production, one in staging) and two processes that require
/// `code.review`, one in each; then the maps given, as `(file under maps/, text)`.
fn tree_with(maps: &[(&str, String)]) -> Tree {
    let tree = Tree::new(&[
        (
            "processes/prod-a.yaml",
            &process("prod-a", "running", "production", &[]),
        ),
        (
            "processes/prod-b.yaml",
            &process("prod-b", "running", "production", &[]),
        ),
        (
            "processes/stage-a.yaml",
            &process("stage-a", "running", "staging", &[]),
        ),
        (
            "processes/needs-prod.yaml",
            &process("needs-prod", "running", "production", &["code.review"]),
        ),
        (
            "processes/needs-stage.yaml",
            &process("needs-stage", "running", "env-staging", &["code.review"]),
        ),
    ]);
    for (file, text) in maps {
        tree.write(&format!("maps/{file}"), text);
    }
    tree
}

/// The usual pair: `code.review` for every environment, and production's own order.
fn override_tree() -> Tree {
    tree_with(&[
        ("all.yaml", unscoped(&["code.review: [stage-a, prod-a]"])),
        (
            "prod.yaml",
            scoped("production", &["code.review: [prod-b, prod-a]"]),
        ),
    ])
}

/// `resolve ... --format name`, expecting an answer: the eligible ids.
#[track_caller]
fn resolved(tree: &Tree, capability: &str, env: Option<&str>) -> Vec<String> {
    let mut args = vec!["resolve", capability, "--format", "name"];
    if let Some(env) = env {
        args.extend(["--env", env]);
    }
    let out = tree.run(args);
    out.assert_code(0);
    out.stdout.lines().map(str::to_string).collect()
}

/// `resolve ... --all --format json`: the matched key and `(id, via, eligible)` of each
/// candidate.
#[track_caller]
fn resolved_all(
    tree: &Tree,
    capability: &str,
    env: Option<&str>,
) -> (Value, Vec<(String, String, bool)>) {
    let mut args = vec!["resolve", capability, "--all", "--format", "json"];
    if let Some(env) = env {
        args.extend(["--env", env]);
    }
    let json = tree.run(args).json();
    let providers = json["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["via"].as_str().unwrap().to_string(),
                p["eligible"].as_bool().unwrap(),
            )
        })
        .collect();
    (json["matched"].clone(), providers)
}

fn candidate(id: &str, via: &str, eligible: bool) -> (String, String, bool) {
    (id.to_string(), via.to_string(), eligible)
}

#[track_caller]
fn plan_json(tree: &Tree, args: &[&str]) -> Value {
    let out = tree.run([&["plan", "--format", "json"], args].concat());
    out.assert_code(0);
    out.json()
}

/// `(process, capability, provider)` of every link of a plan.
fn links(plan: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for process in plan["processes"].as_array().unwrap() {
        for link in process["links"].as_array().unwrap() {
            all.push((
                process["id"].as_str().unwrap().to_string(),
                link["capability"].as_str().unwrap().to_string(),
                link["provider"].clone(),
            ));
        }
    }
    all
}

fn link(process: &str, capability: &str, provider: Value) -> (String, String, Value) {
    (process.to_string(), capability.to_string(), provider)
}

// ---------------------------------------------------------------------------------------------
// Overrides and conflicts.

#[test]
fn a_scoped_map_overrides_in_its_environment_by_id_or_by_name() {
    let tree = override_tree();
    // Without --env only the map for every environment applies.
    assert_eq!(resolved(&tree, "code.review", None), ["stage-a", "prod-a"]);
    // In production its own order, whether the environment is named by name or by id.
    for production in ["production", "env-production"] {
        assert_eq!(
            resolved(&tree, "code.review", Some(production)),
            ["prod-b", "prod-a"],
            "{production}"
        );
        let (matched, candidates) = resolved_all(&tree, "code.review", Some(production));
        assert_eq!(matched, "code.review");
        assert_eq!(
            candidates,
            [
                candidate("prod-b", "map #1", true),
                candidate("prod-a", "map #2", true)
            ]
        );
    }
    // Staging has no maps of its own: the map for every environment, eligible there.
    for staging in ["staging", "env-staging"] {
        assert_eq!(resolved(&tree, "code.review", Some(staging)), ["stage-a"]);
        let (_, candidates) = resolved_all(&tree, "code.review", Some(staging));
        assert_eq!(
            candidates,
            [
                candidate("stage-a", "map #1", true),
                candidate("prod-a", "map #2", false)
            ]
        );
    }
    // The table says which map key matched.
    let out = tree.run(["resolve", "code.review", "--env", "production"]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "\
code.review (map key matched exactly)
 RANK  PROVIDER  PLATFORM  PROCESS  VIA     WHY
 1     prod-b    nodejs    prod-b   map #1  running in env-production
 2     prod-a    nodejs    prod-a   map #2  running in env-production
"
    );
}

#[test]
fn a_scoped_and_an_unscoped_map_on_one_key_do_not_conflict() {
    let tree = override_tree();
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    assert_eq!(out.json()["valid"], true);
    // Whichever file comes first.
    let tree = tree_with(&[
        (
            "a-prod.yaml",
            scoped("production", &["code.review: [prod-b, prod-a]"]),
        ),
        ("b-all.yaml", unscoped(&["code.review: [stage-a, prod-a]"])),
    ]);
    tree.validate().assert_code(0);
    assert_eq!(resolved(&tree, "code.review", None), ["stage-a", "prod-a"]);
    assert_eq!(
        resolved(&tree, "code.review", Some("production")),
        ["prod-b", "prod-a"]
    );
}

#[test]
fn no_e0208_for_maps_scoped_to_different_environments() {
    let tree = tree_with(&[
        (
            "prod.yaml",
            scoped("production", &["code.review: [prod-b, prod-a]"]),
        ),
        (
            "stage.yaml",
            scoped("env-staging", &["code.review: [stage-a, prod-a]"]),
        ),
    ]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    assert_eq!(
        resolved(&tree, "code.review", Some("production")),
        ["prod-b", "prod-a"]
    );
    assert_eq!(resolved(&tree, "code.review", Some("staging")), ["stage-a"]);
    // No map for every environment: without --env nothing is mapped.
    let out = tree.run(["resolve", "code.review", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.json()["matched"], Value::Null);
    assert_eq!(out.json()["providers"], json!([]));
}

#[test]
fn one_environment_named_twice_in_environments_is_no_conflict() {
    let tree = tree_with(&[(
        "prod.yaml",
        scoped(
            "production, staging, env-production",
            &["code.review: [prod-b, stage-a]"],
        ),
    )]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Prefix routing.

#[test]
fn prefix_routing_the_longest_key_wins_whichever_map_it_is_in() {
    // A longer key for every environment beats production's own shorter one.
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code.review: [stage-a, prod-a]"])),
        ("prod.yaml", scoped("production", &["code: [prod-b]"])),
    ]);
    tree.validate().assert_code(0);
    let (matched, candidates) = resolved_all(&tree, "code.review.rust", Some("production"));
    assert_eq!(matched, "code.review");
    assert_eq!(
        candidates,
        [
            candidate("stage-a", "map #1", false),
            candidate("prod-a", "map #2", true)
        ]
    );
    // Where only production's own key is a prefix, it routes there, and only there.
    let (matched, candidates) = resolved_all(&tree, "code.generation", Some("production"));
    assert_eq!(matched, "code");
    assert_eq!(candidates, [candidate("prod-b", "map #1", true)]);
    let out = tree.run(["resolve", "code.generation", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.json()["matched"], Value::Null);
    let out = tree.run(["resolve", "code.generation", "--env", "staging"]);
    out.assert_code(1);

    // A longer key of production's own beats a shorter one for every environment.
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code: [stage-a, prod-a]"])),
        (
            "prod.yaml",
            scoped("production", &["code.review: [prod-b]"]),
        ),
    ]);
    tree.validate().assert_code(0);
    let (matched, candidates) = resolved_all(&tree, "code.review.rust", Some("production"));
    assert_eq!(matched, "code.review");
    assert_eq!(candidates, [candidate("prod-b", "map #1", true)]);
    let (matched, candidates) = resolved_all(&tree, "code.review.rust", None);
    assert_eq!(matched, "code");
    assert_eq!(
        candidates,
        [
            candidate("stage-a", "map #1", true),
            candidate("prod-a", "map #2", true)
        ]
    );
    assert_eq!(
        resolved(&tree, "code.review.rust", Some("staging")),
        ["stage-a"]
    );
    // `needs-prod` links under production's key, `needs-stage` under the one for every
    // environment.
    assert_eq!(
        links(&plan_json(&tree, &[])),
        [
            link("needs-prod", "code.review", json!("prod-b")),
            link("needs-stage", "code.review", json!("stage-a")),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Plan.

#[test]
fn each_process_links_under_its_own_environments_maps() {
    let tree = override_tree();
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        links(&plan),
        [
            // prod-b is first in production's own map, though stage-a is first in the map
            // for every environment (and does not run in production).
            link("needs-prod", "code.review", json!("prod-b")),
            link("needs-stage", "code.review", json!("stage-a")),
        ]
    );
    // Filters do not change a process's links.
    let plan = plan_json(&tree, &["--env", "production"]);
    assert_eq!(
        links(&plan),
        [link("needs-prod", "code.review", json!("prod-b"))]
    );
    // Without production's own map, needs-prod gets the first running there.
    std::fs::remove_file(tree.root().join("maps/prod.yaml")).unwrap();
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        links(&plan),
        [
            link("needs-prod", "code.review", json!("prod-a")),
            link("needs-stage", "code.review", json!("stage-a")),
        ]
    );
}

#[test]
fn plan_json_has_environment_routes_in_a_whole_plan_only() {
    let tree = override_tree();
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        plan["routes"],
        json!({"code.review": ["stage-a", "prod-a"]})
    );
    assert_eq!(
        plan["environmentRoutes"],
        json!({"env-production": {"code.review": ["prod-b", "prod-a"]}})
    );
    assert!(plan.get("filter").is_none());
    // Filtered plans have none, whichever the filter.
    for args in [
        &["--env", "production"][..],
        &["--env", "staging"],
        &["--process", "needs-prod"],
        &["--process", "needs-stage"],
    ] {
        let plan = plan_json(&tree, args);
        assert!(plan.get("environmentRoutes").is_none(), "{args:?}: {plan}");
        assert!(plan.get("filter").is_some(), "{args:?}");
    }
    // A tree without scoped maps has none either.
    std::fs::remove_file(tree.root().join("maps/prod.yaml")).unwrap();
    let plan = plan_json(&tree, &[]);
    assert!(plan.get("environmentRoutes").is_none(), "{plan}");
    assert_eq!(
        plan["routes"],
        json!({"code.review": ["stage-a", "prod-a"]})
    );
}

#[test]
fn plan_env_routes_are_the_environments_own_keys_and_the_keys_for_every_environment() {
    let tree = tree_with(&[
        (
            "all.yaml",
            unscoped(&["code.review: [stage-a, prod-a]", "data: [prod-a, stage-a]"]),
        ),
        (
            "prod.yaml",
            scoped("production", &["code: [prod-b]", "code.review: [prod-b]"]),
        ),
        ("stage.yaml", scoped("staging", &["ops: [stage-a, prod-b]"])),
    ]);
    tree.validate().assert_code(0);
    let plan = plan_json(&tree, &["--env", "production"]);
    assert_eq!(plan["filter"], json!({"environment": "env-production"}));
    assert_eq!(
        plan["routes"],
        json!({
            "code": ["prod-b"],
            "code.review": ["prod-b"],
            "data": ["prod-a"],
        })
    );
    let plan = plan_json(&tree, &["--env", "env-staging"]);
    assert_eq!(
        plan["routes"],
        json!({
            "code.review": ["stage-a"],
            "data": ["stage-a"],
            "ops": ["stage-a"],
        })
    );
    // An environment without maps of its own: the keys for every environment.
    let plan = plan_json(&tree, &["--env", "development"]);
    assert_eq!(plan["routes"], json!({"code.review": [], "data": []}));
    // The whole plan: routes for every environment, then each environment's own keys.
    let plan = plan_json(&tree, &[]);
    assert_eq!(
        plan["routes"],
        json!({"code.review": ["stage-a", "prod-a"], "data": ["prod-a", "stage-a"]})
    );
    assert_eq!(
        plan["environmentRoutes"],
        json!({
            "env-production": {"code": ["prod-b"], "code.review": ["prod-b"]},
            "env-staging": {"ops": ["stage-a"]},
        })
    );
}

#[test]
fn plan_table_prints_the_routes_in_each_environment_with_maps_of_its_own() {
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code.review: [stage-a, prod-a]"])),
        (
            "prod.yaml",
            scoped("production", &["code.review: [prod-b, prod-a]"]),
        ),
        ("stage.yaml", scoped("staging", &["ops: [stage-a]"])),
    ]);
    let out = tree.run(["plan"]);
    out.assert_code(0);
    let routes = &out.stdout[out.stdout.find("\nroutes\n").expect("routes") + 1..];
    assert_eq!(
        routes,
        "\
routes
  code.review  stage-a, prod-a

routes in env-production (its own maps)
  code.review  prod-b, prod-a

routes in env-staging (its own maps)
  ops  stage-a
"
    );
    // With --env, one list: that environment's.
    let out = tree.run(["plan", "--env", "production"]);
    out.assert_code(0);
    assert!(
        out.stdout
            .ends_with("\nroutes\n  code.review  prod-b, prod-a\n"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("routes in"), "{}", out.stdout);
}

#[test]
fn plan_table_with_only_scoped_maps_does_not_say_there_is_no_capability_map() {
    let tree = tree_with(&[
        (
            "prod.yaml",
            scoped("production", &["code.review: [prod-b, prod-a]"]),
        ),
        ("stage.yaml", scoped("staging", &["code.review: [stage-a]"])),
    ]);
    let out = tree.run(["plan"]);
    out.assert_code(0);
    assert!(
        out.stdout
            .contains("\nroutes in env-production (its own maps)\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("(no capability map)"),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Explain and graph.

#[test]
fn explain_capability_env_names_the_matched_key_and_positions() {
    let tree = override_tree();
    for production in ["production", "env-production"] {
        let out = tree.run([
            "explain",
            "code.review",
            "--env",
            production,
            "--format",
            "json",
        ]);
        out.assert_code(0);
        let capability = &out.json()["capability"];
        assert_eq!(capability["environment"], "env-production");
        assert_eq!(capability["matched"], "code.review");
        assert_eq!(
            capability["keys"],
            json!([{
                "key": "code.review",
                "mapped": true,
                "at": {"file": "tree/maps/prod.yaml", "line": 4, "column": 3},
            }])
        );
        let candidates: Vec<Value> = capability["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                json!([
                    c["id"],
                    c["rank"],
                    c["via"],
                    c["position"],
                    c["of"],
                    c["listedAt"],
                    c["order"]
                ])
            })
            .collect();
        assert_eq!(
            candidates,
            [
                json!(["prod-b", 1, "map #1", 1, 2,
                    {"file": "tree/maps/prod.yaml", "line": 4, "column": 17},
                    "listed #1 of 2 under map key `code.review`"]),
                json!(["prod-a", 2, "map #2", 2, 2,
                    {"file": "tree/maps/prod.yaml", "line": 4, "column": 25},
                    "listed #2 of 2 under map key `code.review`"]),
            ]
        );
    }
    // Without --env: the map for every environment.
    let out = tree.run(["explain", "code.review", "--format", "json"]);
    let capability = &out.json()["capability"];
    assert_eq!(capability["environment"], Value::Null);
    assert_eq!(
        capability["keys"][0]["at"],
        json!({"file": "tree/maps/all.yaml", "line": 3, "column": 3})
    );
    let ids: Vec<&Value> = capability["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&json!("stage-a"), &json!("prod-a")]);
}

#[test]
fn explain_capability_env_through_a_shorter_key_of_its_own() {
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code.review: [stage-a, prod-a]"])),
        ("prod.yaml", scoped("production", &["code: [prod-b]"])),
    ]);
    let out = tree.run([
        "explain",
        "code.generation.rust",
        "--env",
        "production",
        "--format",
        "json",
    ]);
    out.assert_code(0);
    let capability = &out.json()["capability"];
    assert_eq!(capability["named"], false);
    assert_eq!(capability["matched"], "code");
    assert_eq!(
        capability["keys"],
        json!([
            {"key": "code.generation.rust", "mapped": false, "at": null},
            {"key": "code.generation", "mapped": false, "at": null},
            {"key": "code", "mapped": true,
             "at": {"file": "tree/maps/prod.yaml", "line": 4, "column": 3}},
        ])
    );
    assert_eq!(capability["candidates"][0]["id"], "prod-b");
    assert_eq!(
        capability["candidates"][0]["listedAt"],
        json!({"file": "tree/maps/prod.yaml", "line": 4, "column": 10})
    );
    // Elsewhere no key routes it: not named, not routed.
    let out = tree.run(["explain", "code.generation.rust", "--env", "staging"]);
    out.assert_code(2);
}

#[test]
fn explain_environment_lists_the_maps_limited_to_it() {
    let tree = override_tree();
    let out = tree.run(["explain", "production", "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    assert_eq!(json["ids"][0]["id"], "env-production");
    let referrers: Vec<Value> = json["ids"][0]["referencedBy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["kind"], r["id"], r["field"], r["at"]]))
        .collect();
    let at = |file: &str, line: u64, column: u64| json!({"file": format!("tree/{file}"), "line": line, "column": column});
    assert_eq!(
        referrers,
        [
            json!([
                "Process",
                "needs-prod",
                "runtimeContext.environment",
                at("processes/needs-prod.yaml", 7, 31)
            ]),
            json!([
                "Process",
                "prod-a",
                "runtimeContext.environment",
                at("processes/prod-a.yaml", 6, 31)
            ]),
            json!([
                "Process",
                "prod-b",
                "runtimeContext.environment",
                at("processes/prod-b.yaml", 6, 31)
            ]),
            json!([
                "CapabilityMap",
                null,
                "environments",
                at("maps/prod.yaml", 2, 16)
            ]),
        ]
    );
}

/// `(from, to, label)` of each `capability:<capability>` edge of a DOT graph, in order.
fn capability_edges(dot: &str, capability: &str) -> Vec<(String, String)> {
    let from = format!("\"capability:{capability}\" -> ");
    dot.lines()
        .filter_map(|l| l.trim_start().strip_prefix(&from))
        .map(|rest| {
            let (to, attrs) = rest.split_once(" [label=\"").unwrap();
            let label = attrs.split('"').next().unwrap();
            (to.trim_matches('"').to_string(), label.to_string())
        })
        .collect()
}

fn edge(to: &str, label: &str) -> (String, String) {
    (to.to_string(), label.to_string())
}

#[test]
fn graph_env_ranks_candidates_under_the_environments_maps() {
    let tree = override_tree();
    let run = |args: &[&str]| {
        let out = tree.run([&["-q", "graph"], args].concat());
        out.assert_code(0);
        out.stdout
    };
    for production in ["production", "env-production"] {
        let dot = run(&["--env", production]);
        assert_eq!(
            capability_edges(&dot, "code.review"),
            [
                edge("process:prod-b", "1 (map #1)"),
                edge("process:prod-a", "2 (map #2)")
            ]
        );
        assert!(
            dot.contains(
                "\"process:needs-prod\" -> \"process:prod-b\" [label=\"requires code.review\""
            ),
            "{dot}"
        );
    }
    // Staging: the map for every environment; prod-a is not drawn there.
    let dot = run(&["--env", "staging"]);
    assert_eq!(
        capability_edges(&dot, "code.review"),
        [edge("process:stage-a", "1 (map #1)")]
    );
    // Everything: the map for every environment, each process linked in its own.
    let dot = run(&[]);
    assert_eq!(
        capability_edges(&dot, "code.review"),
        [
            edge("process:stage-a", "1 (map #1)"),
            edge("process:prod-a", "2 (map #2)")
        ]
    );
    assert!(
        dot.contains("\"process:needs-prod\" -> \"process:prod-b\""),
        "{dot}"
    );
    assert!(
        dot.contains("\"process:needs-stage\" -> \"process:stage-a\""),
        "{dot}"
    );
}

// ---------------------------------------------------------------------------------------------
// Diff.

/// Production's own order of `code.review`, in a tree where no process requires it.
fn diff_tree(order: &str) -> Tree {
    let tree = Tree::new(&[
        (
            "processes/prod-a.yaml",
            &process("prod-a", "running", "production", &[]),
        ),
        (
            "processes/prod-b.yaml",
            &process("prod-b", "running", "production", &[]),
        ),
        (
            "processes/stage-a.yaml",
            &process("stage-a", "running", "staging", &[]),
        ),
    ]);
    tree.write(
        "maps/all.yaml",
        unscoped(&["code.review: [stage-a, prod-a]"]),
    );
    tree.write(
        "maps/prod.yaml",
        scoped("production", &[&format!("code.review: [{order}]")]),
    );
    tree
}

#[test]
fn diff_of_the_order_in_a_scoped_map_is_a_route_change_in_that_environment() {
    let old = diff_tree("prod-b, prod-a");
    let new = diff_tree("prod-a, prod-b");
    let paths = [old.root(), new.root()];
    let out = oslinker(old.parent())
        .args(["diff"])
        .args(&paths)
        .args(["--format", "json"])
        .run();
    out.assert_code(1);
    assert_eq!(
        out.json(),
        json!({
            "formatVersion": 1,
            "changes": [{
                "op": "change",
                "kind": "route",
                "id": "code.review in env-production",
                "path": "environmentRoutes/env-production/code.review",
                "old": ["prod-b", "prod-a"],
                "new": ["prod-a", "prod-b"],
            }],
            "summary": {
                "processes": {"added": 0, "removed": 0, "changed": 0},
                "routes": {"added": 0, "removed": 0, "changed": 1},
            },
        })
    );
    let out = oslinker(old.parent()).args(["diff"]).args(&paths).run();
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "~ route code.review in env-production: prod-b, prod-a -> prod-a, prod-b (reordered)\n\
         \n1 route changed\n"
    );
    // A plan file written by `plan --format json` keeps the environment's routes.
    let plan = old.parent().join("old-plan.json");
    let written = old.run(["plan", "--format", "json"]);
    written.assert_code(0);
    std::fs::write(&plan, &written.stdout).unwrap();
    let out = oslinker(old.parent())
        .args(["diff"])
        .args([plan.clone(), new.root()])
        .run();
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "~ route code.review in env-production: prod-b, prod-a -> prod-a, prod-b (reordered)\n\
         \n1 route changed\n"
    );
    let out = oslinker(old.parent())
        .args(["diff"])
        .args([plan, old.root()])
        .run();
    out.assert_code(0);
    // The same order: no difference.
    let same = diff_tree("prod-b, prod-a");
    let out = oslinker(old.parent())
        .args(["diff"])
        .args([old.root(), same.root()])
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

#[test]
fn diff_of_a_scoped_map_added_adds_its_routes() {
    let old = diff_tree("prod-b, prod-a");
    std::fs::remove_file(old.root().join("maps/prod.yaml")).unwrap();
    let new = diff_tree("prod-b, prod-a");
    let out = oslinker(old.parent())
        .args(["diff"])
        .args([old.root(), new.root()])
        .args(["--format", "json"])
        .run();
    out.assert_code(1);
    let json = out.json();
    assert_eq!(
        json["changes"],
        json!([{
            "op": "add",
            "kind": "route",
            "id": "code.review in env-production",
            "path": "environmentRoutes/env-production/code.review",
            "old": null,
            "new": ["prod-b", "prod-a"],
        }])
    );
    assert_eq!(
        json["summary"]["routes"],
        json!({"added": 1, "removed": 0, "changed": 0})
    );
}

// ---------------------------------------------------------------------------------------------
// Requirement checks.

#[test]
fn an_unresolved_requirement_is_decided_with_the_environments_own_maps() {
    // For every environment, prod-a serves production; production's own map lists only
    // stage-a, which does not run there. Production is critical: an error (E0211).
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code.review: [prod-a, stage-a]"])),
        (
            "prod.yaml",
            scoped("production", &["code.review: [stage-a]"]),
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [at("E0211", "tree/processes/needs-prod.yaml", 6, 12)]
    );
    let d = out.diagnostic("E0211");
    assert_eq!(
        d["message"],
        "process `needs-prod` requires `code.review`, but no provider of it is eligible in \
         env-production, a critical environment"
    );
    assert_eq!(
        d["help"],
        "start a candidate in env-production, or map a provider that runs there (candidates: \
         `stage-a`: runs in env-staging, not env-production)"
    );
    // Production's own map is the one the finding points back at.
    assert_eq!(d["related"][0]["file"], "tree/maps/prod.yaml");
    // Without production's own map, prod-a serves it: nothing to say.
    std::fs::remove_file(tree.root().join("maps/prod.yaml")).unwrap();
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
}

#[test]
fn e0209_is_decided_with_the_environments_own_maps() {
    // Production's own map lists nobody for `code.review`: nothing serves it there.
    let tree = tree_with(&[
        ("all.yaml", unscoped(&["code.review: [prod-a, stage-a]"])),
        ("prod.yaml", scoped("production", &["code.review: []"])),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [at("E0209", "tree/processes/needs-prod.yaml", 6, 12)]
    );
    let d = out.diagnostic("E0209");
    assert_eq!(
        d["message"],
        "process `needs-prod` requires `code.review`, which no provider serves"
    );

    // Only staging maps it: in production nothing does.
    let tree = tree_with(&[("stage.yaml", scoped("staging", &["code.review: [stage-a]"]))]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [at("E0209", "tree/processes/needs-prod.yaml", 6, 12)]
    );
    // And resolve refuses to answer from the invalid tree.
    let out = tree.run(["resolve", "code.review", "--env", "staging"]);
    out.assert_code(1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("E0209"), "{}", out.stderr);
}

#[test]
fn an_empty_environments_list_is_reported_and_limits_the_map_to_no_environment() {
    let tree = tree_with(&[("none.yaml", scoped("", &["code.review: [prod-a]"]))]);
    let out = tree.validate();
    out.assert_code(1);
    let empty = out.diagnostic("E0110");
    assert_eq!(
        empty["message"],
        "`environments` is empty: the map applies in no environment"
    );
    assert_eq!(
        (empty["line"].as_u64(), empty["column"].as_u64()),
        (Some(2), Some(15))
    );
    // Nothing else is wrong, and the map routes nowhere.
    assert_eq!(out.codes(), ["E0110", "E0209", "E0209"]);
}
