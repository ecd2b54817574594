//! `oslinker validate`: the bundled trees, then one focused test per schema and link rule,
//! each checking the exact code, file, line and column (issue sections 1 and 2).

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
// Schema: one document's shape (E01xx).

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
    let status = out.diagnostic("E0107");
    assert_eq!(
        status["message"],
        "`status` is `runing`, which is not one of: running, stopped, error, pending"
    );
    assert_eq!(status["help"], "did you mean `running`?");
    assert_eq!(status["severity"], "error");
    let field = out.diagnostic("E0104");
    assert_eq!(field["message"], "unknown field `capabilites` in Process");
    assert_eq!(field["help"], "did you mean `capabilities`?");
}

#[test]
fn e0101_missing_kind() {
    let tree = Tree::new(&[("a.yaml", "name: A\nid: a\n")]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0101", "tree/a.yaml", 1, 1)]);
    let d = out.diagnostic("E0101");
    assert_eq!(d["message"], "manifest has no `kind`");
    assert_eq!(
        d["help"],
        "add `kind:` with one of: Process, Environment, Binding, Provider, CapabilityMap, Platform"
    );
}

#[test]
fn e0102_unknown_kind_with_and_without_a_suggestion() {
    let tree = Tree::new(&[("a.yaml", "kind: Proces\n---\nkind: Gadget\n")]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0102", "tree/a.yaml", 1, 7),
            at("E0102", "tree/a.yaml", 3, 7)
        ]
    );
    let json = out.json();
    let d = &json["diagnostics"];
    assert_eq!(d[0]["message"], "unknown kind `Proces`");
    assert_eq!(d[0]["help"], "did you mean `Process`?");
    assert_eq!(d[1]["message"], "unknown kind `Gadget`");
    assert_eq!(
        d[1]["help"],
        "kinds are: Process, Environment, Binding, Provider, CapabilityMap, Platform"
    );
}

#[test]
fn e0103_bad_api_version() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            "apiVersion: oslinker/v2\nkind: Environment\nid: e\nname: e\n",
        ),
        (
            "b.yaml",
            "apiVersion: oslinker/v1\nkind: Environment\nid: f\nname: f\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0103", "tree/a.yaml", 1, 13)]);
    let d = out.diagnostic("E0103");
    assert!(
        d["message"].as_str().unwrap().contains("oslinker/v2"),
        "{d}"
    );
    assert!(d["help"].as_str().unwrap().contains("oslinker/v1"), "{d}");
}

#[test]
fn e0104_unknown_nested_field_and_the_missing_one_it_hides() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: A
status: running
metadata:
  platform: nodejs
runtimeContext:
  enviroment: production
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0105", "tree/a.yaml", 7, 1),
            at("E0104", "tree/a.yaml", 8, 3)
        ]
    );
    assert_eq!(
        out.diagnostic("E0104")["help"],
        "did you mean `environment`?"
    );
    assert_eq!(
        out.diagnostic("E0105")["message"],
        "`runtimeContext` is missing the required field `environment`"
    );
}

#[test]
fn e0104_unknown_field_without_a_close_name_lists_the_allowed_ones() {
    let tree = Tree::new(&[(
        "a.yaml",
        "kind: Environment\nid: e\nname: e\ncolour: blue\n",
    )]);
    let out = tree.validate();
    assert_eq!(out.positions(), [at("E0104", "tree/a.yaml", 4, 1)]);
    assert_eq!(
        out.diagnostic("E0104")["help"],
        "allowed fields: apiVersion, kind, id, name, env, metadata"
    );
}

#[test]
fn e0105_missing_required_fields_point_at_their_parent() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
status: running
metadata:
  version: \"1.0\"
runtimeContext: {environment: production}
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0105", "tree/a.yaml", 1, 1),
            at("E0105", "tree/a.yaml", 4, 1)
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "Process is missing the required field `name`"
    );
    assert_eq!(json["diagnostics"][0]["help"], "add `name`");
    assert_eq!(
        json["diagnostics"][1]["message"],
        "`metadata` is missing the required field `platform`"
    );
}

#[test]
fn e0106_wrong_types() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            "\
kind: Process
id: a
name: 42
status: running
metadata: {platform: nodejs}
capabilities: code.review
runtimeContext: {environment: production}
",
        ),
        ("b.yaml", "- kind: Process\n- id: b\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0106", "tree/a.yaml", 3, 7),
            at("E0106", "tree/a.yaml", 6, 15),
            at("E0106", "tree/b.yaml", 1, 1),
        ]
    );
    let json = out.json();
    let d = &json["diagnostics"];
    assert_eq!(d[0]["message"], "`name` must be a string, found an integer");
    assert_eq!(d[0]["help"], "quote the value to make it a string");
    assert_eq!(
        d[1]["message"],
        "`capabilities` must be a list, found a string"
    );
    assert!(
        d[2]["message"].as_str().unwrap().contains("found a list"),
        "{}",
        d[2]
    );
}

#[test]
fn e0107_enum_errors_list_the_allowed_values() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        (
            "b.yaml",
            "\
kind: Process
id: b
name: B
type: robot
status: running
metadata: {platform: nodejs}
runtimeContext: {environment: production}
---
kind: Binding
id: s
processId: a
environmentId: production
type: secrets
config:
  store: hashicorp
  secrets: {A: b}
---
kind: Binding
id: t
processId: a
environmentId: production
type: secret
config: {}
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0107", "tree/b.yaml", 4, 7),
            at("E0107", "tree/b.yaml", 15, 10),
            at("E0107", "tree/b.yaml", 22, 7),
        ]
    );
    let json = out.json();
    let d = &json["diagnostics"];
    assert_eq!(
        d[0]["message"],
        "`type` is `robot`, which is not one of: agent, service, tool"
    );
    assert_eq!(d[0]["help"], Value::Null);
    assert_eq!(
        d[1]["message"],
        "`store` is `hashicorp`, which is not one of: vault, aws-secrets-manager, \
         gcp-secret-manager, azure-key-vault, env, file"
    );
    assert_eq!(
        d[2]["message"],
        "`type` is `secret`, which is not one of: secrets, files, network"
    );
    assert_eq!(d[2]["help"], "did you mean `secrets`?");
}

#[test]
fn e0108_invalid_ids_in_definitions_and_references() {
    let tree = Tree::new(&[
        ("a.yaml", "kind: Environment\nid: bad id\nname: x\n"),
        (
            "b.yaml",
            "\
kind: Binding
id: b1
processId: _p
environmentId: production
type: secrets
config: {store: env, secrets: {A: B}}
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0108", "tree/a.yaml", 2, 5),
            at("E0108", "tree/b.yaml", 3, 12)
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "`id` `bad id` is not a valid id: it contains ` `"
    );
    assert_eq!(
        json["diagnostics"][1]["message"],
        "`processId` `_p` is not a valid id: it starts with `_`"
    );
}

#[test]
fn e0109_invalid_capability_names_in_lists_and_map_keys() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: A
status: running
metadata: {platform: nodejs}
capabilities: [code, Code.Gen]
requires: [code..gen]
runtimeContext: {environment: production}
---
kind: CapabilityMap
mappings:
  Code: [a]
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0109", "tree/a.yaml", 6, 22),
            at("E0109", "tree/a.yaml", 7, 12),
            at("E0109", "tree/a.yaml", 12, 3),
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][1]["message"],
        "capability `code..gen` is not a valid name: it has an empty segment"
    );
}

#[test]
fn e0110_values_out_of_range() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        (
            "b.yaml",
            "\
kind: Binding
id: net
processId: a
environmentId: production
type: network
config:
  ingress:
    - port: 0
    - port: 8080
      protocol: sctp
  egress: [localhost, \"h:99999\", \"api:443\"]
---
kind: Binding
id: files
processId: a
environmentId: production
type: files
config:
  mounts:
    - source: relative/path
      target: /srv/../etc
---
kind: Provider
id: pr
platform: custom
endpoint: ftp://x
---
kind: Platform
id: plat
versionPattern: \"v((\"
bindingTypes: [secrets]
---
kind: Binding
id: sec
processId: a
environmentId: production
type: secrets
config:
  store: vault
  secrets:
    1BAD: kv/x
    GOOD: \"\"
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0110", "tree/b.yaml", 8, 13),
            at("E0107", "tree/b.yaml", 10, 17),
            at("E0110", "tree/b.yaml", 11, 12),
            at("E0110", "tree/b.yaml", 11, 23),
            at("E0110", "tree/b.yaml", 20, 15),
            at("E0110", "tree/b.yaml", 21, 15),
            at("E0110", "tree/b.yaml", 26, 11),
            at("E0110", "tree/b.yaml", 30, 17),
            at("E0110", "tree/b.yaml", 41, 5),
            at("E0110", "tree/b.yaml", 42, 11),
        ]
    );
    let json = out.json();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages[0], "port 0 is out of range 1-65535");
    assert_eq!(
        messages[1],
        "`protocol` is `sctp`, which is not one of: tcp, udp"
    );
    assert_eq!(messages[2], "egress target `localhost` is not `host:port`");
    assert_eq!(messages[4], "mount path `relative/path` is not absolute");
    assert_eq!(messages[5], "mount path `/srv/../etc` contains `..`");
    assert_eq!(messages[6], "`endpoint` `ftp://x` is not an http(s) URL");
    assert!(messages[7].starts_with("`versionPattern` is not a valid regular expression"));
    assert_eq!(
        messages[8],
        "`1BAD` is not a valid environment variable name"
    );
    assert_eq!(messages[9], "the reference of `GOOD` is empty");
}

#[test]
fn e0111_duplicate_yaml_key_reports_both_places() {
    let tree = Tree::new(&[("a.yaml", "kind: Environment\nid: e\nname: e\nid: f\n")]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0111", "tree/a.yaml", 4, 1)]);
    let d = out.diagnostic("E0111");
    assert_eq!(d["message"], "duplicate key `id`");
    assert_eq!(
        d["related"],
        serde_json::json!([{"file": "tree/a.yaml", "line": 2, "column": 1, "message": "first defined here"}])
    );
}

#[test]
fn duplicate_toml_key_is_a_toml_syntax_error() {
    let tree = Tree::new(&[(
        "a.toml",
        "kind = \"Environment\"\nid = \"a\"\nid = \"b\"\nname = \"x\"\n",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0001", "tree/a.toml", 3, 1)]);
    assert_eq!(
        out.diagnostic("E0001")["message"],
        "TOML syntax error: duplicate key"
    );
}

// ---------------------------------------------------------------------------------------------
// Links between documents (E02xx).

#[test]
fn e0201_duplicate_id_reports_both_places_and_ids_are_per_kind() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("dup")),
        (
            "b.toml",
            "\
kind = \"Process\"
id = \"dup\"
name = \"again\"
status = \"running\"
metadata = { platform = \"nodejs\" }
runtimeContext = { environment = \"production\" }
",
        ),
        // The same id in another kind is fine.
        ("c.yaml", "kind: Environment\nid: dup\nname: dup-env\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0201", "tree/b.toml", 2, 6)]);
    let d = out.diagnostic("E0201");
    assert_eq!(d["message"], "Process id `dup` is defined twice");
    assert_eq!(
        d["related"],
        serde_json::json!([{"file": "tree/a.yaml", "line": 2, "column": 5, "message": "first defined here"}])
    );
}

#[test]
fn e0202_unknown_process_from_a_binding_and_a_provider() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("ghosts")),
        (
            "b.yaml",
            "\
kind: Binding
id: b
processId: ghost
environmentId: production
type: secrets
config: {store: env, secrets: {A: B}}
---
kind: Provider
id: p
platform: custom
process: phantom
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0202", "tree/b.yaml", 3, 12),
            at("E0202", "tree/b.yaml", 11, 10)
        ]
    );
    let json = out.json();
    assert_eq!(json["diagnostics"][0]["message"], "unknown process `ghost`");
    assert_eq!(json["diagnostics"][0]["help"], "did you mean `ghosts`?");
    assert_eq!(
        json["diagnostics"][1]["message"],
        "unknown process `phantom`"
    );
}

#[test]
fn e0203_unknown_environment_from_a_process_and_a_binding() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: A
status: running
metadata: {platform: nodejs}
runtimeContext:
  environment: prodution
---
kind: Binding
id: b
processId: a
environmentId: moon
type: secrets
config: {store: env, secrets: {A: B}}
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0203", "tree/a.yaml", 7, 16),
            at("E0203", "tree/a.yaml", 12, 16)
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "unknown environment `prodution`"
    );
    assert_eq!(json["diagnostics"][0]["help"], "did you mean `production`?");
}

#[test]
fn e0204_unknown_platform_from_a_process_and_a_provider() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: A
status: running
metadata:
  platform: nodjs
runtimeContext: {environment: production}
---
kind: Provider
id: p
platform: zos
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0204", "tree/a.yaml", 6, 13),
            at("E0204", "tree/a.yaml", 11, 11)
        ]
    );
    let json = out.json();
    assert_eq!(json["diagnostics"][0]["help"], "did you mean `nodejs`?");
    assert_eq!(json["diagnostics"][1]["message"], "unknown platform `zos`");
}

#[test]
fn e0205_unknown_provider_in_a_capability_map() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        (
            "map.yaml",
            "kind: CapabilityMap\nmappings:\n  code: [a, ghost-provider]\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0205", "tree/map.yaml", 3, 13)]);
    assert_eq!(
        out.diagnostic("E0205")["message"],
        "unknown provider `ghost-provider`"
    );
}

#[test]
fn e0206_binding_type_the_platform_cannot_have() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            "\
kind: Process
id: hosted
name: Hosted
status: running
metadata:
  platform: openai-agents
runtimeContext: {environment: production}
---
kind: Process
id: ide
name: IDE
status: running
metadata:
  platform: cursor
runtimeContext: {environment: development}
",
        ),
        (
            "b.yaml",
            "\
kind: Binding
id: hosted-files
processId: hosted
environmentId: production
type: files
config:
  mounts: [{source: /a, target: /b}]
---
kind: Binding
id: ide-network
processId: ide
environmentId: development
type: network
config:
  egress: [\"a.example:443\"]
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0206", "tree/b.yaml", 5, 7),
            at("E0206", "tree/b.yaml", 13, 7)
        ]
    );
    let json = out.json();
    let d = &json["diagnostics"][0];
    assert_eq!(
        d["message"],
        "process `hosted` runs on platform `openai-agents`, which cannot have files bindings"
    );
    assert_eq!(
        d["help"],
        "platform `openai-agents` supports: secrets, network"
    );
    assert_eq!(
        d["related"],
        serde_json::json!([{"file": "tree/a.yaml", "line": 6, "column": 13, "message": "the process's platform"}])
    );
    assert_eq!(
        json["diagnostics"][1]["help"],
        "platform `cursor` supports: secrets, files"
    );
}

#[test]
fn e0207_runtime_version_that_does_not_fit_the_platform() {
    let tree = Tree::new(&[(
        "a.yaml",
        "\
kind: Process
id: a
name: A
status: running
metadata: {platform: nodejs}
runtimeContext:
  environment: production
  version: node-20
---
kind: Process
id: b
name: B
status: running
metadata: {platform: python}
runtimeContext:
  environment: production
  version: python3
---
kind: Process
id: c
name: C
status: running
metadata: {platform: custom}
runtimeContext:
  environment: production
  version: anything-goes
---
kind: Process
id: d
name: D
status: running
metadata: {platform: python}
runtimeContext:
  environment: production
  version: python-3.12
",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0207", "tree/a.yaml", 8, 12),
            at("E0207", "tree/a.yaml", 17, 12)
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "runtime version `node-20` does not fit platform `nodejs`"
    );
    assert!(
        json["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("nodejs-20.x")
    );
}

#[test]
fn e0208_capability_mapped_in_two_maps_reports_both_places() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        (
            "maps/1.yaml",
            "kind: CapabilityMap\nmappings:\n  code: [a]\n  code.review: [a]\n",
        ),
        (
            "maps/2.toml",
            "kind = \"CapabilityMap\"\n\n[mappings]\n\"data\" = [\"a\"]\n\"code.review\" = [\"a\"]\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0208", "tree/maps/2.toml", 5, 1)]);
    let d = out.diagnostic("E0208");
    assert_eq!(d["message"], "capability `code.review` is mapped twice");
    assert_eq!(
        d["related"],
        serde_json::json!([{"file": "tree/maps/1.yaml", "line": 4, "column": 3, "message": "first mapped here"}])
    );
}

const REQUIRES_TREE: &str = "\
kind: Process
id: needy
name: Needy
status: running
metadata: {platform: nodejs}
requires: [quantum.annealing, translation.text, data.analysis]
runtimeContext: {environment: staging}
---
kind: Process
id: translator
name: Translator
status: stopped
metadata: {platform: python}
capabilities: [translation]
runtimeContext: {environment: staging}
---
kind: Process
id: analyst
name: Analyst
status: running
metadata: {platform: python}
capabilities: [data.analysis]
runtimeContext: {environment: production}
";

#[test]
fn e0209_unserved_requirement_and_w0301_only_stopped_or_elsewhere() {
    let tree = Tree::new(&[
        ("a.yaml", REQUIRES_TREE),
        (
            "map.yaml",
            "kind: CapabilityMap\nmappings:\n  translation: [translator]\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    // requires: [quantum.annealing, translation.text, data.analysis]
    //            12                 31                49
    assert_eq!(
        out.positions(),
        [
            at("E0209", "tree/a.yaml", 6, 12),
            at("W0301", "tree/a.yaml", 6, 31),
            at("W0301", "tree/a.yaml", 6, 49),
        ]
    );
    let json = out.json();
    let d = &json["diagnostics"];
    assert_eq!(
        d[0]["message"],
        "process `needy` requires `quantum.annealing`, which no provider serves"
    );
    assert_eq!(d[1]["severity"], "warning");
    assert_eq!(
        d[1]["message"],
        "process `needy` requires `translation.text`, but no provider of it is running in env-staging"
    );
    assert_eq!(d[1]["help"], "candidates: `translator`: stopped");
    // A provider running, but in another environment, does not serve it here.
    assert_eq!(
        d[2]["help"],
        "candidates: `analyst`: runs in env-production, not env-staging"
    );
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 2);
}

#[test]
fn w0302_binding_for_another_environment_reports_both_places() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        (
            "b.yaml",
            "\
kind: Binding
id: b
processId: a
environmentId: env-staging
type: secrets
config: {store: env, secrets: {A: B}}
",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.positions(), [at("W0302", "tree/b.yaml", 4, 16)]);
    let d = out.diagnostic("W0302");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"],
        "binding `b` is for env-staging, but process `a` runs in env-production"
    );
    assert_eq!(
        d["related"],
        serde_json::json!([{"file": "tree/a.yaml", "line": 8, "column": 16, "message": "the process's environment"}])
    );
    let json = out.json();
    assert_eq!(json["valid"], true);
    assert_eq!(json["warnings"], 1);
}

#[test]
fn w0303_literal_values_under_secret_looking_names() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            "\
kind: Process
id: a
name: A
status: running
metadata: {platform: nodejs}
runtimeContext:
  environment: production
  env:
    OPENAI_API_KEY: sk-1
    GITHUB_TOKEN: ghp-2
    CLIENT_SECRET: s3
    DB_PASSWORD_FILE: /run/pw
    TOKENIZER_MODE: fast
    KEY_ID: k1
    EMPTY_TOKEN: \"\"
",
        ),
        (
            "env.toml",
            "kind = \"Environment\"\nid = \"e\"\nname = \"e\"\n\n[env]\nadmin_password = \"hunter2\"\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(
        out.positions(),
        [
            at("W0303", "tree/a.yaml", 9, 21),
            at("W0303", "tree/a.yaml", 10, 19),
            at("W0303", "tree/a.yaml", 11, 20),
            at("W0303", "tree/a.yaml", 12, 23),
            at("W0303", "tree/env.toml", 6, 18),
        ]
    );
    let json = out.json();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "`OPENAI_API_KEY` looks like a secret but has a literal value in `env`"
    );
    assert!(
        json["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("secrets")
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
fn more_secret_looking_names_are_warned_about() {
    let text = format!(
        "{}  env:\n    AWS_SECRET_ACCESS_KEY: a\n    STRIPE_SECRET_KEY: b\n    SECRET_KEY_BASE: c\n    AWS_ACCESS_KEY_ID: not-a-secret\n",
        process_yaml("a")
    );
    let out = Tree::new(&[("a.yaml", &text)]).validate();
    out.assert_code(0);
    assert_eq!(out.codes(), ["W0303", "W0303", "W0303"]);
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
