//! Every reference from one manifest to another: the id-valued fields that each kind's
//! description marks as references (`Type::Ref`), and each id a capability map lists. One
//! list, read by the reference checks (E0202-E0205) and, indexed both ways, by `explain`.
//! Capabilities are names, not ids: routing links those.

use std::collections::BTreeMap;

use super::Linked;
use crate::model::capability_map::ENTRY_REF;
use crate::model::describe::Ref;
use crate::model::read::FieldPath;
use crate::model::{Kind, Located, builtin};
use crate::source::Span;

/// What holds a reference: a manifest with an id, a capability map, or one entry of a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Referrer<'l> {
    Manifest {
        kind: Kind,
        id: &'l str,
    },
    /// A capability map's own field (its `environments`), by where its `kind` is written.
    Map {
        at: Span,
    },
    /// The id at `position` (1-based) under `mappings.<capability>`.
    Mapping {
        capability: &'l str,
        position: usize,
    },
}

/// One reference, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written<'l> {
    pub from: Referrer<'l>,
    pub field: FieldPath,
    pub target: &'static Ref,
    pub written: &'l Located<String>,
}

const MAPPINGS: FieldPath = FieldPath {
    parent: None,
    name: "mappings",
};

/// The references a manifest with an id writes.
pub fn of<'l>(
    kind: Kind,
    id: &'l str,
    references: &'l [crate::model::read::Reference],
) -> impl Iterator<Item = Written<'l>> {
    references.iter().map(move |r| Written {
        from: Referrer::Manifest { kind, id },
        field: r.field,
        target: r.target,
        written: &r.written,
    })
}

/// The references of the capability maps: each map's `environments`, then each entry of the
/// mappings in use (a mapping lost to a conflict is reported as such).
pub fn of_maps(linked: &Linked) -> impl Iterator<Item = Written<'_>> {
    let maps = linked.maps.maps.iter().flat_map(|m| {
        m.references.iter().map(move |r| Written {
            from: Referrer::Map { at: m.at.span },
            field: r.field,
            target: r.target,
            written: &r.written,
        })
    });
    let entries = linked.maps.kept().flat_map(|mapping| {
        mapping
            .providers
            .iter()
            .enumerate()
            .map(move |(index, id)| Written {
                from: Referrer::Mapping {
                    capability: &mapping.capability.value,
                    position: index + 1,
                },
                field: MAPPINGS,
                target: &ENTRY_REF,
                written: id,
            })
    });
    maps.chain(entries)
}

/// Every reference of the linked tree: each manifest's (first definitions only: a duplicate
/// is reported as such), then the capability maps'.
pub fn all(linked: &Linked) -> impl Iterator<Item = Written<'_>> {
    let processes =
        (linked.processes.iter()).flat_map(|(id, p)| of(Kind::Process, id, &p.references));
    let bindings =
        (linked.bindings.iter()).flat_map(|(id, b)| of(Kind::Binding, id, &b.references));
    let providers =
        (linked.providers.iter()).flat_map(|(id, p)| of(Kind::Provider, id, &p.references));
    processes
        .chain(bindings)
        .chain(providers)
        .chain(of_maps(linked))
}

/// The kind a reference resolves to and the id it names (an environment named by its name is
/// given by its id); `None` when it names nothing.
pub fn resolve<'l>(linked: &'l Linked, target: &Ref, written: &str) -> Option<(Kind, &'l str)> {
    match target.to {
        Kind::Environment => linked
            .environment_id(written)
            .map(|id| (Kind::Environment, id)),
        // A map entry names a Provider, or else a Process (as routing reads it).
        Kind::Provider => key(&linked.providers, written)
            .map(|id| (Kind::Provider, id))
            .or_else(|| key(&linked.processes, written).map(|id| (Kind::Process, id))),
        Kind::Process => key(&linked.processes, written).map(|id| (Kind::Process, id)),
        Kind::Binding => key(&linked.bindings, written).map(|id| (Kind::Binding, id)),
        Kind::Platform => key(&linked.platforms, written).map(|id| (Kind::Platform, id)),
        Kind::Policy => key(&linked.policies, written).map(|id| (Kind::Policy, id)),
        Kind::CapabilityMap | Kind::Settings => None,
    }
}

fn key<'a, T>(map: &'a super::ById<T>, id: &str) -> Option<&'a str> {
    map.get_key_value(id).map(|(k, _)| k.as_str())
}

/// A reference with what it resolves to, for `explain`.
#[derive(Debug, Clone)]
pub struct Reference<'l> {
    pub from: Referrer<'l>,
    pub field: FieldPath,
    /// What it refers to.
    pub kind: Kind,
    /// The id it refers to; when it names nothing, the text as written.
    pub id: &'l str,
    /// The text as written.
    pub written: &'l str,
    /// Where it is written.
    pub span: Span,
}

/// Kind -> id -> positions in the list.
type Index<'l> = BTreeMap<Kind, BTreeMap<&'l str, Vec<usize>>>;

/// Every reference of a linked tree, by the manifest that holds it and by what it names.
/// Built on demand (for `explain`), not by every command.
#[derive(Debug, Default)]
pub struct References<'l> {
    all: Vec<Reference<'l>>,
    by_source: Index<'l>,
    by_target: Index<'l>,
}

impl<'l> References<'l> {
    pub fn build(linked: &'l Linked) -> References<'l> {
        let mut references = References::default();
        for written in all(linked) {
            let (kind, id) = resolve(linked, written.target, &written.written.value)
                .unwrap_or((written.target.to, &written.written.value));
            let index = references.all.len();
            if let Referrer::Manifest { kind, id } = written.from {
                let ids = references.by_source.entry(kind).or_default();
                ids.entry(id).or_default().push(index);
            }
            let ids = references.by_target.entry(kind).or_default();
            ids.entry(id).or_default().push(index);
            references.all.push(Reference {
                from: written.from,
                field: written.field,
                kind,
                id,
                written: &written.written.value,
                span: written.written.span,
            });
        }
        // What refers to an id: by referrer (kind, then id; maps and their entries last),
        // then field.
        let all = &references.all;
        for indexes in references
            .by_target
            .values_mut()
            .flat_map(|ids| ids.values_mut())
        {
            indexes.sort_by_key(|&i| (&all[i].from, all[i].field.to_string(), all[i].span));
        }
        references
    }

    /// The references a manifest holds, in field order.
    pub fn from(&self, kind: Kind, id: &str) -> impl Iterator<Item = &Reference<'l>> + use<'_, 'l> {
        Self::lookup(&self.all, &self.by_source, kind, id)
    }

    /// The references to a manifest, by referrer.
    pub fn to(&self, kind: Kind, id: &str) -> impl Iterator<Item = &Reference<'l>> + use<'_, 'l> {
        Self::lookup(&self.all, &self.by_target, kind, id)
    }

    fn lookup<'a>(
        all: &'a [Reference<'l>],
        index: &'a Index<'l>,
        kind: Kind,
        id: &str,
    ) -> impl Iterator<Item = &'a Reference<'l>> + use<'a, 'l> {
        let found = index.get(&kind).and_then(|ids| ids.get(id));
        found.into_iter().flatten().map(move |&i| &all[i])
    }
}

/// Where a manifest is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definition {
    /// Written in the tree, at the span of its id.
    At {
        span: Span,
        /// It has the id of a built-in one, which it replaces.
        overrides_builtin: bool,
    },
    /// One of oslinker's own environments or platforms: no file.
    Builtin,
}

/// Where the manifest of `kind` with this id is defined; `None` if there is none.
pub fn definition(linked: &Linked, kind: Kind, id: &str) -> Option<Definition> {
    let (span, builtin, builtin_id) = match kind {
        Kind::Process => (linked.processes.get(id)?.id.span, false, false),
        Kind::Binding => (linked.bindings.get(id)?.id.span, false, false),
        Kind::Provider => (linked.providers.get(id)?.id.span, false, false),
        Kind::Environment => {
            let e = linked.environments.get(id)?;
            let builtin_id = builtin::ENVIRONMENTS.iter().any(|(b, _)| *b == id);
            (e.id.span, e.builtin, builtin_id)
        }
        Kind::Platform => {
            let p = linked.platforms.get(id)?;
            let builtin_id = builtin::PLATFORMS.iter().any(|b| b.id == id);
            (p.id.span, p.builtin, builtin_id)
        }
        Kind::Policy => (linked.policies.get(id)?.id.span, false, false),
        Kind::CapabilityMap | Kind::Settings => return None,
    };
    Some(if builtin {
        Definition::Builtin
    } else {
        Definition::At {
            span,
            overrides_builtin: builtin_id,
        }
    })
}

/// The kinds that have a manifest with this id, in [`Kind`] order.
pub fn kinds_of(linked: &Linked, id: &str) -> Vec<Kind> {
    Kind::with_ids()
        .filter(|&kind| definition(linked, kind, id).is_some())
        .collect()
}
