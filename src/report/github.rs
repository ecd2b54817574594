//! `--format github`: GitHub Actions workflow commands, shown as annotations on the diff.

use super::position;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::source::Sources;

/// Escapes a command's message (data).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let p = position(sources, d);
        let mut properties = format!("file={}", escape_property(&p.file));
        if let Some((line, column)) = p.line_col {
            properties.push_str(&format!(",line={line},col={column}"));
        }
        if let Some((end_line, end_column)) = p.end.filter(|_| p.line_col.is_some()) {
            properties.push_str(&format!(",endLine={end_line},endColumn={end_column}"));
        }
        let title = format!("{} {}", d.code.id(), d.code.name());
        properties.push_str(&format!(",title={}", escape_property(&title)));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {properties}::{}\n",
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
