//! `--format junit`: one test case per checked file; a file with problems fails with one
//! `<failure>` that lists them all (JUnit readers expect at most one failure per case).
//! Warnings that do not fail the run (without `--strict`) are the case's `<system-out>`, so
//! they are still seen. The XML is written by quick-xml's writer (which escapes), in the shape
//! of the Jenkins JUnit schema (junit-10.xsd, which pytest also validates against; quick-junit
//! writes a `skipped` count that schema refuses). Text goes through
//! [`crate::text::printable`] first, so a control character shows as `\u{1b}` rather than
//! being dropped.

use std::collections::BTreeMap;

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::position;
use crate::diagnostic::Diagnostic;
use crate::source::Sources;
use crate::text::printable;

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
    let mut line = format!("{at}: {} [{}]", d.message, d.code_id());
    if let Some(help) = &d.help {
        line.push_str(&format!("\n  help: {help}"));
    }
    let code = format!("{} {}", d.code_id(), d.code_name());
    (p.file, Problem { line, code })
}

fn lines(problems: &[Problem]) -> String {
    let body: Vec<&str> = problems.iter().map(|p| p.line.as_str()).collect();
    printable(&body.join("\n")).into_owned()
}

/// The `<failure>` of a case: its message is the first problem, its type the codes, its
/// text every problem.
fn write_failure(w: &mut Writer<Vec<u8>>, problems: &[Problem]) -> io::Result<()> {
    let first = problems[0].line.lines().next().unwrap_or_default();
    let message = match problems.len() {
        1 => first.to_string(),
        n => format!("{first} (and {} more)", n - 1),
    };
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    codes.dedup();
    w.create_element("failure")
        .with_attributes([
            ("message", printable(&message).as_ref()),
            ("type", codes.join(", ").as_str()),
        ])
        .write_text_content(BytesText::new(&lines(problems)))?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, file: &str, problems: &FileProblems) -> io::Result<()> {
    let case = w.create_element("testcase").with_attributes([
        ("name", printable(file).as_ref()),
        ("classname", "oslinker.validate"),
    ]);
    if problems.failing.is_empty() && problems.informing.is_empty() {
        case.write_empty()?;
        return Ok(());
    }
    case.write_inner_content(|w| {
        if !problems.failing.is_empty() {
            write_failure(w, &problems.failing)?;
        }
        if !problems.informing.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&(lines(&problems.informing) + "\n")))?;
        }
        Ok(())
    })?;
    Ok(())
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
    let tests = by_file.len().to_string();
    let failures = (by_file.values().filter(|p| !p.failing.is_empty()).count()).to_string();
    let counts = [
        ("name", "oslinker validate"),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", "0"),
    ];
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    // Writing into memory fails only on a bug in the writer.
    let written = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            w.create_element("testsuites")
                .with_attributes(counts)
                .write_inner_content(|w| {
                    w.create_element("testsuite")
                        .with_attributes(counts)
                        .write_inner_content(|w| {
                            by_file
                                .iter()
                                .try_for_each(|(file, problems)| write_case(w, file, problems))
                        })?;
                    Ok(())
                })?;
            Ok(())
        });
    debug_assert!(written.is_ok(), "{written:?}");
    String::from_utf8(w.into_inner()).unwrap_or_default() + "\n"
}
