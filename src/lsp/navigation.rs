//! What is under the cursor, and where else it is: go to definition, find references, rename.
//!
//! Every id and capability name the linked tree holds is located (`Located<T>` spans); one
//! pass over the tree lists them all as [`Occurrence`]s, and a position is the smallest
//! occurrence around it.

use std::collections::HashMap;

use lsp_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, Position, ReferenceParams,
    RenameParams, TextEdit, Uri, WorkspaceEdit,
};

use super::position::Lines;
use super::state::{State, uri_of};
use crate::link::Linked;
use crate::link::references;
use crate::model::capability_map::ENTRY_REF;
use crate::model::{Kind, Located, names};
use crate::pipeline::Checked;
use crate::source::Span;

/// What a written id or name stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A manifest, by kind and id (the id as written when it names nothing).
    Id(Kind, String),
    /// A capability name.
    Capability(String),
}

/// How an occurrence uses its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The manifest's own `id`.
    Definition,
    /// A field naming another manifest (by id, or an environment by name).
    Reference,
    /// A capability a process or provider serves.
    Provides,
    /// A capability a process requires: the `requires` entry at `index` of process `process`.
    Requires { process: usize, index: usize },
    /// A capability map's key.
    MapKey,
}

#[derive(Debug, Clone)]
pub struct Occurrence<'l> {
    pub span: Span,
    pub target: Target,
    pub role: Role,
    /// The text as written (for a reference, maybe an environment's name).
    pub written: &'l str,
}

/// Every id and capability name of the linked tree, where it is written.
pub fn occurrences<'l>(linked: &'l Linked) -> Vec<Occurrence<'l>> {
    let mut found = Vec::new();
    definitions(linked, &mut found);
    let refer = |target: &'static crate::model::describe::Ref, written: &'_ Located<String>| {
        let (kind, id) = references::resolve(linked, target, &written.value)
            .unwrap_or((target.to, &written.value));
        (kind, id.to_string())
    };
    let add_references = |kind_refs: &'l [crate::model::read::Reference],
                          found: &mut Vec<Occurrence<'l>>| {
        for r in kind_refs {
            let (kind, id) = refer(r.target, &r.written);
            found.push(Occurrence {
                span: r.written.span,
                target: Target::Id(kind, id),
                role: Role::Reference,
                written: &r.written.value,
            });
        }
    };
    for process in linked.processes.values() {
        add_references(&process.references, &mut found);
    }
    for binding in linked.bindings.values() {
        add_references(&binding.references, &mut found);
    }
    for provider in linked.providers.values() {
        add_references(&provider.references, &mut found);
    }
    for map in &linked.maps.maps {
        add_references(&map.references, &mut found);
        for mapping in &map.mappings {
            found.push(capability(&mapping.capability, Role::MapKey));
            for entry in &mapping.providers {
                let (kind, id) = refer(&ENTRY_REF, entry);
                found.push(Occurrence {
                    span: entry.span,
                    target: Target::Id(kind, id),
                    role: Role::Reference,
                    written: &entry.value,
                });
            }
        }
    }
    for (place, process) in linked.processes.values().enumerate() {
        let provides = process.capabilities.iter();
        found.extend(provides.map(|c| capability(c, Role::Provides)));
        for (index, required) in process.requires.iter().enumerate() {
            let role = Role::Requires {
                process: place,
                index,
            };
            found.push(capability(required, role));
        }
    }
    for provider in linked.providers.values() {
        let provides = provider.capabilities.iter();
        found.extend(provides.map(|c| capability(c, Role::Provides)));
    }
    found
}

fn capability(name: &Located<String>, role: Role) -> Occurrence<'_> {
    Occurrence {
        span: name.span,
        target: Target::Capability(name.value.clone()),
        role,
        written: &name.value,
    }
}

/// Each manifest's own id (built-in environments and platforms are written nowhere).
fn definitions<'l>(linked: &'l Linked, found: &mut Vec<Occurrence<'l>>) {
    let mut define = |kind: Kind, id: &'l Located<String>| {
        found.push(Occurrence {
            span: id.span,
            target: Target::Id(kind, id.value.clone()),
            role: Role::Definition,
            written: &id.value,
        });
    };
    linked
        .processes
        .values()
        .for_each(|m| define(Kind::Process, &m.id));
    let environments = linked.environments.values().filter(|e| !e.builtin);
    environments.for_each(|m| define(Kind::Environment, &m.id));
    linked
        .bindings
        .values()
        .for_each(|m| define(Kind::Binding, &m.id));
    linked
        .providers
        .values()
        .for_each(|m| define(Kind::Provider, &m.id));
    let platforms = linked.platforms.values().filter(|p| !p.builtin);
    platforms.for_each(|m| define(Kind::Platform, &m.id));
    linked
        .policies
        .values()
        .for_each(|m| define(Kind::Policy, &m.id));
}

/// Where the manifest `kind`/`id` defines its id, when a file does.
pub fn definition_of(linked: &Linked, kind: Kind, id: &str) -> Option<Span> {
    let span = match kind {
        Kind::Process => linked.processes.get(id)?.id.span,
        Kind::Environment => {
            (linked.environments.get(id))
                .filter(|e| !e.builtin)?
                .id
                .span
        }
        Kind::Binding => linked.bindings.get(id)?.id.span,
        Kind::Provider => linked.providers.get(id)?.id.span,
        Kind::Platform => (linked.platforms.get(id)).filter(|p| !p.builtin)?.id.span,
        Kind::Policy => linked.policies.get(id)?.id.span,
        Kind::CapabilityMap | Kind::Settings => return None,
    };
    Some(span)
}

/// The occurrence at a position of a document (the innermost, if several hold it).
pub fn at<'c>(
    state: &'c State,
    uri: &Uri,
    position: Position,
) -> Option<(&'c Checked, Occurrence<'c>, Vec<Occurrence<'c>>)> {
    let checked = state.checked.as_ref()?;
    let file = super::document(state, uri)?;
    let offset = Lines::new(&checked.sources.get(file).text).offset(position);
    let all = occurrences(&checked.linked);
    let found = (all.iter())
        .filter(|o| o.span.file == file && o.span.start as usize <= offset)
        .filter(|o| offset <= o.span.end as usize)
        .min_by_key(|o| o.span.end - o.span.start)?
        .clone();
    Some((checked, found, all))
}

pub fn location(checked: &Checked, span: Span) -> Option<Location> {
    if span.file == checked.root {
        return None;
    }
    let source = checked.sources.get(span.file);
    let range = Lines::new(&source.text).range(span.range());
    Some(Location::new(uri_of(&source.path)?, range))
}

pub fn definition(state: &State, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let at = params.text_document_position_params;
    let (checked, found, all) = self::at(state, &at.text_document.uri, at.position)?;
    let linked = &checked.linked;
    let spans: Vec<Span> = match (&found.target, found.role) {
        (Target::Id(kind, id), _) => definition_of(linked, *kind, id).into_iter().collect(),
        // A requirement goes to the provider chosen for it.
        (Target::Capability(name), Role::Requires { process, index }) => {
            let (process_id, _) = linked.processes.get_index(process)?;
            let chosen = linked.links_of(process_id).nth(index)?.provider;
            match chosen {
                Some(provider) => provider_definition(linked, provider).into_iter().collect(),
                None => providers_of(&all, name),
            }
        }
        // Any other capability goes to what serves it.
        (Target::Capability(name), _) => providers_of(&all, name),
    };
    let locations: Vec<Location> = spans.iter().filter_map(|&s| location(checked, s)).collect();
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}

/// A provider's definition; a process that serves directly, if no provider has the id.
fn provider_definition(linked: &Linked, id: &str) -> Option<Span> {
    definition_of(linked, Kind::Provider, id).or_else(|| definition_of(linked, Kind::Process, id))
}

fn providers_of(all: &[Occurrence], name: &str) -> Vec<Span> {
    (all.iter())
        .filter(|o| o.role == Role::Provides && o.target == Target::Capability(name.to_string()))
        .map(|o| o.span)
        .collect()
}

pub fn references(state: &State, params: ReferenceParams) -> Option<Vec<Location>> {
    let at = params.text_document_position;
    let (checked, found, all) = self::at(state, &at.text_document.uri, at.position)?;
    let with_definition = params.context.include_declaration;
    let locations = (all.iter())
        .filter(|o| o.target == found.target)
        .filter(|o| with_definition || o.role != Role::Definition)
        .filter_map(|o| location(checked, o.span))
        .collect();
    Some(locations)
}

/// Renames an id: its definition and every reference that writes it (an environment named
/// by its name keeps it). Refused when the new id is not a valid id or is taken.
// `Uri` caches a parsed part in a `Cell`, which never changes its hash or equality; the
// map is what `WorkspaceEdit::changes` is.
#[allow(clippy::mutable_key_type)]
pub fn rename(state: &State, params: RenameParams) -> Result<Option<WorkspaceEdit>, String> {
    let at = params.text_document_position;
    let Some((checked, found, all)) = self::at(state, &at.text_document.uri, at.position) else {
        return Ok(None);
    };
    let linked = &checked.linked;
    let (kind, old) = match &found.target {
        Target::Id(kind, id) => (*kind, id.clone()),
        Target::Capability(_) => return Err("only ids can be renamed".to_string()),
    };
    let new = params.new_name;
    names::check_id(&new).map_err(|why| format!("`{new}` is not a valid id: {why}"))?;
    if definition_of(linked, kind, &old).is_none() {
        return Err(format!(
            "{kind} `{old}` is not defined in a file of the tree"
        ));
    }
    if let Some(taken) = taken(linked, kind, &new) {
        return Err(format!(
            "cannot rename to `{new}`: {taken} `{new}` already exists"
        ));
    }
    let target = Target::Id(kind, old.clone());
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for occurrence in all
        .iter()
        .filter(|o| o.target == target && o.written == old)
    {
        let Some(span) = id_within(checked, occurrence.span, &old) else {
            continue;
        };
        if let Some(location) = location(checked, span) {
            let edit = TextEdit::new(location.range, new.clone());
            changes.entry(location.uri).or_default().push(edit);
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}

/// The kind of manifest that already has the id `new`, among those a reference to `kind`
/// could name (a capability map entry names a Provider, or else a Process).
fn taken(linked: &Linked, kind: Kind, new: &str) -> Option<Kind> {
    let clashes: &[Kind] = match kind {
        Kind::Provider | Kind::Process => &[Kind::Provider, Kind::Process],
        _ => std::slice::from_ref(match kind {
            Kind::Environment => &Kind::Environment,
            Kind::Binding => &Kind::Binding,
            Kind::Platform => &Kind::Platform,
            _ => &Kind::Policy,
        }),
    };
    let exists = |k: Kind| match k {
        Kind::Process => linked.processes.contains_key(new),
        Kind::Provider => linked.providers.contains_key(new),
        Kind::Environment => linked.environment_id(new).is_some(),
        Kind::Binding => linked.bindings.contains_key(new),
        Kind::Platform => linked.platforms.contains_key(new),
        Kind::Policy => linked.policies.contains_key(new),
        Kind::CapabilityMap | Kind::Settings => false,
    };
    clashes.iter().copied().find(|&k| exists(k))
}

/// The part of `span` that spells `id` (a quoted scalar's span holds its quotes).
fn id_within(checked: &Checked, span: Span, id: &str) -> Option<Span> {
    let text = checked.sources.get(span.file).text.get(span.range())?;
    let at = text.find(id)?;
    let start = span.start as usize + at;
    Some(Span::new(span.file, start..start + id.len()))
}
