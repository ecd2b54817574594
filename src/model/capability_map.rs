//! `kind: CapabilityMap`: capability -> ordered providers, most preferred first; for every
//! environment, or (with `environments`) only for those, where its order wins.

use super::Located;
use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Ref, Rest, Type, kind_field,
};
use super::kind::Kind;
use super::process::ENVIRONMENT_REF;
use super::read::{Fields, Reader, Reference};
use crate::load::node::Value;

pub const OBJECT: Object = Object {
    name: "CapabilityMap",
    what: "CapabilityMap",
    doc: "Capability routing: for each capability, who serves it, most preferred first. \
          Several maps merge. A map with `environments` applies only there, and its order \
          wins over a map without; the same capability in two maps that apply to the same \
          environment is an error.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a CapabilityMap."),
        Field {
            name: "environments",
            ty: Type::List {
                item: &Type::Ref(ENVIRONMENT_REF),
                what: "an environment",
            },
            presence: Presence::Optional,
            doc: "The environments this map applies to, by id or by name; there, its order \
                  wins over a map without `environments`. Left out, the map applies in every \
                  environment.",
        },
        Field {
            name: "mappings",
            ty: Type::Mappings,
            presence: Presence::Required,
            doc: "Capability -> Provider or Process ids, most preferred first, e.g. \
                  `code.generation: [dreamnet-lucid, openai-assistant]`.",
        },
        FREE_METADATA,
    ],
};

/// What each id a capability map lists names.
pub const ENTRY_REF: Ref = Ref {
    to: Kind::Provider,
    help: "define a Provider (or Process) with this id, or remove it from the map",
};

#[derive(Debug, Clone)]
pub struct Mapping {
    pub capability: Located<String>,
    /// Provider or Process ids, most preferred first.
    pub providers: Vec<Located<String>>,
}

#[derive(Debug, Clone)]
pub struct CapabilityMap {
    /// Where its `kind` is written: what explain points at for the map itself.
    pub at: Located<()>,
    /// The environments (ids or names) it is limited to (those that are valid ids); `None`
    /// when it has no `environments`: then it applies in every environment.
    pub environments: Option<Vec<Located<String>>>,
    pub mappings: Vec<Mapping>,
    /// The environments it names (its mappings' ids are references too: see [`ENTRY_REF`]).
    pub references: Vec<Reference>,
}

/// Builds a CapabilityMap from its checked fields; an empty `environments` is reported
/// here (it would limit the map to no environment at all).
pub fn build(r: &mut Reader, fields: Fields) -> Option<CapabilityMap> {
    fields.entry("mappings")?;
    let written = fields
        .entry("environments")
        .filter(|e| e.value.value != Value::Null);
    if let Some(entry) =
        written.filter(|e| matches!(&e.value.value, Value::Seq(items) if items.is_empty()))
    {
        r.invalid_value(
            entry.value.span,
            "`environments` is empty: the map applies in no environment".to_string(),
            "name the environments it applies to, or leave `environments` out for every environment",
        );
    }
    Some(CapabilityMap {
        at: Located::new((), fields.anchor),
        environments: written.map(|_| fields.ids("environments")),
        mappings: fields
            .mappings("mappings")
            .into_iter()
            .map(|(capability, providers)| Mapping {
                capability,
                providers,
            })
            .collect(),
        references: fields.references(),
    })
}
