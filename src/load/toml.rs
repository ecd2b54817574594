//! TOML to [`Node`] trees, through `toml`'s spanned document tree (`DeTable`).
//!
//! A TOML file is one manifest, or several as an array of tables `[[manifest]]`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Limits;
use super::node::{Entry, Node, Value};
use super::source::{FileId, Span};
use crate::diagnostic::{Code, Diagnostic};

/// Parses a TOML file into its manifests. `base` is the byte offset of `text` in the file.
pub fn parse(
    text: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node> {
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
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                match i64::from_str_radix(&digits, i.radix()) {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::BigInt(i.as_str().to_string()),
                }
            }
            DeValue::Float(f) => {
                Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN))
            }
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
    fn empty_file_has_no_manifest() {
        let (docs, diags) = parse_str("# nothing here\n");
        assert!(docs.is_empty() && diags.is_empty());
    }
}
