//! Symbols: each manifest of a document (its kind and id), and every id of the tree that
//! matches a query.

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, OneOf, SymbolKind,
    WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use super::navigation::{self, Role, Target};
use super::position::Lines;
use super::state::State;
use crate::model::Kind;
use crate::source::Span;

/// Every manifest of the tree (first definitions) by kind, id and where its id is written;
/// a capability map by where its `kind` is.
fn manifests(state: &State) -> Vec<(Kind, String, Span)> {
    let Some(checked) = &state.checked else {
        return Vec::new();
    };
    let linked = &checked.linked;
    let mut found: Vec<(Kind, String, Span)> = (navigation::occurrences(linked).into_iter())
        .filter(|o| o.role == Role::Definition)
        .filter_map(|o| match o.target {
            Target::Id(kind, id) => Some((kind, id, o.span)),
            Target::Capability(_) => None,
        })
        .collect();
    for map in &linked.maps.maps {
        let capabilities: Vec<&str> = (map.mappings.iter())
            .map(|m| m.capability.value.as_str())
            .collect();
        found.push((Kind::CapabilityMap, capabilities.join(", "), map.at.span));
    }
    found.sort_by_key(|(_, _, span)| *span);
    found
}

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Process => SymbolKind::CLASS,
        Kind::Environment => SymbolKind::NAMESPACE,
        Kind::Binding => SymbolKind::PROPERTY,
        Kind::Provider => SymbolKind::INTERFACE,
        Kind::CapabilityMap => SymbolKind::STRUCT,
        Kind::Platform => SymbolKind::PACKAGE,
        Kind::Policy => SymbolKind::EVENT,
        Kind::Settings => SymbolKind::OBJECT,
    }
}

pub fn document_symbols(
    state: &State,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let file = super::document(state, &params.text_document.uri)?;
    let checked = state.checked.as_ref()?;
    let lines = Lines::new(&checked.sources.get(file).text);
    #[allow(deprecated)] // `deprecated`: a field every DocumentSymbol must still carry.
    let symbols = (manifests(state).into_iter())
        .filter(|(_, _, span)| span.file == file)
        .map(|(kind, id, span)| DocumentSymbol {
            name: if id.is_empty() { kind.to_string() } else { id },
            detail: Some(kind.to_string()),
            kind: symbol_kind(kind),
            tags: None,
            deprecated: None,
            range: lines.range(span.range()),
            selection_range: lines.range(span.range()),
            children: None,
        })
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

/// The ids containing the query (ignoring case), by id; all of them for an empty query.
pub fn workspace_symbols(
    state: &State,
    params: WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let checked = state.checked.as_ref()?;
    let query = params.query.to_lowercase();
    let mut found = manifests(state);
    found.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    let symbols = (found.into_iter())
        .filter(|(kind, id, _)| *kind != Kind::CapabilityMap && id.to_lowercase().contains(&query))
        .filter_map(|(kind, id, span)| {
            Some(WorkspaceSymbol {
                name: id,
                kind: symbol_kind(kind),
                tags: None,
                container_name: Some(kind.to_string()),
                location: OneOf::Left(navigation::location(checked, span)?),
                data: None,
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Nested(symbols))
}
