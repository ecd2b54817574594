//! `oslinker schema [--kind KIND]`: the JSON Schema (draft-07) for editors.
//!
//! The schema printed by the binary is compiled with the `jsonschema` crate (draft 7) and
//! checked against manifests as an editor sees them: each YAML document and each TOML
//! manifest as oslinker's own loader reads it (`Node::to_json`: the same YAML 1.2 core schema,
//! anchors and merge keys that `validate` sees), and each TOML file whole as the `toml` crate
//! reads it (the `[[manifest]]` form, as Taplo checks it). The verdicts are compared with what
//! `oslinker validate` says about the same files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use oslinker::load::{Limits, load_tree};
use serde_json::{Value, json};

use crate::support::{Output, Tree, examples, oslinker, process_yaml, repo};

/// The committed schema file, and how to regenerate it.
const SCHEMA_FILE: &str = "schema/oslinker.schema.json";
const REGENERATE: &str = "cargo run -q -- schema > schema/oslinker.schema.json";

/// `oslinker schema ARGS...`, run in an empty folder: `schema` reads no tree.
fn run_schema(args: &[&str]) -> Output {
    let tmp = Tree::empty();
    oslinker(tmp.parent()).args(["schema"]).args(args).run()
}

pub fn printed_schema(args: &[&str]) -> Value {
    let out = run_schema(args);
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    out.json()
}

pub fn validator(schema: &Value) -> Validator {
    jsonschema::draft7::new(schema).unwrap_or_else(|e| panic!("not a valid draft-07 schema: {e}"))
}

/// Why `instance` fails the schema: `path: message` for each error (empty when it passes).
pub fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path().as_str()))
        .collect()
}

/// What an editor checks in the files under `root`, by path relative to `root`: each manifest
/// the loader reads (a YAML document, a TOML manifest) and each TOML file whole.
pub fn instances(root: &Path) -> BTreeMap<PathBuf, Vec<Value>> {
    let loaded = load_tree(root, false, &Limits::default()).expect("the tree loads");
    let root = root.canonicalize().unwrap();
    let relative = |path: &Path| {
        let path = path.canonicalize().unwrap();
        path.strip_prefix(&root).unwrap().to_path_buf()
    };
    let mut found: BTreeMap<PathBuf, Vec<Value>> = BTreeMap::new();
    for document in &loaded.documents {
        let path = &loaded.sources.get(document.span.file).path;
        found
            .entry(relative(path))
            .or_default()
            .push(document.to_json());
    }
    for (path, instances) in &mut found {
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(root.join(path)).unwrap();
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            if let Ok(whole) = toml::from_str::<Value>(text) {
                instances.push(whole);
            }
        }
    }
    found
}

/// The codes `oslinker validate` reports for each file under `root` (relative to `root`).
fn validate_codes(root: &Path) -> BTreeMap<PathBuf, BTreeSet<String>> {
    let out = oslinker(root)
        .args(["-d", ".", "validate", "--format", "json"])
        .run();
    let mut codes: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    for diagnostic in crate::support::diagnostics(&out.json()) {
        let file = diagnostic["file"].as_str().unwrap();
        codes
            .entry(PathBuf::from(file))
            .or_default()
            .insert(diagnostic["code"].as_str().unwrap().to_string());
    }
    codes
}

/// Structural problems, which the schema must catch: a missing or unknown kind, a bad
/// `apiVersion`, an unknown or missing field, a wrong type or enum value, a bad id or
/// capability. (Value checks such as port ranges, E0110, are partly the schema's and partly
/// `validate`'s; references and the rest need the whole tree.)
const STRUCTURAL: [&str; 9] = [
    "E0101", "E0102", "E0103", "E0104", "E0105", "E0106", "E0107", "E0108", "E0109",
];

/// For every file under `root` that parses: the schema rejects it exactly when `validate`
/// reports a structural problem in it (or, beyond structure, a value problem, `E0110`).
/// Returns how many files and instances were checked.
fn assert_schema_agrees_with_validate(validator: &Validator, root: &Path) -> (usize, usize) {
    let codes = validate_codes(root);
    let instances = instances(root);
    let mut checked = 0;
    for (path, instances) in &instances {
        let file_codes = codes.get(path).cloned().unwrap_or_default();
        let schema_errors: Vec<String> = instances
            .iter()
            .flat_map(|instance| errors(validator, instance))
            .collect();
        let structural = file_codes.iter().any(|c| STRUCTURAL.contains(&c.as_str()));
        let value_problem = file_codes.contains("E0110");
        if schema_errors.is_empty() {
            assert!(
                !structural,
                "{}: validate reports {file_codes:?} but the schema accepts it",
                path.display()
            );
        } else {
            assert!(
                structural || value_problem,
                "{}: the schema rejects what validate accepts ({file_codes:?}):\n{}",
                path.display(),
                schema_errors.join("\n")
            );
        }
        checked += instances.len();
    }
    (instances.len(), checked)
}

// ---------------------------------------------------------------------------------------------
// The schema itself.

#[test]
fn committed_schema_file_is_up_to_date() {
    let printed = run_schema(&[]);
    printed.assert_code(0);
    let committed = std::fs::read_to_string(repo().join(SCHEMA_FILE)).unwrap_or_default();
    assert!(
        printed.stdout == committed,
        "{SCHEMA_FILE} is stale: regenerate it with\n    {REGENERATE}"
    );
}

#[test]
fn schema_is_draft_07_with_a_definition_per_kind() {
    let schema = printed_schema(&[]);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // It compiles as draft 7, which also checks it against the draft-07 meta-schema.
    validator(&schema);
    assert!(jsonschema::draft7::meta::is_valid(&schema));
    for kind in [
        "Process",
        "Environment",
        "Binding",
        "Provider",
        "CapabilityMap",
        "Platform",
    ] {
        let definition = &schema["definitions"][kind];
        assert_eq!(definition["properties"]["kind"]["const"], kind);
        assert!(definition["description"].is_string());
    }
    // Deterministic: the same bytes every time.
    assert_eq!(run_schema(&[]).stdout, run_schema(&[]).stdout);
}

#[test]
fn one_kind_with_kind() {
    let schema = printed_schema(&["--kind", "Provider"]);
    assert_eq!(schema["title"], "oslinker Provider manifest");
    let definitions: Vec<&String> = schema["definitions"].as_object().unwrap().keys().collect();
    assert_eq!(definitions, ["Provider", "Health", "HttpProbe"]);
    let provider = validator(&schema);
    let hosted = json!({"kind": "Provider", "id": "p", "platform": "openai-agents"});
    assert_eq!(errors(&provider, &hosted), Vec::<String>::new());
    let list = json!({"manifest": [hosted, hosted]});
    assert_eq!(errors(&provider, &list), Vec::<String>::new());
    let process = json!({"kind": "Process", "id": "p"});
    assert!(!errors(&provider, &process).is_empty());

    // Any case; the names are those of manifests.
    assert_eq!(
        printed_schema(&["--kind", "capabilitymap"])["title"],
        "oslinker CapabilityMap manifest"
    );
    let out = run_schema(&["--kind", "Proces"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("Process"), "{}", out.stderr);
}

#[test]
fn schema_needs_no_tree() {
    // Run in a folder with no linker.d: it still prints the schema.
    let out = run_schema(&[]);
    out.assert_code(0);
    // And a broken --dir does not matter either.
    let tmp = Tree::empty();
    let out = oslinker(tmp.parent())
        .args(["-d", "missing", "schema"])
        .run();
    out.assert_code(0);
}

// ---------------------------------------------------------------------------------------------
// Every bundled manifest passes; the schema and `validate` agree on broken ones.

#[test]
fn every_bundled_manifest_matches_the_schema() {
    let validator = validator(&printed_schema(&[]));
    for tree in ["linker.d", "examples/minimal", "examples/multi-env"] {
        let root = repo().join(tree);
        let instances = instances(&root);
        let files = walk_manifest_files(&root);
        assert_eq!(
            instances.keys().cloned().collect::<BTreeSet<_>>(),
            files,
            "every manifest file of {tree} is checked"
        );
        let mut checked = 0;
        for (path, instances) in &instances {
            for instance in instances {
                let errors = errors(&validator, instance);
                assert!(
                    errors.is_empty(),
                    "{tree}/{}: {}",
                    path.display(),
                    errors.join("\n")
                );
                checked += 1;
            }
        }
        // As many manifests as `validate` reads, and each TOML file once more, whole.
        let out = oslinker(repo()).args(["-d", tree, "validate"]).run();
        out.assert_code(0);
        let tomls = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "toml"));
        let expected = format!(
            "checked {} files, {} manifests: no problems\n",
            files.len(),
            checked - tomls.count()
        );
        assert_eq!(out.stderr, expected, "{tree}");
    }
}

fn walk_manifest_files(root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "toml")
            {
                files.insert(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    files
}

#[test]
fn schema_agrees_with_validate_on_the_broken_example() {
    let validator = validator(&printed_schema(&[]));
    let root = examples().join("broken");
    let (files, instances) = assert_schema_agrees_with_validate(&validator, &root);
    assert!(
        files >= 15 && instances >= 20,
        "{files} files, {instances} instances"
    );
    // And it does reject some: the structural mistakes in it.
    let rejected: Vec<PathBuf> = self::instances(&root)
        .into_iter()
        .filter(|(_, i)| i.iter().any(|i| !errors(&validator, i).is_empty()))
        .map(|(path, _)| path)
        .collect();
    for file in [
        "bindings/bad-port.yaml",
        "bindings/missing-process.toml",
        "environments/bad-id.yaml",
        "kinds.yaml",
        "processes/bad-capability.yaml",
        "processes/typo-and-enum.yaml",
        "processes/wrong-type.toml",
    ] {
        assert!(
            rejected.contains(&PathBuf::from(file)),
            "{file}: {rejected:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Typical mistakes fail the schema (where the editor points), and `validate` too.

/// A valid process to start each mistake from.
fn process() -> String {
    format!("{}capabilities: [code]\n", process_yaml("agent"))
}

/// `(what, file, contents, where the schema complains, the code validate reports)`.
fn mistakes() -> Vec<(
    &'static str,
    &'static str,
    String,
    &'static str,
    &'static str,
)> {
    let binding = "\
kind: Binding
id: b
processId: agent
environmentId: production
type: files
config:
  mounts:
    - {source: /srv, target: /data}
";
    vec![
        (
            "unknown field",
            "a.yaml",
            process().replace("capabilities:", "capabilites:"),
            "",
            "E0104",
        ),
        (
            "unknown nested field",
            "a.yaml",
            format!("{}  verison: nodejs-20.x\n", process_yaml("agent")),
            "/runtimeContext",
            "E0104",
        ),
        (
            "wrong enum value",
            "a.yaml",
            process().replace("status: running", "status: runing"),
            "/status",
            "E0107",
        ),
        (
            "wrong type (a number for a string)",
            "a.yaml",
            process().replace("name: agent", "name: 5"),
            "/name",
            "E0106",
        ),
        (
            "wrong type (a string for a list)",
            "a.yaml",
            process().replace("capabilities: [code]", "capabilities: code"),
            "/capabilities",
            "E0106",
        ),
        (
            "missing required field",
            "a.yaml",
            process().replace("name: agent\n", ""),
            "",
            "E0105",
        ),
        (
            "missing nested required field",
            "a.yaml",
            process().replace("  platform: nodejs\n", "  version: '1'\n"),
            "/metadata",
            "E0105",
        ),
        ("missing kind", "a.yaml", "id: a\nname: a\n".to_string(), "", "E0101"),
        (
            "unknown kind",
            "a.yaml",
            process().replace("kind: Process", "kind: Proces"),
            "/kind",
            "E0102",
        ),
        (
            "wrong apiVersion",
            "a.yaml",
            format!("apiVersion: oslinker/v2\n{}", process()),
            "/apiVersion",
            "E0103",
        ),
        (
            "invalid id",
            "a.yaml",
            process().replace("id: agent", "id: -agent"),
            "/id",
            "E0108",
        ),
        (
            "invalid capability",
            "a.yaml",
            process().replace("[code]", "[Code.Gen]"),
            "/capabilities/0",
            "E0109",
        ),
        (
            "config of another binding type",
            "b.yaml",
            binding.replace("  mounts:\n    - {source: /srv, target: /data}\n", "  store: vault\n"),
            "/config",
            "E0104",
        ),
        (
            "port as a string",
            "b.yaml",
            binding
                .replace("type: files", "type: network")
                .replace("  mounts:\n    - {source: /srv, target: /data}\n", "  ingress: [{port: '80'}]\n"),
            "/config/ingress/0/port",
            "E0106",
        ),
        (
            "a field beside [[manifest]] tables",
            "c.toml",
            "kind = \"Provider\"\n\n[[manifest]]\nkind = \"Provider\"\nid = \"p\"\nplatform = \"custom\"\n"
                .to_string(),
            "",
            "E0104",
        ),
        (
            "a wrong type inside [[manifest]] tables",
            "c.toml",
            "[[manifest]]\nkind = \"Provider\"\nid = \"p\"\nplatform = \"custom\"\ncapabilities = \"code\"\n"
                .to_string(),
            "/manifest/0/capabilities",
            "E0106",
        ),
        (
            "a memory quantity with a unit that is not one",
            "a.yaml",
            format!("{}resources: {{memory: 512MB}}\n", process()),
            "/resources",
            "E0110",
        ),
        (
            "a negative replica count",
            "a.yaml",
            format!("{}replicas: {{min: -1, max: 2}}\n", process()),
            "/replicas",
            "E0110",
        ),
        (
            "an isolation level that is not one",
            "a.yaml",
            format!("{}isolation: docker\n", process()),
            "/isolation",
            "E0107",
        ),
    ]
}

#[test]
fn typical_mistakes_fail_the_schema_and_validate() {
    let validator = validator(&printed_schema(&[]));
    for (what, file, contents, pointer, code) in mistakes() {
        let tree = Tree::new(&[("agent.yaml", &process()), (file, &contents)]);
        let found = instances(&tree.root());
        let errors: Vec<String> = found[Path::new(file)]
            .iter()
            .flat_map(|i| errors(&validator, i))
            .collect();
        assert!(!errors.is_empty(), "{what}: the schema accepts\n{contents}");
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{pointer}:"))),
            "{what}: no error at `{pointer}`: {errors:?}"
        );
        let out = tree.validate();
        out.assert_code(1);
        assert!(
            out.codes().contains(&code.to_string()),
            "{what}: {:?}",
            out.codes()
        );
        // And the two agree file by file.
        assert_schema_agrees_with_validate(&validator, &tree.root());
    }
}

#[test]
fn what_validate_accepts_the_schema_accepts() {
    let validator = validator(&printed_schema(&[]));
    let tree = Tree::new(&[
        // Extensions anywhere the reader ignores them, null optional fields, anchors and
        // merge keys, numbers and booleans as env values, labels in metadata.
        (
            "a.yaml",
            "\
x-defaults: &defaults
  status: running
  metadata: {platform: nodejs, team: core, x-label: text}
kind: Process
id: a
name: A
type: null
<<: *defaults
capabilities: [code]
requires: ~
runtimeContext:
  environment: production
  version: nodejs-20.x
  env: {WORKERS: 4, DEBUG: false, RATIO: 0.5}
  x-note: {any: [thing]}
  metadata: {free: [form]}
",
        ),
        (
            "b.toml",
            "\
apiVersion = \"oslinker/v1\"
kind = \"Binding\"
id = \"b\"
processId = \"a\"
environmentId = \"env-production\"
type = \"network\"
x-owner = \"ops\"

[config]
egress = [\"api.example.com:443\", \"[::1]:8080\"]
x-note = 1

[[config.ingress]]
port = 8080
x-why = \"metrics\"
",
        ),
        (
            "c.yaml",
            "---\nkind: Platform\nid: deno\nbindingTypes: []\nversionPattern: 'deno-\\d+'\n\
             ---\nkind: CapabilityMap\nmappings: {code: [a], code.review: []}\nmetadata: ~\n",
        ),
    ]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    for (path, instances) in instances(&tree.root()) {
        for instance in instances {
            let errors = errors(&validator, &instance);
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
}
