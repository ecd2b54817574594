//! What holds everywhere (issue section 5): `--dir`, `OSLINKER_DIR` and root discovery, exit
//! codes and `--help`, secrets never printed, deterministic output.

use crate::support::{Output, Tree, examples, oslinker, process_yaml, repo};

// ---------------------------------------------------------------------------------------------
// The root: --dir, OSLINKER_DIR, discovery.

const COMMANDS: [&[&str]; 3] = [&["validate"], &["plan"], &["resolve", "code"]];

#[test]
fn missing_dir_is_exit_2_for_every_command() {
    let tree = Tree::empty();
    for command in COMMANDS {
        let out = oslinker(tree.parent())
            .args(["-d", "nope"])
            .args(command)
            .run();
        out.assert_code(2);
        assert_eq!(out.stdout, "", "{command:?}");
        assert!(
            out.stderr
                .starts_with("error: manifest directory `nope` does not exist"),
            "{command:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn dir_that_is_a_file_is_exit_2() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    for command in COMMANDS {
        let out = oslinker(tree.root())
            .args(["--dir", "a.yaml"])
            .args(command)
            .run();
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr.contains("is not a directory"),
            "{command:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn unreadable_root_is_exit_2_when_permissions_apply() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    std::fs::set_permissions(tree.root(), std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(tree.root()).is_ok();
    let out = tree.run(["validate"]);
    std::fs::set_permissions(tree.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        return; // running as root: permissions do not apply
    }
    out.assert_code(2);
}

#[test]
fn default_root_is_linker_d_here_or_in_the_nearest_parent() {
    let tree = Tree::empty();
    let top = tree.parent();
    std::fs::create_dir_all(top.join("linker.d")).unwrap();
    std::fs::write(top.join("linker.d/a.yaml"), "kind: Proces\n").unwrap();
    std::fs::create_dir_all(top.join("project/src/deep")).unwrap();

    let here = oslinker(top).args(["validate", "--format", "json"]).run();
    here.assert_code(1);
    assert_eq!(here.positions()[0].1, "linker.d/a.yaml");

    let below = oslinker(top.join("project/src/deep"))
        .args(["validate", "--format", "json"])
        .run();
    below.assert_code(1);
    assert_eq!(below.codes(), ["E0102"]);
    assert!(
        below.positions()[0].1.ends_with("linker.d/a.yaml"),
        "{:?}",
        below.positions()
    );

    // The nearest one wins.
    std::fs::create_dir_all(top.join("project/linker.d")).unwrap();
    std::fs::write(top.join("project/linker.d/b.yaml"), process_yaml("b")).unwrap();
    let nearest = oslinker(top.join("project/src/deep"))
        .args(["validate", "--format", "json"])
        .run();
    nearest.assert_code(0);

    // A `linker.d` that is a file is not a manifest directory.
    let other = Tree::empty();
    std::fs::write(other.parent().join("linker.d"), "not a folder").unwrap();
    if !has_linker_d_above(other.parent()) {
        oslinker(other.parent())
            .args(["validate"])
            .run()
            .assert_code(2);
    }
}

fn has_linker_d_above(dir: &std::path::Path) -> bool {
    dir.ancestors().skip(1).any(|d| d.join("linker.d").is_dir())
}

#[test]
fn no_linker_d_anywhere_is_exit_2_with_a_message() {
    let tree = Tree::empty();
    if has_linker_d_above(tree.parent()) {
        return; // the machine has a linker.d above the temporary folder
    }
    for command in COMMANDS {
        let out = oslinker(tree.parent()).args(command).run();
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr
                .starts_with("error: no `linker.d` directory here or in any parent directory"),
            "{command:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("--dir"), "the message says what to do");
    }
}

#[test]
fn oslinker_dir_environment_variable() {
    let tree = Tree::new(&[("a.yaml", "kind: Proces\n")]);
    let out = oslinker(tree.parent())
        .args(["validate", "--format", "json"])
        .env("OSLINKER_DIR", "tree")
        .run();
    out.assert_code(1);
    assert_eq!(out.positions()[0].1, "tree/a.yaml");

    // --dir wins over the variable.
    std::fs::create_dir(tree.parent().join("other")).unwrap();
    std::fs::write(tree.parent().join("other/b.yaml"), process_yaml("b")).unwrap();
    let out = oslinker(tree.parent())
        .args(["--dir", "other", "validate", "--format", "json"])
        .env("OSLINKER_DIR", "tree")
        .run();
    out.assert_code(0);

    let out = oslinker(tree.parent())
        .args(["validate"])
        .env("OSLINKER_DIR", "missing")
        .run();
    out.assert_code(2);
}

#[test]
fn global_flags_go_before_or_after_the_subcommand() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    let before = oslinker(tree.parent())
        .args(["-q", "-d", "tree", "validate"])
        .run();
    let after = oslinker(tree.parent())
        .args(["validate", "-d", "tree", "-q"])
        .run();
    before.assert_code(0);
    after.assert_code(0);
    assert_eq!(before.stderr, "");
    assert_eq!(after.stderr, "");
}

// ---------------------------------------------------------------------------------------------
// Usage, --help, exit codes.

#[test]
fn usage_errors_are_exit_2() {
    let cwd = examples();
    for args in [
        &[][..],
        &["frobnicate"],
        &["validate", "--format", "xml"],
        &["validate", "--bogus"],
        &["resolve"],
        &["resolve", "code", "--format", "yaml"],
        &["plan", "--format", "name"],
        &["-d"],
    ] {
        let out = oslinker(&cwd).args(args).run();
        out.assert_code(2);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_and_version_are_exit_0_and_help_documents_exit_codes() {
    let out = oslinker(examples()).args(["--help"]).run();
    out.assert_code(0);
    assert!(out.stdout.contains("Exit codes:"), "{}", out.stdout);
    for line in [
        "0  success",
        "1  the answer is \"no\"",
        "2  oslinker could not do its job",
    ] {
        assert!(out.stdout.contains(line), "{line}: {}", out.stdout);
    }
    for command in ["validate", "resolve", "plan"] {
        let out = oslinker(examples()).args([command, "--help"]).run();
        out.assert_code(0);
        assert!(out.stdout.contains("Exit codes:"), "{command}");
    }
    let out = oslinker(examples()).args(["--version"]).run();
    out.assert_code(0);
    assert!(out.stdout.starts_with("oslinker "), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// Secrets never appear in any output.

const SECRET: &str = "sk-live-SECRETVALUE123";

fn secret_tree() -> Tree {
    Tree::new(&[
        (
            "leaky.yaml",
            &format!(
                "\
kind: Process
id: leaky
name: Leaky
status: running
metadata: {{platform: nodejs}}
capabilities: [code]
requires: []
runtimeContext:
  environment: production
  env:
    OPENAI_API_KEY: {SECRET}
    LOG_LEVEL: info
"
            ),
        ),
        (
            "more.toml",
            &format!(
                "\
kind = \"Environment\"
id = \"env-production\"
name = \"production\"

[env]
SHARED_TOKEN = \"{SECRET}\"
db_password = \"{SECRET}\"
"
            ),
        ),
        (
            "binding.yaml",
            "\
kind: Binding
id: leaky-secrets
processId: leaky
environmentId: production
type: secrets
config:
  store: vault
  secrets:
    DB_PASSWORD: kv/data/x#y
",
        ),
        (
            "map.yaml",
            "kind: CapabilityMap\nmappings:\n  code: [leaky]\n",
        ),
    ])
}

/// Every command and format over the tree.
fn every_output(tree: &Tree) -> Vec<(String, Output)> {
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["human", "json", "github", "sarif", "junit"] {
        runs.push(vec!["validate", "--format", format]);
        runs.push(vec!["validate", "--strict", "--format", format]);
        runs.push(vec![
            "validate",
            "--format",
            format,
            "tree/leaky.yaml",
            "tree/more.toml",
        ]);
    }
    runs.push(vec!["--color", "always", "validate"]);
    for format in ["table", "json", "yaml"] {
        runs.push(vec!["plan", "--format", format]);
        runs.push(vec!["plan", "--process", "leaky", "--format", format]);
        runs.push(vec!["plan", "--env", "production", "--format", format]);
    }
    for format in ["table", "json", "name"] {
        runs.push(vec!["resolve", "code", "--all", "--format", format]);
    }
    runs.into_iter()
        .map(|args| (args.join(" "), tree.run(&args)))
        .collect()
}

#[test]
fn a_literal_secret_is_warned_about_and_never_printed() {
    let tree = secret_tree();
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(
        out.positions(),
        [
            crate::support::at("W0303", "tree/leaky.yaml", 11, 21),
            crate::support::at("W0303", "tree/more.toml", 6, 16),
            crate::support::at("W0303", "tree/more.toml", 7, 15),
        ]
    );
    for (command, out) in every_output(&tree) {
        assert!(
            out.code == 0 || out.code == 1,
            "{command}: exit {}",
            out.code
        );
        assert!(
            !out.all().contains(SECRET),
            "{command} printed the secret:\n{}",
            out.all()
        );
        assert!(!out.all().contains("SECRETVALUE"), "{command}");
    }
}

#[test]
fn plan_shows_redacted_literals_and_secret_references() {
    let tree = secret_tree();
    let out = tree.run(["plan", "--format", "json"]);
    out.assert_code(0);
    let env = &out.json()["processes"][0]["env"];
    assert_eq!(env["OPENAI_API_KEY"], "<redacted>");
    assert_eq!(env["SHARED_TOKEN"], "<redacted>");
    assert_eq!(env["db_password"], "<redacted>");
    assert_eq!(env["LOG_LEVEL"], "info");
    assert_eq!(env["DB_PASSWORD"], "<secret:vault:kv/data/x#y>");

    let table = tree.run(["plan"]);
    table.assert_code(0);
    assert!(
        table.stdout.contains("OPENAI_API_KEY=<redacted>"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("DB_PASSWORD=<secret:vault:kv/data/x#y>"),
        "{}",
        table.stdout
    );
}

#[test]
fn secrets_stay_hidden_when_the_tree_is_invalid() {
    let tree = secret_tree();
    // Errors right next to the secret lines, so their snippets show them.
    tree.write(
        "leaky.yaml",
        format!(
            "\
kind: Process
id: leaky
name: Leaky
status: running
metadata: {{platform: nodejs}}
capabilities: [code]
runtimeContext:
  environment: production
  env:
    OPENAI_API_KEY: {SECRET}
  enviroment2: x
"
        ),
    );
    tree.write(
        "more.toml",
        format!("kind = \"Environment\"\nid = \"e2\"\nname = \"e2\"\n\n[env]\nSHARED_TOKEN = \"{SECRET}\"\nX = [1]\n"),
    );
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.codes(),
        ["W0303", "E0104", "W0303", "E0106"],
        "{}",
        out.stdout
    );
    for (command, out) in every_output(&tree) {
        assert!(
            !out.all().contains(SECRET),
            "{command} printed the secret:\n{}",
            out.all()
        );
    }
}

/// Files where the secret is not read cleanly as an `env` value (a syntax error nearby, a
/// duplicate key): snippets must still hide it.
#[test]
fn secrets_in_files_that_do_not_read_cleanly_are_hidden() {
    let cases = [
        (
            "a.toml",
            format!(
                "kind = \"Environment\"\nid = \"e\"\nname = \"e\"\n\n[env]\nOPENAI_API_KEY = \"{SECRET}\"\noops =\n"
            ),
            vec!["E0001"],
        ),
        (
            "a.yaml",
            format!(
                "kind: Environment\nid: e\nname: e\nenv:\n  OPENAI_API_KEY: {SECRET}\n  X: a: b\n"
            ),
            vec!["E0001"],
        ),
        (
            "a.yaml",
            format!(
                "kind: Environment\nid: e\nname: e\nenv:\n  OPENAI_API_KEY: x\n  OPENAI_API_KEY: {SECRET}\n"
            ),
            vec!["W0303", "E0111"],
        ),
    ];
    for (file, text, codes) in cases {
        let tree = Tree::new(&[(file, &text)]);
        let out = tree.run(["validate"]);
        out.assert_code(1);
        assert!(!out.all().contains(SECRET), "{}", out.all());
        assert_eq!(tree.validate().codes(), codes, "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism.

#[test]
fn same_tree_same_bytes() {
    let runs: [(&std::path::Path, &[&str]); 7] = [
        (&repo(), &["plan"]),
        (&repo(), &["plan", "--format", "json"]),
        (&repo(), &["plan", "--format", "yaml"]),
        (
            &repo(),
            &["resolve", "data.analysis", "--all", "--format", "json"],
        ),
        (&examples(), &["-d", "broken", "validate"]),
        (
            &examples(),
            &["-d", "broken", "validate", "--format", "json"],
        ),
        (
            &examples(),
            &["-d", "broken", "validate", "--format", "sarif"],
        ),
    ];
    for (cwd, args) in runs {
        let first = oslinker(cwd).args(args).run();
        let second = oslinker(cwd).args(args).run();
        assert_eq!(first.stdout, second.stdout, "{args:?}");
        assert_eq!(first.stderr, second.stderr, "{args:?}");
        assert_eq!(first.code, second.code, "{args:?}");
    }
}

#[test]
fn file_creation_order_does_not_change_the_output() {
    let files: Vec<(String, String)> = (0..30)
        .map(|i| {
            let body = if i % 7 == 3 {
                format!("kind: Proces\nid: p{i}\n")
            } else {
                process_yaml(&format!("p{i:02}"))
            };
            (format!("d{}/f{i:02}.yaml", i % 4), body)
        })
        .collect();
    let forward = Tree::empty();
    for (path, body) in &files {
        forward.write(path, body);
    }
    let backward = Tree::empty();
    for (path, body) in files.iter().rev() {
        backward.write(path, body);
    }
    for args in [
        &["validate"][..],
        &["validate", "--format", "json"],
        &["validate", "--format", "junit"],
    ] {
        let a = forward.run(args);
        let b = backward.run(args);
        assert_eq!(a.stdout, b.stdout, "{args:?}");
        assert_eq!(a.stderr, b.stderr, "{args:?}");
    }
    // Remove the broken files and compare plans.
    for (path, body) in &files {
        if body.starts_with("kind: Proces\n") {
            std::fs::remove_file(forward.root().join(path)).unwrap();
            std::fs::remove_file(backward.root().join(path)).unwrap();
        }
    }
    for format in ["table", "json", "yaml"] {
        let a = forward.run(["plan", "--format", format]);
        a.assert_code(0);
        assert_eq!(
            a.stdout,
            backward.run(["plan", "--format", format]).stdout,
            "{format}"
        );
    }
}

#[test]
fn a_secret_in_a_flow_map_after_another_key_is_hidden() {
    let text = "kind: Enviroment\nenv: {OPENAI_API_KEY: sk-live-SECRETVALUE123}\n";
    let tree = Tree::new(&[("a.yaml", text)]);
    let out = tree.run(["validate"]);
    out.assert_code(1);
    assert!(!out.all().contains("SECRETVALUE"), "{}", out.all());
}

#[test]
fn a_multi_line_secret_keeps_snippet_line_numbers() {
    let text = format!(
        "{}  env:\n    DB_PASSWORD: |\n      SECRETVALUE1\n      SECRETVALUE2\nnmae: x\n",
        process_yaml("a")
    );
    let tree = Tree::new(&[("a.yaml", &text)]);
    let out = tree.run(["validate"]);
    out.assert_code(1);
    assert!(!out.all().contains("SECRETVALUE"), "{}", out.all());
    assert!(out.stderr.contains("a.yaml:13:1]"), "{}", out.stderr);
    assert!(out.stderr.contains(" 13 │ nmae: x"), "{}", out.stderr);
}

/// Credentials in a provider's `endpoint` and labels under secret-looking names are literal
/// secrets: a W0303 warning each, and no command shows them. (A URL's password is an error,
/// E0112: see `secret_values`.)
#[test]
fn endpoint_credentials_and_secret_labels_never_reach_any_output() {
    let tree = |password: &str| {
        Tree::new(&[
            (
                "p.yaml",
                &format!(
                    "kind: Process\nid: p1\nname: p1\nstatus: running\nmetadata:\n  platform: nodejs\n  DB_PASSWORD: {password}-label\ncapabilities: [code]\nruntimeContext:\n  environment: production\n"
                ),
            ),
            (
                "prov.yaml",
                &format!(
                    "kind: Provider\nid: prov\nplatform: custom\nendpoint: https://admin@api.example.com/v1?api_key={password}-query&page=2\ncapabilities: [code]\n"
                ),
            ),
        ])
    };
    let (old, new) = (tree("hunter2"), tree("hunter3"));
    let validated = new.run(["validate", "--format", "json"]);
    let codes: Vec<_> = validated
        .positions()
        .into_iter()
        .map(|p| (p.0, p.1, p.2))
        .collect();
    assert_eq!(
        codes,
        [
            ("W0303".to_string(), "tree/p.yaml".to_string(), 7),
            ("W0303".to_string(), "tree/prov.yaml".to_string(), 4),
        ]
    );
    let old_dir = old.root().to_str().unwrap().to_string();
    let runs = [
        new.run(["validate"]),
        new.run(["plan"]),
        new.run(["plan", "--format", "json"]),
        new.run(["plan", "--format", "yaml"]),
        new.run(["resolve", "code", "--all", "--format", "json"]),
        new.run(["resolve", "code", "--all"]),
        new.run(["explain", "prov"]),
        new.run(["explain", "prov", "--format", "json"]),
        new.run(["explain", "p1", "--format", "json"]),
        new.run(["graph"]),
        new.run(["diff", old_dir.as_str()]),
        new.run(["diff", old_dir.as_str(), "--format", "json"]),
    ];
    for out in runs {
        for secret in ["hunter2", "hunter3"] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "a secret was shown:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
    let plan = new.run(["plan", "--format", "json"]).json();
    assert_eq!(plan["processes"][0]["labels"]["DB_PASSWORD"], "<redacted>");
    let resolved = new.run(["resolve", "code", "--format", "json"]).json();
    let endpoint = resolved.to_string();
    assert!(
        // An endpoint's user may be a token: hidden too.
        endpoint.contains("https://<redacted>@api.example.com/v1?api_key=<redacted>&page=2"),
        "{endpoint}"
    );
}

/// A control character in a manifest (an escape sequence in a name) never reaches a terminal
/// raw from a table: it is written as `\u{1b}`.
#[test]
fn tables_never_write_control_characters_from_manifests() {
    let tree = Tree::new(&[(
        "p.yaml",
        "kind: Process\nid: p1\nname: \"Evil \\e[31mRED\\e[0m\"\nstatus: running\nmetadata:\n  platform: nodejs\ncapabilities: [code]\nruntimeContext:\n  environment: production\n",
    )]);
    for args in [vec!["plan"], vec!["explain", "p1"], vec!["resolve", "code"]] {
        let out = tree.run(&args);
        out.assert_code(0);
        assert!(!out.stdout.contains('\u{1b}'), "{args:?}: {}", out.stdout);
        if args[0] != "resolve" {
            assert!(
                out.stdout.contains("\\u{1b}[31mRED"),
                "{args:?}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn the_number_of_cores_never_changes_the_output() {
    // Files are read in parallel and linked in order: one thread or eight, the same bytes.
    let trees = [
        repo().join("linker.d"),
        examples().join("broken"),
        examples().join("multi-env"),
    ];
    let commands: [&[&str]; 4] = [
        &["validate", "--format", "json"],
        &["validate"],
        &["plan", "--format", "json"],
        &["graph"],
    ];
    for tree in &trees {
        for args in commands {
            let run = |threads: &str| {
                oslinker(repo())
                    .env("RAYON_NUM_THREADS", threads)
                    .args(["--dir"])
                    .args([tree])
                    .args(args)
                    .run()
            };
            let (one, many) = (run("1"), run("8"));
            assert_eq!(
                (one.code, &one.stdout, &one.stderr),
                (many.code, &many.stdout, &many.stderr),
                "{} {args:?}",
                tree.display()
            );
        }
    }
}
