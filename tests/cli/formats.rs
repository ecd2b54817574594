//! The five `validate` report formats, colour and `--quiet` (issue section 2).

use serde_json::Value;

use crate::support::{Output, Tree, diagnostics, examples, oslinker, process_yaml};

fn broken(format: &str) -> Output {
    oslinker(examples())
        .args(["-d", "broken", "validate", "--format", format])
        .run()
}

/// The JSON report of `examples/broken`, the reference the other formats are checked against.
fn broken_json() -> Value {
    let out = broken("json");
    out.assert_code(1);
    out.json()
}

// ---------------------------------------------------------------------------------------------
// human

#[test]
fn human_report_of_the_broken_example() {
    let out = oslinker(examples())
        .args(["-d", "broken", "validate"])
        .run();
    out.assert_code(1);
    assert_eq!(out.stdout, "", "the human report goes to stderr");
    assert!(!out.stderr.contains('\u{1b}'), "no colour off a terminal");
    insta::assert_snapshot!("validate_broken_human", out.stderr);
}

#[test]
fn human_report_shows_related_places_and_help() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("dup")),
        ("b.yaml", &process_yaml("dup")),
    ]);
    let out = tree.run(["validate"]);
    out.assert_code(1);
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!("validate_duplicate_human", out.stderr);
}

#[test]
fn human_summary_counts_files_manifests_errors_and_warnings() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            &format!("{}---\n{}", process_yaml("a"), process_yaml("b")),
        ),
        (
            "b.toml",
            "kind = \"Environment\"\nid = \"e\"\nname = \"e\"\n\n[env]\nX_TOKEN = \"t\"\n",
        ),
        ("c.yaml", "kind: Proces\n"),
    ]);
    let out = tree.run(["validate"]);
    out.assert_code(1);
    assert!(
        out.stderr
            .ends_with("\nchecked 3 files, 4 manifests: 1 error, 1 warning\n"),
        "{}",
        out.stderr
    );
    let one = Tree::new(&[("a.yaml", &process_yaml("a"))]).run(["validate"]);
    one.assert_code(0);
    assert_eq!(one.stderr, "checked 1 file, 1 manifest: no problems\n");
    assert_eq!(one.stdout, "");
}

#[test]
fn quiet_drops_the_summary() {
    let clean = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    for format in ["human", "json", "github", "sarif", "junit"] {
        let out = clean.run(["-q", "validate", "--format", format]);
        out.assert_code(0);
        assert_eq!(out.stderr, "", "{format}");
    }
    let out = oslinker(examples())
        .args(["-d", "broken", "validate", "--quiet"])
        .run();
    out.assert_code(1);
    assert!(out.stderr.contains("E0201"), "diagnostics stay");
    assert!(!out.stderr.contains("checked "), "{}", out.stderr);
}

#[test]
fn colour_always_auto_and_never() {
    let always = oslinker(examples())
        .args(["-d", "broken", "validate", "--color", "always"])
        .env_remove("NO_COLOR")
        .run();
    always.assert_code(1);
    assert!(always.stderr.contains("\u{1b}["), "--color always colours");

    // Auto: stderr is a pipe here, and NO_COLOR is set: no colour.
    let auto = oslinker(examples())
        .args(["-d", "broken", "validate", "--color", "auto"])
        .run();
    assert!(!auto.stderr.contains('\u{1b}'));
    let auto_no_color = oslinker(examples())
        .args(["-d", "broken", "validate"])
        .env("NO_COLOR", "1")
        .run();
    assert!(!auto_no_color.stderr.contains('\u{1b}'));

    let never = oslinker(examples())
        .args(["-d", "broken", "validate", "--color", "never"])
        .env_remove("NO_COLOR")
        .run();
    assert!(!never.stderr.contains('\u{1b}'));

    // Colour is only ever on stderr, never in data.
    let json = oslinker(examples())
        .args([
            "-d", "broken", "validate", "--color", "always", "--format", "json",
        ])
        .env_remove("NO_COLOR")
        .run();
    assert!(!json.stdout.contains('\u{1b}'));
}

/// Runs oslinker with stdout and stderr on a pseudo-terminal (through util-linux `script`)
/// with `TERM=xterm-256color` and no colour variables but `env`, returning what the terminal
/// showed. The tests that call it are `#[ignore = "needs script (util-linux)"]`.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    use std::process::{Command, Stdio};
    let command = format!("'{}' {args}", env!("CARGO_BIN_EXE_oslinker"));
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(examples())
        .env_remove("OSLINKER_DIR")
        .env("COLUMNS", "100")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "CI"] {
        script.env_remove(name);
    }
    for (name, value) in env {
        script.env(name, value);
    }
    let output = script
        .output()
        .expect("util-linux `script` must be on the PATH for this test");
    let shown = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!shown.contains("panicked"), "{shown}");
    shown
}

#[track_caller]
fn assert_colour(shown: &str, expected: bool, why: &str) {
    assert_eq!(shown.contains("\u{1b}["), expected, "{why}:\n{shown}");
}

#[test]
#[ignore = "needs script (util-linux)"]
fn colour_on_a_terminal_by_the_ecosystems_conventions() {
    let validate = "-d broken validate";
    let auto = on_a_terminal(validate, &[]);
    assert!(auto.contains("E0201"), "{auto}");
    assert_colour(&auto, true, "a terminal gets colour");
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool, &'a str);
    let cases: [Case; 7] = [
        (
            validate,
            &[("NO_COLOR", "1")],
            false,
            "NO_COLOR turns it off",
        ),
        (
            validate,
            &[("NO_COLOR", "")],
            true,
            "an empty NO_COLOR does not count (no-color.org)",
        ),
        (
            validate,
            &[("CLICOLOR", "0")],
            false,
            "CLICOLOR=0 turns it off",
        ),
        (
            validate,
            &[("TERM", "dumb")],
            false,
            "TERM=dumb turns it off",
        ),
        (
            "-d broken validate --color never",
            &[],
            false,
            "--color never wins",
        ),
        ("--color never --help", &[], false, "--color reaches --help"),
        (
            "--help",
            &[("NO_COLOR", "1")],
            false,
            "NO_COLOR reaches --help",
        ),
    ];
    for (args, env, expected, why) in cases {
        assert_colour(&on_a_terminal(args, env), expected, why);
    }
    assert_colour(&on_a_terminal("--help", &[]), true, "--help on a terminal");
}

#[test]
fn colour_choice_reaches_help_and_usage_errors_off_a_terminal() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut run = oslinker(examples()).args(args).env_remove("NO_COLOR");
        for (name, value) in env {
            run = run.env(name, value);
        }
        let out = run.run();
        format!("{}{}", out.stdout, out.stderr)
    };
    assert_colour(
        &run(&["--color", "always", "--help"], &[]),
        true,
        "--color always --help",
    );
    assert_colour(
        &run(&["plan", "--help", "--color=always"], &[]),
        true,
        "after the subcommand",
    );
    assert_colour(&run(&["--help"], &[]), false, "not a terminal");
    assert_colour(
        &run(&["--help"], &[("CLICOLOR_FORCE", "1")]),
        true,
        "CLICOLOR_FORCE",
    );
    assert_colour(
        &run(&["--color", "always", "--bogus"], &[]),
        true,
        "a usage error",
    );
    assert_colour(
        &run(&["--color", "never", "--bogus"], &[("CLICOLOR_FORCE", "1")]),
        false,
        "--color never wins",
    );
}

#[test]
fn an_unknown_colour_choice_is_a_usage_error() {
    let out = oslinker(examples())
        .args(["-d", "minimal", "validate", "--color", "sometimes"])
        .run();
    out.assert_code(2);
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------------------------
// json

#[test]
fn json_report_shape() {
    let out = broken("json");
    out.assert_code(1);
    assert_eq!(
        out.stderr,
        "checked 18 files, 24 manifests: 20 errors, 2 warnings\n"
    );
    let json = out.json();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(json["valid"], false);
    assert_eq!(json["errors"], 20);
    assert_eq!(json["warnings"], 2);
    for d in diagnostics(&json) {
        for key in [
            "code", "severity", "message", "file", "line", "column", "help", "related",
        ] {
            assert!(d.get(key).is_some(), "`{key}` missing in {d}");
        }
        let code = d["code"].as_str().unwrap();
        let severity = if code.starts_with('W') {
            "warning"
        } else {
            "error"
        };
        assert_eq!(d["severity"], severity, "{d}");
        assert!(d["line"].as_u64().unwrap() >= 1, "{d}");
        assert!(d["column"].as_u64().unwrap() >= 1, "{d}");
        assert!(d["file"].as_str().unwrap().starts_with("broken/"), "{d}");
        assert!(!d["message"].as_str().unwrap().is_empty());
        assert!(d["help"].is_null() || d["help"].is_string());
        for r in d["related"].as_array().unwrap() {
            assert!(r["line"].as_u64().unwrap() >= 1);
            assert!(r["column"].as_u64().unwrap() >= 1);
            assert!(r["file"].is_string() && r["message"].is_string(), "{r}");
        }
    }
    let first = &diagnostics(&json)[0];
    assert_eq!(first["code"], "E0110");
    assert_eq!(first["file"], "broken/bindings/bad-port.yaml");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(9), Some(20))
    );
}

#[test]
fn json_report_of_a_clean_tree() {
    let out = Tree::new(&[("a.yaml", &process_yaml("a"))]).run(["validate", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(
        out.json(),
        serde_json::json!({"formatVersion": 1, "valid": true, "errors": 0, "warnings": 0, "diagnostics": []})
    );
}

#[test]
fn messages_name_the_id_or_field_they_are_about() {
    let json = broken_json();
    let by_code = |code: &str| {
        diagnostics(&json)
            .iter()
            .find(|d| d["code"] == code)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(by_code("E0202").contains("`ghost-process`"));
    assert!(by_code("E0201").contains("`dup-agent`"));
    assert!(by_code("E0104").contains("`capabilites`"));
    assert!(by_code("E0105").contains("`processId`"));
    assert!(by_code("W0303").contains("`OPENAI_API_KEY`"));
}

// ---------------------------------------------------------------------------------------------
// github

#[test]
fn github_annotations_match_the_json_report() {
    let out = broken("github");
    out.assert_code(1);
    let json = broken_json();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        diagnostics(&json).len(),
        "one annotation per diagnostic"
    );
    for (line, d) in lines.iter().zip(diagnostics(&json)) {
        let command = if d["severity"] == "warning" {
            "warning"
        } else {
            "error"
        };
        let prefix = format!(
            "::{command} file={},line={},col={},",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"]
        );
        assert!(
            line.starts_with(&prefix),
            "{line}\nexpected prefix {prefix}"
        );
        let code = d["code"].as_str().unwrap();
        assert!(line.contains(&format!(",title={code} ")), "{line}");
        let message = line.split_once("::").unwrap().1.split_once("::").unwrap().1;
        assert!(
            message.starts_with(d["message"].as_str().unwrap()),
            "{line}"
        );
    }
    assert!(
        out.stdout.contains(
            "::error file=broken/bindings/bad-port.yaml,line=9,col=20,endLine=9,endColumn=25,\
             title=E0110 invalid-value::port 70000 is out of range 1-65535%0Ahelp: use a port from 1 to 65535\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn github_escapes_properties_and_data() {
    let tree = Tree::new(&[("a,b:c.yaml", "kind: Proces\n")]);
    tree.symlink("nowhere.yaml", "z.yaml");
    let out = tree.run(["validate", "--format", "github"]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].starts_with("::error file=tree/a%2Cb%3Ac.yaml,line=1,col=7,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("::unknown kind `Proces`%0Ahelp: did you mean `Process`?"),
        "{}",
        lines[0]
    );
    // A whole-file problem has no position.
    assert!(
        lines[1].starts_with("::error file=tree/z.yaml,title=E0002 unreadable-file::"),
        "{}",
        lines[1]
    );
}

// ---------------------------------------------------------------------------------------------
// sarif

#[test]
fn sarif_log_matches_the_json_report() {
    let out = broken("sarif");
    out.assert_code(1);
    let sarif = out.json();
    let json = broken_json();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif"));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "oslinker");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for code in [
        "E0001", "E0006", "E0101", "E0111", "E0201", "E0209", "W0301", "W0303",
    ] {
        assert!(rule_ids.contains(&code), "rule {code} missing");
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics(&json).len());
    for (result, d) in results.iter().zip(diagnostics(&json)) {
        assert_eq!(result["ruleId"], d["code"]);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], d["code"],
            "ruleIndex points at the rule"
        );
        assert_eq!(result["level"], d["severity"]);
        let location = &result["locations"][0]["physicalLocation"];
        // Relative to the repository the command runs in (examples/ is inside it).
        let artifact = &location["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{result}");
        assert_eq!(
            artifact["uri"],
            format!("examples/{}", d["file"].as_str().unwrap())
        );
        assert_eq!(location["region"]["startLine"], d["line"], "{result}");
        assert_eq!(location["region"]["startColumn"], d["column"], "{result}");
        let (start, end) = (
            &location["region"]["startLine"],
            &location["region"]["endLine"],
        );
        assert!(end.as_u64() >= start.as_u64());
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(d["message"].as_str().unwrap())
        );
        let related = d["related"].as_array().unwrap();
        if related.is_empty() {
            assert!(result.get("relatedLocations").is_none());
        } else {
            let r = &result["relatedLocations"][0];
            assert_eq!(
                r["physicalLocation"]["artifactLocation"]["uri"],
                format!("examples/{}", related[0]["file"].as_str().unwrap())
            );
            assert_eq!(
                r["physicalLocation"]["region"]["startLine"],
                related[0]["line"]
            );
            assert_eq!(
                r["physicalLocation"]["region"]["startColumn"],
                related[0]["column"]
            );
        }
    }
}

#[test]
fn sarif_rules_carry_descriptions_help_and_links_and_the_root_is_named() {
    let sarif = broken("sarif").json();
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(
        repository.starts_with("https://"),
        "Cargo.toml has a repository"
    );
    assert_eq!(driver["informationUri"], repository);
    for rule in driver["rules"].as_array().unwrap() {
        assert!(
            rule["fullDescription"]["text"].as_str().unwrap().len() > 10,
            "{rule}"
        );
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains(rule["id"].as_str().unwrap())
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("](https://")
        );
        assert_eq!(rule["helpUri"], format!("{repository}#diagnostic-codes"));
    }
    let e0110 = &driver["rules"].as_array().unwrap()[15];
    assert_eq!(e0110["id"], "E0110");
    assert!(
        e0110["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("out of range or malformed: port, mount path"),
        "the README's words: {e0110}"
    );
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    for result in run["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains(':'),
            "relative: {uri}"
        );
    }
}

/// Microsoft's SARIF multitool, with GitHub's rules: no error, no warning. Install with
/// `npm install --prefix /tmp/sarif @microsoft/sarif-multitool` and set
/// `SARIF_MULTITOOL=/tmp/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool`
/// (the native tool: the npm wrapper hands its arguments to a shell, which splits `Gh;Sarif`).
#[test]
#[ignore = "needs sarif-multitool (npm)"]
fn sarif_of_the_broken_example_passes_the_sarif_multitool() {
    let tool = std::env::var("SARIF_MULTITOOL")
        .expect("SARIF_MULTITOOL: the path of the native Sarif.Multitool");
    let out = broken("sarif");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("broken.sarif");
    std::fs::write(&log, &out.stdout).unwrap();
    let verdict = dir.path().join("verdict.sarif");
    let status = std::process::Command::new(&tool)
        .args(["validate", "--rule-kind", "Gh;Sarif", "--output"])
        .arg(&verdict)
        .arg(&log)
        .status()
        .expect("run sarif-multitool");
    assert!(status.success(), "sarif-multitool: {status}");
    let verdict: Value = serde_json::from_str(&std::fs::read_to_string(&verdict).unwrap()).unwrap();
    let findings = verdict["runs"][0]["results"].as_array().unwrap();
    assert!(findings.is_empty(), "{:#}", Value::Array(findings.clone()));
}

#[test]
fn sarif_whole_file_results_have_no_region_and_uris_are_escaped() {
    let tree = Tree::new(&[("my agents/a.yaml", "kind: Proces\n")]);
    tree.symlink("nowhere.yaml", "z.yaml");
    let out = tree.run(["validate", "--format", "sarif"]);
    out.assert_code(1);
    let sarif = out.json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let first = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(first["artifactLocation"]["uri"], "tree/my%20agents/a.yaml");
    assert_eq!(first["region"]["startLine"], 1);
    assert_eq!(first["region"]["startColumn"], 7);
    let second = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(second["artifactLocation"]["uri"], "tree/z.yaml");
    assert!(second.get("region").is_none(), "{second}");
}

#[test]
fn sarif_of_a_clean_tree_has_no_results() {
    let out = Tree::new(&[("a.yaml", &process_yaml("a"))]).run(["validate", "--format", "sarif"]);
    out.assert_code(0);
    assert_eq!(out.json()["runs"][0]["results"], Value::Array(vec![]));
}

// ---------------------------------------------------------------------------------------------
// junit

fn attribute(xml: &str, element: &str, name: &str) -> String {
    let start = xml
        .find(&format!("<{element} "))
        .unwrap_or_else(|| panic!("no <{element}>"));
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let value = tag
        .split(&format!(" {name}=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no {name} in {tag}"));
    value[..value.find('"').unwrap()].to_string()
}

/// Balanced `<x>`...`</x>` elements and no stray `<`, `>` or `&` in text: well-formed enough
/// for a CI system to read.
fn assert_well_formed_xml(xml: &str) {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{xml}"
    );
    let body = &xml[xml.find("?>").unwrap() + 2..];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(!text.contains('>'), "stray `>` in {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bad entity in {text:?}"
            );
        }
        let close = open + rest[open..].find('>').expect("unclosed tag");
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_string());
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

#[test]
fn junit_has_a_test_case_per_file_and_a_failure_per_failing_file() {
    let out = broken("junit");
    out.assert_code(1);
    let xml = &out.stdout;
    assert_well_formed_xml(xml);
    assert_eq!(xml.matches("<testcase ").count(), 18, "one case per file");
    assert_eq!(attribute(xml, "testsuites", "tests"), "18");
    // 19 errors in 15 files: one failure per failing file, never more failures than tests.
    assert_eq!(attribute(xml, "testsuite", "failures"), "15");
    assert_eq!(
        xml.matches("<failure ").count(),
        15,
        "errors only, without --strict"
    );
    assert!(xml.contains(
        "<testcase name=\"broken/processes/base.yaml\" classname=\"oslinker.validate\"/>"
    ));
    // Warnings that do not fail the run are still seen, as the case's output.
    assert!(
        xml.contains("<system-out>broken/bindings/references.yaml:30:16: binding"),
        "{xml}"
    );
    assert!(xml.contains("type=\"E0201 duplicate-id\""));
    assert!(xml.contains(
        ">broken/bindings/bad-port.yaml:9:20: port 70000 is out of range 1-65535 [E0110]\n"
    ));
    // Two problems in one file: one failure that names both.
    assert!(xml.contains("type=\"E0107 invalid-enum-value, E0104 unknown-field\""));
    assert!(xml.contains("(and 1 more)"));

    let strict = oslinker(examples())
        .args(["-d", "broken", "validate", "--format", "junit", "--strict"])
        .run();
    strict.assert_code(1);
    assert_eq!(attribute(&strict.stdout, "testsuite", "failures"), "16");
    assert_eq!(strict.stdout.matches("<failure ").count(), 16);
}

#[test]
fn junit_escapes_text() {
    let tree = Tree::new(&[(
        "a&b.yaml",
        "kind: Environment\nid: e\nname: e\n\"<x & 'y'>\": 1\n",
    )]);
    let out = tree.run(["validate", "--format", "junit"]);
    out.assert_code(1);
    assert_well_formed_xml(&out.stdout);
    assert!(
        out.stdout.contains("<testcase name=\"tree/a&amp;b.yaml\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("unknown field `&lt;x &amp; &apos;y&apos;&gt;`"),
        "{}",
        out.stdout
    );
}

/// JUnit of the broken example and of a tree with hostile characters, valid against the
/// Jenkins JUnit schema at `$JUNIT_XSD` (junit-10.xsd, as pytest's sdist ships it) by xmllint,
/// and read by junitparser (`$JUNITPARSER_PYTHON` names a Python that has it). `.ci/run`
/// installs all three.
#[test]
#[ignore = "needs xmllint, junit-10.xsd and junitparser"]
fn junit_passes_xmllint_and_junitparser() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = hostile_tree().run(["validate", "--format", "junit"]);
    for (name, xml) in [
        ("broken.xml", broken("junit").stdout),
        ("hostile.xml", hostile.stdout),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, xml).unwrap();
        let mut xmllint = std::process::Command::new("xmllint");
        xmllint.arg("--noout");
        let xsd = std::env::var("JUNIT_XSD").expect("JUNIT_XSD names junit-10.xsd");
        xmllint.args(["--schema", &xsd]);
        let out = xmllint.arg(&file).output().expect("run xmllint");
        assert!(
            out.status.success(),
            "xmllint {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        {
            let python = std::env::var("JUNITPARSER_PYTHON")
                .expect("JUNITPARSER_PYTHON names a Python with junitparser");
            let script = "import sys, junitparser\n\
                          x = junitparser.JUnitXml.fromfile(sys.argv[1])\n\
                          print(sum(1 for s in x for c in s))";
            let out = std::process::Command::new(python)
                .args(["-c", script])
                .arg(&file)
                .output()
                .expect("run python");
            assert!(
                out.status.success(),
                "junitparser {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn junit_of_a_clean_tree_passes_every_file() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        ("b.yaml", &process_yaml("b")),
    ]);
    let out = tree.run(["validate", "--format", "junit"]);
    out.assert_code(0);
    assert_well_formed_xml(&out.stdout);
    assert_eq!(out.stdout.matches("<testcase ").count(), 2);
    assert_eq!(attribute(&out.stdout, "testsuite", "failures"), "0");
}

#[test]
fn junit_with_paths_lists_only_those_files() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a")), ("b.yaml", "kind: Proces\n")]);
    let out = tree.run(["validate", "--format", "junit", "tree/a.yaml"]);
    out.assert_code(0);
    assert_eq!(out.stdout.matches("<testcase ").count(), 1);
    assert!(out.stdout.contains("name=\"tree/a.yaml\""));
}

#[test]
fn human_and_json_count_columns_alike() {
    // A byte-order mark and multi-byte characters before the problem on its line.
    let tree = Tree::new(&[(
        "b.toml",
        "\u{feff}kind = \"Environment\"\nid = \"e1\"\nname = \"é€😀\"; bogus = 1\n",
    )]);
    let json = tree.validate();
    let (_, _, line, column) = json.positions()[0].clone();
    assert_eq!((line, column), (3, 13));
    let human = tree.run(["validate"]);
    assert!(
        human.stderr.contains("tree/b.toml:3:13]"),
        "{}",
        human.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// text from manifests never reaches a terminal, a workflow command or XML raw

/// A tree whose ids, values, keys and file name carry an escape sequence, a NUL, a carriage
/// return, a C1 control and a right-to-left override.
fn hostile_tree() -> Tree {
    Tree::new(&[(
        "a\u{1b}[2Jb.yaml",
        "kind: Environment\nid: \"e\\e[31mred\\0nul\\rcr\\u202Eevil\\x9bc1\"\nname: e\n\"k\\e]0;title\\a\": 1\n",
    )])
}

const HOSTILE: [char; 6] = ['\u{1b}', '\0', '\r', '\u{202e}', '\u{9b}', '\u{7}'];

fn assert_no_hostile(what: &str, text: &str) {
    for c in HOSTILE {
        assert!(!text.contains(c), "{what} holds {c:?} raw:\n{text}");
    }
}

#[test]
fn control_and_bidi_characters_are_shown_escaped_in_every_text_format() {
    let tree = hostile_tree();
    let human = tree.run(["validate", "--color", "never"]);
    human.assert_code(1);
    assert_no_hostile("human", &human.stderr);
    assert!(human.stderr.contains("\\u{1b}[31mred"), "{}", human.stderr);
    assert!(human.stderr.contains("\\u{202e}evil"), "{}", human.stderr);
    assert!(
        human.stderr.contains("a\\u{1b}[2Jb.yaml"),
        "{}",
        human.stderr
    );
    for format in ["github", "junit"] {
        let out = tree.run(["validate", "--format", format]);
        out.assert_code(1);
        assert_no_hostile(format, &out.stdout);
        assert!(out.stdout.contains("\\u{1b}[31mred"), "{}", out.stdout);
        assert!(out.stdout.contains("\\u{0}nul"), "{}", out.stdout);
    }
    let junit = tree.run(["validate", "--format", "junit"]);
    assert_well_formed_xml(&junit.stdout);
}

#[test]
fn github_says_how_many_problems_were_not_annotations_and_writes_the_step_summary() {
    // 12 errors in one file: GitHub shows 10.
    let fields: String = (0..12).map(|i| format!("bogus{i}: 1\n")).collect();
    let tree = Tree::new(&[("a.yaml", &format!("{}{fields}", process_yaml("a")))]);
    let summary = tree.parent().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = tree
        .cmd(["validate", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .run();
    out.assert_code(1);
    assert_eq!(out.stdout.matches("::error ").count(), 12);
    assert!(
        out.stderr.contains(
            "note: 2 errors and 0 warnings were not shown as annotations (GitHub shows 10 errors \
             and 10 warnings per step); all 12 are in this log and in the step summary\n"
        ),
        "{}",
        out.stderr
    );
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.starts_with("earlier step\n### oslinker validate\n"),
        "appended: {table}"
    );
    assert_eq!(
        table.matches("| error | E0104 unknown-field |").count(),
        12,
        "{table}"
    );

    // Ten or fewer: no note, no summary.
    let few = Tree::new(&[("a.yaml", &format!("{}bogus: 1\n", process_yaml("a")))]);
    let out = few
        .cmd(["validate", "--format", "github"])
        .env(
            "GITHUB_STEP_SUMMARY",
            few.parent().join("s.md").to_str().unwrap(),
        )
        .run();
    assert!(!out.stderr.contains("not shown"), "{}", out.stderr);
    assert!(!few.parent().join("s.md").exists());
}

// ---------------------------------------------------------------------------------------------
// colour conventions off a terminal: CLICOLOR_FORCE turns colour on, NO_COLOR and CLICOLOR=0
// keep it off

#[test]
fn clicolor_force_paints_off_a_terminal_unless_no_color() {
    let tree = Tree::new(&[("a.yaml", "kind: Proces\n")]);
    let human = |env: &[(&str, &str)]| {
        let mut run = tree.cmd(["validate"]).env_remove("NO_COLOR");
        for (key, value) in env {
            run = run.env(key, value);
        }
        run.run().stderr
    };
    assert!(
        human(&[]).find('\u{1b}').is_none(),
        "no terminal, no colour"
    );
    assert!(human(&[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    assert!(!human(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'));
    // As anstream (and so clap's own help) reads it: any non-empty CLICOLOR_FORCE forces.
    assert!(human(&[("CLICOLOR_FORCE", "0")]).contains('\u{1b}'));
}

#[test]
fn an_error_that_quotes_a_path_shows_its_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("a\u{1b}[31mred\u{202e}x");
    let out = oslinker(dir.path())
        .args([
            std::ffi::OsStr::new("-d"),
            missing.as_os_str(),
            "validate".as_ref(),
        ])
        .run();
    out.assert_code(2);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{202e}'), "{}", out.stderr);
    assert!(
        out.stderr.contains("a\\u{1b}[31mred\\u{202e}x"),
        "{}",
        out.stderr
    );
}

/// A value, a path or what the user typed cannot start a line of its own on a terminal or in a
/// CI log (where a line `::error ...` is a GitHub workflow command): its line breaks are
/// shown escaped wherever it is shown on one line.
#[test]
fn a_line_break_in_a_value_or_a_path_cannot_start_a_line() {
    let injected = "::error file=x::injected";
    let name = "kind: Process\nid: p\nname: \"LUCID\\n::error file=x::injected\"\nstatus: running\nmetadata: {platform: nodejs}\nruntimeContext: {environment: production}\n";
    let folder = "d\n::error file=x::injected";
    let valid = Tree::new(&[("p.yaml", name)]);
    let invalid = Tree::new(&[(&format!("{folder}/q.yaml"), "kind: Proces\nid: q\n")]);
    let starts_a_line = |text: &str| text.lines().any(|l| l.starts_with(injected));
    for (tree, args, code) in [
        (&valid, &["plan"][..], 0),
        (&valid, &["explain", "p"], 0),
        (&invalid, &["validate"], 1),
    ] {
        let out = tree.run(args.iter().copied());
        out.assert_code(code);
        assert!(
            out.all().contains("::error file=x::injected"),
            "{args:?} shows the value:\n{}",
            out.all()
        );
        assert!(
            !starts_a_line(&out.stdout) && !starts_a_line(&out.stderr),
            "{args:?}:\n{}",
            out.all()
        );
    }
    let out = valid.run(["diff", &format!("git:HEAD\n{injected}")]);
    out.assert_code(2);
    assert!(!starts_a_line(&out.stderr), "{}", out.stderr);
    // A label's name with a line break, as `diff` (and `watch`) show the change.
    let labelled = Tree::new(&[(
        "p.yaml",
        &name.replace(
            "metadata: {platform: nodejs}",
            "metadata: {platform: nodejs, \"team\\n::error file=x::injected\": v}",
        ),
    )]);
    let out = labelled.run([
        "diff".as_ref(),
        valid.root().as_os_str(),
        labelled.root().as_os_str(),
    ]);
    out.assert_code(1);
    assert!(out.stdout.contains(injected), "{}", out.stdout);
    assert!(!starts_a_line(&out.stdout), "{}", out.stdout);
}
