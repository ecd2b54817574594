//! Shell completion: the committed scripts in `completions/` match the CLI, and real shells
//! load them and complete. Static scripts (`oslinker completions SHELL`) complete commands,
//! options and fixed values; dynamic completion (`source <(COMPLETE=bash oslinker)`) also
//! completes capability names, process ids and environments from the tree.
//!
//! bash runs everywhere; the fish checks run where fish is installed (zsh has no way to list
//! completions without a terminal: see the README for how it was checked by hand).

use std::path::Path;
use std::process::{Command, Stdio};

use clap::ValueEnum;

use crate::support::{Tree, examples, oslinker, process_yaml, repo};

/// Each shell and its file in `completions/` (the names clap_complete gives them).
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "oslinker.bash"),
    ("zsh", "_oslinker"),
    ("fish", "oslinker.fish"),
    ("powershell", "_oslinker.ps1"),
    ("elvish", "oslinker.elv"),
];

const REGENERATE: &str = "UPDATE_COMPLETIONS=1 cargo test --test cli completions";

// ---------------------------------------------------------------------------------------------
// The committed scripts.

#[test]
fn committed_scripts_match_the_cli() {
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let out = oslinker(repo()).args(["completions", shell]).run();
        out.assert_code(0);
        assert!(out.stdout.contains("oslinker"), "{shell}: {}", out.stdout);
        let path = repo().join("completions").join(file);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(out.stdout.as_str()) {
            continue;
        }
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
        } else {
            stale.push(format!("completions/{file}"));
        }
    }
    assert!(
        stale.is_empty(),
        "{} out of date with the CLI; regenerate with `{REGENERATE}` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn every_shell_clap_complete_knows_has_a_committed_script() {
    for shell in clap_complete::Shell::value_variants() {
        let name = shell.to_possible_value().unwrap().get_name().to_string();
        assert!(
            SCRIPTS.iter().any(|(s, _)| *s == name),
            "no committed script for `{name}`: add it to SCRIPTS and run `{REGENERATE}`"
        );
    }
}

#[test]
fn completions_need_no_tree() {
    let tree = Tree::empty();
    for (shell, _) in SCRIPTS {
        // Neither a missing root nor a bad OSLINKER_DIR matters.
        let out = oslinker(tree.parent()).args(["completions", shell]).run();
        out.assert_code(0);
        assert_eq!(out.stderr, "", "{shell}");
        let out = oslinker(tree.parent())
            .env("OSLINKER_DIR", "nope")
            .args(["completions", shell])
            .run();
        out.assert_code(0);
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = oslinker(repo()).args(["completions", "tcsh"]).run();
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("possible values"), "{}", out.stderr);
}

#[test]
fn complete_with_an_unknown_shell_is_exit_2_and_an_empty_one_is_a_normal_run() {
    let out = oslinker(repo())
        .env("COMPLETE", "tcsh")
        .args(["plan"])
        .run();
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("error: unknown shell `tcsh`")
            && out
                .stderr
                .ends_with("(in the COMPLETE environment variable)\n"),
        "{}",
        out.stderr
    );
    for off in ["", "0"] {
        let out = oslinker(repo()).env("COMPLETE", off).args(["man"]).run();
        out.assert_code(0);
        assert!(out.stdout.starts_with(".TH"), "COMPLETE={off}");
    }
}

// ---------------------------------------------------------------------------------------------
// bash, for real: source a script, set COMP_WORDS as bash does on TAB, call the completion
// function, read COMPREPLY.

/// A bash snippet that calls completion function `function` for `line` (split on spaces; a
/// trailing space completes an empty word) and prints COMPREPLY one per line.
fn bash_complete_call(function: &str, line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    format!(
        "COMP_WORDS=({}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
         COMPREPLY=(); {function} oslinker '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words[cword],
    )
}

/// Runs `bash -c script` in `cwd` with `$OSLINKER` naming the binary; returns stdout lines.
fn bash(cwd: &Path, script: &str, env: &[(&str, &str)]) -> Vec<String> {
    let mut command = Command::new("bash");
    command
        .args(["--norc", "--noprofile", "-c", script])
        .current_dir(cwd)
        .env("OSLINKER", env!("CARGO_BIN_EXE_oslinker"))
        .env_remove("OSLINKER_DIR")
        .env_remove("COMPLETE")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    run_shell(command)
}

fn run_shell(mut command: Command) -> Vec<String> {
    let output = command.output().expect("the shell runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.is_empty(),
        "{command:?} failed ({}):\n{stderr}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Dynamic completion in bash: what `source <(COMPLETE=bash oslinker)` registers.
fn bash_dynamic(cwd: &Path, line: &str, env: &[(&str, &str)]) -> Vec<String> {
    let script = format!(
        "source <(COMPLETE=bash \"$OSLINKER\") && {}",
        bash_complete_call("_clap_complete_oslinker", line)
    );
    bash(cwd, &script, env)
}

/// The candidates that do not start with `-` (dynamic completion also offers the options).
fn values(candidates: Vec<String>) -> Vec<String> {
    candidates
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect()
}

#[test]
fn bash_static_script_completes_commands_and_values() {
    let script = repo().join("completions/oslinker.bash");
    let call = |line: &str| {
        let s = format!(
            "source '{}' && {}",
            script.display(),
            bash_complete_call("_oslinker", line)
        );
        bash(&repo(), &s, &[])
    };
    assert_eq!(call("oslinker re"), ["resolve"]);
    assert_eq!(
        call("oslinker validate --format "),
        ["human", "json", "github", "sarif", "junit"]
    );
    assert!(call("oslinker ").contains(&"completions".to_string()));
    assert!(call("oslinker completions ").contains(&"zsh".to_string()));
}

#[test]
fn bash_dynamic_completes_capabilities_from_the_nearest_linker_d() {
    let got = values(bash_dynamic(&repo(), "oslinker resolve data.", &[]));
    assert_eq!(
        got,
        [
            "data.analysis",
            "data.analysis.timeseries",
            "data.visualization"
        ]
    );
    // Every capability: mapped or advertised.
    let all = values(bash_dynamic(&repo(), "oslinker resolve ", &[]));
    assert!(all.contains(&"code.generation".to_string()), "{all:?}");
    assert!(all.contains(&"text.summarization".to_string()), "{all:?}");
}

#[test]
fn bash_dynamic_completes_process_ids_and_environments() {
    let got = bash_dynamic(&repo(), "oslinker plan --process process-", &[]);
    assert_eq!(got, ["process-123"]);
    let got = values(bash_dynamic(&repo(), "oslinker plan --env ", &[]));
    assert_eq!(got, ["env-development", "env-production", "env-staging"]);
    let got = values(bash_dynamic(
        &repo(),
        "oslinker resolve code --env env-p",
        &[],
    ));
    assert_eq!(got, ["env-production"]);
    // Every command with --env completes it (one declaration, flattened).
    for line in [
        "oslinker graph --env env-s",
        "oslinker explain code --env env-s",
    ] {
        assert_eq!(
            values(bash_dynamic(&repo(), line, &[])),
            ["env-staging"],
            "{line}"
        );
    }
}

#[test]
fn bash_dynamic_completes_ls_kinds_platforms_and_statuses() {
    let got = values(bash_dynamic(&repo(), "oslinker ls p", &[]));
    assert_eq!(got, ["processes", "providers", "platforms"]);
    // The tree's platforms: the built-in ones and its own (`deno`).
    let got = values(bash_dynamic(
        &repo(),
        "oslinker ls processes --platform de",
        &[],
    ));
    assert_eq!(got, ["deno"]);
    let got = values(bash_dynamic(
        &repo(),
        "oslinker ls processes --status ",
        &[],
    ));
    assert_eq!(got, ["running", "stopped", "error", "pending"]);
}

#[test]
fn bash_dynamic_reads_the_tree_of_dir_then_oslinker_dir() {
    let multi = examples().join("multi-env");
    let multi = multi.to_str().unwrap();
    let wolves = ["wolf-dev", "wolf-prod", "wolf-staging"];
    // -d on the line being completed, in any spelling.
    for line in [
        format!("oslinker -d {multi} plan --process wolf"),
        format!("oslinker --dir={multi} plan --process wolf"),
        format!("oslinker plan -d {multi} --process wolf"),
    ] {
        assert_eq!(bash_dynamic(&repo(), &line, &[]), wolves, "{line}");
    }
    // OSLINKER_DIR, anywhere.
    let tree = Tree::empty();
    let got = bash_dynamic(
        tree.parent(),
        "oslinker plan --process wolf",
        &[("OSLINKER_DIR", multi)],
    );
    assert_eq!(got, wolves);
    // -d wins over OSLINKER_DIR.
    let here = repo().join("linker.d");
    let line = format!("oslinker -d {} plan --process wolf", here.display());
    let got = bash_dynamic(tree.parent(), &line, &[("OSLINKER_DIR", multi)]);
    assert_eq!(got, ["wolf-pack-001"]);
}

#[test]
fn bash_dynamic_gives_nothing_for_a_missing_or_broken_tree() {
    let empty = Tree::empty();
    let garbage = Tree::new(&[("a.yaml", "kind: [\n"), ("b.toml", "= nope")]);
    garbage.write("c.yaml", [0xff, 0xfe, 0x00, 0x80]);
    let file = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    let cases: [(&Path, &[(&str, &str)]); 5] = [
        // No linker.d anywhere up from here (a temporary folder).
        (empty.parent(), &[]),
        (empty.parent(), &[("OSLINKER_DIR", "does-not-exist")]),
        (empty.parent(), &[("OSLINKER_DIR", "tree")]),
        (garbage.parent(), &[("OSLINKER_DIR", "tree")]),
        // A root that is a file.
        (file.parent(), &[("OSLINKER_DIR", "tree/a.yaml")]),
    ];
    for (cwd, env) in cases {
        for line in ["oslinker resolve ", "oslinker plan --process "] {
            // `bash` asserts that nothing reached stderr and the function succeeded.
            let got = values(bash_dynamic(cwd, line, env));
            assert_eq!(got, Vec::<String>::new(), "{line} with {env:?}");
        }
    }
}

#[test]
fn bash_dynamic_offers_what_a_tree_with_errors_could_read() {
    let tree = Tree::new(&[
        ("good.yaml", &process_yaml("good-one")),
        ("bad.yaml", "kind: [\n"),
    ]);
    let got = bash_dynamic(
        tree.parent(),
        "oslinker plan --process g",
        &[("OSLINKER_DIR", "tree")],
    );
    assert_eq!(got, ["good-one"]);
}

// ---------------------------------------------------------------------------------------------
// fish, where installed: `complete -C LINE` prints what TAB would offer.

/// Fails when fish is missing: the tests that call it are `#[ignore = "needs fish"]`.
fn fish(script: &str) -> Vec<String> {
    let found = Command::new("fish").arg("--version").output().is_ok();
    assert!(
        found,
        "fish must be on the PATH for this test (apt-get install fish)"
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_oslinker"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("fish");
    command
        .args(["--no-config", "-c", script])
        .current_dir(repo())
        .env("PATH", path)
        .env_remove("OSLINKER_DIR")
        .env_remove("COMPLETE")
        .stdin(Stdio::null());
    run_shell(command)
}

#[test]
#[ignore = "needs fish"]
fn fish_static_script_completes_commands_and_values() {
    let got = fish(
        "source completions/oslinker.fish; complete -C 'oslinker re'; \
         complete -C 'oslinker plan --format '",
    );
    let got: Vec<&str> = got.iter().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(got, ["resolve", "json", "table", "yaml"]);
}

#[test]
#[ignore = "needs fish"]
fn fish_dynamic_completes_capabilities_and_process_ids() {
    let got = fish(
        "COMPLETE=fish oslinker | source; complete -C 'oslinker resolve code.r'; \
         complete -C 'oslinker -d examples/multi-env plan --process wolf-p'",
    );
    assert_eq!(
        got,
        [
            "code.refactor",
            "code.review",
            "wolf-prod\tDreamNet Wolf Pack"
        ]
    );
}
