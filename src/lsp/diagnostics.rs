//! The linker's diagnostics as LSP diagnostics, per file, and publishing only what changed
//! since the last time (a file whose problems are gone gets an empty list: that clears it).

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position,
    PublishDiagnosticsParams, Range,
};

use super::position::Lines;
use super::state::{State, uri_of};
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::Checked;
use crate::source::{FileId, Span};

pub type ByFile = HashMap<PathBuf, Vec<lsp_types::Diagnostic>>;

/// Every diagnostic of the tree, by the file it is in. Problems with the tree as a whole
/// (pointing at the root folder, which no editor opens) are shown on each open buffer's
/// first line.
pub fn by_file(state: &State) -> ByFile {
    let mut found = ByFile::new();
    let Some(checked) = &state.checked else {
        return found;
    };
    let mut lines: HashMap<FileId, Lines> = HashMap::new();
    for diagnostic in &checked.diagnostics {
        let converted = convert(checked, &mut lines, diagnostic);
        if diagnostic.file == checked.root {
            for path in state.buffers.keys() {
                found
                    .entry(path.clone())
                    .or_default()
                    .push(converted.clone());
            }
        } else {
            let path = checked.sources.get(diagnostic.file).path.clone();
            found.entry(path).or_default().push(converted);
        }
    }
    found
}

fn convert<'c>(
    checked: &'c Checked,
    lines: &mut HashMap<FileId, Lines<'c>>,
    diagnostic: &Diagnostic,
) -> lsp_types::Diagnostic {
    // Whole-file and tree-level problems sit at the file's start.
    let mut range_of = |span: Option<Span>| match span {
        Some(span) if span.file != checked.root => lines
            .entry(span.file)
            .or_insert_with(|| Lines::new(&checked.sources.get(span.file).text))
            .range(span.range()),
        _ => Range::new(Position::new(0, 0), Position::new(0, 0)),
    };
    let range = range_of(diagnostic.span);
    let related = (diagnostic.related.iter())
        .filter(|r| r.span.file != checked.root)
        .filter_map(|related| {
            let path = &checked.sources.get(related.span.file).path;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri_of(path)?, range_of(Some(related.span))),
                message: related.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    let mut message = diagnostic.message.clone();
    if let Some(label) = &diagnostic.label {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code_id().to_string())),
        source: Some("oslinker".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// What was published last, to send only what changed.
#[derive(Default)]
pub struct Published {
    last: ByFile,
}

impl Published {
    /// The notifications that bring the editor from what it was last sent to `now`: each file
    /// whose list changed, an empty list for each that has none any more.
    pub fn update(&mut self, state: &State, now: ByFile) -> Vec<PublishDiagnosticsParams> {
        let mut out = Vec::new();
        let gone = (self.last.keys()).filter(|path| !now.contains_key(*path));
        for path in gone {
            out.extend(params(state, path, Vec::new()));
        }
        for (path, diagnostics) in &now {
            if self.last.get(path) != Some(diagnostics) {
                out.extend(params(state, path, diagnostics.clone()));
            }
        }
        self.last = now;
        out
    }
}

fn params(
    state: &State,
    path: &PathBuf,
    diagnostics: Vec<lsp_types::Diagnostic>,
) -> Option<PublishDiagnosticsParams> {
    let version = state.buffers.get(path).map(|b| b.version);
    Some(PublishDiagnosticsParams::new(
        uri_of(path)?,
        diagnostics,
        version,
    ))
}
