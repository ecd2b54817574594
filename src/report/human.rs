//! `--format human`: miette reports with the source snippet and labels, then a summary.

use std::cell::OnceCell;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::text::plural;
use crate::text::{one_line, printable};

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

/// A file's snippet text as it is shown: masked (secrets), with hostile characters escaped
/// (see [`crate::text::printable`]) so a snippet cannot drive the terminal either. Spans
/// are moved into its offsets with [`Shown::offset`]; a line break stays a line break.
struct Shown {
    text: String,
    /// Where each line of `text` starts.
    line_starts: Vec<usize>,
    /// Each escaped character: its end in the file's text and in `text`.
    escapes: Vec<(usize, usize)>,
}

impl Shown {
    fn new(file: &SourceFile) -> Shown {
        let masked = file.snippet_text();
        let (text, escapes) = if crate::text::has_hostile(masked) {
            escaped(masked)
        } else {
            (masked.to_string(), Vec::new())
        };
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Shown {
            text,
            line_starts,
            escapes,
        }
    }

    /// A byte offset in the file as an offset in `text`.
    fn offset(&self, in_file: usize) -> usize {
        match self
            .escapes
            .partition_point(|&(file_end, _)| file_end <= in_file)
        {
            0 => in_file,
            n => in_file - self.escapes[n - 1].0 + self.escapes[n - 1].1,
        }
    }

    /// An offset in `text` as a byte offset in the file.
    fn file_offset(&self, shown: usize) -> usize {
        match self
            .escapes
            .partition_point(|&(_, shown_end)| shown_end <= shown)
        {
            0 => shown,
            n => shown - self.escapes[n - 1].1 + self.escapes[n - 1].0,
        }
    }

    fn span(&self, span: Span) -> SourceSpan {
        let range = span.range();
        let start = self.offset(range.start);
        SourceSpan::new(start.into(), self.offset(range.end).max(start) - start)
    }

    /// 0-based line of an offset in `text`.
    fn line(&self, shown: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= shown) - 1
    }

    /// The bytes of `text` from the start of line `first` to the end of line `last`.
    fn lines(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let end = self
            .line_starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.line_starts[first.min(self.line_starts.len() - 1)]..end
    }

    /// Whether the lines a snippet of `span` shows (with one line of context each side) are
    /// short enough to show.
    fn fits(&self, span: Span) -> bool {
        let range = span.range();
        let first = self
            .line(self.offset(range.start))
            .saturating_sub(CONTEXT_LINES);
        let last = self.line(self.offset(range.end)) + CONTEXT_LINES;
        let last = last.min(self.line_starts.len() - 1);
        (first..=last).all(|line| self.lines(line, line).len() <= MAX_SNIPPET_LINE)
    }
}

/// `text` with hostile characters escaped, and where each escaped one ends before and after.
/// A carriage return before a line feed is a line break, not a hostile character.
fn escaped(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut escapes = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
            out.push(c);
            continue;
        }
        if crate::text::push_printable(&mut out, c) != c.len_utf8() {
            escapes.push((at + c.len_utf8(), out.len()));
        }
    }
    (out, escapes)
}

/// A file as miette reads it: the shown text, named by its path, with columns counted in
/// characters of the file as in every other format (miette's own count is in bytes). Only
/// the lines around a span are handed to miette, which reads its input from the start: a
/// snippet costs its own lines, not the file up to them.
struct Snippet<'a> {
    file: &'a SourceFile,
    shown: &'a Shown,
    name: String,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let shown = self.shown;
        let start = span.offset().min(shown.text.len());
        let end = (start + span.len()).min(shown.text.len());
        let first_line = shown.line(start).saturating_sub(before);
        let window = shown.lines(first_line, shown.line(end) + after);
        let local = SourceSpan::new((start - window.start).into(), end - start);
        let text = &shown.text[window.clone()];
        let contents = text.read_span(&local, before, after)?;
        let offset = window.start + contents.span().offset();
        let (line, column) = self.file.line_col(shown.file_offset(offset));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(offset.into(), contents.span().len()),
            line - 1,
            column - 1,
            first_line + contents.line_count(),
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

/// Lines longer than this are not shown as snippets (a minified or generated file would
/// flood the terminal, and miette's cost grows with the line); the position is given instead.
const MAX_SNIPPET_LINE: usize = 400;

/// Lines shown above and below a span.
const CONTEXT_LINES: usize = 1;

/// The files of a report, each made ready to show on first use.
struct Files<'a> {
    sources: &'a Sources,
    shown: Vec<OnceCell<Shown>>,
}

impl<'a> Files<'a> {
    fn new(sources: &'a Sources) -> Self {
        Files {
            sources,
            shown: (0..sources.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    fn shown(&self, file: FileId) -> &Shown {
        self.shown[file.0].get_or_init(|| Shown::new(self.sources.get(file)))
    }

    /// The snippet to show for `span`, or `None` when it is better given as a position: a
    /// line around it is very long, or the file has no text to show (a binary file).
    fn snippet(&self, span: Span) -> Option<Snippet<'_>> {
        let file = self.sources.get(span.file);
        if file.text.is_empty() || !self.shown(span.file).fits(span) {
            return None;
        }
        Some(Snippet {
            file,
            shown: self.shown(span.file),
            name: one_line(&file.display).into_owned(),
        })
    }

    /// `file:line:column: message`, for a place shown without a snippet.
    fn placed(&self, file: FileId, span: Option<Span>, message: &str) -> String {
        let p = super::position_of(self.sources, file, span);
        let file = one_line(&p.file);
        match p.line_col {
            Some((line, column)) => format!("{file}:{line}:{column}: {message}"),
            None => format!("{file}: {message}"),
        }
    }
}

fn report<'a>(files: &'a Files<'a>, d: &Diagnostic) -> Report<'a> {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let message = printable(&d.message).into_owned();
    let label = d.label.as_deref().map(|l| printable(l).into_owned());
    let (source, message) = match d.span.and_then(|s| Some((s, files.snippet(s)?))) {
        Some((span, snippet)) => {
            labels.push(LabeledSpan::new_primary_with_span(
                label,
                files.shown(span.file).span(span),
            ));
            (Some(snippet), message)
        }
        // No snippet to show: say where in the message itself.
        None => (None, files.placed(d.file, d.span, &message)),
    };
    for r in &d.related {
        let text = printable(&r.message).into_owned();
        let snippet = files.snippet(r.span);
        if source.is_some() && Some(r.span.file) == d.span.map(|s| s.file) && snippet.is_some() {
            labels.push(LabeledSpan::new_with_span(
                Some(text),
                files.shown(r.span.file).span(r.span),
            ));
            continue;
        }
        let labels = match &snippet {
            Some(_) => vec![LabeledSpan::new_primary_with_span(
                Some(text.clone()),
                files.shown(r.span.file).span(r.span),
            )],
            None => Vec::new(),
        };
        let message = match snippet {
            Some(_) => text,
            None => files.placed(r.span.file, Some(r.span), &text),
        };
        related.push(Report {
            message,
            code: String::new(),
            severity: miette::Severity::Advice,
            help: None,
            source: snippet,
            labels,
            related: Vec::new(),
        });
    }
    Report {
        message,
        code: format!("{} {}", d.code_id(), d.code_name()),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: d.help.as_deref().map(|h| printable(h).into_owned()),
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
        .with_context_lines(CONTEXT_LINES)
        .with_show_related_as_nested(true);
    let files = Files::new(sources);
    let mut out = String::new();
    for d in diagnostics {
        if handler.render_report(&mut out, &report(&files, d)).is_err() {
            out.push_str(&printable(&d.message));
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

/// The section `--show-suppressed` adds after the report: each silenced finding, where it
/// is, and the reason it was silenced.
pub fn suppressed(sources: &Sources, list: &[crate::lints::Suppressed]) -> String {
    let mut out = format!("suppressed: {}\n", plural(list.len(), "finding"));
    for silenced in list {
        let d = &silenced.diagnostic;
        let at = super::position(sources, d);
        let place = match at.line_col {
            Some((line, column)) => format!("{}:{line}:{column}", at.file),
            None => at.file,
        };
        out.push_str(&format!(
            "  {} {} {place}: {}\n    reason: {}\n",
            d.code.id(),
            d.code.name(),
            one_line(&printable(&d.message)),
            one_line(&printable(&silenced.reason)),
        ));
    }
    out
}
