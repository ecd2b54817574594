//! `kind: Platform`: an agent platform, what its runtime versions look like and which binding
//! types its processes can have.

use regex::Regex;

use super::binding::BindingType;
use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Rest, Type, kind_field,
};
use super::read::{Fields, Reader};
use super::resources::{ISOLATION, Isolation};
use super::{Choice, Located};

pub const OBJECT: Object = Object {
    name: "Platform",
    what: "Platform",
    doc: "An agent platform: what its runtime versions look like and which binding types its \
          processes can have. A manifest with a built-in platform's id replaces it.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a Platform."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The platform's id, which processes and providers name in `platform`.",
        },
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "A display name.",
        },
        Field {
            name: "versionPattern",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "A regular expression that the whole `runtimeContext.version` of its processes \
                  must match, e.g. `deno-\\d+(\\.(\\d+|x))*`.",
        },
        Field {
            name: "bindingTypes",
            ty: Type::List {
                item: &Type::Choice(BindingType::NAMES),
                what: "a binding type",
            },
            presence: Presence::Required,
            doc: "The binding types its processes can have.",
        },
        Field {
            name: "isolation",
            ty: Type::List {
                item: &ISOLATION,
                what: "an isolation level",
            },
            presence: Presence::Optional,
            doc: "The isolation levels it can give a process. Left out: all of them.",
        },
        Field {
            name: "scales",
            ty: Type::Bool,
            presence: Presence::Default(super::describe::Default::Bool(false)),
            doc: "Whether it scales processes by itself (then `replicas` on its processes is a \
                  warning, W0306).",
        },
        FREE_METADATA,
    ],
};

#[derive(Debug, Clone)]
pub struct Platform {
    pub id: Located<String>,
    pub name: String,
    /// The text of `versionPattern` and the compiled regex (matched against the whole version).
    pub version_pattern: Option<(String, Regex)>,
    pub binding_types: Vec<BindingType>,
    /// The isolation levels it can give.
    pub isolation: Vec<Isolation>,
    /// It scales processes by itself.
    pub scales: bool,
    pub builtin: bool,
}

/// Builds a Platform from its checked fields; `versionPattern` is compiled here.
pub fn build(r: &mut Reader, fields: Fields) -> Option<Platform> {
    let version_pattern = fields
        .text("versionPattern")
        .and_then(|p| compile_pattern(r, p));
    let id = fields.id("id")?;
    Some(Platform {
        name: fields
            .text("name")
            .map_or_else(|| id.value.clone(), |n| n.value),
        id,
        version_pattern,
        binding_types: fields.choices("bindingTypes"),
        // Left out (or null): every level; written: those listed.
        isolation: match fields.entry("isolation") {
            Some(e) if e.value.value != crate::load::node::Value::Null => {
                fields.choices("isolation")
            }
            _ => Isolation::VALUES.to_vec(),
        },
        scales: fields.bool("scales").unwrap_or(false),
        builtin: false,
    })
}

/// Compiles a version pattern anchored at both ends: it must match the whole version.
pub fn anchored(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{pattern})$"))
}

fn compile_pattern(r: &mut Reader, pattern: Located<String>) -> Option<(String, Regex)> {
    match anchored(&pattern.value) {
        Ok(regex) => Some((pattern.value, regex)),
        Err(error) => {
            let why = error.to_string();
            let last = why.lines().last().unwrap_or_default().trim().to_string();
            r.invalid_value(
                pattern.span,
                format!("`versionPattern` is not a valid regular expression: {last}"),
                "write a regular expression such as `nodejs-\\d+(\\.(\\d+|x))*`",
            );
            None
        }
    }
}
