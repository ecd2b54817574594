//! YAML to [`Node`] trees, one per document, built from saphyr-parser's event stream.
//!
//! Building the tree ourselves (rather than through serde) keeps a span on every key and value,
//! lets us resolve scalars by the YAML 1.2 core schema only (`NO` stays a string), and bounds
//! the work: nesting depth and the number of values a document may expand to through aliases
//! (a "billion laughs" document stops at the budget with a clear error).

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use super::Limits;
use super::node::{Entry, Node, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Parses every document of `text`. Documents before a syntax error are kept; the error is
/// reported and the rest of the file is skipped (a YAML parser cannot resynchronise).
/// `base` is the byte offset of `text` in the file (after a byte-order mark).
pub fn parse(
    text: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    let mut builder = Builder {
        offsets: Offsets::new(text, base),
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes_in_document: 0,
        documents: Vec::new(),
        diagnostics,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let step = match event {
            Ok((event, span)) => builder.event(event, span.start, span.end),
            Err(error) => Err(Box::new(builder.syntax_error(&error))),
        };
        if let Err(diagnostic) = step {
            builder.diagnostics.push(*diagnostic);
            break;
        }
    }
    builder.documents
}

/// Converts saphyr's character indices to byte offsets in the file.
struct Offsets {
    base: usize,
    /// Byte offset of each character, or `None` when the text is ASCII (they are equal).
    of_char: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str, base: usize) -> Self {
        let of_char = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Offsets {
            base,
            of_char,
            len: text.len(),
        }
    }

    fn byte(&self, marker: Marker) -> usize {
        let index = marker.index();
        let offset = match &self.of_char {
            None => index.min(self.len),
            Some(table) => table.get(index).copied().unwrap_or(self.len),
        };
        self.base + offset
    }
}

/// A collection being built, with its size in values and its height (for the limits).
struct Frame {
    start: usize,
    anchor: usize,
    size: usize,
    height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// Finds entries by key, to report a duplicate with both places.
        keys: Keys,
        /// Keys that came from a merge (`<<: *defaults`): an explicit key replaces them.
        merged: HashSet<String>,
        /// The key waiting for its value.
        key: Option<PendingKey>,
    },
}

enum PendingKey {
    Name(String, Span),
    /// A key that is not a plain value (reported): its value is dropped.
    Invalid,
}

/// A finished node with what the limits need to know about it.
#[derive(Clone)]
struct Built {
    node: Node,
    size: usize,
    height: usize,
}

struct Builder<'a> {
    offsets: Offsets,
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// Anchored nodes, for aliases to copy.
    anchors: HashMap<usize, Built>,
    nodes_in_document: usize,
    documents: Vec<Node>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, start: Marker, end: Marker) -> Span {
        let start = self.offsets.byte(start);
        let end = self.offsets.byte(end).max(start);
        Span::new(self.file, start..end)
    }

    fn syntax_error(&self, error: &ScanError) -> Diagnostic {
        let at = Span::new(
            self.file,
            self.offsets.byte(*error.marker())..self.offsets.byte(*error.marker()),
        );
        // The parser has a nesting limit of its own, which deep input may reach before ours.
        if error.info().contains("recursion limit") {
            return Diagnostic::at(Code::LimitExceeded, at, "the document is nested too deeply")
                .with_help("manifests are shallow; flatten this structure");
        }
        Diagnostic::at(
            Code::Syntax,
            at,
            format!("YAML syntax error: {}", error.info()),
        )
        .with_label("here")
    }

    fn event(&mut self, event: Event, start: Marker, end: Marker) -> Result<(), Box<Diagnostic>> {
        match event {
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.nodes_in_document = 0;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let span = self.span(start, end);
                let keep_string = style != ScalarStyle::Plain
                    || tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let value = if keep_string {
                    Value::String(text.into_owned())
                } else {
                    resolve_plain(text)
                };
                self.count(1, span)?;
                let built = Built {
                    node: Node { value, span },
                    size: 1,
                    height: 1,
                };
                self.complete(built, anchor)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let at = self.offsets.byte(start);
                if self.stack.len() >= self.limits.max_depth {
                    return Err(Box::new(
                        Diagnostic::at(
                            Code::LimitExceeded,
                            Span::new(self.file, at..at),
                            format!(
                                "the document is nested more than {} levels deep",
                                self.limits.max_depth
                            ),
                        )
                        .with_help("manifests are shallow; flatten this structure"),
                    ));
                }
                self.count(1, Span::new(self.file, at..at))?;
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map {
                        entries: Vec::with_capacity(8),
                        keys: Keys::default(),
                        merged: HashSet::new(),
                        key: None,
                    }
                };
                self.stack.push(Frame {
                    start: at,
                    anchor,
                    size: 1,
                    height: 1,
                    kind,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = self.offsets.byte(end);
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let value = match frame.kind {
                    FrameKind::Seq(items) => Value::Seq(items),
                    FrameKind::Map { entries, .. } => Value::Map(entries),
                };
                let node = Node {
                    span: Span::new(self.file, frame.start..end.max(frame.start)),
                    value,
                };
                let built = Built {
                    node,
                    size: frame.size,
                    height: frame.height,
                };
                self.complete(built, frame.anchor)?;
            }
            Event::Alias(id) => {
                let span = self.span(start, end);
                let Some(built) = self.anchors.get(&id).cloned() else {
                    return Err(Box::new(Diagnostic::at(
                        Code::Syntax,
                        span,
                        "alias to an unknown anchor",
                    )));
                };
                // An alias copies its anchor here: the copy counts towards both limits.
                if self.stack.len() + built.height > self.limits.max_depth {
                    return Err(Box::new(
                        Diagnostic::at(
                            Code::LimitExceeded,
                            span,
                            format!(
                                "the document is nested more than {} levels deep (through aliases)",
                                self.limits.max_depth
                            ),
                        )
                        .with_help("manifests are shallow; flatten this structure"),
                    ));
                }
                self.count(built.size, span)?;
                self.complete(built, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Counts values towards the per-document budget, which aliases cannot get around.
    fn count(&mut self, values: usize, span: Span) -> Result<(), Box<Diagnostic>> {
        self.nodes_in_document += values;
        if self.nodes_in_document > self.limits.max_values {
            return Err(Box::new(
                Diagnostic::at(
                    Code::LimitExceeded,
                    span,
                    format!(
                        "the document expands to more than {} values",
                        self.limits.max_values
                    ),
                )
                .with_help("is an alias repeating a large anchor many times? split the document"),
            ));
        }
        Ok(())
    }

    /// A node is finished: remember it if anchored, then attach it to its parent.
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), Box<Diagnostic>> {
        if anchor != 0 {
            self.anchors.insert(anchor, built.clone());
        }
        let Some(parent) = self.stack.last_mut() else {
            // A document that is empty (or a bare `null`) holds no manifest.
            if built.node.value != Value::Null {
                self.documents.push(built.node);
            }
            return Ok(());
        };
        parent.size += built.size;
        parent.height = parent.height.max(built.height + 1);
        match &mut parent.kind {
            FrameKind::Seq(items) => items.push(built.node),
            FrameKind::Map {
                entries,
                keys,
                merged,
                key,
            } => match key.take() {
                None => {
                    *key = Some(match key_text(built.node) {
                        Ok((name, span)) => PendingKey::Name(name, span),
                        Err(diagnostic) => {
                            self.diagnostics.push(*diagnostic);
                            PendingKey::Invalid
                        }
                    });
                }
                Some(PendingKey::Invalid) => {}
                Some(PendingKey::Name(name, key_span)) if name == "<<" => {
                    merge(entries, keys, merged, built.node, key_span);
                }
                Some(PendingKey::Name(name, key_span)) => {
                    let entry = Entry {
                        key: name,
                        key_span,
                        value: built.node,
                    };
                    if let Some(diagnostic) = insert(entries, keys, merged, entry) {
                        self.diagnostics.push(diagnostic);
                    }
                }
            },
        }
        Ok(())
    }
}

/// Finds a mapping's entries by key: a scan while the mapping is small (most are), a hash
/// index once it grows, so a mapping of a hundred thousand keys stays linear.
#[derive(Default)]
struct Keys {
    index: Option<HashMap<String, usize>>,
}

impl Keys {
    const SCAN_UP_TO: usize = 16;

    fn find(&self, entries: &[Entry], key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => entries.iter().position(|e| e.key == key),
        }
    }

    fn push(&mut self, entries: &mut Vec<Entry>, entry: Entry) {
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), entries.len());
        }
        entries.push(entry);
        if self.index.is_none() && entries.len() > Self::SCAN_UP_TO {
            let index = entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i));
            self.index = Some(index.collect());
        }
    }
}

/// Adds an explicit entry to a mapping: a duplicate is reported (and dropped), a key that a
/// merge brought in is replaced.
fn insert(
    entries: &mut Vec<Entry>,
    keys: &mut Keys,
    merged: &mut HashSet<String>,
    entry: Entry,
) -> Option<Diagnostic> {
    let Some(position) = keys.find(entries, &entry.key) else {
        keys.push(entries, entry);
        return None;
    };
    if merged.remove(&entry.key) {
        entries[position] = entry;
        return None;
    }
    Some(
        Diagnostic::at(
            Code::DuplicateKey,
            entry.key_span,
            format!("duplicate key `{}`", entry.key),
        )
        .with_label("second definition")
        .with_related(entries[position].key_span, "first defined here")
        .with_help("remove one of the two"),
    )
}

/// A merge key (`<<: *defaults` or `<<: [*a, *b]`) brings in the entries of the merged
/// mappings that the mapping does not have yet; explicit keys always win. Anything else under
/// `<<` stays an ordinary (unknown) field.
fn merge(
    entries: &mut Vec<Entry>,
    keys: &mut Keys,
    merged: &mut HashSet<String>,
    value: Node,
    key_span: Span,
) {
    let sources: Vec<Node> = match value.value {
        Value::Map(_) => vec![value],
        Value::Seq(items) if items.iter().all(|i| i.as_map().is_some()) => items,
        _ => {
            let entry = Entry {
                key: "<<".to_string(),
                key_span,
                value,
            };
            keys.push(entries, entry);
            return;
        }
    };
    for source in sources {
        let Value::Map(source_entries) = source.value else {
            continue;
        };
        for entry in source_entries {
            if keys.find(entries, &entry.key).is_none() {
                merged.insert(entry.key.clone());
                keys.push(entries, entry);
            }
        }
    }
}

/// A mapping key as text; keys must be scalars.
fn key_text(node: Node) -> Result<(String, Span), Box<Diagnostic>> {
    let text = match node.value {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(digits) => digits,
        Value::Float(f) => f.to_string(),
        Value::Seq(_) | Value::Map(_) => {
            return Err(Box::new(Diagnostic::at(
                Code::WrongType,
                node.span,
                "a mapping key must be a plain value, not a list or mapping",
            )));
        }
    };
    Ok((text, node.span))
}

/// Resolves a plain (unquoted) scalar by the YAML 1.2 core schema. A string keeps the text
/// it was given (most scalars are strings, and the parser has made them already).
fn resolve_plain<'a>(text: impl Into<std::borrow::Cow<'a, str>>) -> Value {
    let owned = text.into();
    let text: &str = &owned;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(int) = resolve_int(text) {
        return int;
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    let float_chars = unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    let starts_like_number = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if float_chars
        && starts_like_number
        && unsigned.chars().any(|c| c.is_ascii_digit())
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(owned.into_owned())
}

fn resolve_int(text: &str) -> Option<Value> {
    if let Some(octal) = text.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok().map(Value::Int);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Value::Int);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(match text.parse() {
        Ok(int) => Value::Int(int),
        Err(_) => Value::BigInt(text.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> (Vec<Node>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let docs = parse(text, 0, FileId(0), &Limits::default(), &mut diagnostics);
        (docs, diagnostics)
    }

    #[test]
    fn core_schema_only() {
        assert_eq!(resolve_plain("NO"), Value::String("NO".into()));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("true"), Value::Bool(true));
        assert_eq!(resolve_plain("8080"), Value::Int(8080));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(
            resolve_plain("99999999999999999999"),
            Value::BigInt("99999999999999999999".into())
        );
        assert_eq!(resolve_plain("1.0"), Value::Float(1.0));
        assert_eq!(resolve_plain("1.0.0"), Value::String("1.0.0".into()));
        assert_eq!(resolve_plain("inf"), Value::String("inf".into()));
        assert_eq!(
            resolve_plain("nodejs-20.x"),
            Value::String("nodejs-20.x".into())
        );
        assert_eq!(resolve_plain("~"), Value::Null);
    }

    #[test]
    fn spans_are_bytes_and_keys_are_located() {
        let (docs, diags) = parse_one("name: é\nid: x\n");
        assert!(diags.is_empty());
        let map = docs[0].as_map().unwrap();
        assert_eq!(map[1].key, "id");
        assert_eq!(map[1].key_span.range(), 9..11);
        assert_eq!(map[1].value.span.range(), 13..14);
    }

    #[test]
    fn several_documents_and_empty_ones() {
        let (docs, diags) = parse_one("---\na: 1\n---\n---\nb: 2\n");
        assert!(diags.is_empty());
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let (_, diags) = parse_one("a: 1\nb: 2\na: 3\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::DuplicateKey);
        assert_eq!(diags[0].related.len(), 1);
    }

    #[test]
    fn alias_bombs_hit_the_budget() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let (_, diags) = parse_one(&text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::LimitExceeded);
    }

    #[test]
    fn deep_nesting_hits_the_limit() {
        // Past our limit, and far past the parser's own.
        for depth in [100, 10_000] {
            let text = "[".repeat(depth);
            let (_, diags) = parse_one(&text);
            assert_eq!(diags.len(), 1, "{depth}");
            assert_eq!(diags[0].code, Code::LimitExceeded, "{depth}");
        }
    }

    #[test]
    fn merge_keys_bring_in_entries_and_explicit_keys_win() {
        let text = "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n  c: 4\n";
        let (docs, diags) = parse_one(text);
        assert!(diags.is_empty(), "{diags:?}");
        let x = &docs[0].get("x").unwrap().value;
        let pairs: Vec<_> = x
            .as_map()
            .unwrap()
            .iter()
            .map(|e| (e.key.as_str(), e.value.value.clone()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a", Value::Int(1)),
                ("b", Value::Int(3)),
                ("c", Value::Int(4))
            ]
        );
    }

    #[test]
    fn a_complex_key_drops_its_entry_not_the_file() {
        let (docs, diags) = parse_one("? [a, b]\n: 1\nkind: Process\n---\nz: 1\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::WrongType);
        assert_eq!(docs.len(), 2);
        assert!(docs[0].get("kind").is_some());
    }

    #[test]
    fn aliases_cannot_get_past_the_depth_limit() {
        // Each anchor nests the previous one a level deeper: 70 levels through aliases.
        let mut text = String::from("a0: &a0 [x]\n");
        for i in 1..70 {
            text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        let (_, diags) = parse_one(&text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::LimitExceeded);
    }

    /// What the YAML test suite teaches, in cases of our own: what is a syntax error (at a
    /// line) and what is not, whatever the document holds.
    #[test]
    fn yaml_test_suite_lessons() {
        let invalid = [
            "a:\n\tb: 1\n",                 // a tab as indentation
            "a: [1, 2\n",                   // an unclosed flow sequence
            "a: {b: 1\n",                   // an unclosed flow mapping
            "a:\n  b: 1\n c: 2\n",          // a key less indented than its siblings
            "a: \"open\n",                  // an unclosed double-quoted scalar
            "- a\nb: c\n",                  // a mapping after a sequence at the same level
            "a: b: c\n",                    // a mapping value in a plain scalar
            "a: 1\n%YAML 1.2\n---\nb: 2\n", // a directive without a document end before it
            "a: 'x' y\n",                   // text after a quoted scalar
            "[a, b]]\n",                    // a stray flow indicator
            "a: !<tag\n",                   // an unclosed verbatim tag
        ];
        let valid = [
            "? a\n: b\n",                             // an explicit key
            "? [a, b]\n: c\n",                        // a complex key
            "a: &x 1\nb: *x\n",                       // an anchor and its alias
            "--- !!map\na: !!str 1\n",                // tags
            "%YAML 1.2\n---\na: 1\n...\n---\nb: 2\n", // a directive and several documents
            "a: |\n  x\n\n  y\nb: >-\n  z\n",         // block scalars
            "a: 'it''s'\nb: \"\\u00e9\\t\"\n",        // quoted scalars with escapes
            "a:\n- 1\n- 2\n",                         // a sequence at its key's indent
            "# only a comment\n",                     // no document at all
            "a: {b: [1, {c: d}], e: }\n",             // nested flow collections, empty value
            "- - - a\n",                              // nested sequences on one line
        ];
        crate::load::assert_syntax_verdicts(&invalid, &valid, |text| parse_one(text).1);
    }

    #[test]
    fn syntax_errors_keep_earlier_documents() {
        let (docs, diags) = parse_one("a: 1\n---\nb: [1, 2\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(diags[0].code, Code::Syntax);
    }
}
