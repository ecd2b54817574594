//! `Settings` (lint levels per code and per environment) and `metadata.suppress` (one finding
//! silenced where it stands, with a reason), through `validate` in every format that shows
//! them.

use serde_json::Value;

use crate::support::Tree;

/// `code.review` is mapped to a stopped process: E0210 for `coder` in development, and for
/// `tester` in staging; `translation` is advertised by a stopped process only: W0301 for
/// `reader` in development.
const ROUTES: &str = "\
kind: CapabilityMap
mappings:
  code.review: [reviewer]
---
kind: Process
id: reviewer
name: Reviewer
status: stopped
metadata: {platform: nodejs}
capabilities: [translation]
runtimeContext: {environment: development}
---
kind: Process
id: coder
name: Coder
status: running
metadata: {platform: nodejs}
requires: [code.review]
runtimeContext: {environment: development}
---
kind: Process
id: tester
name: Tester
status: running
metadata: {platform: nodejs}
requires: [code.review]
runtimeContext: {environment: staging}
---
kind: Process
id: reader
name: Reader
status: running
metadata: {platform: nodejs}
requires: [translation]
runtimeContext: {environment: development}
";

fn tree(settings: &str) -> Tree {
    let tree = Tree::new(&[("routes.yaml", ROUTES)]);
    if !settings.is_empty() {
        tree.write("settings.yaml", settings);
    }
    tree
}

/// `(code, severity)` of each diagnostic of a JSON report, in order.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, s)| (c.to_string(), s.to_string()))
        .collect()
}

#[test]
fn without_settings_each_code_has_its_own_severity() {
    let out = tree("").validate();
    out.assert_code(1);
    assert_eq!(
        findings(&out.json()),
        pairs(&[("E0210", "error"), ("E0210", "error"), ("W0301", "warning")])
    );
}

#[test]
fn a_code_can_be_allowed_warned_or_made_an_error_by_id_or_name() {
    let out = tree(
        "kind: Settings\nspec:\n  lints:\n    E0210: warn\n    requirement-not-running: error\n",
    )
    .validate();
    out.assert_code(1);
    assert_eq!(
        findings(&out.json()),
        pairs(&[
            ("E0210", "warning"),
            ("E0210", "warning"),
            ("W0301", "error")
        ])
    );

    let out = tree("kind: Settings\nspec:\n  lints: {E0210: allow, W0301: allow}\n").validate();
    out.assert_code(0);
    assert_eq!(findings(&out.json()), pairs(&[]));

    // Warned, the tree passes plain validate; --strict still fails on every warning.
    let warned = tree("kind: Settings\nspec:\n  lints: {E0210: warn}\n");
    warned.validate().assert_code(0);
    warned.run(["validate", "--strict"]).assert_code(1);
}

#[test]
fn an_environment_level_wins_over_the_tree_level_for_findings_in_that_environment() {
    // E0210 is a warning everywhere but staging (by its name), where it stays an error.
    let out = tree(
        "kind: Settings\nspec:\n  lints: {E0210: warn}\n  environments:\n    staging:\n      lints: {E0210: error}\n",
    )
    .validate();
    out.assert_code(1);
    let report = out.json();
    let levels: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0210")
        .map(|d| {
            let process = if d["message"].as_str().unwrap().contains("`tester`") {
                "tester"
            } else {
                "coder"
            };
            (
                process.to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(levels, pairs(&[("coder", "warning"), ("tester", "error")]));

    // Allowed in development only: staging's finding stays.
    let out = tree(
        "kind: Settings\nspec:\n  environments:\n    env-development:\n      lints: {E0210: allow, W0301: allow}\n",
    )
    .validate();
    assert_eq!(findings(&out.json()), pairs(&[("E0210", "error")]));
}

#[test]
fn bad_settings_entries_are_located_errors_with_help() {
    let out = tree(
        "kind: Settings\nspec:\n  lints:\n    W0310: allow\n    E0104: allow\n    requirement-not-runing: warn\n    W0301: silence\n  environments:\n    prodution:\n      lints: {E0210: warn}\n",
    )
    .validate();
    out.assert_code(1);
    let report = out.json();
    let problems: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "tree/settings.yaml")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert_eq!(problems[0].0, "E0110");
    assert_eq!(problems[0].1, 4);
    assert!(
        problems[0].2.contains("did you mean `W0301`?"),
        "{problems:?}"
    );
    assert_eq!((problems[1].0.as_str(), problems[1].1), ("E0110", 5));
    assert!(
        problems[1].2.contains("only link-level codes"),
        "{problems:?}"
    );
    assert_eq!((problems[2].0.as_str(), problems[2].1), ("E0110", 6));
    assert!(
        problems[2]
            .2
            .contains("did you mean `requirement-not-running`?")
    );
    assert_eq!((problems[3].0.as_str(), problems[3].1), ("E0107", 7));
    assert_eq!((problems[4].0.as_str(), problems[4].1), ("E0203", 9));
    assert!(
        problems[4].2.contains("did you mean `production`?"),
        "{problems:?}"
    );
}

#[test]
fn a_second_settings_is_a_duplicate() {
    let tree = tree("kind: Settings\nspec: {lints: {E0210: warn}}\n");
    tree.write(
        "more.yaml",
        "kind: Settings\nspec: {lints: {E0210: error}}\n",
    );
    let out = tree.validate();
    out.assert_code(1);
    let duplicate = out.diagnostic("E0201");
    assert_eq!(duplicate["file"], "tree/settings.yaml");
    assert_eq!(duplicate["related"][0]["file"], "tree/more.yaml");
    // The first Settings (in path order) is the one applied.
    assert!(findings(&out.json()).contains(&("E0210".to_string(), "error".to_string())));
}

/// `reader` silences its W0301 with a reason; `coder` silences a code it does not have.
fn suppressed_tree() -> Tree {
    let routes = ROUTES
        .replace(
            "id: reader\nname: Reader\nstatus: running\nmetadata: {platform: nodejs}\n",
            "id: reader\nname: Reader\nstatus: running\nmetadata:\n  platform: nodejs\n  suppress:\n    - {code: W0301, reason: translation is optional for the reader}\n",
        )
        .replace(
            "kind: CapabilityMap\nmappings:",
            "kind: CapabilityMap\nmetadata:\n  suppress:\n    - {code: E0210, reason: reported at the requirers}\nmappings:",
        );
    Tree::new(&[("routes.yaml", &routes)])
}

#[test]
fn a_suppression_silences_its_code_in_its_manifest_and_an_unused_one_is_a_warning() {
    let out = suppressed_tree().validate();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(
        findings(&report),
        pairs(&[("W0305", "warning"), ("E0210", "error"), ("E0210", "error")])
    );
    assert_eq!(report["diagnostics"][0]["line"], 4);
    assert!(report.get("suppressed").is_none(), "{report}");
    assert_eq!(report["formatVersion"], 1);
}

#[test]
fn show_suppressed_lists_them_with_their_reason_in_every_format() {
    let tree = suppressed_tree();
    let human = tree.run(["validate", "--show-suppressed"]);
    human.assert_code(1);
    assert!(
        human
            .stderr
            .contains("suppressed: 1 finding\n  W0301 requirement-not-running tree/routes.yaml:"),
        "{}",
        human.stderr
    );
    assert!(
        human
            .stderr
            .contains("    reason: translation is optional for the reader\n"),
        "{}",
        human.stderr
    );
    assert!(!tree.run(["validate"]).stderr.contains("suppressed"));

    let json = tree
        .run(["validate", "--format", "json", "--show-suppressed"])
        .json();
    let suppressed = json["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["code"], "W0301");
    assert_eq!(suppressed[0]["file"], "tree/routes.yaml");
    assert_eq!(
        suppressed[0]["reason"],
        "translation is optional for the reader"
    );
    // Silenced findings never count.
    assert_eq!(json["warnings"], 1);

    let sarif = tree
        .run(["validate", "--format", "sarif", "--show-suppressed"])
        .json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let silenced: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(silenced.len(), 1);
    assert_eq!(silenced[0]["ruleId"], "W0301");
    assert_eq!(
        silenced[0]["suppressions"],
        serde_json::json!([{ "kind": "inSource", "justification": "translation is optional for the reader" }])
    );
    let plain = tree.run(["validate", "--format", "sarif"]).json();
    assert!(
        (plain["runs"][0]["results"].as_array().unwrap().iter())
            .all(|r| r.get("suppressions").is_none())
    );
}

#[test]
fn a_suppression_needs_a_configurable_code_and_a_reason() {
    let tree = Tree::new(&[(
        "p.yaml",
        "kind: Provider\nid: p\nplatform: nodejs\nmetadata:\n  suppress:\n    - {code: E0001, reason: no}\n    - {code: W0301, reason: '  '}\n    - {code: W0301}\n",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    let codes: Vec<(String, u64)> = out
        .positions()
        .into_iter()
        .map(|(code, _, line, _)| (code, line))
        .collect();
    assert_eq!(
        codes,
        // The missing reason is reported at `suppress`, as for any list of objects.
        [
            ("E0105".to_string(), 5),
            ("E0110".to_string(), 6),
            ("E0110".to_string(), 7)
        ]
    );
}

#[test]
fn strict_still_fails_on_a_warning_left_after_settings() {
    let tree = tree("kind: Settings\nspec:\n  lints: {E0210: allow}\n");
    tree.validate().assert_code(0);
    tree.run(["validate", "--strict"]).assert_code(1);
}

#[test]
fn a_suppression_in_a_toml_array_of_tables_covers_its_whole_table_and_only_it() {
    // A `[[manifest]]` table's own span is its header: the finding at `requires` below it
    // is still inside, and the next table's identical finding is not.
    let process = |id: &str, suppress: &str| {
        format!(
            "[[manifest]]\nkind = \"Process\"\nid = \"{id}\"\nname = \"{id}\"\nstatus = \"running\"\n\
             requires = [\"translation\"]\nruntimeContext = {{ environment = \"development\" }}\n\
             metadata = {{ platform = \"nodejs\"{suppress} }}\n\n"
        )
    };
    let text = format!(
        "{}{}[[manifest]]\nkind = \"Process\"\nid = \"translator\"\nname = \"T\"\nstatus = \"stopped\"\n\
         capabilities = [\"translation\"]\nruntimeContext = {{ environment = \"development\" }}\n\
         metadata = {{ platform = \"nodejs\" }}\n",
        process(
            "reader",
            ", suppress = [{ code = \"W0301\", reason = \"optional\" }]"
        ),
        process("other", ""),
    );
    let tree = Tree::new(&[("a.toml", &text)]);
    let report = tree
        .run(["validate", "--format", "json", "--show-suppressed"])
        .json();
    assert_eq!(findings(&report), pairs(&[("W0301", "warning")]));
    assert_eq!(report["diagnostics"][0]["line"], 15);
    assert_eq!(report["suppressed"][0]["line"], 6);
}
