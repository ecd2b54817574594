//! Source files and byte spans into them.
//!
//! Every located value in oslinker carries a [`Span`]: a file id plus a byte range. Line and
//! column are computed only when a diagnostic is reported, from the file's line-start table.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

impl FileId {
    /// The id a file's spans carry while it is loaded on its own, before the tree is put
    /// together (see `load::assemble`).
    pub const PENDING: FileId = FileId(usize::MAX);
}

/// A byte range in one source file. Offsets are 32 bits: a file is at most 16 MiB (see
/// `Limits`), and every located value carries a span, so their size counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Span {
            file,
            start: offset(range.start),
            end: offset(range.end),
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
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
    /// Ranges to hide in snippets: literal secrets the reader found (see `mask`).
    masks: Vec<Range<usize>>,
    /// The text as shown in snippets, made on first use: most files never show one.
    masked: OnceLock<String>,
    /// Where each line starts, made on first use (only reports need lines).
    line_starts: OnceLock<Vec<usize>>,
    /// Where each character of more than one byte ends, with the extra bytes of all such
    /// characters up to there: columns (in characters) from byte offsets without walking the
    /// line, so that many diagnostics on one long line cost linear time, not quadratic.
    wide_chars: OnceLock<Vec<(usize, usize)>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        SourceFile {
            path,
            display,
            text,
            masks: Vec::new(),
            masked: OnceLock::new(),
            line_starts: OnceLock::new(),
            wide_chars: OnceLock::new(),
        }
    }

    /// Extra bytes (beyond one per character) of the characters that end at or before
    /// `offset`.
    fn extra_bytes_before(&self, offset: usize) -> usize {
        let wide = self.wide_chars.get_or_init(|| {
            let mut extra = 0;
            (self.text.char_indices())
                .filter(|(_, c)| !c.is_ascii())
                .map(|(at, c)| {
                    extra += c.len_utf8() - 1;
                    (at + c.len_utf8(), extra)
                })
                .collect()
        });
        match wide.partition_point(|&(end, _)| end <= offset) {
            0 => 0,
            n => wide[n - 1].1,
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let mut column = match self.text.is_char_boundary(offset) {
            true => {
                offset - start - (self.extra_bytes_before(offset) - self.extra_bytes_before(start))
            }
            false => offset - start,
        };
        // A byte-order mark is not something an editor shows as a column.
        if line == 0 && offset >= 3 && self.text.starts_with('\u{feff}') {
            column -= 1;
        }
        (line + 1, column + 1)
    }

    /// Hides `range` in snippets by overwriting it with `*`, byte for byte, so that every other
    /// span stays valid. Used for literal values under secret-looking names.
    pub fn mask(&mut self, range: Range<usize>) {
        self.masks.push(range);
        self.masked = OnceLock::new();
    }

    /// Whether `range` overlaps a range given to `mask` (a literal secret the reader found).
    pub fn is_masked(&self, range: Range<usize>) -> bool {
        (self.masks.iter()).any(|m| m.start < range.end && range.start < m.end)
    }

    /// The text to show in snippets: the ranges given to `mask` hidden, and whatever the
    /// text shows under a secret-looking key (found in the raw text, so even in a file that
    /// does not parse). Made on first use: only files that show a snippet pay for it.
    pub fn snippet_text(&self) -> &str {
        self.masked.get_or_init(|| {
            let text = &self.text;
            let mut masked = text.clone().into_bytes();
            let found = crate::secrets::secret_value_ranges(text);
            for range in self.masks.iter().chain(&found) {
                let range = range.start.min(text.len())..range.end.min(text.len());
                if text.is_char_boundary(range.start) && text.is_char_boundary(range.end) {
                    // One `*` per byte keeps offsets; line breaks stay so line numbers do too.
                    // Whole characters are replaced (the range is on their boundaries), so
                    // the text stays UTF-8.
                    for byte in &mut masked[range] {
                        if !matches!(*byte, b'\n' | b'\r') {
                            *byte = b'*';
                        }
                    }
                }
            }
            String::from_utf8(masked)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
    }
}

/// All files of one loaded tree. Shared, so that `watch` keeps the files that did not change
/// from one re-link to the next without copying them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(Arc::new(file))
    }

    pub fn add_shared(&mut self, file: Arc<SourceFile>) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// Puts a file read again in its place.
    pub fn replace(&mut self, id: FileId, file: Arc<SourceFile>) {
        self.files[id.0] = file;
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
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
    fn line_col_counts_wide_characters_on_long_lines() {
        let f = SourceFile::new("a".into(), "a".into(), "é€x\n𝄞é y".into());
        assert_eq!(f.line_col(5), (1, 3));
        assert_eq!(f.line_col(6), (1, 4));
        assert_eq!(f.line_col(13), (2, 3));
        assert_eq!(f.line_col(14), (2, 4));
    }

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
