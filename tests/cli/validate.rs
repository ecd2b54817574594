//! `oslinker validate`: the bundled trees, several mistakes in one tree, the tree's formats,
//! `validate PATH...` and `--strict`. What each diagnostic code reports (message, help, place,
//! related places) is shown by its folder in `tests/rules` (see `rules.rs`).

use serde_json::Value;

use crate::support::{Tree, at, examples, oslinker, process_yaml, repo};

// ---------------------------------------------------------------------------------------------
// The bundled trees.

#[test]
fn bundled_valid_trees_have_no_diagnostics() {
    for (cwd, dir) in [
        (repo(), "linker.d"),
        (examples(), "minimal"),
        (examples(), "multi-env"),
    ] {
        let out = oslinker(&cwd)
            .args(["-d", dir, "validate", "--format", "json"])
            .run();
        out.assert_code(0);
        let json = out.json();
        assert_eq!(json["valid"], true, "{dir}");
        assert_eq!(json["errors"], 0, "{dir}");
        assert_eq!(json["warnings"], 0, "{dir}");
        assert_eq!(json["diagnostics"], Value::Array(vec![]), "{dir}");

        // --strict changes nothing for a clean tree, and the human report says so.
        let human = oslinker(&cwd)
            .args(["-d", dir, "validate", "--strict"])
            .run();
        human.assert_code(0);
        assert!(
            human.stderr.ends_with(": no problems\n"),
            "{dir}: {}",
            human.stderr
        );
        assert_eq!(human.stdout, "");
    }
}

/// `examples/broken.expected` lists `CODE file:line` for every planted mistake.
fn broken_expected() -> Vec<(String, String, u64)> {
    let text = std::fs::read_to_string(examples().join("broken.expected")).unwrap();
    let mut expected: Vec<(String, String, u64)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (code, place) = line.split_once(' ').expect("`CODE file:line`");
            let (file, line_no) = place.rsplit_once(':').expect("`file:line`");
            (
                code.to_string(),
                format!("broken/{file}"),
                line_no.parse().unwrap(),
            )
        })
        .collect();
    expected.sort();
    expected
}

#[test]
fn broken_example_reports_exactly_the_planted_mistakes() {
    let expected = broken_expected();
    assert!(
        expected.len() >= 20,
        "broken.expected lists {} mistakes",
        expected.len()
    );
    let out = oslinker(examples())
        .args(["-d", "broken", "validate", "--format", "json"])
        .run();
    out.assert_code(1);
    let mut found: Vec<(String, String, u64)> = out
        .positions()
        .into_iter()
        .map(|(code, file, line, _)| (code, file, line))
        .collect();
    found.sort();
    assert_eq!(found, expected);
    let json = out.json();
    assert_eq!(json["valid"], false);
    let warnings = expected.iter().filter(|(c, ..)| c.starts_with('W')).count();
    assert_eq!(json["warnings"], warnings);
    assert_eq!(json["errors"], expected.len() - warnings);
}

#[test]
fn broken_example_human_report_ends_with_the_summary() {
    let out = oslinker(examples())
        .args(["-d", "broken", "validate"])
        .run();
    out.assert_code(1);
    let expected = broken_expected();
    let warnings = expected.iter().filter(|(c, ..)| c.starts_with('W')).count();
    let summary = format!(
        "checked 18 files, 24 manifests: {} errors, {warnings} warnings\n",
        expected.len() - warnings
    );
    assert!(out.stderr.ends_with(&summary), "{}", out.stderr);
    // Every planted mistake is shown with its code and `file:line:`.
    for (code, file, line) in expected {
        assert!(out.stderr.contains(code.as_str()), "{code} missing");
        assert!(
            out.stderr.contains(&format!("{file}:{line}:")),
            "{file}:{line} missing"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Several mistakes in one document: each is reported, none hides the next.

#[test]
fn bad_enum_and_misspelt_field_two_lines_below_are_both_reported() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: typo-agent
name: Typo
status: runing
metadata: {platform: nodejs}
capabilites: [code.review]
runtimeContext:
  environment: production
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0107", "tree/a.yaml", 4, 9),
            at("E0104", "tree/a.yaml", 6, 1)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Formats of a tree: TOML `[[manifest]]`, YAML documents, names and ids, overrides.

#[test]
fn toml_manifest_arrays_are_several_manifests_with_their_own_lines() {
    let tree = Tree::new(&[(
        "a.toml",
        "\
# two processes

[[manifest]]
kind = \"Process\"
id = \"one\"
name = \"One\"
status = \"running\"

[manifest.metadata]
platform = \"nodejs\"

[manifest.runtimeContext]
environment = \"production\"

[[manifest]]
kind = \"Process\"
id = \"two\"
name = \"Two\"
status = \"sleeping\"

[manifest.metadata]
platform = \"nodejs\"

[manifest.runtimeContext]
environment = \"production\"
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0107", "tree/a.toml", 19, 10)]);
    let human = tree.run(["validate"]);
    assert!(
        human
            .stderr
            .ends_with("checked 1 file, 2 manifests: 1 error, 0 warnings\n"),
        "{}",
        human.stderr
    );
}

#[test]
fn toml_keys_beside_manifest_tables_are_unknown_fields() {
    let tree = Tree::new(&[(
        "a.toml",
        "stray = 1\n\n[[manifest]]\nkind = \"Environment\"\nid = \"e\"\nname = \"e\"\n",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0104", "tree/a.toml", 1, 1)]);
}

#[test]
fn yaml_documents_are_manifests_and_empty_ones_are_skipped() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
---
kind: Environment
id: e1
name: one
---
---
# only a comment
---
kind: Environment
id: e2
name: two
colour: red
---
kind: Environment
id: e3
name: [three]
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0104", "tree/a.yaml", 12, 1),
            at("E0106", "tree/a.yaml", 16, 7)
        ]
    );
    let human = tree.run(["validate"]);
    assert!(
        human
            .stderr
            .ends_with("checked 1 file, 3 manifests: 2 errors, 0 warnings\n"),
        "{}",
        human.stderr
    );
}

#[test]
fn a_yaml_syntax_error_keeps_the_documents_before_it() {
    // `a` is defined before the syntax error, so the binding to it resolves.
    let tree = Tree::new(&[
        ("a.yaml", &format!("{}---\nkind: [\n", process_yaml("a"))),
        (
            "b.yaml",
            "kind: Binding\nid: b\nprocessId: a\nenvironmentId: production\ntype: secrets\nconfig: {store: env, secrets: {A: B}}\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0001"]);
    assert_eq!(out.positions()[0].1, "tree/a.yaml");
}

#[test]
fn environments_are_referenced_by_name_or_by_id() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: by-name
name: By name
status: running
metadata: {platform: nodejs}
runtimeContext: {environment: staging}
---
kind: Process
id: by-id
name: By id
status: running
metadata: {platform: nodejs}
runtimeContext: {environment: env-staging}
---
kind: Binding
id: b-name
processId: by-id
environmentId: staging
type: secrets
config: {store: env, secrets: {A: B}}
---
kind: Binding
id: b-id
processId: by-name
environmentId: env-staging
type: secrets
config: {store: env, secrets: {C: D}}
",
    )]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    let plan = tree.run(["plan", "--format", "json"]);
    plan.assert_code(0);
    let json = plan.json();
    for p in json["processes"].as_array().unwrap() {
        assert_eq!(p["environment"], "env-staging", "{p}");
        assert_eq!(p["bindings"].as_array().unwrap().len(), 1, "{p}");
    }
}

#[test]
fn a_tree_environment_overrides_the_built_in_with_the_same_id() {
    let tree = Tree::new(&[
        (
            "env.yaml",
            "kind: Environment\nid: env-production\nname: live\nenv:\n  TIER: gold\n",
        ),
        (
            "a.yaml",
            "\
kind: Process
id: a
name: A
status: running
metadata: {platform: nodejs}
runtimeContext: {environment: live}
---
kind: Process
id: b
name: B
status: running
metadata: {platform: nodejs}
runtimeContext:
  environment: production
",
        ),
    ]);
    // The built-in name `production` went with the built-in environment.
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0203", "tree/a.yaml", 14, 16)]);

    tree.write(
        "a.yaml",
        process_yaml("b").replace("production", "env-production"),
    );
    let out = tree.validate();
    out.assert_code(0);
    let plan = tree.run(["plan", "--format", "json"]).json();
    assert_eq!(plan["processes"][0]["environment"], "env-production");
    assert_eq!(plan["processes"][0]["env"]["TIER"], "gold");
}

#[test]
fn a_tree_environment_name_wins_over_a_built_in_name() {
    let tree = Tree::new(&[
        (
            "env.yaml",
            "kind: Environment\nid: prod-eu\nname: production\n",
        ),
        ("a.yaml", &process_yaml("a")),
    ]);
    tree.validate().assert_code(0);
    let plan = tree.run(["plan", "--format", "json"]).json();
    assert_eq!(plan["processes"][0]["environment"], "prod-eu");
}

#[test]
fn a_tree_platform_with_a_version_pattern_and_binding_types() {
    let tree = Tree::new(&[
        (
            "platform.toml",
            "kind = \"Platform\"\nid = \"deno\"\nversionPattern = 'deno-\\d+(\\.x)?'\nbindingTypes = [\"secrets\", \"network\"]\n",
        ),
        (
            "a.yaml",
            "\
kind: Process
id: good
name: Good
status: running
metadata: {platform: deno}
runtimeContext: {environment: production, version: deno-2.x}
---
kind: Process
id: bad
name: Bad
status: running
metadata: {platform: deno}
runtimeContext: {environment: production, version: deno-2.x-beta}
---
kind: Binding
id: good-files
processId: good
environmentId: production
type: files
config:
  mounts: [{source: /a, target: /b}]
---
kind: Binding
id: good-net
processId: good
environmentId: production
type: network
config:
  ingress: [{port: 443}]
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0207", "tree/a.yaml", 13, 52),
            at("E0206", "tree/a.yaml", 19, 7)
        ]
    );
    assert_eq!(
        out.diagnostic("E0207")["message"],
        "runtime version `deno-2.x-beta` does not fit platform `deno`"
    );
    assert_eq!(
        out.diagnostic("E0206")["help"],
        "platform `deno` supports: secrets, network"
    );
}

#[test]
fn a_tree_platform_overrides_a_built_in_one() {
    // `nodejs` redefined: any version, and no files bindings.
    let tree = Tree::new(&[
        (
            "platform.yaml",
            "kind: Platform\nid: nodejs\nbindingTypes: [secrets]\n",
        ),
        (
            "a.yaml",
            &format!("{}  version: whatever\n", process_yaml("a")),
        ),
        (
            "b.yaml",
            "kind: Binding\nid: f\nprocessId: a\nenvironmentId: production\ntype: files\nconfig: {mounts: []}\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0206"]);
}

// ---------------------------------------------------------------------------------------------
// `validate PATH...` and `--strict`.

fn two_file_tree() -> Tree {
    Tree::new(&[
        // The process that the binding refers to, in a file that also has an error.
        (
            "processes.yaml",
            &format!("{}---\nkind: Proces\n", process_yaml("a")),
        ),
        (
            "bindings/a.yaml",
            "kind: Binding\nid: b\nprocessId: a\nenvironmentId: production\ntype: secrets\nconfig: {store: env, secrets: {A: B}}\n",
        ),
        (
            "bindings/z.yaml",
            "kind: Binding\nid: z\nprocessId: nobody\nenvironmentId: production\ntype: secrets\nconfig: {store: env, secrets: {A: B}}\n",
        ),
    ])
}

#[test]
fn validate_paths_reports_only_those_files_but_resolves_references_everywhere() {
    let tree = two_file_tree();
    let whole = tree.validate();
    whole.assert_code(1);
    assert_eq!(
        whole.positions(),
        [
            at("E0202", "tree/bindings/z.yaml", 3, 12),
            at("E0102", "tree/processes.yaml", 10, 7)
        ]
    );

    // The binding's process is in another file: it resolves, and the other file's error is
    // not reported.
    let one = tree.run(["validate", "--format", "json", "tree/bindings/a.yaml"]);
    one.assert_code(0);
    assert_eq!(one.codes(), Vec::<String>::new());
    assert_eq!(one.json()["valid"], true);

    let other = tree.run(["validate", "--format", "json", "tree/processes.yaml"]);
    other.assert_code(1);
    assert_eq!(other.codes(), ["E0102"]);

    let two = tree.run([
        "validate",
        "--format",
        "json",
        "tree/bindings/a.yaml",
        "tree/bindings/z.yaml",
    ]);
    two.assert_code(1);
    assert_eq!(two.codes(), ["E0202"]);

    // A folder stands for the files under it.
    let folder = tree.run(["validate", "--format", "json", "tree/bindings"]);
    folder.assert_code(1);
    assert_eq!(folder.codes(), ["E0202"]);
}

#[test]
fn validate_paths_are_relative_to_the_working_directory() {
    let tree = two_file_tree();
    let out = oslinker(tree.root())
        .args(["-d", ".", "validate", "--format", "json", "bindings/z.yaml"])
        .run();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0202"]);
}

#[test]
fn validate_a_missing_path_is_a_usage_error() {
    let tree = two_file_tree();
    let out = tree.run(["validate", "tree/nope.yaml"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with("error: cannot read `tree/nope.yaml`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn validate_a_path_outside_the_tree_is_noted_and_not_checked() {
    let tree = two_file_tree();
    std::fs::write(tree.parent().join("outside.yaml"), "kind: Proces\n").unwrap();
    let out = tree.run(["validate", "outside.yaml"]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("`outside.yaml` is outside the manifest directory `tree`"),
        "{}",
        out.stderr
    );
    let quiet = tree.run(["-q", "validate", "--format", "json", "outside.yaml"]);
    quiet.assert_code(0);
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.codes(), Vec::<String>::new());
}

#[test]
fn strict_turns_warnings_into_failure() {
    let tree = Tree::new(&[(
        "a.yaml",
        &format!("{}  env:\n    API_TOKEN: abc\n", process_yaml("a")),
    )]);
    let lenient = tree.validate();
    lenient.assert_code(0);
    assert_eq!(lenient.codes(), ["W0303"]);
    assert_eq!(lenient.json()["valid"], true);

    let strict = tree.run(["validate", "--format", "json", "--strict"]);
    strict.assert_code(1);
    assert_eq!(strict.json()["valid"], false);
    assert_eq!(strict.json()["warnings"], 1);

    tree.run(["validate", "--strict"]).assert_code(1);
    tree.run(["validate"]).assert_code(0);
}

#[test]
fn a_bad_status_does_not_cascade_into_requirement_warnings() {
    let text = "\
kind: Process
id: a
name: A
status: runing
metadata: {platform: custom}
capabilities: [x.y]
runtimeContext: {environment: production}
---
kind: Process
id: b
name: B
status: running
metadata: {platform: custom}
requires: [x.y]
runtimeContext: {environment: production}
";
    let out = Tree::new(&[("a.yaml", text)]).validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0107"]);
}

#[test]
fn a_map_to_unknown_ids_is_one_error_not_two() {
    let text = format!(
        "{}requires: [z]\n---\nkind: CapabilityMap\nmappings:\n  z: [ghost]\n",
        process_yaml("a")
    );
    let out = Tree::new(&[("a.yaml", &text)]).validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0205"]);
}

#[test]
fn extension_fields_are_ignored() {
    let text = format!("x-owner: team-a\n{}", process_yaml("a"));
    Tree::new(&[("a.yaml", &text)]).validate().assert_code(0);
}

#[test]
fn paths_name_folders_and_broken_links() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    tree.symlink("/nonexistent/oslinker-target", "sub/broken.yaml");
    for path in ["tree/sub", "tree/sub/broken.yaml"] {
        let out = tree.run(["validate", "--format", "json", path]);
        out.assert_code(1);
        assert_eq!(out.codes(), ["E0002"], "{path}");
    }
    let out = tree.run(["validate", "--format", "json", "tree/a.yaml"]);
    out.assert_code(0);
}

// ---------------------------------------------------------------------------------------------
// JSON manifests (`*.json`): one object, or an array of objects.

const JSON_PROCESS: &str = r#"{
  "kind": "Process",
  "id": "json-agent",
  "name": "JSON agent",
  "status": "running",
  "metadata": {"platform": "nodejs"},
  "runtimeContext": {"environment": "production"},
  "capabilities": ["code.review"]
}
"#;

#[test]
fn a_json_only_tree_validates_and_plans() {
    let tree = Tree::new(&[
        ("agent.json", JSON_PROCESS),
        (
            "more.json",
            r#"[
  {"kind": "Provider", "id": "reviewer", "platform": "nodejs", "process": "json-agent",
   "capabilities": ["code.review"]},
  {"kind": "CapabilityMap", "mappings": {"code.review": ["reviewer"]}}
]
"#,
        ),
    ]);
    let out = tree.cmd(["validate", "--format", "json"]).run();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    let out = tree.run(["resolve", "code.review", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "reviewer\njson-agent\n");
}

#[test]
fn json_manifests_get_the_same_diagnostics_at_line_and_column() {
    let tree = Tree::new(&[
        (
            "agent.json",
            &JSON_PROCESS
                .replace("\"running\"", "\"runing\"")
                .replace("\"capabilities\"", "\"capabilites\"")
                .replace(
                    "\"name\": \"JSON agent\",",
                    "\"name\": \"JSON agent\",\n  \"id\": \"again\",",
                ),
        ),
        ("comma.json", "[\n  {\"kind\": \"Process\",}\n]\n"),
        ("comment.json", "// a comment\n{\"kind\": \"Process\"}\n"),
        ("partial.json", "{\"kind\": \"Process\", \"id\": \"p\"}\n"),
    ]);
    let out = tree.cmd(["validate", "--format", "json"]).run();
    out.assert_code(1);
    assert_eq!(
        out.positions()
            .into_iter()
            .filter(|(_, file, ..)| !file.ends_with("partial.json"))
            .collect::<Vec<_>>(),
        [
            at("E0111", "tree/agent.json", 5, 3),
            at("E0107", "tree/agent.json", 6, 13),
            at("E0104", "tree/agent.json", 9, 3),
            // At the comma, and at the comment.
            at("E0001", "tree/comma.json", 2, 21),
            at("E0001", "tree/comment.json", 1, 1),
        ]
    );
    // A missing required field, as in YAML.
    assert!(
        out.positions()
            .iter()
            .any(|(code, file, ..)| code == "E0105" && file.ends_with("partial.json")),
        "{}",
        out.stdout
    );
}
