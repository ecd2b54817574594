//! `kind: CapabilityMap`: capability -> ordered providers, most preferred first; for every
//! environment, or (with `environments`) only for those, where its order wins.

use super::Located;
use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Ref, Rest, Type, kind_field,
};
use super::kind::Kind;
use super::process::ENVIRONMENT_REF;
use super::read::{Fields, Reference};

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
    /// The environments (ids or names) it is limited to; empty: every environment.
    pub environments: Vec<Located<String>>,
    pub mappings: Vec<Mapping>,
    /// The environments it names (its mappings' ids are references too: see [`ENTRY_REF`]).
    pub references: Vec<Reference>,
}

pub fn build(fields: Fields) -> Option<CapabilityMap> {
    fields.entry("mappings")?;
    Some(CapabilityMap {
        at: Located::new((), fields.anchor),
        environments: fields.ids("environments"),
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
