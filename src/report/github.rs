//! `--format github`: GitHub Actions workflow commands, shown as annotations on the diff.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
//! silently, so a run with more says so in the log and can write every problem as a table to
//! the step summary (`$GITHUB_STEP_SUMMARY`).

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;
use crate::text::printable;

/// Annotations of one severity GitHub shows per step.
pub const SHOWN_PER_SEVERITY: usize = 10;

/// The workflow commands, and what to do about those GitHub will not show.
pub struct GithubReport {
    /// One workflow command per diagnostic (all of them: other readers may want them).
    pub commands: String,
    /// A plain line for the log when some were not shown as annotations.
    pub note: Option<String>,
    /// The whole table as Markdown, for the step summary, when some were not shown.
    pub summary: Option<String>,
}

/// Escapes a command's message (data).
fn escape_data(text: &str) -> String {
    // `printable` has already escaped a carriage return; a line break stays a line break.
    printable(text).replace('%', "%25").replace('\n', "%0A")
}

/// Escapes a command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(sources: &Sources, d: &Diagnostic) -> String {
    let command = d.severity.as_str();
    let p = position(sources, d);
    let mut properties = format!("file={}", escape_property(&p.file));
    if let Some((line, column)) = p.line_col {
        properties.push_str(&format!(",line={line},col={column}"));
    }
    if let Some((end_line, end_column)) = p.end.filter(|_| p.line_col.is_some()) {
        properties.push_str(&format!(",endLine={end_line},endColumn={end_column}"));
    }
    let title = format!("{} {}", d.code_id(), d.code_name());
    properties.push_str(&format!(",title={}", escape_property(&title)));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{command} {properties}::{}\n", escape_data(&message))
}

pub fn github(sources: &Sources, diagnostics: &[Diagnostic]) -> GithubReport {
    let commands = diagnostics.iter().map(|d| command(sources, d)).collect();
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let hidden = |severity| count(severity).saturating_sub(SHOWN_PER_SEVERITY);
    let (errors, warnings) = (hidden(Severity::Error), hidden(Severity::Warning));
    if errors + warnings == 0 {
        return GithubReport {
            commands,
            note: None,
            summary: None,
        };
    }
    let in_summary = std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|v| !v.is_empty());
    let note = format!(
        "note: {} and {} were not shown as annotations (GitHub shows {SHOWN_PER_SEVERITY} errors \
         and {SHOWN_PER_SEVERITY} warnings per step); all {} are in this log{}",
        crate::text::plural(errors, "error"),
        crate::text::plural(warnings, "warning"),
        diagnostics.len(),
        if in_summary {
            " and in the step summary"
        } else {
            ""
        },
    );
    GithubReport {
        commands,
        note: Some(note),
        summary: Some(markdown_table(sources, diagnostics)),
    }
}

/// Text for a Markdown table cell: one line, no column breaks, no HTML.
fn cell(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

/// Every diagnostic as a row of a Markdown table, under a heading.
fn markdown_table(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::from(
        "### oslinker validate\n\n| severity | code | place | message |\n|---|---|---|---|\n",
    );
    for d in diagnostics {
        let p = position(sources, d);
        let place = match p.line_col {
            Some((line, column)) => format!("{}:{line}:{column}", p.file),
            None => p.file,
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "| {} | {} {} | `{}` | {} |\n",
            d.severity.as_str(),
            d.code_id(),
            d.code_name(),
            cell(&place).replace('`', "'"),
            cell(&message)
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("a\u{1b}[2Jb\r"), "a\\u{1b}[2Jb\\u{d}");
    }

    #[test]
    fn table_cells_stay_in_their_cell() {
        assert_eq!(cell("a|b\nc <d>"), "a\\|b<br>c &lt;d&gt;");
    }
}
