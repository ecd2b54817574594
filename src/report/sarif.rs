//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

use serde_json::{Value, json};

use super::{Position, position, position_of};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::load::source::Sources;

/// A file path as a relative URI reference: `/` separators, other reserved bytes escaped.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn location(p: &Position, message: Option<&str>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&p.file) } });
    if let (Some((line, column)), Some((end_line, end_column))) = (p.line_col, p.end) {
        // An empty span (a point such as a syntax error) still gets a one-column region.
        let end_column = if (end_line, end_column) <= (line, column) {
            column + 1
        } else {
            end_column
        };
        let end_line = end_line.max(line);
        physical["region"] = json!({
            "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column,
        });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(message) = message {
        location["message"] = json!({ "text": message });
    }
    location
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn sarif(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.id(),
                "name": code.name(),
                "shortDescription": { "text": code.summary() },
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let index = Code::ALL
                .iter()
                .position(|c| *c == d.code)
                .unwrap_or_default();
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(
                        &position_of(sources, r.span.file, Some(r.span)),
                        Some(&r.message),
                    );
                    l["id"] = json!(i + 1);
                    l
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.id(),
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(&position(sources, d), None)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "oslinker",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    crate::render::json(&log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_escaped() {
        assert_eq!(
            uri("linker.d/my agents/a.yaml"),
            "linker.d/my%20agents/a.yaml"
        );
    }
}
