//! TOML to [`Node`] trees, through `toml`'s spanned document tree (`DeTable`).
//!
//! A TOML file is one manifest, or several as an array of tables `[[manifest]]`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Limits;
use super::node::{Entry, Node, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Parses a TOML file into its manifests. `base` is the byte offset of `text` in the file.
pub fn parse(
    text: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    // The loader has skipped the file's byte-order mark; `toml` would skip one more, so a
    // second one (which TOML forbids) would pass unseen.
    if text.starts_with(BYTE_ORDER_MARK) {
        let span = Span::new(file, base..base + BYTE_ORDER_MARK.len_utf8());
        diagnostics.push(
            Diagnostic::at(
                Code::Syntax,
                span,
                "TOML syntax error: a byte-order mark is only allowed once, at the start",
            )
            .with_label("here")
            .with_help("remove the extra byte-order mark"),
        );
        return Vec::new();
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // toml recovers to find further syntax errors, but what it builds around them is a
        // guess: report every syntax error and no manifests from the file.
        for error in errors {
            let message = error.message().trim().to_string();
            // The parser bounds nesting itself; say so as a limit, like the YAML loader.
            let (code, text) = if message.contains("recursion") {
                (
                    Code::LimitExceeded,
                    "the document is nested too deeply".to_string(),
                )
            } else {
                (Code::Syntax, format!("TOML syntax error: {message}"))
            };
            // Some errors (deeply nested table headers) come without a position: they are
            // about the whole file rather than its first character.
            let mut diagnostic = match error.span() {
                Some(range) => {
                    let span = Span::new(file, base + range.start..base + range.end);
                    Diagnostic::at(code, span, text).with_label("here")
                }
                None => Diagnostic::in_file(code, file, text),
            };
            if code == Code::LimitExceeded {
                diagnostic = diagnostic.with_help("manifests are shallow; flatten this structure");
            }
            diagnostics.push(diagnostic);
        }
        return Vec::new();
    }
    let converter = Converter { file, base, limits };
    let root = match converter.table(table.get_ref(), table.span(), 0) {
        Ok(root) => root,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return Vec::new();
        }
    };
    split_manifests(root, diagnostics)
}

const BYTE_ORDER_MARK: char = '\u{feff}';

/// The top-level key of a TOML file that holds several manifests: `[[manifest]]`.
pub(crate) const MANIFEST_TABLES: &str = "manifest";

/// `[[manifest]]` tables become one manifest each; otherwise the file is one manifest.
fn split_manifests(root: Node, diagnostics: &mut Vec<Diagnostic>) -> Vec<Node> {
    let Value::Map(entries) = root.value else {
        return Vec::new();
    };
    if entries.is_empty() {
        return Vec::new();
    }
    let Some(position) = entries.iter().position(|e| e.key == MANIFEST_TABLES) else {
        return vec![Node {
            value: Value::Map(entries),
            span: root.span,
        }];
    };
    for other in entries.iter().filter(|e| e.key != MANIFEST_TABLES) {
        diagnostics.push(
            Diagnostic::at(
                Code::UnknownField,
                other.key_span,
                format!(
                    "unexpected top-level key `{}` beside `[[manifest]]` tables",
                    other.key
                ),
            )
            .with_help("in a file of `[[manifest]]` tables, put every field inside a table"),
        );
    }
    let manifests = entries.into_iter().nth(position).map(|e| e.value);
    match manifests {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) if items.iter().all(|i| matches!(i.value, Value::Map(_))) => items,
        Some(other) => {
            diagnostics.push(
                Diagnostic::at(
                    Code::WrongType,
                    other.span,
                    "`manifest` must be an array of tables (`[[manifest]]`)",
                )
                .with_help("write each manifest under its own `[[manifest]]` header"),
            );
            Vec::new()
        }
        None => Vec::new(),
    }
}

struct Converter<'a> {
    file: FileId,
    base: usize,
    limits: &'a Limits,
}

impl Converter<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, self.base + range.start..self.base + range.end)
    }

    fn table(
        &self,
        table: &DeTable,
        range: Range<usize>,
        depth: usize,
    ) -> Result<Node, Box<Diagnostic>> {
        let mut entries = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            entries.push(Entry {
                key: key.get_ref().to_string(),
                key_span: self.span(key.span()),
                value: self.value(value, depth + 1)?,
            });
        }
        // The table's map is sorted by key; diagnostics read better in source order.
        entries.sort_by_key(|e| e.key_span.start);
        Ok(Node {
            value: Value::Map(entries),
            span: self.span(range),
        })
    }

    fn value(&self, value: &Spanned<DeValue>, depth: usize) -> Result<Node, Box<Diagnostic>> {
        let span = self.span(value.span());
        if depth > self.limits.max_depth {
            return Err(Box::new(Diagnostic::at(
                Code::LimitExceeded,
                span,
                format!(
                    "the document is nested more than {} levels deep",
                    self.limits.max_depth
                ),
            )));
        }
        let value = match value.get_ref() {
            DeValue::String(s) => Value::String(s.to_string()),
            DeValue::Integer(i) => integer(i.as_str(), i.radix())
                .ok_or_else(|| invalid_number(span, "an integer", i.as_str()))?,
            DeValue::Float(f) => Value::Float(
                f.as_str()
                    .replace('_', "")
                    .parse()
                    .map_err(|_| invalid_number(span, "a float", f.as_str()))?,
            ),
            DeValue::Boolean(b) => Value::Bool(*b),
            // Manifests have no date fields; a datetime is checked like the string it reads as.
            DeValue::Datetime(d) => Value::String(d.to_string()),
            DeValue::Array(items) => Value::Seq(
                items
                    .iter()
                    .map(|item| self.value(item, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            DeValue::Table(table) => return self.table(table, value.span(), depth),
        };
        Ok(Node { value, span })
    }
}

/// An integer as `toml` lexed it (`digits` in `radix`, underscores already checked): too
/// big for 64 bits, it is kept as written. `toml` leaves the digits themselves to whoever
/// converts them, so `0x` (no digits) or `1_0٠` (an Arabic-Indic zero) arrive here and are
/// `None`: not an integer at all.
fn integer(digits: &str, radix: u32) -> Option<Value> {
    let digits = digits.replace('_', "");
    if let Ok(n) = i64::from_str_radix(&digits, radix) {
        return Some(Value::Int(n));
    }
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(&digits);
    let only_digits = !unsigned.is_empty() && unsigned.chars().all(|c| c.is_digit(radix));
    only_digits.then(|| Value::BigInt(digits.clone()))
}

/// A number `toml` let through that is not one: a syntax error, as `toml` itself reports it
/// when it converts the value.
fn invalid_number(span: Span, what: &str, written: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::at(
            Code::Syntax,
            span,
            format!("TOML syntax error: `{written}` is not {what}"),
        )
        .with_label("here")
        .with_help("write decimal digits 0-9, or 0x / 0o / 0b followed by at least one digit"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Vec<Node>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let docs = parse(text, 0, FileId(0), &Limits::default(), &mut diagnostics);
        (docs, diagnostics)
    }

    #[test]
    fn one_manifest_per_file_in_source_order() {
        let (docs, diags) =
            parse_str("kind = \"Process\"\nid = \"a\"\n[metadata]\nplatform = \"x\"\n");
        assert!(diags.is_empty());
        let keys: Vec<_> = docs[0]
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["kind", "id", "metadata"]);
        assert_eq!(docs[0].get("id").unwrap().key_span.range(), 17..19);
    }

    #[test]
    fn manifest_array_of_tables() {
        let (docs, diags) = parse_str("[[manifest]]\nkind = \"A\"\n\n[[manifest]]\nkind = \"B\"\n");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn syntax_errors_are_all_reported() {
        let (docs, diags) = parse_str("a = \nb = [1,\n");
        assert!(docs.is_empty());
        assert!(!diags.is_empty());
        assert!(diags.iter().all(|d| d.code == Code::Syntax));
    }

    #[test]
    fn numbers_toml_would_not_convert_are_syntax_errors() {
        for text in [
            "a = 0x\n",
            "a = 0b\n",
            "a = 0o\n",
            "a = 1_0\u{660}\n",
            "a = \u{661}\n",
        ] {
            let (docs, diags) = parse_str(text);
            assert!(docs.is_empty(), "{text:?}");
            assert_eq!(diags.len(), 1, "{text:?}: {diags:?}");
            assert_eq!(diags[0].code, Code::Syntax, "{text:?}");
            assert!(diags[0].span.is_some(), "{text:?}");
        }
        // Too big for 64 bits is still a number, kept as written.
        let (docs, diags) = parse_str("kind = \"x\"\na = 99999999999999999999\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(matches!(
            docs[0].get("a").unwrap().value.value,
            Value::BigInt(_)
        ));
    }

    #[test]
    fn a_second_byte_order_mark_is_a_syntax_error() {
        // The loader skips the first; `toml` would skip the second.
        let (docs, diags) = parse_str("\u{feff}a = 1\n");
        assert!(docs.is_empty());
        assert_eq!(diags[0].code, Code::Syntax);
        assert_eq!(diags[0].span.unwrap().range(), 0..3);
    }

    /// What toml-test teaches, in cases of our own (beside the numbers above): what is a
    /// syntax error (at a line) and what is not.
    #[test]
    fn toml_test_lessons() {
        let invalid = [
            "a = 1\na = 2\n",             // a duplicate key
            "[t]\n[t]\n",                 // a table defined twice
            "t = {a = 1}\n[t]\nb = 2\n",  // an inline table extended
            "a = \"\\q\"\n",              // an unknown escape
            "a = 01\n",                   // a leading zero
            "a = 1__0\n",                 // a double underscore
            "a = 0X1F\n",                 // an upper-case radix prefix
            "a = -0x1\n",                 // a signed hex integer
            "a = 1.\n",                   // a float without fraction digits
            "a = [1,,2]\n",               // an empty array element
            "a = 1979-05-27T25:00:00Z\n", // an hour out of range
            "a = \"line\nbreak\"\n",      // a line break in a basic string
            "a = 1 b = 2\n",              // two key/values on one line
            "[a.b]\nc = 1\n[a]\nb = 2\n", // a key that is already a table
        ];
        let valid = [
            "[a.b]\nc = 1\n[a]\nd = 2\n",          // a table after its sub-table
            "a.b.c = 1\na.d = 2\n",                // dotted keys
            "\"quoted key\" = 1\n'literal' = 2\n", // quoted keys
            "[[t]]\na = 1\n[[t]]\na = 2\n",        // an array of tables
            "a = 0xDEAD_beef\nb = 0o755\nc = 0b1010\n", // radix prefixes
            "a = inf\nb = -nan\nc = 6.02e+23\n",   // special floats
            "a = 1979-05-27T07:32:00-08:00\nb = 07:32\n", // date-times (1.1: no seconds)
            "a = \"\"\"\nmulti\\\n  line\"\"\"\n", // a line-ending backslash
            "a = '''\nraw \\n'''\n",               // a multi-line literal string
            "a = { b = 1, c = [1, 2] }\n",         // an inline table
            "a = 9223372036854775807\n",           // the largest integer
            "\u{feff}a = 1\n",                     // one byte-order mark (skipped by the loader)
        ];
        // The loader skips one byte-order mark before the parser sees the text.
        crate::load::assert_syntax_verdicts(&invalid, &valid, |text| {
            parse_str(text.strip_prefix('\u{feff}').unwrap_or(text)).1
        });
    }

    #[test]
    fn empty_file_has_no_manifest() {
        let (docs, diags) = parse_str("# nothing here\n");
        assert!(docs.is_empty() && diags.is_empty());
    }
}
