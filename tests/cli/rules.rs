//! Tests by rule: `tests/rules/<CODE>-<name>/` holds a manifest tree (`linker.d/`) that plants
//! the rule's mistakes, one case per file (named after the case, its first line saying what is
//! planted; a case may also be a near miss that must stay quiet), an optional `args` file
//! (validate's extra arguments, one per line) and `expected.snap`, what `validate` says of it:
//! code, place, message, help and related places. One test walks the folders, so adding a case
//! for a rule is adding files, and every diagnostic code must have its folder.
//!
//! `INSTA_UPDATE=always cargo test --test cli rules` rewrites the snapshots after an intended
//! change; review them with `git diff`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oslinker::diagnostic::Code;

use crate::support::{oslinker, repo};

fn rule_folders() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(repo().join("tests").join("rules"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}

fn folder_name(folder: &Path) -> &str {
    folder.file_name().unwrap().to_str().unwrap()
}

fn extra_args(folder: &Path) -> Vec<String> {
    match std::fs::read_to_string(folder.join("args")) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(_) => Vec::new(),
    }
}

/// What `validate` prints for the folder's tree, as a user sees it without colour.
fn validate(folder: &Path) -> String {
    let out = oslinker(folder)
        .args(["-d", "linker.d", "--color", "never"])
        .args(extra_args(folder))
        .args(["validate"])
        .run();
    format!(
        "exit code {}\n--- stdout\n{}--- stderr\n{}",
        out.code, out.stdout, out.stderr
    )
}

/// The command the snapshot shows, for a reader of `expected.snap`.
fn command_line(folder: &Path) -> String {
    let mut words = vec!["oslinker", "-d", "linker.d", "--color", "never"];
    let extra = extra_args(folder);
    words.extend(extra.iter().map(String::as_str));
    words.push("validate");
    words.join(" ")
}

#[test]
fn every_code_has_a_rule_folder_and_every_folder_a_code() {
    let folders: BTreeSet<String> = rule_folders()
        .iter()
        .map(|f| folder_name(f).to_string())
        .collect();
    let codes: BTreeSet<String> = Code::ALL
        .iter()
        .map(|code| format!("{}-{}", code.id(), code.name()))
        .collect();
    let missing: Vec<_> = codes.difference(&folders).collect();
    let unknown: Vec<_> = folders.difference(&codes).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "codes without a folder in tests/rules: {missing:?}; folders for no code: {unknown:?}"
    );
}

#[test]
fn each_rule_folder_reports_its_rule() {
    for folder in rule_folders() {
        let name = folder_name(&folder);
        let (id, rule) = name.split_once('-').unwrap();
        let shown = validate(&folder);
        // A Policy rule's finding shows the rule's own code (`team/owner-label policy-rule`).
        let reported = match rule {
            "policy-rule" => shown.contains(" policy-rule\n"),
            _ => shown.contains(&format!("\n{id} {rule}\n")),
        };
        assert!(reported, "{name}: validate did not report {id}:\n{shown}");
        let expected_exit = if id.starts_with('W') { 0 } else { 1 };
        assert!(
            shown.starts_with(&format!("exit code {expected_exit}\n")),
            "{name}: {shown}"
        );
        insta::with_settings!({
            snapshot_path => folder.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            info => &command_line(&folder),
        }, {
            insta::assert_snapshot!("expected", shown);
        });
    }
}
