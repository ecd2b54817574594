//! `--format human`: miette reports with the source snippet and labels, then a summary.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::plural;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::source::{SourceFile, Sources, Span};

pub struct HumanOptions {
    pub color: bool,
    /// Terminal width to wrap at.
    pub width: usize,
}

/// One diagnostic in miette's terms. Related locations in the same file become extra labels;
/// those in another file become related reports with their own snippet.
struct Report<'a> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Snippet<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

/// A file as miette reads it: the masked text, named by its path, with columns counted in
/// characters as in every other format (miette's own count is in bytes).
struct Snippet<'a> {
    file: &'a SourceFile,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self.file.snippet_text().read_span(span, before, after)?;
        let (line, column) = self.file.line_col(contents.span().offset());
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.display.clone(),
            contents.data(),
            *contents.span(),
            line - 1,
            column - 1,
            contents.line_count(),
        )))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<_>)
    }
}

fn source_span(span: Span) -> SourceSpan {
    let range = span.range();
    SourceSpan::new(range.start.into(), range.len())
}

/// Lines longer than this are not shown as snippets (a minified or generated file would
/// flood the terminal); the position is given instead.
const MAX_SNIPPET_LINE: usize = 400;

/// Whether a span is better shown as a position than as a snippet: its line is very long,
/// or the file has no text to show (a binary file).
fn without_snippet(sources: &Sources, span: Span) -> bool {
    let text = &sources.get(span.file).text;
    if text.is_empty() {
        return true;
    }
    let at = span.range().start.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    end - start > MAX_SNIPPET_LINE
}

fn snippet(sources: &Sources, span: Span) -> Snippet<'_> {
    Snippet {
        file: sources.get(span.file),
    }
}

fn report<'a>(sources: &'a Sources, d: &Diagnostic) -> Report<'a> {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let mut message = d.message.clone();
    let source = match d.span.filter(|&s| !without_snippet(sources, s)) {
        Some(span) => {
            labels.push(LabeledSpan::new_primary_with_span(
                d.label.clone(),
                source_span(span),
            ));
            Some(snippet(sources, span))
        }
        None => {
            // No snippet to show: say where in the message itself.
            let p = super::position(sources, d);
            message = match p.line_col {
                Some((line, column)) => format!("{}:{line}:{column}: {message}", p.file),
                None => format!("{}: {message}", p.file),
            };
            None
        }
    };
    for r in &d.related {
        if Some(r.span.file) == d.span.map(|s| s.file) {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                source_span(r.span),
            ));
        } else {
            related.push(Report {
                message: r.message.clone(),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(snippet(sources, r.span)),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(r.message.clone()),
                    source_span(r.span),
                )],
                related: Vec::new(),
            });
        }
    }
    Report {
        message,
        code: format!("{} {}", d.code.id(), d.code.name()),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: d.help.clone(),
        source,
        labels,
        related,
    }
}

/// Renders every diagnostic, followed by the summary line.
pub fn human(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    summary: Option<&str>,
    options: &HumanOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(1)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    for d in diagnostics {
        if handler
            .render_report(&mut out, &report(sources, d))
            .is_err()
        {
            out.push_str(&d.message);
        }
        out.push('\n');
    }
    if let Some(summary) = summary {
        out.push_str(summary);
        out.push('\n');
    }
    out
}

/// "checked 12 files, 31 manifests: 2 errors, 1 warning".
pub fn summary_line(files: usize, manifests: usize, errors: usize, warnings: usize) -> String {
    let problems = if errors + warnings == 0 {
        "no problems".to_string()
    } else {
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    };
    format!(
        "checked {}, {}: {problems}",
        plural(files, "file"),
        plural(manifests, "manifest")
    )
}
