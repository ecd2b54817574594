//! The format-agnostic document tree that both the YAML and the TOML loader produce.
//!
//! Every node and every mapping key keeps its span, so the structural pass in `model::read`
//! can point each problem at the exact key or value, whichever format it came from.

use crate::source::{FileId, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer too large for 64 bits, as written (digits and sign only): what to make of
    /// it is the reader's call (an env value takes it as text, a port is out of range).
    BigInt(String),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order; keys are unique (the loaders reject duplicates).
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Value {
    /// The name of this value's type, as used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::BigInt(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// Points every span in this tree at `file`.
    pub fn set_file(&mut self, file: FileId) {
        self.span.file = file;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|item| item.set_file(file)),
            Value::Map(entries) => {
                for entry in entries {
                    entry.key_span.file = file;
                    entry.value.set_file(file);
                }
            }
            _ => {}
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key`, when this node is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The document as JSON, to check it against the JSON Schema (`oslinker schema`) as an
    /// editor would. Spans are dropped. An integer too large for 64 bits becomes the nearest
    /// float, and a float that JSON cannot hold (NaN, infinity) the text it reads as.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::BigInt(digits) => float_to_json(digits.parse().unwrap_or(f64::NAN)),
            Value::Float(f) => float_to_json(*f),
            Value::String(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

fn float_to_json(f: f64) -> serde_json::Value {
    serde_json::Number::from_f64(f).map_or_else(
        || serde_json::Value::String(f.to_string()),
        serde_json::Value::Number,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn node(value: Value) -> Node {
        Node {
            value,
            span: Span::new(FileId(0), 0..0),
        }
    }

    #[test]
    fn to_json_keeps_every_value() {
        let doc = node(Value::Map(vec![Entry {
            key: "a".into(),
            key_span: Span::new(FileId(0), 0..0),
            value: node(Value::Seq(vec![
                node(Value::Null),
                node(Value::Bool(true)),
                node(Value::Int(-3)),
                node(Value::BigInt("18446744073709551616".into())),
                node(Value::Float(1.5)),
                node(Value::Float(f64::NAN)),
                node(Value::String("x".into())),
            ])),
        }]));
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": [null, true, -3, 18446744073709551616.0, 1.5, "NaN", "x"]})
        );
    }
}
