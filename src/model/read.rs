//! The structural pass: reads a spanned document into a typed manifest, collecting every
//! problem (unknown field, missing field, wrong type, bad enum value, bad id...) instead of
//! stopping at the first, as serde would.

use std::collections::BTreeMap;

use super::names;
use super::{Choice, EnvVar, Located};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::node::{Entry, Node, Value};
use crate::load::source::Span;

/// Reads one document; `complete` turns false when a required field could not be read, so
/// later stages skip the checks that would need it.
pub struct Reader<'d> {
    pub diagnostics: &'d mut Vec<Diagnostic>,
    pub complete: bool,
    /// Spans of literal values under secret-looking names: masked in every snippet.
    pub secret_spans: Vec<Span>,
}

/// A mapping being read. `anchor` is where "missing field" problems point: the key that
/// introduces the mapping (or the document's `kind`).
#[derive(Clone, Copy)]
pub struct Obj<'n> {
    pub entries: &'n [Entry],
    pub anchor: Span,
    /// How messages name this mapping, e.g. "Process" or "`runtimeContext`".
    pub what: &'n str,
}

impl<'n> Obj<'n> {
    pub fn entry(&self, key: &str) -> Option<&'n Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl<'d> Reader<'d> {
    pub fn new(diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        Reader {
            diagnostics,
            complete: true,
            secret_spans: Vec::new(),
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Opens `node` as a mapping with the given allowed fields; unknown fields are reported
    /// here, with a did-you-mean suggestion.
    pub fn object<'n>(
        &mut self,
        node: &'n Node,
        anchor: Span,
        what: &'n str,
        allowed: &[&str],
    ) -> Option<Obj<'n>> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        for entry in entries {
            if !allowed.contains(&entry.key.as_str()) && !is_extension(&entry.key) {
                self.unknown_field(entry, what, allowed);
            }
        }
        Some(Obj {
            entries,
            anchor,
            what,
        })
    }

    fn unknown_field(&mut self, entry: &Entry, what: &str, allowed: &[&str]) {
        let mut diagnostic = Diagnostic::at(
            Code::UnknownField,
            entry.key_span,
            format!("unknown field `{}` in {what}", entry.key),
        )
        .with_label("unknown field");
        diagnostic = match names::suggest(&entry.key, allowed.iter().copied()) {
            Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
            None => diagnostic.with_help(format!("allowed fields: {}", allowed.join(", "))),
        };
        self.report(diagnostic);
    }

    pub fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = node.value.type_name();
        let mut diagnostic = Diagnostic::at(
            Code::WrongType,
            node.span,
            format!("{what} must be {expected}, found {found}"),
        )
        .with_label(format!("expected {expected}"));
        if expected == "a string"
            && matches!(node.value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
        {
            diagnostic = diagnostic.with_help("quote the value to make it a string");
        }
        self.report(diagnostic);
    }

    /// The value of a required field; reports it missing otherwise.
    pub fn required<'n>(&mut self, obj: Obj<'n>, key: &str) -> Option<&'n Node> {
        match obj.entry(key) {
            Some(entry) => Some(&entry.value),
            None => {
                self.complete = false;
                self.report(
                    Diagnostic::at(
                        Code::MissingField,
                        obj.anchor,
                        format!("{} is missing the required field `{key}`", obj.what),
                    )
                    .with_label(format!("`{key}` missing here"))
                    .with_help(format!("add `{key}`")),
                );
                None
            }
        }
    }

    pub fn optional<'n>(&mut self, obj: Obj<'n>, key: &str) -> Option<&'n Node> {
        obj.entry(key)
            .map(|e| &e.value)
            .filter(|n| n.value != Value::Null)
    }

    /// A string value; `what` names the field in messages.
    pub fn string(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        match node.as_str() {
            Some(s) => Some(Located::new(s.to_string(), node.span)),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    pub fn req_string(&mut self, obj: Obj, key: &str) -> Option<Located<String>> {
        let node = self.required(obj, key)?;
        let value = self.string(node, &format!("`{key}`"));
        self.complete &= value.is_some();
        value
    }

    pub fn opt_string(&mut self, obj: Obj, key: &str) -> Option<Located<String>> {
        let node = self.optional(obj, key)?;
        self.string(node, &format!("`{key}`"))
    }

    /// An id (its own or a reference to another manifest's): a string of id syntax.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        let id = self.string(node, what)?;
        if let Err(why) = names::check_id(&id.value) {
            self.report(
                Diagnostic::at(
                    Code::InvalidId,
                    id.span,
                    format!("{what} `{}` is not a valid id: {why}", id.value),
                )
                .with_label("invalid id")
                .with_help(
                    "ids use letters, digits, `-`, `_` and `.`, and start with a letter or digit",
                ),
            );
            return None;
        }
        Some(id)
    }

    pub fn req_id(&mut self, obj: Obj, key: &str) -> Option<Located<String>> {
        let node = self.required(obj, key)?;
        let value = self.id(node, &format!("`{key}`"));
        self.complete &= value.is_some();
        value
    }

    pub fn opt_id(&mut self, obj: Obj, key: &str) -> Option<Located<String>> {
        let node = self.optional(obj, key)?;
        self.id(node, &format!("`{key}`"))
    }

    /// One of a fixed set of names; a wrong one lists them all.
    pub fn choice<T: Choice>(&mut self, node: &Node, what: &str) -> Option<Located<T>> {
        let text = self.string(node, what)?;
        if let Some(value) = T::from_name(&text.value) {
            return Some(Located::new(value, text.span));
        }
        let allowed: Vec<&str> = T::NAMES.to_vec();
        let mut diagnostic = Diagnostic::at(
            Code::InvalidEnumValue,
            text.span,
            format!(
                "{what} is `{}`, which is not one of: {}",
                text.value,
                allowed.join(", ")
            ),
        )
        .with_label("not an allowed value");
        if let Some(best) = names::suggest(&text.value, allowed.iter().copied()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
        }
        self.report(diagnostic);
        None
    }

    pub fn req_choice<T: Choice>(&mut self, obj: Obj, key: &str) -> Option<Located<T>> {
        let node = self.required(obj, key)?;
        let value = self.choice(node, &format!("`{key}`"));
        self.complete &= value.is_some();
        value
    }

    pub fn opt_choice<T: Choice>(&mut self, obj: Obj, key: &str) -> Option<Located<T>> {
        let node = self.optional(obj, key)?;
        self.choice(node, &format!("`{key}`"))
    }

    pub fn opt_bool(&mut self, obj: Obj, key: &str) -> Option<bool> {
        let node = self.optional(obj, key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, &format!("`{key}`"), "a boolean (true or false)");
                None
            }
        }
    }

    /// A list; each item is read by `item`, and items that fail are left out.
    pub fn list<T>(
        &mut self,
        node: &Node,
        what: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(|n| item(self, n)).collect(),
            _ => {
                self.wrong_type(node, what, "a list");
                Vec::new()
            }
        }
    }

    /// A capability name.
    pub fn capability(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        let name = self.string(node, what)?;
        if let Err(why) = names::check_capability(&name.value) {
            self.report(
                Diagnostic::at(
                    Code::InvalidCapability,
                    name.span,
                    format!("capability `{}` is not a valid name: {why}", name.value),
                )
                .with_label("invalid capability")
                .with_help(
                    "capabilities are lowercase dotted segments of letters, digits, `-` and `_`, e.g. `code.generation`",
                ),
            );
            return None;
        }
        Some(name)
    }

    /// An optional list of capabilities.
    pub fn capabilities(&mut self, obj: Obj, key: &str) -> Vec<Located<String>> {
        let Some(node) = self.optional(obj, key) else {
            return Vec::new();
        };
        let what = format!("`{key}`");
        self.list(node, &what, |r, n| r.capability(n, "a capability"))
    }

    /// An `env` map of variable names to literal values. A literal under a secret-looking
    /// name is reported, and masked in every snippet.
    pub fn env_map(&mut self, obj: Obj, key: &str) -> Vec<EnvVar> {
        let Some(node) = self.optional(obj, key) else {
            return Vec::new();
        };
        let Some(entries) = node.as_map() else {
            self.wrong_type(
                node,
                &format!("`{key}`"),
                "a mapping of variable names to values",
            );
            return Vec::new();
        };
        let mut vars = Vec::new();
        for entry in entries {
            let name = Located::new(entry.key.clone(), entry.key_span);
            let secret_looking = names::looks_secret(&entry.key);
            let value = match &entry.value.value {
                Value::String(s) => s.clone(),
                // Numbers and booleans are fine in an env map; they are the text they read as.
                Value::Int(i) => i.to_string(),
                Value::BigInt(digits) => digits.clone(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    let what = format!("variable `{}`", entry.key);
                    self.wrong_type(&entry.value, &what, "a string");
                    continue;
                }
            };
            let literal_secret = secret_looking && !value.is_empty();
            if literal_secret {
                self.literal_secret(
                    entry.value.span,
                    format!(
                        "`{}` looks like a secret but has a literal value in `{key}`",
                        entry.key
                    ),
                );
            }
            vars.push(EnvVar {
                name,
                value: Located::new(value, entry.value.span),
                literal_secret,
            });
        }
        vars
    }

    /// A mapping of string labels (a Process's `metadata` beyond `platform` and `version`).
    pub fn string_labels(&mut self, obj: Obj, skip: &[&str]) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        for entry in obj
            .entries
            .iter()
            .filter(|e| !skip.contains(&e.key.as_str()))
        {
            let what = format!("label `{}`", entry.key);
            if let Some(value) = self.string(&entry.value, &what) {
                // A label under a secret-looking name is kept hidden, as in `env`.
                let shown = if names::looks_secret(&entry.key) && !value.value.is_empty() {
                    self.literal_secret(
                        entry.value.span,
                        format!(
                            "label `{}` looks like a secret but has a literal value",
                            entry.key
                        ),
                    );
                    super::REDACTED.to_string()
                } else {
                    value.value
                };
                labels.insert(entry.key.clone(), shown);
            }
        }
        labels
    }

    /// A literal secret (W0303): hidden in every snippet, and reported.
    pub fn literal_secret(&mut self, span: Span, message: String) {
        self.secret_spans.push(span);
        self.report(
            Diagnostic::at(Code::LiteralSecret, span, message)
                .with_label("literal value (hidden)")
                .with_help("move it to a `secrets` binding that names where the secret is stored"),
        );
    }

    /// Free-form metadata: any mapping.
    pub fn opt_any_map(&mut self, obj: Obj, key: &str) {
        if let Some(node) = self.optional(obj, key) {
            if node.as_map().is_none() {
                self.wrong_type(node, &format!("`{key}`"), "a mapping");
            }
        }
    }

    pub fn invalid_value(&mut self, span: Span, message: String, help: &str) {
        self.report(
            Diagnostic::at(Code::InvalidValue, span, message)
                .with_label("invalid value")
                .with_help(help.to_string()),
        );
    }
}

/// Fields named `x-...` are extensions: ignored, so that YAML anchors (`x-defaults: &d`) and
/// other tools' data can live in a manifest.
fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}
