//! The structural pass, driven by each kind's description (`describe.rs`): checks a spanned
//! document against its [`Object`] and reports every problem (unknown field, missing field,
//! wrong type, bad enum value, bad id...) instead of stopping at the first, as serde would.
//!
//! Checking and taking values are two steps over the same document. [`Reader::object`] checks
//! a mapping and hands back [`Fields`]; a kind's builder takes its values from those with the
//! accessors below, which use the same parse functions as the checks (`parse_*`), so a value
//! a builder gets has passed them, and nothing is reported twice.

use std::fmt::Display;

use super::describe::{Default, Field, Object, Presence, Ref, Rest, Type};
use super::names;
use super::{Choice, EnvVar, Located};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::node::{Entry, Node, Value};
use crate::secrets;
use crate::source::Span;

/// Reads one document; `complete` turns false when a required value could not be read, so
/// later stages skip the checks that would need it.
pub struct Reader<'d> {
    pub diagnostics: &'d mut Vec<Diagnostic>,
    pub complete: bool,
    /// Spans of literal values under secret-looking names: masked in every snippet.
    pub secret_spans: Vec<Span>,
}

/// Why a value is not what its type asks for.
enum Problem {
    WrongType(&'static str),
    InvalidId(String),
    InvalidCapability(String),
    NotAChoice(&'static [&'static str]),
    PortOutOfRange(String),
    Negative(String),
}

fn parse_text(node: &Node) -> Result<&str, Problem> {
    node.as_str().ok_or(Problem::WrongType("a string"))
}

fn parse_id(node: &Node) -> Result<&str, Problem> {
    let text = parse_text(node)?;
    names::check_id(text).map_err(Problem::InvalidId)?;
    Ok(text)
}

fn parse_capability(node: &Node) -> Result<&str, Problem> {
    let text = parse_text(node)?;
    names::check_capability(text).map_err(Problem::InvalidCapability)?;
    Ok(text)
}

fn parse_choice(node: &Node, names: &'static [&'static str]) -> Result<usize, Problem> {
    let text = parse_text(node)?;
    names
        .iter()
        .position(|n| *n == text)
        .ok_or(Problem::NotAChoice(names))
}

fn parse_bool(node: &Node) -> Result<bool, Problem> {
    match node.value {
        Value::Bool(b) => Ok(b),
        _ => Err(Problem::WrongType("a boolean (true or false)")),
    }
}

fn parse_port(node: &Node) -> Result<u16, Problem> {
    match &node.value {
        Value::Int(port) => match u16::try_from(*port) {
            Ok(port) if port > 0 => Ok(port),
            _ => Err(Problem::PortOutOfRange(port.to_string())),
        },
        Value::BigInt(digits) => Err(Problem::PortOutOfRange(digits.clone())),
        _ => Err(Problem::WrongType("an integer from 1 to 65535")),
    }
}

fn parse_count(node: &Node) -> Result<u64, Problem> {
    match &node.value {
        Value::Int(n) => u64::try_from(*n).map_err(|_| Problem::Negative(n.to_string())),
        Value::BigInt(digits) if digits.starts_with('-') => Err(Problem::Negative(digits.clone())),
        Value::BigInt(_) => Err(Problem::WrongType("a whole number that fits in 64 bits")),
        _ => Err(Problem::WrongType("a whole number (0 or more)")),
    }
}

/// A quantity as written: a string, or a number (YAML reads `2` and `0.5` as numbers), as
/// text. Its units are the kind's to check.
fn parse_quantity(node: &Node) -> Result<String, Problem> {
    match &node.value {
        Value::String(text) => Ok(text.clone()),
        Value::Int(n) => Ok(n.to_string()),
        Value::Float(f) => Ok(f.to_string()),
        _ => Err(Problem::WrongType(
            "a quantity (a number, or a string such as `500m` or `512Mi`)",
        )),
    }
}

/// A scalar of type `ty`: `Ok` when it is one.
fn parse_scalar(ty: &Type, node: &Node) -> Result<(), Problem> {
    match ty {
        Type::Text | Type::Checked { .. } => parse_text(node).map(drop),
        Type::Id | Type::Ref(_) => parse_id(node).map(drop),
        Type::Capability => parse_capability(node).map(drop),
        Type::Choice(names) => parse_choice(node, names).map(drop),
        Type::Bool => parse_bool(node).map(drop),
        Type::Port => parse_port(node).map(drop),
        Type::Count => parse_count(node).map(drop),
        Type::Quantity { .. } => parse_quantity(node).map(drop),
        _ => Ok(()),
    }
}

/// Whether a value of this type that cannot be read leaves its manifest incomplete (when the
/// field is required): text, ids, choices and objects do. A list or a map is read entry by
/// entry, and a bad number or flag is only reported: the rest of the manifest still holds.
fn unreadable_means_incomplete(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Text
            | Type::Checked { .. }
            | Type::Id
            | Type::Ref(_)
            | Type::Capability
            | Type::Choice(_)
            | Type::Object(_)
    )
}

/// A mapping that passed [`Reader::object`]: the builder's view of it.
#[derive(Clone, Copy)]
pub struct Fields<'n> {
    pub object: &'static Object,
    pub entries: &'n [Entry],
    /// Where "missing field" problems point: the key that introduces the mapping (or the
    /// document's `kind`).
    pub anchor: Span,
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

    /// Checks `node` against `object` and reports every structural problem; `None` when it is
    /// not a mapping at all. `what` names it in messages (a document's kind, "`config` of a
    /// secrets binding"); by default the object's own `what`.
    pub fn object<'n>(
        &mut self,
        object: &'static Object,
        node: &'n Node,
        anchor: Span,
    ) -> Option<Fields<'n>> {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, &object.what, "a mapping");
            return None;
        };
        let fields = Fields {
            object,
            entries,
            anchor,
        };
        for entry in entries {
            match object.field(&entry.key) {
                Some(field) => self.field(field, entry, fields),
                None if object.rest == Rest::Labels => self.label(entry),
                None if is_extension(&entry.key) => {}
                None => self.unknown_field(entry, object),
            }
        }
        for field in object.fields.iter().filter(|f| f.required()) {
            if fields.entry(field.name).is_none() {
                self.missing(fields, field.name);
            }
        }
        Some(fields)
    }

    fn missing(&mut self, fields: Fields, key: &str) {
        self.complete = false;
        self.report(
            Diagnostic::at(
                Code::MissingField,
                fields.anchor,
                format!(
                    "{} is missing the required field `{key}`",
                    fields.object.what
                ),
            )
            .with_label(format!("`{key}` missing here"))
            .with_help(format!("add `{key}`")),
        );
    }

    fn unknown_field(&mut self, entry: &Entry, object: &Object) {
        let mut diagnostic = Diagnostic::at(
            Code::UnknownField,
            entry.key_span,
            format!("unknown field `{}` in {}", entry.key, object.what),
        )
        .with_label("unknown field");
        diagnostic = match names::suggest(&entry.key, object.field_names()) {
            Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
            None => {
                let allowed: Vec<&str> = object.field_names().collect();
                diagnostic.with_help(format!("allowed fields: {}", allowed.join(", ")))
            }
        };
        self.report(diagnostic);
    }

    /// One described field of an object.
    pub(crate) fn field(&mut self, field: &'static Field, entry: &Entry, within: Fields) {
        let node = &entry.value;
        // An optional field written as null is absent.
        if node.value == Value::Null && field.presence != Presence::Required {
            return;
        }
        let what = Quoted(field.name);
        let read = match &field.ty {
            Type::ApiVersion | Type::KindName => true,
            Type::List {
                item,
                what: item_what,
            } => {
                self.list(node, &what, item, item_what, entry.key_span);
                true
            }
            Type::Object(object) => self.object(object, node, entry.key_span).is_some(),
            Type::Map {
                value,
                what: value_what,
            } => {
                self.map(node, &what, value, value_what);
                true
            }
            Type::Env => {
                self.env(node, &what, field.name);
                true
            }
            Type::SecretRefs => {
                self.secret_refs(node, &what);
                true
            }
            Type::Mappings => {
                self.mappings(node, &what);
                true
            }
            Type::FreeForm => {
                if node.as_map().is_none() {
                    self.wrong_type(node, &what, "a mapping");
                }
                true
            }
            Type::Config { by, cases } => {
                self.config(
                    node,
                    &what,
                    within.choice_index(by).map(|i| cases[i].1),
                    entry,
                );
                true
            }
            scalar => self.scalar(scalar, node, &what),
        };
        if !read && field.required() && unreadable_means_incomplete(&field.ty) {
            self.complete = false;
        }
    }

    /// A scalar value; reports what is wrong with it. Returns whether it could be read.
    fn scalar(&mut self, ty: &Type, node: &Node, what: &dyn Display) -> bool {
        match parse_scalar(ty, node) {
            Ok(()) => true,
            Err(problem) => {
                self.problem(problem, node, what);
                false
            }
        }
    }

    fn problem(&mut self, problem: Problem, node: &Node, what: &dyn Display) {
        match problem {
            Problem::WrongType(expected) => self.wrong_type(node, what, expected),
            Problem::InvalidId(why) => self.report(
                Diagnostic::at(
                    Code::InvalidId,
                    node.span,
                    format!("{what} `{}` is not a valid id: {why}", text_of(node)),
                )
                .with_label("invalid id")
                .with_help(
                    "ids use letters, digits, `-`, `_` and `.`, and start with a letter or digit",
                ),
            ),
            Problem::InvalidCapability(why) => self.report(
                Diagnostic::at(
                    Code::InvalidCapability,
                    node.span,
                    format!("capability `{}` is not a valid name: {why}", text_of(node)),
                )
                .with_label("invalid capability")
                .with_help(
                    "capabilities are lowercase dotted segments of letters, digits, `-` and `_`, e.g. `code.generation`",
                ),
            ),
            Problem::NotAChoice(allowed) => {
                let text = text_of(node);
                let mut diagnostic = Diagnostic::at(
                    Code::InvalidEnumValue,
                    node.span,
                    format!(
                        "{what} is `{text}`, which is not one of: {}",
                        allowed.join(", ")
                    ),
                )
                .with_label("not an allowed value");
                if let Some(best) = names::suggest(text, allowed.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
                }
                self.report(diagnostic);
            }
            Problem::PortOutOfRange(port) => self.invalid_value(
                node.span,
                format!("port {port} is out of range 1-65535"),
                "use a port from 1 to 65535",
            ),
            Problem::Negative(n) => self.invalid_value(
                node.span,
                format!("{what} is {n}, which is negative"),
                "write a whole number, 0 or more",
            ),
        }
    }

    pub fn wrong_type(&mut self, node: &Node, what: &dyn Display, expected: &str) {
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

    /// A list: each item is checked against `item`. `anchor` is the list's key, where an item
    /// object's missing fields point.
    fn list(
        &mut self,
        node: &Node,
        what: &dyn Display,
        item: &Type,
        item_what: &str,
        anchor: Span,
    ) {
        let Value::Seq(items) = &node.value else {
            self.wrong_type(node, what, "a list");
            return;
        };
        for element in items {
            match item {
                Type::Object(object) => {
                    self.object(object, element, anchor);
                }
                scalar => {
                    self.scalar(scalar, element, &item_what);
                }
            }
        }
    }

    /// A mapping from free names to values of one type.
    fn map(&mut self, node: &Node, what: &dyn Display, value: &Type, value_what: &str) {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping");
            return;
        };
        for entry in entries {
            match value {
                Type::Object(object) => {
                    self.object(object, &entry.value, entry.key_span);
                }
                scalar => {
                    self.scalar(scalar, &entry.value, &value_what);
                }
            }
        }
    }

    /// `config`: its object follows the sibling that chooses it; without a readable one, only
    /// that it is a mapping can be checked.
    fn config(
        &mut self,
        node: &Node,
        what: &dyn Display,
        case: Option<&'static Object>,
        entry: &Entry,
    ) {
        match case {
            Some(object) => {
                self.object(object, node, entry.key_span);
            }
            None => {
                if node.as_map().is_none() {
                    self.wrong_type(node, what, "a mapping");
                }
            }
        }
    }

    /// An `env` map of variable names to literal values. A literal under a secret-looking
    /// name is reported, and masked in every snippet.
    fn env(&mut self, node: &Node, what: &dyn Display, key: &str) {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping of variable names to values");
            return;
        };
        let secret_values = secret_values(entries);
        for entry in entries {
            match env_value(&entry.value) {
                None => {
                    let what = Named("variable", &entry.key);
                    self.wrong_type(&entry.value, &what, "a string");
                }
                // A secret found by its value: reported (E0112) and redacted when loaded.
                Some(value) if value.contains(secrets::REDACTED) => {}
                Some(value)
                    if !secrets::looks_secret(&entry.key) && secret_values.contains(&value) =>
                {
                    self.literal_secret(
                        entry.value.span,
                        format!(
                            "`{}` repeats the literal value of a secret-looking variable in `{key}`",
                            entry.key
                        ),
                    );
                }
                Some(value) if secrets::looks_secret(&entry.key) && !value.is_empty() => {
                    self.literal_secret(
                        entry.value.span,
                        format!(
                            "`{}` looks like a secret but has a literal value in `{key}`",
                            entry.key
                        ),
                    );
                }
                Some(value) if secrets::redact_url_credentials(&value).is_some() => {
                    self.literal_secret(
                        entry.value.span,
                        format!("`{}` holds a credential in a URL in `{key}`", entry.key),
                    );
                }
                Some(_) => {}
            }
        }
    }

    /// A label of an object whose other entries are labels: a string, hidden when its name
    /// looks secret.
    fn label(&mut self, entry: &Entry) {
        let what = Named("label", &entry.key);
        let Some(value) = entry.value.as_str() else {
            self.wrong_type(&entry.value, &what, "a string");
            return;
        };
        if value.contains(secrets::REDACTED) {
            // A secret found by its value: reported (E0112) and redacted when loaded.
        } else if secrets::looks_secret(&entry.key) && !value.is_empty() {
            self.literal_secret(
                entry.value.span,
                format!(
                    "label `{}` looks like a secret but has a literal value",
                    entry.key
                ),
            );
        } else if secrets::redact_url_credentials(value).is_some() {
            self.literal_secret(
                entry.value.span,
                format!("label `{}` holds a credential in a URL", entry.key),
            );
        }
    }

    /// Variable names -> references to where the secrets live.
    fn secret_refs(&mut self, node: &Node, what: &dyn Display) {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping of variable names to references");
            return;
        };
        for entry in entries {
            if !is_env_var_name(&entry.key) {
                self.invalid_value(
                    entry.key_span,
                    format!("`{}` is not a valid environment variable name", entry.key),
                    "use letters, digits and `_`, starting with a letter or `_`",
                );
            }
            let what = Named("the reference of", &entry.key);
            match entry.value.as_str() {
                None => self.wrong_type(&entry.value, &what, "a string"),
                Some(reference) if reference.trim().is_empty() => self.invalid_value(
                    entry.value.span,
                    format!("the reference of `{}` is empty", entry.key),
                    "name where the secret lives, e.g. `kv/data/app#api-key`",
                ),
                Some(_) => {}
            }
        }
    }

    /// Capability -> provider ids.
    fn mappings(&mut self, node: &Node, what: &dyn Display) {
        let Some(entries) = node.as_map() else {
            self.wrong_type(node, what, "a mapping of capability to provider ids");
            return;
        };
        for entry in entries {
            let key = key_node(entry);
            if let Err(problem) = parse_capability(&key) {
                self.problem(problem, &key, &"a mapped capability");
            }
            let what = Named("the providers of", &entry.key);
            self.list(
                &entry.value,
                &what,
                &Type::Id,
                "a provider id",
                entry.key_span,
            );
        }
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

    pub fn invalid_value(&mut self, span: Span, message: String, help: &str) {
        self.report(
            Diagnostic::at(Code::InvalidValue, span, message)
                .with_label("invalid value")
                .with_help(help.to_string()),
        );
    }
}

/// A field's name as messages quote it: `` `name` ``. Written out only when reported.
struct Quoted<'a>(&'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`", self.0)
    }
}

/// An entry of a map as messages name it: "variable `NAME`", "label `team`".
struct Named<'a>(&'static str, &'a str);

impl Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// The text of a scalar, for messages.
fn text_of(node: &Node) -> &str {
    node.as_str().unwrap_or_default()
}

/// A mapping key as a node, to check it like a value.
fn key_node(entry: &Entry) -> Node {
    Node {
        value: Value::String(entry.key.clone()),
        span: entry.key_span,
    }
}

/// An env value as text: numbers and booleans are the text they read as.
/// The literal values under secret-looking names in an env map: another variable holding
/// the same value (a YAML alias of it, or a copy) is a literal secret too.
fn secret_values(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| secrets::looks_secret(&e.key))
        .filter_map(|e| env_value(&e.value))
        .filter(|value| !value.is_empty())
        .collect()
}

fn env_value(node: &Node) -> Option<String> {
    Some(match &node.value {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(digits) => digits.clone(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    })
}

/// [`is_env_var_name`] as a regular expression, for the JSON Schema (a test checks they agree).
pub(crate) const ENV_VAR_NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";

pub(crate) fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Fields named `x-...` are extensions: ignored, so that YAML anchors (`x-defaults: &d`) and
/// other tools' data can live in a manifest.
fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// Where a reference is written: a field, or a field of a nested object
/// (`metadata.platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath {
    pub parent: Option<&'static str>,
    pub name: &'static str,
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.parent {
            Some(parent) => write!(f, "{parent}.{}", self.name),
            None => f.write_str(self.name),
        }
    }
}

/// String labels by name, sorted (a small list costs less than a map).
pub type Labels = Vec<(String, String)>;

/// An id one manifest writes to name another, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub field: FieldPath,
    pub target: &'static Ref,
    pub written: Located<String>,
}

/// The builder's accessors. Each returns a value only when it passed the checks; an optional
/// field left out (or null) is `None`, or its default.
impl<'n> Fields<'n> {
    pub fn entry(&self, key: &str) -> Option<&'n Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The value of a field that is written and not null.
    fn node(&self, key: &str) -> Option<&'n Node> {
        self.entry(key)
            .map(|e| &e.value)
            .filter(|n| n.value != Value::Null)
    }

    fn located<T>(node: &Node, value: T) -> Located<T> {
        Located::new(value, node.span)
    }

    pub fn text(&self, key: &str) -> Option<Located<String>> {
        let node = self.node(key)?;
        parse_text(node)
            .ok()
            .map(|t| Self::located(node, t.to_string()))
    }

    /// An id, or the id a reference names.
    pub fn id(&self, key: &str) -> Option<Located<String>> {
        let node = self.node(key)?;
        parse_id(node)
            .ok()
            .map(|t| Self::located(node, t.to_string()))
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        let value = self.node(key).and_then(|n| parse_bool(n).ok());
        value.or_else(|| match self.object.field(key)?.presence {
            Presence::Default(Default::Bool(b)) => Some(b),
            _ => None,
        })
    }

    pub fn port(&self, key: &str) -> Option<u16> {
        parse_port(self.node(key)?).ok()
    }

    pub fn count(&self, key: &str) -> Option<Located<u64>> {
        let node = self.node(key)?;
        parse_count(node).ok().map(|n| Self::located(node, n))
    }

    /// A quantity as written (a number as its text); its units are unchecked.
    pub fn quantity(&self, key: &str) -> Option<Located<String>> {
        let node = self.node(key)?;
        parse_quantity(node).ok().map(|q| Self::located(node, q))
    }

    fn choice_index(&self, key: &str) -> Option<usize> {
        let Type::Choice(names) = self.object.field(key)?.ty else {
            return None;
        };
        parse_choice(self.node(key)?, names).ok()
    }

    /// One of a closed set; its default when left out.
    pub fn choice<T: Choice>(&self, key: &str) -> Option<Located<T>> {
        match self.node(key) {
            Some(node) => parse_choice(node, T::NAMES)
                .ok()
                .map(|i| Self::located(node, T::VALUES[i])),
            None => match self.object.field(key)?.presence {
                Presence::Default(Default::Name(name)) => {
                    T::from_name(name).map(|value| Located::new(value, self.anchor))
                }
                _ => None,
            },
        }
    }

    pub fn object(&self, key: &str) -> Option<Fields<'n>> {
        let entry = self.entry(key)?;
        let object = match &self.object.field(key)?.ty {
            Type::Object(object) => *object,
            Type::Config { by, cases } => cases[self.choice_index(by)?].1,
            _ => return None,
        };
        Some(Fields {
            object,
            entries: entry.value.as_map()?,
            anchor: entry.key_span,
        })
    }

    fn items(&self, key: &str) -> &'n [Node] {
        match self.node(key).map(|n| &n.value) {
            Some(Value::Seq(items)) => items,
            _ => &[],
        }
    }

    /// A list of capabilities: those that are valid names.
    pub fn capabilities(&self, key: &str) -> Vec<Located<String>> {
        self.items(key)
            .iter()
            .filter_map(|n| Some(Self::located(n, parse_capability(n).ok()?.to_string())))
            .collect()
    }

    /// A list of ids: those that are valid.
    pub fn ids(&self, key: &str) -> Vec<Located<String>> {
        self.items(key)
            .iter()
            .filter_map(|n| Some(Self::located(n, parse_id(n).ok()?.to_string())))
            .collect()
    }

    /// A list of text.
    pub fn texts(&self, key: &str) -> Vec<Located<String>> {
        self.items(key)
            .iter()
            .filter_map(|n| Some(Self::located(n, parse_text(n).ok()?.to_string())))
            .collect()
    }

    /// A list of one of a closed set.
    pub fn choices<T: Choice>(&self, key: &str) -> Vec<T> {
        self.items(key)
            .iter()
            .filter_map(|n| parse_choice(n, T::NAMES).ok().map(|i| T::VALUES[i]))
            .collect()
    }

    /// A mapping from free names to objects: each name and the object, for those that are
    /// mappings.
    pub fn named_objects(&self, key: &str) -> Vec<(Located<String>, Fields<'n>)> {
        let Some(Type::Map {
            value: Type::Object(object),
            ..
        }) = self.object.field(key).map(|f| &f.ty)
        else {
            return Vec::new();
        };
        let entries = self.node(key).and_then(Node::as_map).unwrap_or_default();
        entries
            .iter()
            .filter_map(|e| {
                let fields = Fields {
                    object,
                    entries: e.value.as_map()?,
                    anchor: e.key_span,
                };
                Some((Located::new(e.key.clone(), e.key_span), fields))
            })
            .collect()
    }

    /// A mapping from free names to one of a closed set: each name and its value (as
    /// `Located`), for those that are one of the set.
    pub fn named_choices<T: Choice>(&self, key: &str) -> Vec<(Located<String>, Located<T>)> {
        let entries = self.node(key).and_then(Node::as_map).unwrap_or_default();
        entries
            .iter()
            .filter_map(|e| {
                let index = parse_choice(&e.value, T::NAMES).ok()?;
                Some((
                    Located::new(e.key.clone(), e.key_span),
                    Self::located(&e.value, T::VALUES[index]),
                ))
            })
            .collect()
    }

    /// A list of objects: those that are mappings.
    pub fn objects(&self, key: &str) -> Vec<Fields<'n>> {
        let Some(Type::List {
            item: Type::Object(object),
            ..
        }) = self.object.field(key).map(|f| &f.ty)
        else {
            return Vec::new();
        };
        let anchor = self.entry(key).map_or(self.anchor, |e| e.key_span);
        self.items(key)
            .iter()
            .filter_map(|n| {
                Some(Fields {
                    object,
                    entries: n.as_map()?,
                    anchor,
                })
            })
            .collect()
    }

    /// An `env` map; literal values under secret-looking names are marked.
    pub fn env(&self, key: &str) -> Vec<EnvVar> {
        let entries = self.node(key).and_then(Node::as_map).unwrap_or_default();
        let secret_values = secret_values(entries);
        entries
            .iter()
            .filter_map(|entry| {
                let value = env_value(&entry.value)?;
                let literal_secret = !value.is_empty()
                    && (secrets::looks_secret(&entry.key) || secret_values.contains(&value));
                // A URL's credentials are hidden in the model itself: no output shows them.
                let value = secrets::redact_url_credentials(&value).unwrap_or(value);
                Some(EnvVar {
                    name: Located::new(entry.key.clone(), entry.key_span),
                    literal_secret,
                    value: Self::located(&entry.value, value),
                })
            })
            .collect()
    }

    /// Variable -> where its secret lives.
    pub fn secret_refs(&self, key: &str) -> Vec<(String, String)> {
        let entries = self.node(key).and_then(Node::as_map).unwrap_or_default();
        entries
            .iter()
            .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_string())))
            .collect()
    }

    /// Capability -> the provider ids that are valid ids, for each valid capability.
    pub fn mappings(&self, key: &str) -> Vec<(Located<String>, Vec<Located<String>>)> {
        let entries = self.node(key).and_then(Node::as_map).unwrap_or_default();
        entries
            .iter()
            .filter(|e| names::check_capability(&e.key).is_ok())
            .map(|e| {
                let ids = match &e.value.value {
                    Value::Seq(items) => items
                        .iter()
                        .filter_map(|n| Some(Self::located(n, parse_id(n).ok()?.to_string())))
                        .collect(),
                    _ => Vec::new(),
                };
                (Located::new(e.key.clone(), e.key_span), ids)
            })
            .collect()
    }

    /// The labels of an object with [`Rest::Labels`]: every entry that is not a field and
    /// holds a string, by name. A label under a secret-looking name is kept hidden, as in
    /// `env`.
    pub fn labels(&self) -> Labels {
        let mut labels: Labels = self
            .entries
            .iter()
            .filter(|e| self.object.field(&e.key).is_none())
            .filter_map(|e| {
                let value = e.value.as_str()?;
                let shown = if secrets::looks_secret(&e.key) && !value.is_empty() {
                    secrets::REDACTED.to_string()
                } else {
                    secrets::redact_url_credentials(value).unwrap_or_else(|| value.to_string())
                };
                Some((e.key.clone(), shown))
            })
            .collect();
        // Keys are unique (the loaders refuse duplicates): sorted, they read as a map.
        labels.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        labels
    }

    /// Every reference this object and the objects nested in it write, in field order.
    pub fn references(&self) -> Vec<Reference> {
        let mut found = Vec::new();
        self.collect_references(None, &mut found);
        found
    }

    fn collect_references(&self, parent: Option<&'static str>, found: &mut Vec<Reference>) {
        for field in self.object.fields {
            match &field.ty {
                Type::Ref(target) => {
                    if let Some(written) = self.id(field.name) {
                        found.push(Reference {
                            field: FieldPath {
                                parent,
                                name: field.name,
                            },
                            target,
                            written,
                        });
                    }
                }
                Type::List {
                    item: Type::Ref(target),
                    ..
                } => {
                    for written in self.ids(field.name) {
                        found.push(Reference {
                            field: FieldPath {
                                parent,
                                name: field.name,
                            },
                            target,
                            written,
                        });
                    }
                }
                Type::Object(_) if parent.is_none() => {
                    if let Some(nested) = self.object(field.name) {
                        nested.collect_references(Some(field.name), found);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::link::testing::{FILE, span_of};
    use crate::load::{self, Limits};
    use crate::model::binding::{self, Protocol};
    use crate::model::capability_map;
    use crate::model::process::{self, ENVIRONMENT_REF, PLATFORM_REF, ProcessType, Status};
    use crate::model::{Manifests, read_documents};

    /// The one document of a YAML text, as file [`FILE`].
    fn document(text: &str) -> Node {
        let loaded = load::parse_file(
            Path::new("t.yaml"),
            "t.yaml".to_string(),
            text.as_bytes().to_vec(),
            FILE,
            &Limits::default(),
        );
        assert_eq!(loaded.diagnostics, Vec::new(), "the YAML parses");
        assert_eq!(loaded.documents.len(), 1, "one document");
        loaded.documents.into_iter().next().unwrap()
    }

    fn read(text: &str) -> (Manifests, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let manifests = read_documents(&[document(text)], &mut diagnostics);
        (manifests, diagnostics)
    }

    /// A valid Process, to which tests add lines or replace one.
    const PROCESS: &str = "\
kind: Process
id: web
name: Web
status: running
metadata:
  platform: nodejs
runtimeContext:
  environment: production
";

    fn with(extra: &str) -> String {
        format!("{PROCESS}{extra}")
    }

    /// Reads `text`, which must hold one Process (complete or not).
    fn read_process(text: &str) -> (process::Process, Vec<Diagnostic>) {
        let (manifests, diagnostics) = read(text);
        assert_eq!(manifests.processes.len(), 1, "{diagnostics:?}");
        ((*manifests.processes[0]).clone(), diagnostics)
    }

    /// The span of the `kind` key, where a document's missing fields are reported.
    fn kind_key(text: &str) -> Span {
        span_of(text, "kind", 0)
    }

    #[test]
    fn a_valid_process_reads_clean() {
        let (process, diagnostics) = read_process(PROCESS);
        assert_eq!(diagnostics, []);
        assert!(process.complete);
        assert_eq!(
            process.id,
            Located::new("web".to_string(), span_of(PROCESS, "web", 0))
        );
        assert_eq!(process.name, "Web");
        assert_eq!(process.status.value, Status::Running);
        assert_eq!(process.platform.value, "nodejs");
        assert_eq!(process.environment.value, "production");
    }

    #[test]
    fn an_unknown_field_is_reported_at_its_key_with_a_did_you_mean() {
        let text = with("capabilites: [code]\nx-notes: anything\nzzz: 1\n");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [
                Diagnostic::at(
                    Code::UnknownField,
                    span_of(&text, "capabilites", 0),
                    "unknown field `capabilites` in Process"
                )
                .with_label("unknown field")
                .with_help("did you mean `capabilities`?"),
                // Nothing close: the allowed fields. `x-` fields are extensions: ignored.
                Diagnostic::at(
                    Code::UnknownField,
                    span_of(&text, "zzz", 0),
                    "unknown field `zzz` in Process"
                )
                .with_label("unknown field")
                .with_help(
                    "allowed fields: apiVersion, kind, id, name, type, status, metadata, \
                     capabilities, requires, runtimeContext, endpoint, resources, replicas, \
                     isolation, health"
                ),
            ]
        );
        // An unknown field leaves the rest readable.
        assert!(process.complete);
        assert_eq!(process.capabilities, []);
    }

    #[test]
    fn an_unknown_field_of_a_nested_object_names_the_object() {
        let text = PROCESS.replace(
            "  environment: production\n",
            "  environment: production\n  enviroment: staging\n",
        );
        let (_, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [Diagnostic::at(
                Code::UnknownField,
                span_of(&text, "enviroment", 0),
                "unknown field `enviroment` in `runtimeContext`"
            )
            .with_label("unknown field")
            .with_help("did you mean `environment`?")]
        );
    }

    fn missing(anchor: Span, what: &str, key: &str) -> Diagnostic {
        Diagnostic::at(
            Code::MissingField,
            anchor,
            format!("{what} is missing the required field `{key}`"),
        )
        .with_label(format!("`{key}` missing here"))
        .with_help(format!("add `{key}`"))
    }

    #[test]
    fn a_missing_required_field_is_reported_at_the_key_that_introduces_the_object() {
        let text = PROCESS.replace("name: Web\n", "");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(diagnostics, [missing(kind_key(&text), "Process", "name")]);
        assert!(!process.complete);
        assert_eq!(process.name, "");

        let text = PROCESS.replace("  environment: production\n", "  version: nodejs-20.x\n");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [missing(
                span_of(&text, "runtimeContext", 0),
                "`runtimeContext`",
                "environment"
            )]
        );
        assert!(!process.complete);
        // What could not be read is empty, placed at the document's `kind`.
        assert_eq!(
            process.environment,
            Located::new(String::new(), kind_key(&text))
        );
    }

    fn wrong_type(span: Span, message: &str, expected: &str) -> Diagnostic {
        Diagnostic::at(Code::WrongType, span, message).with_label(format!("expected {expected}"))
    }

    #[test]
    fn a_value_of_the_wrong_type_is_reported_at_the_value() {
        let text = PROCESS.replace("name: Web", "name: [a, b]");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(&text, "[a, b]", 0),
                "`name` must be a string, found a list",
                "a string"
            )]
        );
        // Required text that cannot be read leaves the process incomplete.
        assert!(!process.complete);

        let text = PROCESS.replace("name: Web", "name: 42");
        let (_, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(&text, "42", 0),
                "`name` must be a string, found an integer",
                "a string"
            )
            .with_help("quote the value to make it a string")]
        );

        // A list that is not one is reported, but the rest of the process still holds.
        let text = with("requires: code\n");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(&text, "code", 0),
                "`requires` must be a list, found a string",
                "a list"
            )]
        );
        assert!(process.complete);
        assert_eq!(process.requires, []);
    }

    #[test]
    fn a_value_outside_an_enum_is_reported_with_a_did_you_mean() {
        let text = PROCESS.replace("status: running", "status: runing");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [Diagnostic::at(
                Code::InvalidEnumValue,
                span_of(&text, "runing", 0),
                "`status` is `runing`, which is not one of: running, stopped, error, pending"
            )
            .with_label("not an allowed value")
            .with_help("did you mean `running`?")]
        );
        assert!(!process.complete);
        // Not read: pending, at the document's `kind`.
        assert_eq!(
            process.status,
            Located::new(Status::Pending, kind_key(&text))
        );

        // Nothing close: no help. An optional choice that cannot be read leaves the process
        // complete, with its default.
        let text = with("type: zzz\n");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [Diagnostic::at(
                Code::InvalidEnumValue,
                span_of(&text, "zzz", 0),
                "`type` is `zzz`, which is not one of: agent, service, tool"
            )
            .with_label("not an allowed value")]
        );
        assert!(process.complete);
        assert_eq!(process.process_type, ProcessType::Agent);
    }

    #[test]
    fn a_required_object_that_is_not_a_mapping_leaves_the_manifest_incomplete() {
        let text = PROCESS.replace(
            "runtimeContext:\n  environment: production\n",
            "runtimeContext: production\n",
        );
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(&text, "production", 0),
                "`runtimeContext` must be a mapping, found a string",
                "a mapping"
            )]
        );
        assert!(!process.complete);
        assert_eq!(process.environment.value, "");
        // Its references are not read either.
        let fields: Vec<String> = process
            .references
            .iter()
            .map(|r| r.field.to_string())
            .collect();
        assert_eq!(fields, ["metadata.platform"]);

        // An optional free-form object that is not a mapping is only reported.
        let text = "kind: Provider\nid: p\nplatform: nodejs\nmetadata: 5\n";
        let (manifests, diagnostics) = read(text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(text, "5", 0),
                "`metadata` must be a mapping, found an integer",
                "a mapping"
            )]
        );
        assert!(manifests.providers[0].complete);
    }

    #[test]
    fn null_optional_fields_are_absent_and_null_required_ones_are_wrong() {
        let text = PROCESS.replace(
            "  platform: nodejs\n",
            "  platform: nodejs\n  version: null\n",
        ) + "type: null\ncapabilities: ~\nrequires: null\n";
        let text = text.replace(
            "  environment: production\n",
            "  environment: production\n  env: null\n  version: ~\n",
        );
        let (process, diagnostics) = read_process(&text);
        assert_eq!(diagnostics, []);
        assert!(process.complete);
        assert_eq!(process.process_type, ProcessType::Agent);
        assert_eq!(process.capabilities, []);
        assert_eq!(process.requires, []);
        assert_eq!(process.version, None);
        assert_eq!(process.runtime_version, None);
        assert_eq!(process.env, []);

        let text = PROCESS.replace("name: Web", "name: null");
        let (process, diagnostics) = read_process(&text);
        assert_eq!(
            diagnostics,
            [wrong_type(
                span_of(&text, "null", 0),
                "`name` must be a string, found null",
                "a string"
            )]
        );
        assert!(!process.complete);
    }

    /// The description of a mount, as a files binding's `config.mounts` holds it.
    fn mount_object() -> &'static Object {
        let Some(Type::Config { cases, .. }) = binding::OBJECT.field("config").map(|f| &f.ty)
        else {
            panic!("a binding's config is chosen by its type");
        };
        let (_, files) = cases.iter().find(|(name, _)| *name == "files").unwrap();
        match files.field("mounts").map(|f| &f.ty) {
            Some(Type::List {
                item: Type::Object(mount),
                ..
            }) => mount,
            _ => panic!("mounts is a list of objects"),
        }
    }

    /// Checks `text` against `object`, then hands its fields to `take`.
    fn with_fields<T>(
        object: &'static Object,
        text: &str,
        take: impl FnOnce(Fields) -> T,
    ) -> (T, Vec<Diagnostic>, bool) {
        let node = document(text);
        let mut diagnostics = Vec::new();
        let mut reader = Reader::new(&mut diagnostics);
        let anchor = Span::new(FILE, 0..0);
        let fields = reader.object(object, &node, anchor).expect("a mapping");
        let complete = reader.complete;
        let taken = take(fields);
        (taken, diagnostics, complete)
    }

    #[test]
    fn defaults_apply_when_a_field_is_left_out() {
        let anchor = Span::new(FILE, 0..0);
        // A choice: its default, placed at the anchor; a required one has none.
        let ((kind, status), diagnostics, complete) = with_fields(
            &process::OBJECT,
            "id: p\nname: P\nmetadata: {platform: nodejs}\nruntimeContext: {environment: x}\n",
            |f| {
                (
                    f.choice::<ProcessType>("type"),
                    f.choice::<Status>("status"),
                )
            },
        );
        assert_eq!(kind, Some(Located::new(ProcessType::Agent, anchor)));
        assert_eq!(status, None);
        assert_eq!(
            diagnostics,
            [
                missing(anchor, "Process", "kind"),
                missing(anchor, "Process", "status")
            ]
        );
        assert!(!complete);
        // Written, it is what is written, where it is written.
        let text = "type: tool\n";
        let (kind, ..) = with_fields(&process::OBJECT, text, |f| f.choice::<ProcessType>("type"));
        assert_eq!(
            kind,
            Some(Located::new(ProcessType::Tool, span_of(text, "tool", 0)))
        );

        // A boolean: its default when left out (or unreadable), else what is written.
        let mount = mount_object();
        let bool_of = |text: &str| {
            let ((read_only, source), diagnostics, _) =
                with_fields(mount, text, |f| (f.bool("readOnly"), f.bool("source")));
            // `source` is text: never a boolean, and it has no default.
            assert_eq!(source, None);
            (read_only, diagnostics)
        };
        assert_eq!(bool_of("source: /a\ntarget: /b\n"), (Some(true), vec![]));
        assert_eq!(
            bool_of("source: /a\ntarget: /b\nreadOnly: false\n"),
            (Some(false), vec![])
        );
        let text = "source: /a\ntarget: /b\nreadOnly: \"no\"\n";
        assert_eq!(
            bool_of(text),
            (
                Some(true),
                vec![wrong_type(
                    span_of(text, "\"no\"", 0),
                    "`readOnly` must be a boolean (true or false), found a string",
                    "a boolean (true or false)"
                )]
            )
        );

        // In whole manifests: a mount is read-only and an ingress rule is TCP by default.
        let text = "kind: Binding\nid: b\nprocessId: web\nenvironmentId: production\n\
                    type: network\nconfig: {ingress: [{port: 8080}]}\n";
        let (manifests, diagnostics) = read(text);
        assert_eq!(diagnostics, []);
        assert_eq!(
            manifests.bindings[0].config,
            binding::BindingConfig::Network {
                ingress: vec![binding::Ingress {
                    port: 8080,
                    protocol: Protocol::Tcp
                }],
                egress: vec![],
            }
        );
        let text = "kind: Binding\nid: b\nprocessId: web\nenvironmentId: production\n\
                    type: files\nconfig: {mounts: [{source: /a, target: /b}]}\n";
        let (manifests, _) = read(text);
        assert_eq!(
            manifests.bindings[0].config,
            binding::BindingConfig::Files {
                mounts: vec![binding::Mount {
                    source: "/a".to_string(),
                    target: "/b".to_string(),
                    read_only: true
                }]
            }
        );
    }

    fn reference(
        text: &str,
        parent: Option<&'static str>,
        name: &'static str,
        target: &'static Ref,
        written: &str,
        nth: usize,
    ) -> Reference {
        Reference {
            field: FieldPath { parent, name },
            target,
            written: Located::new(written.to_string(), span_of(text, written, nth)),
        }
    }

    #[test]
    fn references_are_collected_with_their_field_paths() {
        let (process, _) = read_process(PROCESS);
        assert_eq!(
            process.references,
            [
                reference(
                    PROCESS,
                    Some("metadata"),
                    "platform",
                    &PLATFORM_REF,
                    "nodejs",
                    0
                ),
                reference(
                    PROCESS,
                    Some("runtimeContext"),
                    "environment",
                    &ENVIRONMENT_REF,
                    "production",
                    0
                ),
            ]
        );
        let shown: Vec<String> = process
            .references
            .iter()
            .map(|r| r.field.to_string())
            .collect();
        assert_eq!(shown, ["metadata.platform", "runtimeContext.environment"]);

        // A capability map's environments, each one; an invalid id is reported, not kept.
        let text = "kind: CapabilityMap\nenvironments: [production, \"bad env\", env-staging]\n\
                    mappings:\n  code: [web]\n";
        let (manifests, diagnostics) = read(text);
        let map = &manifests.maps[0];
        let environments = &capability_map::OBJECT.field("environments").unwrap().ty;
        let Type::List {
            item: Type::Ref(target),
            ..
        } = environments
        else {
            panic!("environments is a list of references");
        };
        assert_eq!(
            map.references,
            [
                reference(text, None, "environments", target, "production", 0),
                reference(text, None, "environments", target, "env-staging", 0),
            ]
        );
        assert_eq!(map.references[0].field.to_string(), "environments");
        assert_eq!(*target, ENVIRONMENT_REF);
        let values: Vec<&str> = map
            .environments
            .iter()
            .flatten()
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(values, ["production", "env-staging"]);
        assert_eq!(
            diagnostics,
            [Diagnostic::at(
                Code::InvalidId,
                span_of(text, "\"bad env\"", 0),
                "an environment `bad env` is not a valid id: it contains ` `"
            )
            .with_label("invalid id")
            .with_help(
                "ids use letters, digits, `-`, `_` and `.`, and start with a letter or digit"
            )]
        );

        // A provider's platform and process, at the top level.
        let text = "kind: Provider\nid: p\nplatform: python\nprocess: worker\n";
        let (manifests, _) = read(text);
        let fields: Vec<(String, &str)> = manifests.providers[0]
            .references
            .iter()
            .map(|r| (r.field.to_string(), r.written.value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("platform".to_string(), "python"),
                ("process".to_string(), "worker")
            ]
        );
        let by_kind: Vec<_> = manifests.providers[0]
            .references
            .iter()
            .map(|r| r.target.to)
            .collect();
        assert_eq!(
            by_kind,
            [crate::model::Kind::Platform, crate::model::Kind::Process]
        );
    }

    #[test]
    fn labels_under_secret_looking_names_are_redacted() {
        let text = "\
kind: Process
id: web
name: Web
status: running
metadata:
  platform: nodejs
  version: \"1.0\"
  team: ops
  x-team: ext
  api_token: abc123
  db_password: \"\"
  count: 3
runtimeContext:
  environment: production
";
        let (manifests, diagnostics) = read(text);
        let process = &manifests.processes[0];
        let labels: Vec<(&str, &str)> = process
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Fields are not labels; a label that is not a string is not kept; an empty value
        // hides nothing.
        assert_eq!(
            labels,
            [
                ("api_token", secrets::REDACTED),
                ("db_password", ""),
                ("team", "ops"),
                ("x-team", "ext"),
            ]
        );
        assert_eq!(process.version.as_deref(), Some("1.0"));
        let secret = span_of(text, "abc123", 0);
        let count = span_of(text, "count: 3", 0);
        assert_eq!(
            diagnostics,
            [
                Diagnostic::at(
                    Code::LiteralSecret,
                    secret,
                    "label `api_token` looks like a secret but has a literal value"
                )
                .with_label("literal value (hidden)")
                .with_help("move it to a `secrets` binding that names where the secret is stored"),
                wrong_type(
                    Span::new(FILE, count.range().end - 1..count.range().end),
                    "label `count` must be a string, found an integer",
                    "a string"
                )
                .with_help("quote the value to make it a string"),
            ]
        );
        // The literal is masked in every snippet.
        assert_eq!(manifests.secret_spans, [secret]);
        assert!(process.complete);
    }

    #[test]
    fn ids_and_capabilities_are_checked() {
        let text = PROCESS.replace("id: web", "id: -web") + "capabilities: [Code.Gen, code.gen]\n";
        let (manifests, diagnostics) = read(&text);
        assert_eq!(
            diagnostics,
            [
                Diagnostic::at(
                    Code::InvalidId,
                    span_of(&text, "-web", 0),
                    "`id` `-web` is not a valid id: it starts with `-`"
                )
                .with_label("invalid id")
                .with_help(
                    "ids use letters, digits, `-`, `_` and `.`, and start with a letter or digit"
                ),
                Diagnostic::at(
                    Code::InvalidCapability,
                    span_of(&text, "Code.Gen", 0),
                    "capability `Code.Gen` is not a valid name: segment `Code` does not start \
                     with a lowercase letter or digit"
                )
                .with_label("invalid capability")
                .with_help(
                    "capabilities are lowercase dotted segments of letters, digits, `-` and `_`, \
                     e.g. `code.generation`"
                ),
            ]
        );
        // Without an id there is no process to keep.
        assert_eq!(manifests.processes.len(), 0);

        let text = with("capabilities: [Code.Gen, code.gen]\n");
        let (process, _) = read_process(&text);
        let capabilities: Vec<&str> = process
            .capabilities
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(capabilities, ["code.gen"]);
    }

    #[test]
    fn env_var_names() {
        for name in ["OPENAI_API_KEY", "_x", "a1", "A"] {
            assert!(is_env_var_name(name), "{name}");
        }
        for name in ["", "1a", "A-B", "É", "A B"] {
            assert!(!is_env_var_name(name), "{name}");
        }
    }
}
