//! Text helpers shared by the diagnostics reporters (`report`) and the result renderers
//! (`render`), so that neither imports the other: JSON and YAML writing, counted words, and the
//! one sanitising step for text that leaves the process.

use serde::Serialize;

/// Pretty JSON with a final newline.
pub fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` as pretty JSON and a line break, written to `out` as it is made (the same bytes
/// as [`json`]).
pub fn json_to(out: &mut impl std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

pub fn yaml(value: &impl Serialize) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(value)
}

/// "1 error", "2 warnings", "3 processes".
pub fn plural(count: usize, word: &str) -> String {
    match count {
        1 => format!("{count} {word}"),
        _ if word.ends_with('s') => format!("{count} {word}es"),
        _ => format!("{count} {word}s"),
    }
}

/// Whether a character must not leave the process as it is: control characters (an escape
/// sequence in a manifest value could drive the terminal; XML 1.0 forbids most of them), the
/// bidirectional-text controls that make a line read otherwise than it is (Trojan Source), the
/// line and paragraph separators, and the two noncharacters XML forbids. Line breaks and tabs
/// are text.
fn is_hostile(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

/// The one sanitising step for text that leaves the process for a person or a tool: the
/// terminal (human reports, tables), GitHub workflow commands and XML. Every hostile
/// character (see [`is_hostile`]) is written escaped, as `\u{1b}`, so it is visible and
/// never acts. JSON outputs keep text as it is: JSON escapes control characters itself and
/// its readers want the exact value.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(is_hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when hostile; returns how many bytes were written.
pub fn push_printable(out: &mut String, c: char) -> usize {
    let before = out.len();
    if is_hostile(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
    out.len() - before
}

/// [`printable`] for text shown on one line (a name, a path, a value in a table cell, what
/// the user typed): a line break is escaped too (`\u{a}`), so a value cannot start a line of
/// its own (a `::error` workflow command in a CI log, say).
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(|c| c == '\n' || is_hostile(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.extend(c.escape_unicode()),
            _ => {
                push_printable(&mut out, c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `text` holds anything [`printable`] would escape.
pub fn has_hostile(text: &str) -> bool {
    text.contains(is_hostile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_characters_are_escaped_and_text_is_kept() {
        assert_eq!(printable("plain\ttext\nline"), "plain\ttext\nline");
        assert_eq!(printable("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(printable("nul\0 cr\r"), "nul\\u{0} cr\\u{d}");
        assert_eq!(printable("id\u{202e}txt"), "id\\u{202e}txt");
        assert_eq!(printable("c1\u{9b}x del\u{7f}"), "c1\\u{9b}x del\\u{7f}");
        assert_eq!(printable("\u{ffff}é"), "\\u{ffff}é");
    }

    #[test]
    fn one_line_escapes_line_breaks_too() {
        assert_eq!(one_line("a\n::error::x"), "a\\u{a}::error::x");
        assert_eq!(one_line("tab\tkept\r"), "tab\tkept\\u{d}");
        assert_eq!(one_line("plain"), "plain");
    }
}
