//! `--format junit`: one test case per checked file, one failure per problem in it.

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

/// `files` are the display paths of every file checked, so clean files show as passing
/// cases. Warnings count as failures only when `strict`.
pub fn junit(
    sources: &Sources,
    files: &[String],
    diagnostics: &[Diagnostic],
    strict: bool,
) -> String {
    let mut by_file: BTreeMap<&str, Vec<String>> =
        files.iter().map(|f| (f.as_str(), Vec::new())).collect();
    let mut positions = Vec::new();
    for d in diagnostics.iter().filter(|d| strict || d.is_error()) {
        positions.push((position(sources, d), d));
    }
    for (p, d) in &positions {
        let at = match p.line_col {
            Some((line, column)) => format!("{}:{line}:{column}", p.file),
            None => p.file.clone(),
        };
        let mut body = format!("{at}: {}", d.message);
        if let Some(help) = &d.help {
            body.push_str(&format!("\nhelp: {help}"));
        }
        let failure = format!(
            "      <failure message=\"{}\" type=\"{} {}\">{}</failure>\n",
            escape(&d.message),
            d.code.id(),
            d.code.name(),
            escape(&body)
        );
        by_file.entry(p.file.as_str()).or_default().push(failure);
    }
    let failures: usize = by_file.values().map(Vec::len).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"oslinker validate\" tests=\"{}\" failures=\"{failures}\">\n",
        by_file.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"oslinker validate\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        by_file.len()
    ));
    for (file, failures) in &by_file {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"oslinker.validate\">\n",
            escape(file)
        ));
        for failure in failures {
            out.push_str(failure);
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
