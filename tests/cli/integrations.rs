//! What other tools run: `.pre-commit-hooks.yaml` names oslinker's real command, selects
//! manifest files, and that command does what a hook needs when pre-commit passes it the
//! changed files (from the repository root, paths relative to it); the README's CI jobs use
//! formats that exist and files they write.

use std::collections::BTreeMap;

use regex::Regex;

use crate::support::{Tree, oslinker, process_yaml, repo};

/// The hooks, each as its `key: value` lines (the file is a flat list of flat mappings).
fn hooks() -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks: Vec<BTreeMap<String, String>> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let entry = match line.strip_prefix("- ") {
            Some(first) => {
                hooks.push(BTreeMap::new());
                first
            }
            None => line.trim_start(),
        };
        let (key, value) = entry.split_once(": ").expect("a `key: value` line");
        hooks
            .last_mut()
            .expect("a hook")
            .insert(key.to_string(), value.to_string());
    }
    hooks
}

#[test]
fn hooks_run_oslinker_validate_on_manifest_files() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str()).collect();
    // The whole tree first: the recommended hook.
    assert_eq!(ids, ["oslinker-validate-tree", "oslinker-validate"]);
    for hook in &hooks {
        assert_eq!(hook["language"], "rust", "{hook:?}");
        assert_eq!(hook["entry"], "oslinker validate", "{hook:?}");
        let files = Regex::new(&hook["files"]).unwrap();
        for path in ["linker.d/a.yaml", "linker.d/b.yml", "c.toml"] {
            assert!(files.is_match(path), "{path}");
        }
        for path in ["a.json", "a.yaml.bak", "README.md"] {
            assert!(!files.is_match(path), "{path}");
        }
    }
    assert_eq!(hooks[0]["pass_filenames"], "false");
    assert_eq!(hooks[0]["always_run"], "true");
    assert_eq!(hooks[1].get("pass_filenames"), None);
}

/// A repository root holding `linker.d/` with a valid tree, as pre-commit would see it.
fn repository() -> Tree {
    let tree = Tree::empty();
    std::fs::create_dir(tree.parent().join("linker.d")).unwrap();
    for (name, text) in [
        ("a.yaml", process_yaml("a")),
        ("b.yaml", process_yaml("b")),
        (
            "bind.yaml",
            "kind: Binding\nid: b-net\nprocessId: b\nenvironmentId: production\ntype: network\nconfig: {egress: [\"api.example.com:443\"]}\n".to_string(),
        ),
    ] {
        std::fs::write(tree.parent().join("linker.d").join(name), text).unwrap();
    }
    tree
}

#[test]
fn changed_files_pass_or_fail_the_commit() {
    let repo = repository();
    let root = repo.parent();
    let hook = |files: &[&str]| oslinker(root).args(["validate"]).args(files).run();

    hook(&["linker.d/a.yaml"]).assert_code(0);

    // A broken manifest fails, with its diagnostic.
    std::fs::write(root.join("linker.d/a.yaml"), "kind: Process\nid: a\n").unwrap();
    let out = hook(&["linker.d/a.yaml"]);
    out.assert_code(1);
    assert!(out.stderr.contains("E0105"), "{}", out.stderr);
    assert!(out.stderr.contains("linker.d/a.yaml:"), "{}", out.stderr);

    // Other files changed with it are not blamed for it.
    hook(&["linker.d/b.yaml"]).assert_code(0);

    // A YAML file outside the manifest directory gets a note and passes.
    std::fs::write(root.join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    std::fs::write(root.join("linker.d/a.yaml"), process_yaml("a")).unwrap();
    let out = hook(&[".pre-commit-config.yaml", "linker.d/a.yaml"]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("note: `.pre-commit-config.yaml` is outside the manifest directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_change_that_breaks_another_file_needs_the_whole_tree_hook() {
    let repo = repository();
    let root = repo.parent();
    // Renaming process `b` breaks the binding in bind.yaml, a file the commit did not touch.
    std::fs::write(root.join("linker.d/b.yaml"), process_yaml("b2")).unwrap();
    let changed = oslinker(root).args(["validate", "linker.d/b.yaml"]).run();
    changed.assert_code(0);
    let whole = oslinker(root).args(["validate"]).run();
    whole.assert_code(1);
    assert!(whole.stderr.contains("E0202"), "{}", whole.stderr);
}

/// The README's `## CI` section.
fn readme_ci() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("\n## CI\n").expect("a CI section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_string()
}

#[test]
fn readme_ci_jobs_use_formats_oslinker_has() {
    let ci = readme_ci();
    let formats = Regex::new(r"oslinker validate --format (\w+)(?: > (\S+))?").unwrap();
    let used: Vec<(String, Option<String>)> = formats
        .captures_iter(&ci)
        .map(|c| (c[1].to_string(), c.get(2).map(|f| f.as_str().to_string())))
        .collect();
    let names: Vec<&str> = used.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["github", "sarif", "junit"]);
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    for (format, file) in &used {
        let out = tree.run(["validate", "--format", format]);
        out.assert_code(0);
        // Annotations only for problems; the reports always have content.
        if let Some(file) = file {
            assert!(!out.stdout.is_empty(), "{format}");
            assert!(ci.contains(&format!(": {file}")), "{file} is uploaded");
        }
    }
    assert!(ci.contains("security-events: write"));
    assert_eq!(ci.matches("if: always()").count(), 2);
    assert!(ci.contains("when: always"));
}

/// Every code fence in the README is closed: one left open turns the rest of the page inside
/// out on GitHub.
#[test]
fn readme_code_fences_are_balanced() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut open: Option<usize> = None;
    for (number, line) in readme.lines().enumerate() {
        let fence = line.trim_start();
        if !fence.starts_with("```") {
            continue;
        }
        match open {
            None => open = Some(number + 1),
            Some(start) => {
                assert_eq!(
                    fence.trim_end(),
                    "```",
                    "README.md:{}: a fence opens inside the block opened at line {start}",
                    number + 1
                );
                open = None;
            }
        }
    }
    assert_eq!(
        open, None,
        "README.md: the code fence opened here is never closed"
    );
}
