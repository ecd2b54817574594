//! Source files and byte spans into them.
//!
//! Every located value in oslinker carries a [`Span`]: a file id plus a byte range. Line and
//! column are computed only when a diagnostic is reported, from the file's line-start table.

use std::ops::Range;
use std::path::PathBuf;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

impl FileId {
    /// The id a file's spans carry while it is loaded on its own, before the tree is put
    /// together (see `load::assemble`).
    pub const PENDING: FileId = FileId(usize::MAX);
}

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// One file (or, for tree-level problems, the root folder) that diagnostics can point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path as shown to the user (relative to the working directory where possible).
    pub display: String,
    /// The file's text; empty when it could not be read.
    pub text: String,
    /// The text as shown in snippets: secret values are masked (see `mask`).
    masked: Option<String>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            display,
            text,
            masked: None,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let mut column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        // A byte-order mark is not something an editor shows as a column.
        if line == 0 && offset >= 3 && self.text.starts_with('\u{feff}') {
            column -= 1;
        }
        (line + 1, column + 1)
    }

    /// Hides `range` in snippets by overwriting it with `*`, byte for byte, so that every other
    /// span stays valid. Used for literal values under secret-looking names.
    pub fn mask(&mut self, range: Range<usize>) {
        let masked = self.masked.get_or_insert_with(|| self.text.clone());
        if masked.is_char_boundary(range.start) && masked.is_char_boundary(range.end) {
            // One `*` per byte keeps offsets; line breaks stay so line numbers do too.
            let stars: String = masked[range.clone()]
                .chars()
                .map(|c| match c {
                    '\n' | '\r' => c.to_string(),
                    _ => "*".repeat(c.len_utf8()),
                })
                .collect();
            masked.replace_range(range, &stars);
        }
    }

    /// The text to show in snippets (secrets masked).
    pub fn snippet_text(&self) -> &str {
        self.masked.as_deref().unwrap_or(&self.text)
    }
}

/// All files of one loaded tree.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn get_mut(&mut self, id: FileId) -> &mut SourceFile {
        &mut self.files[id.0]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\r\nçd: x\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(1), (1, 2));
        assert_eq!(f.line_col(4), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(f.line_col(6), (2, 2));
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = SourceFile::new("a".into(), "a".into(), "\u{feff}kind: x\n".into());
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(9), (1, 7));
    }

    #[test]
    fn mask_keeps_offsets() {
        let mut f = SourceFile::new("a".into(), "a".into(), "K: sécret\n".into());
        f.mask(3..10);
        assert_eq!(f.snippet_text(), "K: *******\n");
        let mut g = SourceFile::new("a".into(), "a".into(), "K: |\r\n  a\n  b\n".into());
        g.mask(3..13);
        assert_eq!(g.snippet_text(), "K: *\r\n***\n***\n");
        assert_eq!(f.text, "K: sécret\n");
    }
}
