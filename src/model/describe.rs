//! The words every kind is described in: objects, their fields, and each field's type.
//!
//! Each kind (and each object nested in one) is described once, as a constant [`Object`] next
//! to its domain type (`process.rs`, `binding.rs`, ...). Everything structural follows from
//! that one description: the reader's checks (`read.rs`: unknown field with did-you-mean,
//! missing field, wrong type, enum value, id and capability syntax), the JSON Schema
//! (`schema.rs`), the references between manifests that link checks and explain lists
//! (`Type::Ref`), and the list of kinds (`kind.rs`). What is not structure (a mount path
//! without `..`, `host:port`, credentials in a URL, a regular expression that compiles)
//! stays as code beside the kind.

use super::kind::Kind;

/// A mapping with a closed set of fields (plus `x-` extensions).
#[derive(Debug)]
pub struct Object {
    /// Its name in the JSON Schema's `definitions` (`Process`, `RuntimeContext`, `Mount`).
    pub name: &'static str,
    /// How messages name it: `Process`, "`runtimeContext`", "a mount".
    pub what: &'static str,
    /// What it is, for the schema's description (one line per paragraph).
    pub doc: &'static str,
    pub fields: &'static [Field],
    /// What other entries may be.
    pub rest: Rest,
}

/// Entries of an object beyond its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Unknown fields are errors, except `x-...` extensions (ignored, so YAML anchors and
    /// other tools' data can live in a manifest).
    Closed,
    /// Every other entry is a string label (a Process's `metadata`).
    Labels,
}

#[derive(Debug)]
pub struct Field {
    /// As written in manifests (`runtimeContext`).
    pub name: &'static str,
    pub ty: Type,
    pub presence: Presence,
    pub doc: &'static str,
}

/// Whether a field must be written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Presence {
    Required,
    /// May be left out, or written as null.
    Optional,
    /// May be left out; then it is this value (a choice's name, or a boolean).
    Default(Default),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    Name(&'static str),
    Bool(bool),
}

/// What a field's value is.
#[derive(Debug)]
pub enum Type {
    /// `apiVersion`: `oslinker/v1` (checked before the kind is read).
    ApiVersion,
    /// `kind`: the kind's name (read first, to choose the description).
    KindName,
    /// Any text.
    Text,
    /// Text whose shape the kind checks in code; `pattern` is what the JSON Schema says of it.
    Checked {
        pattern: &'static str,
    },
    /// An id of this manifest: letters, digits, `-`, `_`, `.`, starting with a letter or digit.
    Id,
    /// A capability name: lowercase dotted segments (`code.generation`).
    Capability,
    Bool,
    /// A port, 1-65535.
    Port,
    /// A whole number, 0 or more (a replica count, a GPU count).
    Count,
    /// A Kubernetes quantity (`500m`, `2`, `512Mi`): a string or a number, whose units the
    /// kind checks in code; `pattern` is what the JSON Schema says of the string form.
    Quantity {
        pattern: &'static str,
    },
    /// One of a closed set of names (a `choice!` enum's `NAMES`).
    Choice(&'static [&'static str]),
    /// The id of another manifest.
    Ref(Ref),
    /// A list; `item` names one element in messages ("a capability").
    List {
        item: &'static Type,
        what: &'static str,
    },
    Object(&'static Object),
    /// A mapping from free names (a code, an environment id) to values of one type; `what`
    /// names one value in messages.
    Map {
        value: &'static Type,
        what: &'static str,
    },
    /// Variable name -> literal value (text, number or boolean). A non-empty value under a
    /// secret-looking name is reported (W0303) and never shown.
    Env,
    /// Variable name -> where its secret lives in a store (never the secret itself).
    SecretRefs,
    /// Capability -> provider or process ids, most preferred first.
    Mappings,
    /// Any mapping; oslinker does not read it.
    FreeForm,
    /// A mapping whose fields follow the value of the sibling field `by`, one object per
    /// choice (a Binding's `config`, by its `type`).
    Config {
        by: &'static str,
        cases: &'static [(&'static str, &'static Object)],
    },
}

/// A reference to another manifest's id.
#[derive(Debug, PartialEq, Eq)]
pub struct Ref {
    /// The kind it names. `Provider` in a capability map also takes a Process id.
    pub to: Kind,
    /// What to do when it names nothing (the help of E0202-E0205).
    pub help: &'static str,
}

impl Object {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The names of its fields, for did-you-mean and "allowed fields".
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.fields.iter().map(|f| f.name)
    }
}

impl Field {
    pub fn required(&self) -> bool {
        self.presence == Presence::Required
    }
}

/// `apiVersion`, as every kind has it.
pub const API_VERSION_FIELD: Field = Field {
    name: "apiVersion",
    ty: Type::ApiVersion,
    presence: Presence::Optional,
    doc: "The manifest format. `oslinker/v1` is the only one; it may be left out.",
};

/// `kind`, as every kind has it; `doc` says which kind.
pub const fn kind_field(doc: &'static str) -> Field {
    Field {
        name: "kind",
        ty: Type::KindName,
        presence: Presence::Required,
        doc,
    }
}

/// `metadata` as most kinds have it: free-form, not read.
pub const FREE_METADATA: Field = Field {
    name: "metadata",
    ty: Type::FreeForm,
    presence: Presence::Optional,
    doc: "Free-form data; oslinker does not read it.",
};

/// A list of capabilities, as `capabilities` and `requires` are.
pub const CAPABILITIES: Type = Type::List {
    item: &Type::Capability,
    what: "a capability",
};
