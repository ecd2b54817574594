//! Reporters: turn the collected diagnostics into each output format. They return text; the
//! command decides where it goes.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use github::{GithubReport, github};
pub use human::{HumanOptions, human, summary_line, suppressed};
pub use json::{json, json_diagnostics};
pub use junit::junit;
pub use sarif::sarif;

use crate::diagnostic::Diagnostic;
use crate::source::{Sources, Span};

/// Where a diagnostic or a related location points, as users see it.
pub struct Position {
    pub file: String,
    /// 1-based line and column; `None` for whole-file problems.
    pub line_col: Option<(usize, usize)>,
    /// 1-based end line and column (exclusive), for formats with regions.
    pub end: Option<(usize, usize)>,
}

pub fn position_of(sources: &Sources, file: crate::source::FileId, span: Option<Span>) -> Position {
    let source = sources.get(file);
    Position {
        file: source.display.clone(),
        line_col: span.map(|s| source.line_col(s.range().start)),
        end: span.map(|s| source.line_col(s.range().end)),
    }
}

pub fn position(sources: &Sources, diagnostic: &Diagnostic) -> Position {
    position_of(sources, diagnostic.file, diagnostic.span)
}
