//! Conformance with the official YAML and TOML test suites, which are not vendored: run
//!
//! ```text
//! git clone -b data https://github.com/yaml/yaml-test-suite /tmp/yaml-test-suite
//! git clone https://github.com/toml-lang/toml-test /tmp/toml-test
//! YAML_TEST_SUITE_DIR=/tmp/yaml-test-suite TOML_TEST_DIR=/tmp/toml-test \
//!     cargo test --test cli conformance -- --ignored --nocapture
//! ```
//!
//! The bar is the suites' verdicts: every invalid case is a syntax error (E0001) at a line,
//! no valid case is one (our loaders want manifests, so a valid bare scalar still gets a
//! diagnostic of its own: only E0001 counts), and no case panics or hangs. Each case goes
//! through the same load + read path as `validate`. Disagreements the parsers cannot be
//! taught (listed below with the reason) are printed but expected; any other fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use oslinker::diagnostic::Code;
use oslinker::load::{Limits, parse_file};
use oslinker::pipeline::read_file;
use oslinker::source::FileId;

/// How long one case may take before it counts as a hang (generous: a case is a few lines).
const HANG: Duration = Duration::from_secs(20);

/// What the loader said about one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// No syntax error.
    Accepted,
    /// E0001 at a line.
    SyntaxAtLine,
    /// E0001 without a position.
    SyntaxNoLine,
    /// No E0001, but E0003 at a line: the loader rejects a NUL byte or bad UTF-8 as "not
    /// text" before any parser sees it, which for an invalid case is the right answer in
    /// other words.
    NotTextAtLine,
    Panicked,
    Hung,
}

/// Loads and reads `bytes` as a file named `name`, as `validate` does.
fn verdict(name: &str, bytes: Vec<u8>) -> Verdict {
    let name = name.to_string();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            let path = PathBuf::from(&name);
            let loaded = parse_file(&path, name.clone(), bytes, FileId(1), &Limits::default());
            let read = read_file(loaded);
            // The human report shows a snippet of the masked text: make it too.
            let _ = read.source.snippet_text();
            let syntax: Vec<_> = read
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::Syntax)
                .collect();
            let not_text = read
                .diagnostics
                .iter()
                .any(|d| d.code == Code::NotText && d.span.is_some());
            match syntax.first() {
                None if not_text => Verdict::NotTextAtLine,
                None => Verdict::Accepted,
                Some(_) if syntax.iter().any(|d| d.span.is_some()) => Verdict::SyntaxAtLine,
                Some(_) => Verdict::SyntaxNoLine,
            }
        });
        let _ = send.send(outcome.unwrap_or(Verdict::Panicked));
    });
    receive.recv_timeout(HANG).unwrap_or(Verdict::Hung)
}

/// Counts of agreements and the cases that disagree, by category.
#[derive(Default)]
struct Tally {
    valid_accepted: usize,
    valid_total: usize,
    invalid_rejected: usize,
    invalid_total: usize,
    /// Invalid cases rejected as not text (E0003), not as a syntax error.
    invalid_not_text: usize,
    /// (case, category, expected valid, verdict)
    disagreements: Vec<(String, String, bool, Verdict)>,
}

impl Tally {
    fn record(&mut self, case: &str, category: &str, valid: bool, verdict: Verdict) {
        let agrees = if valid {
            self.valid_total += 1;
            verdict == Verdict::Accepted
        } else {
            self.invalid_total += 1;
            if verdict == Verdict::NotTextAtLine {
                self.invalid_not_text += 1;
                return;
            }
            verdict == Verdict::SyntaxAtLine
        };
        if agrees {
            if valid {
                self.valid_accepted += 1
            } else {
                self.invalid_rejected += 1
            }
        } else {
            self.disagreements
                .push((case.to_string(), category.to_string(), valid, verdict));
        }
    }

    /// Prints the counts and every disagreement; returns the disagreements not in `known`.
    fn report(&self, suite: &str, known: &[&str]) -> Vec<String> {
        println!(
            "{suite}: valid accepted {}/{}, invalid rejected with E0001 at a line {}/{} \
             (+{} as not text, E0003 at a line), disagreements {}",
            self.valid_accepted,
            self.valid_total,
            self.invalid_rejected,
            self.invalid_total,
            self.invalid_not_text,
            self.disagreements.len()
        );
        let mut by_category: BTreeMap<(&str, bool), Vec<String>> = BTreeMap::new();
        for (case, category, valid, verdict) in &self.disagreements {
            by_category
                .entry((category.as_str(), *valid))
                .or_default()
                .push(format!("{case} ({verdict:?})"));
        }
        for ((category, valid), cases) in by_category {
            let expected = if valid { "valid" } else { "invalid" };
            println!("  {category} [{expected}]: {}", cases.join(", "));
        }
        self.disagreements
            .iter()
            .filter(|(case, _, _, verdict)| {
                matches!(verdict, Verdict::Panicked | Verdict::Hung)
                    || !known.contains(&case.as_str())
            })
            .map(|(case, _, _, verdict)| format!("{case} ({verdict:?})"))
            .collect()
    }
}

fn suite_dir(variable: &str) -> PathBuf {
    let dir = std::env::var_os(variable).unwrap_or_else(|| {
        panic!("set {variable} to a checkout of the suite (see the top of this file)")
    });
    PathBuf::from(dir)
}

/// Every folder under `dir` that holds a case (`in.yaml`), sorted.
fn yaml_cases(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.is_symlink() && path.file_name() != Some("tags".as_ref()) {
            if path.join("in.yaml").is_file() {
                found.push(path.clone());
            }
            yaml_cases(&path, found);
        }
    }
}

/// YAML cases our parser (saphyr-parser) disagrees with, and why. None with the data branch
/// at 6ad3d2c6: 308 valid cases accepted, 94 invalid ones rejected at a line.
const YAML_KNOWN: &[&str] = &[];

#[test]
#[ignore = "needs the YAML test suite's data branch in YAML_TEST_SUITE_DIR"]
fn yaml_test_suite() {
    let root = suite_dir("YAML_TEST_SUITE_DIR");
    let mut cases = Vec::new();
    yaml_cases(&root, &mut cases);
    assert!(
        !cases.is_empty(),
        "no cases (in.yaml) under {}",
        root.display()
    );
    let mut tally = Tally::default();
    for case in cases {
        let id = case
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let valid = !case.join("error").exists();
        let bytes = std::fs::read(case.join("in.yaml")).unwrap();
        let category = if valid { "valid" } else { "invalid" };
        tally.record(&id, category, valid, verdict("in.yaml", bytes));
    }
    let unexpected = tally.report("yaml-test-suite", YAML_KNOWN);
    assert!(unexpected.is_empty(), "unexpected: {unexpected:?}");
}

/// TOML 1.1 cases the `toml` crate disagrees with, and why. None at d168c2a: 220 valid
/// cases accepted; 474 invalid ones rejected with E0001 at a line and 18 (NUL bytes, bad
/// UTF-8, UTF-16) with E0003. Against the 1.0 list, only what TOML 1.1 allows differs
/// (times without seconds, newlines and trailing commas in inline tables, `\xHH`).
const TOML_KNOWN: &[&str] = &[];

/// Runs the cases that `tests/files-toml-VERSION` lists.
fn toml_suite(version: &str) -> Tally {
    let root = suite_dir("TOML_TEST_DIR").join("tests");
    let list = std::fs::read_to_string(root.join(format!("files-toml-{version}")))
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut tally = Tally::default();
    for case in list.lines().filter(|l| l.ends_with(".toml")) {
        let valid = case.starts_with("valid/");
        let category = case.split('/').nth(1).unwrap_or_default();
        let bytes = std::fs::read(root.join(case)).unwrap();
        tally.record(case, category, valid, verdict("case.toml", bytes));
    }
    tally
}

#[test]
#[ignore = "needs toml-test in TOML_TEST_DIR"]
fn toml_test_suite() {
    // The `toml` crate implements TOML 1.1; 1.0's verdicts are shown for comparison only.
    let older = toml_suite("1.0.0");
    let _ = older.report("toml-test 1.0.0 (for comparison)", &[]);
    let current = toml_suite("1.1.0");
    let unexpected = current.report("toml-test 1.1.0", TOML_KNOWN);
    assert!(unexpected.is_empty(), "unexpected: {unexpected:?}");
}
