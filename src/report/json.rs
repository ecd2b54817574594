//! `--format json`: the versioned machine-readable report.

use serde::Serialize;

use super::{Position, position, position_of};
use crate::diagnostic::Diagnostic;
use crate::lints::Suppressed;
use crate::source::Sources;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    format_version: u32,
    valid: bool,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Entry<'a>>,
    /// With `--show-suppressed` only (an additive field: the format version stays).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<SuppressedEntry<'a>>>,
}

#[derive(Serialize)]
struct SuppressedEntry<'a> {
    #[serde(flatten)]
    entry: Entry<'a>,
    reason: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'a str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
    related: Vec<RelatedEntry<'a>>,
}

#[derive(Serialize)]
struct RelatedEntry<'a> {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

fn split(p: Position) -> (String, Option<usize>, Option<usize>) {
    (
        p.file,
        p.line_col.map(|(l, _)| l),
        p.line_col.map(|(_, c)| c),
    )
}

/// The report; `suppressed` (with `--show-suppressed`) lists what was silenced, each with
/// its reason.
pub fn json(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    valid: bool,
    suppressed: Option<&[Suppressed]>,
) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let report = Report {
        format_version: 1,
        valid,
        errors,
        warnings: diagnostics.len() - errors,
        diagnostics: entries(sources, diagnostics),
        suppressed: suppressed.map(|list| {
            list.iter()
                .map(|s| SuppressedEntry {
                    entry: entry(sources, &s.diagnostic),
                    reason: &s.reason,
                })
                .collect()
        }),
    };
    crate::text::json(&report)
}

/// The diagnostics as the JSON report lists them (for `watch`'s events).
pub fn json_diagnostics(sources: &Sources, diagnostics: &[Diagnostic]) -> serde_json::Value {
    serde_json::to_value(entries(sources, diagnostics)).unwrap_or_default()
}

fn entries<'a>(sources: &Sources, diagnostics: &'a [Diagnostic]) -> Vec<Entry<'a>> {
    diagnostics.iter().map(|d| entry(sources, d)).collect()
}

fn entry<'a>(sources: &Sources, d: &'a Diagnostic) -> Entry<'a> {
    {
        {
            let (file, line, column) = split(position(sources, d));
            Entry {
                code: d.code_id(),
                name: d.code_name(),
                severity: d.severity.as_str(),
                message: &d.message,
                file,
                line,
                column,
                help: d.help.as_deref(),
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let (file, line, column) =
                            split(position_of(sources, r.span.file, Some(r.span)));
                        RelatedEntry {
                            file,
                            line,
                            column,
                            message: &r.message,
                        }
                    })
                    .collect(),
            }
        }
    }
}
