//! Hover: what an id names (kind, name, where it is defined; a process's links), or a
//! capability's route in rank order.

use std::fmt::Write;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::navigation::{self, Role, Target};
use super::position::Lines;
use super::state::State;
use crate::link::routing;
use crate::model::Kind;
use crate::pipeline::Checked;
use crate::source::Span;

pub fn hover(state: &State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let (checked, found, _) = navigation::at(state, &at.text_document.uri, at.position)?;
    let text = match (&found.target, found.role) {
        (Target::Id(kind, id), _) => describe_id(state, checked, *kind, id),
        (Target::Capability(name), Role::Requires { process, .. }) => {
            let (id, _) = checked.linked.processes.get_index(process)?;
            describe_route(checked, name, checked.linked.environment_of(id))
        }
        (Target::Capability(name), _) => describe_route(checked, name, None),
    };
    let source = checked.sources.get(found.span.file);
    let range = Lines::new(&source.text).range(found.span.range());
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(range),
    })
}

fn describe_id(state: &State, checked: &Checked, kind: Kind, id: &str) -> String {
    let linked = &checked.linked;
    let mut text = format!("**{kind}** `{id}`");
    if let Some(name) = display_name(checked, kind, id) {
        let _ = write!(text, ": {name}");
    }
    match navigation::definition_of(linked, kind, id) {
        Some(span) => {
            let _ = write!(text, "\n\ndefined at {}", place(state, checked, span));
        }
        None if defined(checked, kind, id) => text.push_str("\n\nbuilt in"),
        None => text.push_str("\n\n**not defined** in this tree"),
    }
    if kind == Kind::Process && linked.processes.contains_key(id) {
        if let Some(environment) = linked.environment_of(id) {
            let _ = write!(text, "\n\nruns in `{environment}`");
        }
        let links: Vec<String> = (linked.links_of(id))
            .map(|link| match link.provider {
                Some(provider) => format!("- `{}` → `{provider}`", link.capability.value),
                None => format!("- `{}` → *unresolved*", link.capability.value),
            })
            .collect();
        if !links.is_empty() {
            let _ = write!(text, "\n\nlinks:\n{}", links.join("\n"));
        }
    }
    text
}

fn display_name(checked: &Checked, kind: Kind, id: &str) -> Option<String> {
    let linked = &checked.linked;
    match kind {
        Kind::Process => linked.processes.get(id).map(|p| p.name.clone()),
        Kind::Environment => linked.environments.get(id).map(|e| e.name.value.clone()),
        Kind::Provider => linked.providers.get(id).and_then(|p| p.name.clone()),
        Kind::Platform => linked.platforms.get(id).map(|p| p.name.clone()),
        Kind::Policy => linked.policies.get(id).map(|p| p.name.clone()),
        _ => None,
    }
    .filter(|name| name != id)
}

fn defined(checked: &Checked, kind: Kind, id: &str) -> bool {
    let linked = &checked.linked;
    match kind {
        Kind::Environment => linked.environments.contains_key(id),
        Kind::Platform => linked.platforms.contains_key(id),
        _ => false,
    }
}

/// `path:line`, the path relative to the tree's root.
fn place(state: &State, checked: &Checked, span: Span) -> String {
    let source = checked.sources.get(span.file);
    let (line, _) = source.line_col(span.start as usize);
    let path = source
        .path
        .strip_prefix(&state.root)
        .unwrap_or(&source.path);
    format!("{}:{line}", path.display())
}

fn describe_route(checked: &Checked, name: &str, environment: Option<&str>) -> String {
    let resolution = routing::resolve(&checked.linked, name, environment);
    let mut text = format!("**Capability** `{name}`");
    match environment {
        Some(environment) => {
            let _ = write!(text, " in `{environment}`");
        }
        None => text.push_str(" (every environment)"),
    }
    if resolution.candidates.is_empty() {
        text.push_str("\n\nno provider serves it");
        return text;
    }
    text.push_str("\n\nroute, in rank order:");
    for (rank, candidate) in resolution.candidates.iter().enumerate() {
        let mark = if candidate.eligible { "" } else { "~~" };
        let _ = write!(
            text,
            "\n{}. {mark}`{}`{mark} ({}): {}",
            rank + 1,
            candidate.id,
            candidate.kind,
            candidate.reason
        );
    }
    text
}
