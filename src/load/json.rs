//! JSON to [`Node`] trees, through `jsonc-parser`'s AST (byte ranges on every value and
//! property name), with every JSONC extension turned off: a `.json` manifest is strict JSON.
//!
//! A JSON file is one manifest (an object), or several (an array of objects).

use std::collections::HashMap;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use super::Limits;
use super::node::{Entry, Node, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Strict JSON (RFC 8259): no comments, trailing commas, bare words, single quotes, hex,
/// `+1`, `.5`, `NaN` or JavaScript escapes.
const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Parses a JSON file into its manifests. `base` is the byte offset of `text` in the file.
pub fn parse(
    text: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    let parsed = match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &STRICT) {
        Ok(parsed) => parsed,
        Err(error) => {
            diagnostics.push(syntax_error(&error, base, file, text));
            return Vec::new();
        }
    };
    // An empty file (only white space) holds no manifest, as an empty YAML file.
    let Some(root) = parsed.value else {
        return Vec::new();
    };
    let mut converter = Converter {
        text,
        file,
        base,
        limits,
        values: 0,
        diagnostics,
    };
    let root = match converter.value(&root, 0) {
        Ok(root) => root,
        Err(diagnostic) => {
            diagnostics.push(*diagnostic);
            return Vec::new();
        }
    };
    match root.value {
        // Each element is a manifest; one that is not an object is the model's to report.
        Value::Seq(items) => items,
        _ => vec![root],
    }
}

fn syntax_error(
    error: &jsonc_parser::errors::ParseError,
    base: usize,
    file: FileId,
    text: &str,
) -> Diagnostic {
    let range = error.range();
    // The parser bounds nesting itself; say so as a limit, like the other loaders.
    if matches!(
        error.kind(),
        jsonc_parser::errors::ParseErrorKind::NestingDepthExceeded
    ) {
        return Diagnostic::at(
            Code::LimitExceeded,
            Span::new(file, base + range.start..base + range.end),
            "the document is nested too deeply",
        )
        .with_help("manifests are shallow; flatten this structure");
    }
    // Point at a character at least, so the report shows where.
    let end = range.end.max(next_char_end(text, range.start));
    Diagnostic::at(
        Code::Syntax,
        Span::new(file, base + range.start..base + end),
        format!("JSON syntax error: {}", error.kind()),
    )
    .with_label("here")
    .with_help(help_for(error.kind()))
}

/// The end of the character at `at` (or `at` itself at the end of the text).
fn next_char_end(text: &str, at: usize) -> usize {
    text[at.min(text.len())..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8())
}

fn help_for(kind: &jsonc_parser::errors::ParseErrorKind) -> &'static str {
    use jsonc_parser::errors::ParseErrorKind as K;
    match kind {
        K::CommentsNotAllowed => "JSON has no comments: remove it, or write the manifest in YAML",
        K::TrailingCommasNotAllowed => "remove the comma after the last item",
        _ => "a `.json` manifest is strict JSON (RFC 8259): check the brackets, commas and quotes",
    }
}

struct Converter<'a> {
    text: &'a str,
    file: FileId,
    base: usize,
    limits: &'a Limits,
    /// Values read so far, against `limits.max_values`.
    values: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Converter<'_> {
    fn span(&self, range: jsonc_parser::common::Range) -> Span {
        Span::new(self.file, self.base + range.start..self.base + range.end)
    }

    fn value(&mut self, value: &ast::Value, depth: usize) -> Result<Node, Box<Diagnostic>> {
        let span = self.span(value.range());
        self.values += 1;
        if depth > self.limits.max_depth || self.values > self.limits.max_values {
            let message = if depth > self.limits.max_depth {
                format!(
                    "the document is nested more than {} levels deep",
                    self.limits.max_depth
                )
            } else {
                format!(
                    "the document holds more than {} values",
                    self.limits.max_values
                )
            };
            return Err(Box::new(Diagnostic::at(Code::LimitExceeded, span, message)));
        }
        let value = match value {
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::StringLit(s) => Value::String(self.string(s)?),
            ast::Value::NumberLit(n) => number(n.value),
            ast::Value::Array(array) => Value::Seq(
                (array.elements.iter())
                    .map(|item| self.value(item, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            ast::Value::Object(object) => Value::Map(self.object(object, depth)?),
        };
        Ok(Node { value, span })
    }

    /// A string's value. JSON forbids raw control characters (a line break, a tab) inside
    /// a string, which the parser lets through: a syntax error at the first one.
    fn string(&self, string: &ast::StringLit) -> Result<String, Box<Diagnostic>> {
        let range = string.range;
        let written = self.text.get(range.start..range.end).unwrap_or_default();
        if let Some((at, c)) = written.char_indices().find(|(_, c)| u32::from(*c) < 0x20) {
            let start = range.start + at;
            return Err(Box::new(
                Diagnostic::at(
                    Code::Syntax,
                    Span::new(
                        self.file,
                        self.base + start..self.base + start + c.len_utf8(),
                    ),
                    format!(
                        "JSON syntax error: a control character ({}) inside a string",
                        c.escape_debug()
                    ),
                )
                .with_label("here")
                .with_help("escape it (`\\n`, `\\t`, `\\u001f`)"),
            ));
        }
        Ok(string.value.to_string())
    }

    /// An object's properties in source order; a key written twice is E0111 (JSON parsers
    /// disagree on which one wins, so neither is guessed) and the second is dropped.
    fn object(
        &mut self,
        object: &ast::Object,
        depth: usize,
    ) -> Result<Vec<Entry>, Box<Diagnostic>> {
        let mut entries: Vec<Entry> = Vec::with_capacity(object.properties.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for property in &object.properties {
            let (key, key_range) = match &property.name {
                ObjectPropName::String(s) => (self.string(s)?, s.range),
                ObjectPropName::Word(w) => (w.value.to_string(), w.range),
            };
            let key_span = self.span(key_range);
            if let Some(&first) = seen.get(&key) {
                self.diagnostics.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        key_span,
                        format!("duplicate key `{key}`"),
                    )
                    .with_label("second definition")
                    .with_related(entries[first].key_span, "first defined here")
                    .with_help("remove one of the two"),
                );
                continue;
            }
            let value = self.value(&property.value, depth + 1)?;
            seen.insert(key.clone(), entries.len());
            entries.push(Entry {
                key,
                key_span,
                value,
            });
        }
        Ok(entries)
    }
}

/// A JSON number: an integer when it has no fraction or exponent (kept as written when too
/// large for 64 bits), else a float.
fn number(written: &str) -> Value {
    let integral = !written.contains(['.', 'e', 'E']);
    if integral {
        return match written.parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) => Value::BigInt(written.to_string()),
        };
    }
    // The parser has checked the syntax; a float too large to hold reads as infinity.
    Value::Float(written.parse().unwrap_or(f64::INFINITY))
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
    fn an_object_is_one_manifest_an_array_several() {
        let (docs, diags) = parse_str("{\"kind\": \"Process\", \"id\": \"a\"}");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].get("id").unwrap().key_span.range(), 20..24);
        assert_eq!(docs[0].get("id").unwrap().value.span.range(), 26..29);
        let (docs, diags) = parse_str("[{\"kind\": \"A\"}, {\"kind\": \"B\"}]");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 2);
        let (docs, diags) = parse_str("  \n");
        assert!(docs.is_empty() && diags.is_empty());
    }

    #[test]
    fn numbers_keep_their_kind() {
        let (docs, _) =
            parse_str("{\"a\": 1, \"b\": -2.5, \"c\": 1e3, \"d\": 99999999999999999999}");
        let value = |key: &str| docs[0].get(key).unwrap().value.value.clone();
        assert_eq!(value("a"), Value::Int(1));
        assert_eq!(value("b"), Value::Float(-2.5));
        assert_eq!(value("c"), Value::Float(1000.0));
        assert_eq!(value("d"), Value::BigInt("99999999999999999999".into()));
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let (docs, diags) = parse_str("{\"a\": 1, \"b\": 2, \"a\": 3}");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::DuplicateKey);
        assert_eq!(diags[0].span.unwrap().range(), 17..20);
        assert_eq!(diags[0].related.len(), 1);
        // The first one stays.
        assert_eq!(docs[0].get("a").unwrap().value.value, Value::Int(1));
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let (docs, diags) = parse_str(&deep);
        assert!(docs.is_empty());
        assert_eq!(diags[0].code, Code::LimitExceeded);
        // Deeper than the parser's own bound: a limit too, not a stack overflow.
        let deeper = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (_, diags) = parse_str(&deeper);
        assert_eq!(diags[0].code, Code::LimitExceeded);
    }

    /// Strict JSON: what YAML or JSONC would take is a syntax error at a place.
    #[test]
    fn json_test_suite_lessons() {
        let invalid = [
            "{\"a\": 1,}",           // a trailing comma
            "[1, 2,]",               // a trailing comma in an array
            "{\"a\": 1} // note",    // a comment
            "{/* c */ \"a\": 1}",    // a block comment
            "{a: 1}",                // an unquoted key
            "{'a': 1}",              // single quotes
            "{\"a\": 0x1F}",         // hex
            "{\"a\": +1}",           // a unary plus
            "{\"a\": .5}",           // a bare decimal point
            "{\"a\": NaN}",          // not a number
            "{\"a\": \"\\x41\"}",    // a JavaScript escape
            "{\"a\" 1}",             // a missing colon
            "{\"a\": 1 \"b\": 2}",   // a missing comma
            "{\"a\": 1}}",           // an extra bracket
            "{\"a\": [1, 2}",        // an unclosed array
            "kind: Process",         // YAML, not JSON
            "{\"a\": 1} {\"b\": 2}", // two values
            "{\"a\": \"x\ny\"}",     // a raw line break in a string
            "{\"a\tb\": 1}",         // a raw tab in a key
        ];
        let valid = [
            "{}",
            "[]",
            "{\"a\": null, \"b\": true, \"c\": [1, -0.5e-3], \"d\": {\"e\": \"\\u00e9\\n\"}}",
            "\n\t{ \"a\" : 1 }\n",
        ];
        crate::load::assert_syntax_verdicts(&invalid, &valid, |text| parse_str(text).1);
    }
}
