//! `--format junit`: one test case per checked file; a file with problems fails with one
//! `<failure>` that lists them all (JUnit readers expect at most one failure per case).

use std::collections::BTreeMap;

use super::position;
use crate::diagnostic::Diagnostic;
use crate::load::source::Sources;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One problem, as a line of the failure's text.
struct Problem {
    line: String,
    code: String,
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

fn failure(problems: &[Problem]) -> String {
    let first = problems[0].line.lines().next().unwrap_or_default();
    let message = match problems.len() {
        1 => first.to_string(),
        n => format!("{first} (and {} more)", n - 1),
    };
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    codes.dedup();
    let body: Vec<&str> = problems.iter().map(|p| p.line.as_str()).collect();
    format!(
        "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
        escape(&message),
        escape(&codes.join(", ")),
        escape(&body.join("\n"))
    )
}

/// `files` are the display paths of every file checked, so clean files show as passing
/// cases. Warnings count as failures only when `strict`.
pub fn junit(
    sources: &Sources,
    files: &[String],
    diagnostics: &[Diagnostic],
    strict: bool,
) -> String {
    let mut by_file: BTreeMap<String, Vec<Problem>> =
        files.iter().map(|f| (f.clone(), Vec::new())).collect();
    for d in diagnostics.iter().filter(|d| strict || d.is_error()) {
        let (file, problem) = problem(sources, d);
        by_file.entry(file).or_default().push(problem);
    }
    let failures = by_file.values().filter(|p| !p.is_empty()).count();
    let tests = by_file.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"oslinker validate\" tests=\"{tests}\" failures=\"{failures}\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"oslinker validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for (file, problems) in &by_file {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"oslinker.validate\">\n",
            escape(file)
        ));
        if !problems.is_empty() {
            out.push_str(&failure(problems));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
