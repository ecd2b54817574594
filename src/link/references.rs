//! Every reference from one manifest to another, indexed both ways: what an id references and
//! what references it. Built on demand (for `explain`), not by every command.
//!
//! References are the id-valued fields: a Process's platform and environment, a Binding's
//! process and environment, a Provider's platform and process, and each id a capability map
//! lists. Capabilities are names, not ids: routing (see `routing`) links those.

use std::collections::BTreeMap;

use super::Linked;
use crate::load::source::Span;
use crate::model::builtin;

/// The kinds of manifest that have an id, in the order explanations list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdKind {
    Process,
    Environment,
    Binding,
    Provider,
    Platform,
}

impl IdKind {
    pub const ALL: [IdKind; 5] = [
        IdKind::Process,
        IdKind::Environment,
        IdKind::Binding,
        IdKind::Provider,
        IdKind::Platform,
    ];

    /// The name written in `kind:`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Process => "Process",
            IdKind::Environment => "Environment",
            IdKind::Binding => "Binding",
            IdKind::Provider => "Provider",
            IdKind::Platform => "Platform",
        }
    }
}

impl std::fmt::Display for IdKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What holds a reference: a manifest with an id, or one entry of a capability map.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Referrer {
    Manifest {
        kind: IdKind,
        id: String,
    },
    /// The id at `position` (1-based) under `mappings.<capability>`.
    Mapping {
        capability: String,
        position: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub from: Referrer,
    /// The field that holds it, as manifests spell it (`processId`, `metadata.platform`).
    pub field: &'static str,
    /// What it refers to.
    pub kind: IdKind,
    /// The id it refers to: an environment named by its name is given by its id. When it names
    /// nothing, the text as written.
    pub id: String,
    /// The text as written.
    pub written: String,
    /// Where it is written.
    pub span: Span,
    /// Whether it names a manifest that exists (always, in a valid tree).
    pub resolved: bool,
}

/// Every reference of a linked tree, by the manifest that holds it and by what it names.
#[derive(Debug, Default)]
pub struct References {
    all: Vec<Reference>,
    by_source: BTreeMap<(IdKind, String), Vec<usize>>,
    by_target: BTreeMap<(IdKind, String), Vec<usize>>,
}

impl References {
    pub fn build(linked: &Linked) -> References {
        let mut all = Vec::new();
        let mut add = |from: Referrer, field, kind, written: &crate::model::Located<String>| {
            if written.value.is_empty() {
                return; // a field that could not be read (reported by validation)
            }
            let id = target(linked, kind, &written.value);
            all.push(Reference {
                from,
                field,
                kind,
                resolved: id.is_some(),
                id: id.unwrap_or(&written.value).to_string(),
                written: written.value.clone(),
                span: written.span,
            });
        };
        let manifest = |kind, id: &str| Referrer::Manifest {
            kind,
            id: id.to_string(),
        };
        for (id, p) in &linked.processes {
            let from = || manifest(IdKind::Process, id);
            add(from(), "metadata.platform", IdKind::Platform, &p.platform);
            add(
                from(),
                "runtimeContext.environment",
                IdKind::Environment,
                &p.environment,
            );
        }
        for (id, b) in &linked.bindings {
            let from = || manifest(IdKind::Binding, id);
            add(from(), "processId", IdKind::Process, &b.process);
            add(from(), "environmentId", IdKind::Environment, &b.environment);
        }
        for (id, p) in &linked.providers {
            let from = || manifest(IdKind::Provider, id);
            add(from(), "platform", IdKind::Platform, &p.platform);
            if let Some(process) = &p.process {
                add(from(), "process", IdKind::Process, process);
            }
        }
        for (capability, mapping) in &linked.routes {
            for (index, entry) in mapping.providers.iter().enumerate() {
                // A map entry names a Provider, or else a Process (as routing reads it).
                let kind = if linked.processes.contains_key(&entry.value)
                    && !linked.providers.contains_key(&entry.value)
                {
                    IdKind::Process
                } else {
                    IdKind::Provider
                };
                let from = Referrer::Mapping {
                    capability: capability.clone(),
                    position: index + 1,
                };
                add(from, "mappings", kind, entry);
            }
        }
        let mut references = References {
            all,
            ..References::default()
        };
        for (index, reference) in references.all.iter().enumerate() {
            if let Referrer::Manifest { kind, id } = &reference.from {
                references
                    .by_source
                    .entry((*kind, id.clone()))
                    .or_default()
                    .push(index);
            }
            references
                .by_target
                .entry((reference.kind, reference.id.clone()))
                .or_default()
                .push(index);
        }
        // What refers to an id: by referrer (kind, then id; map entries last), then field.
        let all = &references.all;
        for indexes in references.by_target.values_mut() {
            indexes.sort_by(|&a, &b| {
                (&all[a].from, all[a].field, all[a].span).cmp(&(
                    &all[b].from,
                    all[b].field,
                    all[b].span,
                ))
            });
        }
        references
    }

    /// The references a manifest holds, in field order.
    pub fn from(&self, kind: IdKind, id: &str) -> impl Iterator<Item = &Reference> {
        self.lookup(&self.by_source, kind, id)
    }

    /// The references to a manifest, by referrer.
    pub fn to(&self, kind: IdKind, id: &str) -> impl Iterator<Item = &Reference> {
        self.lookup(&self.by_target, kind, id)
    }

    fn lookup<'a>(
        &'a self,
        index: &'a BTreeMap<(IdKind, String), Vec<usize>>,
        kind: IdKind,
        id: &str,
    ) -> impl Iterator<Item = &'a Reference> {
        index
            .get(&(kind, id.to_string()))
            .into_iter()
            .flatten()
            .map(|&i| &self.all[i])
    }
}

/// The id that `written` names among manifests of `kind`; environments may be named by name.
fn target<'a>(linked: &'a Linked, kind: IdKind, written: &str) -> Option<&'a str> {
    match kind {
        IdKind::Process => key(&linked.processes, written),
        IdKind::Environment => linked.environment_id(written),
        IdKind::Binding => key(&linked.bindings, written),
        IdKind::Provider => key(&linked.providers, written),
        IdKind::Platform => key(&linked.platforms, written),
    }
}

fn key<'a, T>(map: &'a BTreeMap<String, T>, id: &str) -> Option<&'a str> {
    map.get_key_value(id).map(|(k, _)| k.as_str())
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
pub fn definition(linked: &Linked, kind: IdKind, id: &str) -> Option<Definition> {
    let (span, builtin, builtin_id) = match kind {
        IdKind::Process => (linked.processes.get(id)?.id.span, false, false),
        IdKind::Binding => (linked.bindings.get(id)?.id.span, false, false),
        IdKind::Provider => (linked.providers.get(id)?.id.span, false, false),
        IdKind::Environment => {
            let e = linked.environments.get(id)?;
            let builtin_id = builtin::ENVIRONMENTS.iter().any(|(b, _)| *b == id);
            (e.id.span, e.builtin, builtin_id)
        }
        IdKind::Platform => {
            let p = linked.platforms.get(id)?;
            let builtin_id = builtin::PLATFORMS.iter().any(|b| b.id == id);
            (p.id.span, p.builtin, builtin_id)
        }
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

/// The kinds that have a manifest with this id, in [`IdKind::ALL`] order.
pub fn kinds_of(linked: &Linked, id: &str) -> Vec<IdKind> {
    IdKind::ALL
        .into_iter()
        .filter(|&kind| definition(linked, kind, id).is_some())
        .collect()
}
