//! Byte offsets <-> LSP positions. Spans in oslinker are byte ranges; LSP counts lines from 0
//! and columns in UTF-16 code units (the default position encoding, the one every client
//! supports), so a column is not a byte count nor a character count.

use lsp_types::{Position, Range};

/// Where each line of one text starts, for converting many offsets in it.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(column))
    }

    pub fn range(&self, range: std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position: a column past the line's end is its end (before the
    /// line break), a line past the last is the text's end.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end =
            (self.starts.get(position.line as usize + 1)).map_or(self.text.len(), |&next| next - 1);
        let mut units = 0;
        for (at, c) in self.text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // 'é' is 2 bytes and 1 unit; '𝄞' is 4 bytes and 2 units.
        let text = "a: é𝄞x\nb: y\n";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(0, 6));
        assert_eq!(lines.offset(Position::new(0, 6)), x);
        assert_eq!(lines.position(text.find('y').unwrap()), Position::new(1, 3));
        assert_eq!(lines.offset(Position::new(1, 99)), text.len() - 1);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn an_offset_inside_a_character_is_its_start() {
        let lines = Lines::new("é");
        assert_eq!(lines.position(1), Position::new(0, 0));
    }
}
