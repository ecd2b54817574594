//! Candidates for dynamic shell completion, read from the tree: capability names, process ids
//! and environments (`clap_complete`'s `ArgValueCandidates` in `cli` call these).
//!
//! The candidates come from the tree of the command line being completed (`-d DIR`), else
//! `OSLINKER_DIR`, else the nearest `linker.d`. Completion never fails: a tree that cannot be
//! found or read gives no candidates, and a tree with errors gives what could be read.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use clap_complete::engine::CompletionCandidate;

use crate::link::Linked;
use crate::{load, pipeline};

/// The words of the command line being completed (what the shell passes after `--`).
static WORDS: OnceLock<Vec<OsString>> = OnceLock::new();

/// Keeps the words of the command line being completed, for the candidates to find its tree.
pub fn complete_words(words: Vec<OsString>) {
    let _ = WORDS.set(words);
}

/// `resolve CAPABILITY`: every capability that is mapped or advertised.
pub fn capabilities() -> Vec<CompletionCandidate> {
    candidates(|linked| {
        linked
            .routable_capabilities()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `plan --process ID`: every process id, with its name as the description.
pub fn process_ids() -> Vec<CompletionCandidate> {
    candidates(|linked| {
        linked
            .processes
            .values()
            .map(|p| CompletionCandidate::new(&p.id.value).help(Some(p.name.clone().into())))
            .collect()
    })
}

/// `--env ENV`: every environment id (the tree's and the built-in ones), with its name.
pub fn environments() -> Vec<CompletionCandidate> {
    candidates(|linked| {
        linked
            .environments
            .values()
            .map(|e| CompletionCandidate::new(&e.id.value).help(Some(e.name.value.clone().into())))
            .collect()
    })
}

/// `ls --platform PLATFORM`: every platform id (the tree's and the built-in ones), with its
/// name.
pub fn platforms() -> Vec<CompletionCandidate> {
    candidates(|linked| {
        linked
            .platforms
            .values()
            .map(|p| CompletionCandidate::new(&p.id.value).help(Some(p.name.clone().into())))
            .collect()
    })
}

fn candidates(from: impl FnOnce(&Linked) -> Vec<CompletionCandidate>) -> Vec<CompletionCandidate> {
    let words = WORDS.get().map(Vec::as_slice).unwrap_or_default();
    let Some(root) = root(words) else {
        return Vec::new();
    };
    let follow_links = words.iter().any(|w| w == "--follow-links");
    match pipeline::check_tree(&root, follow_links) {
        Ok(checked) => from(&checked.linked),
        Err(_) => Vec::new(),
    }
}

/// The manifest directory the completed command would use: its `-d`/`--dir`, else
/// `OSLINKER_DIR`, else the nearest `linker.d`.
fn root(words: &[OsString]) -> Option<PathBuf> {
    dir_option(words)
        .map(|dir| expand_home(PathBuf::from(dir)))
        .or_else(|| {
            std::env::var_os("OSLINKER_DIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| load::root::find_default().ok())
}

/// The value of the last `-d DIR`, `-dDIR`, `-d=DIR`, `--dir DIR` or `--dir=DIR` in the
/// words (the first word is the program), also inside a cluster of short flags (`-qd DIR`).
fn dir_option(words: &[OsString]) -> Option<OsString> {
    let mut found = None;
    let mut words = words.iter().skip(1);
    while let Some(word) = words.next() {
        let Some(word) = word.to_str() else { continue };
        if word == "--" {
            break;
        } else if word == "--dir" {
            found = words.next().cloned();
        } else if let Some(value) = word.strip_prefix("--dir=") {
            found = Some(value.into());
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            // Only the other short flags (-q, -h, -V) may come before `d` in a cluster.
            let flags = cluster.trim_start_matches(['q', 'h', 'V']);
            if let Some(value) = flags.strip_prefix('d') {
                let value = value.strip_prefix('=').unwrap_or(value);
                found = if value.is_empty() {
                    words.next().cloned()
                } else {
                    Some(value.into())
                };
            }
        }
    }
    found
}

/// `~/x` as the shell would expand it (the completed words arrive unexpanded).
fn expand_home(path: PathBuf) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(line: &str) -> Option<String> {
        let words: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        dir_option(&words).map(|d| d.to_string_lossy().into_owned())
    }

    #[test]
    fn dir_option_in_every_spelling() {
        assert_eq!(dir("oslinker plan --process "), None);
        assert_eq!(dir("oslinker -d a plan --process "), Some("a".into()));
        assert_eq!(dir("oslinker -da resolve "), Some("a".into()));
        assert_eq!(dir("oslinker -d=a resolve "), Some("a".into()));
        assert_eq!(dir("oslinker --dir a resolve "), Some("a".into()));
        assert_eq!(dir("oslinker --dir=a resolve "), Some("a".into()));
        assert_eq!(dir("oslinker -qd a resolve "), Some("a".into()));
        assert_eq!(dir("oslinker resolve --dir a "), Some("a".into()));
        assert_eq!(dir("oslinker -d a -d b plan"), Some("b".into()));
        // Not the dir option: other flags, values after `--`, a dangling `-d`.
        assert_eq!(dir("oslinker --follow-links plan --process x"), None);
        assert_eq!(dir("oslinker validate -- -d a"), None);
        assert_eq!(dir("oslinker -d"), None);
    }

    #[test]
    fn home_is_expanded() {
        let Some(home) = std::env::var_os("HOME") else {
            return;
        };
        assert_eq!(
            expand_home(PathBuf::from("~/trees/a")),
            PathBuf::from(home).join("trees/a")
        );
        assert_eq!(expand_home(PathBuf::from("a/~")), PathBuf::from("a/~"));
    }
}
