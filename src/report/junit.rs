//! `--format junit`: one test case per checked file; a file with problems fails with one
//! `<failure>` that lists them all (JUnit readers expect at most one failure per case).
//! Warnings that do not fail the run (without `--strict`) are the case's `<system-out>`, so
//! they are still seen. The XML is written by quick-junit; text goes through
//! [`crate::output::printable`] first, so a control character shows as `\u{1b}` rather than
//! being dropped.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::position;
use crate::diagnostic::Diagnostic;
use crate::load::source::Sources;
use crate::output::printable;

/// One problem, as a line of the failure's text or of the case's output.
struct Problem {
    line: String,
    code: String,
}

/// A file's problems: those that fail its case, and warnings that only inform.
#[derive(Default)]
struct FileProblems {
    failing: Vec<Problem>,
    informing: Vec<Problem>,
}

fn problem(sources: &Sources, d: &Diagnostic) -> (String, Problem) {
    let p = position(sources, d);
    let at = match p.line_col {
        Some((line, column)) => format!("{}:{line}:{column}", p.file),
        None => p.file.clone(),
    };
    let mut line = format!("{at}: {} [{}]", d.message, d.code.id());
    if let Some(help) = &d.help {
        line.push_str(&format!("\n  help: {help}"));
    }
    let code = format!("{} {}", d.code.id(), d.code.name());
    (p.file, Problem { line, code })
}

fn lines(problems: &[Problem]) -> String {
    let body: Vec<&str> = problems.iter().map(|p| p.line.as_str()).collect();
    printable(&body.join("\n")).into_owned()
}

fn failure(problems: &[Problem]) -> TestCaseStatus {
    let first = problems[0].line.lines().next().unwrap_or_default();
    let message = match problems.len() {
        1 => first.to_string(),
        n => format!("{first} (and {} more)", n - 1),
    };
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    codes.dedup();
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status
        .set_message(printable(&message))
        .set_type(codes.join(", "))
        .set_description(lines(problems));
    status
}

fn test_case(file: &str, problems: &FileProblems) -> TestCase {
    let status = match problems.failing.is_empty() {
        true => TestCaseStatus::success(),
        false => failure(&problems.failing),
    };
    let mut case = TestCase::new(printable(file), status);
    case.set_classname("oslinker.validate");
    if !problems.informing.is_empty() {
        case.set_system_out(lines(&problems.informing) + "\n");
    }
    case
}

/// `files` are the display paths of every file checked, so clean files show as passing
/// cases. Warnings count as failures only when `strict`.
pub fn junit(
    sources: &Sources,
    files: &[String],
    diagnostics: &[Diagnostic],
    strict: bool,
) -> String {
    let mut by_file: BTreeMap<String, FileProblems> = files
        .iter()
        .map(|f| (f.clone(), FileProblems::default()))
        .collect();
    for d in diagnostics {
        let (file, problem) = problem(sources, d);
        let entry = by_file.entry(file).or_default();
        match strict || d.is_error() {
            true => entry.failing.push(problem),
            false => entry.informing.push(problem),
        }
    }
    let mut suite = TestSuite::new("oslinker validate");
    suite.add_test_cases(by_file.iter().map(|(file, p)| test_case(file, p)));
    let mut report = Report::new("oslinker validate");
    report.add_test_suite(suite);
    report.to_string().unwrap_or_else(|e| {
        // Writing to a string fails only on a bug in the writer; say so in valid XML.
        let mut report = Report::new("oslinker validate");
        let mut suite = TestSuite::new("oslinker validate");
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(format!("cannot write the JUnit report: {e}"));
        suite.add_test_case(TestCase::new("oslinker", status));
        report.add_test_suite(suite);
        report.to_string().unwrap_or_default()
    }) + "\n"
}
