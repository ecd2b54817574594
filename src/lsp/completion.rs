//! Completion from the kinds' descriptions (`model::describe`) and the linked tree: field
//! names where a key is expected, and where a value is: the ids a reference may name, the
//! capabilities the tree knows, a choice's names.
//!
//! The buffer being typed rarely parses, so where the cursor is comes from the text around
//! it: the keys above it by indentation (YAML) or the table header above it (TOML), and the
//! document's `kind`.

use std::collections::BTreeSet;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation,
};

use super::navigation::{self, Target};
use super::position::Lines;
use super::state::{State, path_of};
use crate::link::Linked;
use crate::model::describe::{Field, Object, Type};
use crate::model::{API_VERSION, Choice, Kind};

pub fn complete(state: &State, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let path = path_of(&at.text_document.uri)?;
    let text = match state.buffers.get(&path) {
        Some(buffer) => buffer.text.clone(),
        None => std::fs::read_to_string(&path).ok()?,
    };
    let offset = Lines::new(&text).offset(at.position);
    let toml = path.extension().is_some_and(|e| e == "toml");
    let place = if toml {
        toml_place(&text, offset)
    } else {
        yaml_place(&text, offset)
    }?;
    let linked = state.checked.as_ref().map(|c| &c.linked);
    let items = items(&place, linked);
    Some(CompletionResponse::Array(items))
}

/// Where the cursor is: the document's kind, the keys from the manifest down to the
/// object the cursor is in, and, when a value is being written, its key.
#[derive(Debug, PartialEq)]
struct Place {
    kind: Option<Kind>,
    path: Vec<String>,
    /// The key whose value is under the cursor; `None` when a key is being written.
    value_of: Option<String>,
}

fn yaml_place(text: &str, offset: usize) -> Option<Place> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let document_start = (text[..line_start].rfind("\n---"))
        .map_or(0, |i| i + 1 + text[i + 1..].find('\n').map_or(0, |n| n + 1));
    let document_end = text[offset..]
        .find("\n---")
        .map_or(text.len(), |i| offset + i);
    let kind = (text[document_start..document_end].lines())
        .find_map(|line| line.strip_prefix("kind:"))
        .and_then(|name| Kind::from_name(name.trim().trim_matches(['"', '\''])));
    let before = &text[line_start..offset];
    let (indent, content) = yaml_key_indent(before);
    // Value position: after `key:` on this line, or a list item (`- `) under a key above.
    let value_of = (content.split_once(':')).map(|(key, _)| key.trim().to_string());
    let is_list_item = before.trim_start().starts_with('-') && value_of.is_none();
    let mut path = keys_above(&text[document_start..line_start], indent);
    let value_of = match (value_of, is_list_item) {
        (Some(key), _) => Some(key),
        // `- partial` under `requires:`: a value of the key above.
        (None, true) => path.pop(),
        (None, false) => None,
    };
    Some(Place {
        kind,
        path,
        value_of,
    })
}

/// The column a line's key starts at (after any `- `), and the text from there.
fn yaml_key_indent(line: &str) -> (usize, &str) {
    let mut indent = line.len() - line.trim_start().len();
    let mut content = line.trim_start();
    while let Some(rest) = content.strip_prefix("- ") {
        let inner = rest.len() - rest.trim_start().len();
        indent += 2 + inner;
        content = rest.trim_start();
    }
    (indent, content)
}

/// The keys that hold a line indented by `indent`, outermost first.
fn keys_above(text: &str, mut indent: usize) -> Vec<String> {
    let mut path = Vec::new();
    for line in text.lines().rev() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key_indent, content) = yaml_key_indent(line);
        // A list item's dash sits left of its keys; the item itself holds nothing named.
        let dash_indent = line.len() - trimmed.len();
        if dash_indent >= indent {
            continue;
        }
        if key_indent < indent
            && let Some((key, _)) = content.split_once(':')
        {
            path.push(key.trim().trim_matches(['"', '\'']).to_string());
            indent = key_indent.min(dash_indent);
            if indent == 0 {
                break;
            }
        }
    }
    path.reverse();
    path
}

fn toml_place(text: &str, offset: usize) -> Option<Place> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let above = &text[..line_start];
    let header = (above.lines().rev()).find(|l| l.trim_start().starts_with('['));
    let mut path: Vec<String> = header
        .map(|h| {
            h.trim()
                .trim_matches(['[', ']'])
                .split('.')
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if path.first().is_some_and(|p| p == "manifest") {
        path.remove(0);
    }
    let block_start = above.rfind("[[manifest]]").unwrap_or(0);
    let block_end = text[offset..]
        .find("[[manifest]]")
        .map_or(text.len(), |i| offset + i);
    let kind = (text[block_start..block_end].lines())
        .find_map(|line| line.trim().strip_prefix("kind"))
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .and_then(|name| Kind::from_name(name.trim().trim_matches('"')));
    let before = &text[line_start..offset];
    let value_of = before
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches('"').to_string());
    Some(Place {
        kind,
        path,
        value_of,
    })
}

/// The type at `path` under an object; through lists (their items), maps (their values)
/// and a `config` (whichever case has the key).
fn type_at(object: &'static Object, path: &[String]) -> Option<&'static Type> {
    let (first, rest) = path.split_first()?;
    let mut ty = &object.field(first)?.ty;
    for key in rest {
        ty = descend(ty, key)?;
    }
    Some(ty)
}

fn descend(ty: &'static Type, key: &str) -> Option<&'static Type> {
    match ty {
        Type::Object(object) => Some(&object.field(key)?.ty),
        Type::List { item, .. } => descend(item, key),
        Type::Map { value, .. } => Some(value),
        Type::Config { cases, .. } => cases.iter().find_map(|(_, o)| Some(&o.field(key)?.ty)),
        Type::Mappings => Some(&MAPPING_ENTRY),
        _ => None,
    }
}

/// What a capability map's mapping holds: provider (or process) ids.
static MAPPING_ENTRY: Type = Type::List {
    item: &Type::Ref(crate::model::capability_map::ENTRY_REF),
    what: "a provider",
};

/// The object whose keys are written at `path` (for field-name completion).
fn object_at(object: &'static Object, path: &[String]) -> Option<Vec<&'static Field>> {
    if path.is_empty() {
        return Some(object.fields.iter().collect());
    }
    let mut ty = type_at(object, path)?;
    while let Type::List { item, .. } = ty {
        ty = item;
    }
    match ty {
        Type::Object(object) => Some(object.fields.iter().collect()),
        Type::Config { cases, .. } => Some(cases.iter().flat_map(|(_, o)| o.fields).collect()),
        _ => None,
    }
}

fn items(place: &Place, linked: Option<&Linked>) -> Vec<CompletionItem> {
    let Some(kind) = place.kind else {
        return match place.value_of.as_deref() {
            Some("kind") => kind_names(),
            Some(_) => Vec::new(),
            None if place.path.is_empty() => vec![field_item("kind", "What the manifest is.")],
            None => Vec::new(),
        };
    };
    let object = kind.object();
    match &place.value_of {
        Some(key) => {
            let mut path = place.path.clone();
            path.push(key.clone());
            match type_at(object, &path) {
                Some(ty) => values(ty, linked),
                None => Vec::new(),
            }
        }
        // A key under `mappings` is a capability.
        None if matches!(type_at(object, &place.path), Some(Type::Mappings)) => {
            capabilities(linked)
        }
        None => (object_at(object, &place.path).into_iter().flatten())
            .map(|field| field_item(field.name, field.doc))
            .collect(),
    }
}

fn values(ty: &'static Type, linked: Option<&Linked>) -> Vec<CompletionItem> {
    match ty {
        Type::List { item, .. } => values(item, linked),
        Type::KindName => kind_names(),
        Type::ApiVersion => vec![value_item(API_VERSION, CompletionItemKind::CONSTANT, None)],
        Type::Bool => ["true", "false"]
            .map(|b| value_item(b, CompletionItemKind::CONSTANT, None))
            .to_vec(),
        Type::Choice(names) => (names.iter())
            .map(|n| value_item(n, CompletionItemKind::ENUM_MEMBER, None))
            .collect(),
        Type::Capability => capabilities(linked),
        Type::Ref(target) => match linked {
            Some(linked) => ids(linked, target.to),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn kind_names() -> Vec<CompletionItem> {
    (Kind::NAMES.iter())
        .map(|name| value_item(name, CompletionItemKind::CLASS, None))
        .collect()
}

/// The ids a reference to `kind` may name (a capability map entry: providers and processes).
fn ids(linked: &Linked, kind: Kind) -> Vec<CompletionItem> {
    let item = |id: &String, kind: Kind| {
        value_item(id, CompletionItemKind::REFERENCE, Some(kind.as_str()))
    };
    match kind {
        Kind::Process => linked.processes.keys().map(|id| item(id, kind)).collect(),
        // By id, or by name (as processes and bindings may name them).
        Kind::Environment => {
            let names = (linked.environments.values())
                .map(|e| &e.name.value)
                .filter(|name| !linked.environments.contains_key(*name))
                .map(|name| {
                    value_item(
                        name,
                        CompletionItemKind::REFERENCE,
                        Some("Environment name"),
                    )
                });
            (linked.environments.keys().map(|id| item(id, kind)))
                .chain(names)
                .collect()
        }
        Kind::Platform => linked.platforms.keys().map(|id| item(id, kind)).collect(),
        Kind::Binding => linked.bindings.keys().map(|id| item(id, kind)).collect(),
        Kind::Policy => linked.policies.keys().map(|id| item(id, kind)).collect(),
        Kind::Provider => (linked.providers.keys().map(|id| item(id, Kind::Provider)))
            .chain(linked.processes.keys().map(|id| item(id, Kind::Process)))
            .collect(),
        Kind::CapabilityMap | Kind::Settings => Vec::new(),
    }
}

/// Every capability the tree names (served, required or mapped).
fn capabilities(linked: Option<&Linked>) -> Vec<CompletionItem> {
    let Some(linked) = linked else {
        return Vec::new();
    };
    let names: BTreeSet<String> = (navigation::occurrences(linked).into_iter())
        .filter_map(|o| match o.target {
            Target::Capability(name) => Some(name),
            Target::Id(..) => None,
        })
        .collect();
    (names.iter())
        .map(|name| value_item(name, CompletionItemKind::VALUE, Some("capability")))
        .collect()
}

fn value_item(label: &str, kind: CompletionItemKind, detail: Option<&str>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        ..Default::default()
    }
}

fn field_item(name: &str, doc: &str) -> CompletionItem {
    CompletionItem {
        label: name.to_string(),
        kind: Some(CompletionItemKind::FIELD),
        documentation: Some(Documentation::String(doc.to_string())),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Place {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        yaml_place(&text, offset).unwrap()
    }

    fn strings(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn yaml_places_follow_indentation_and_list_items() {
        let place = yaml("kind: Process\nruntimeContext:\n  environment: st|\n");
        assert_eq!(place.kind, Some(Kind::Process));
        assert_eq!(place.path, strings(&["runtimeContext"]));
        assert_eq!(place.value_of.as_deref(), Some("environment"));

        let place = yaml("kind: Process\nrequires:\n  - co|\n");
        assert_eq!(place.path, Vec::<String>::new());
        assert_eq!(place.value_of.as_deref(), Some("requires"));

        let place = yaml("kind: Binding\nconfig:\n  ingress:\n    - port: 80\n      pro|\n");
        assert_eq!(place.path, strings(&["config", "ingress"]));
        assert_eq!(place.value_of, None);

        let place = yaml("kind: A\n---\nkind: CapabilityMap\nmappings:\n  code: [a, |]\n");
        assert_eq!(place.kind, Some(Kind::CapabilityMap));
        assert_eq!(place.path, strings(&["mappings"]));
        assert_eq!(place.value_of.as_deref(), Some("code"));
    }

    #[test]
    fn types_come_from_the_kind_descriptions() {
        let environment = type_at(
            Kind::Process.object(),
            &strings(&["runtimeContext", "environment"]),
        );
        assert!(matches!(environment, Some(Type::Ref(r)) if r.to == Kind::Environment));
        let entry = type_at(
            Kind::CapabilityMap.object(),
            &strings(&["mappings", "code"]),
        );
        assert!(
            matches!(entry, Some(Type::List { item: Type::Ref(r), .. }) if r.to == Kind::Provider)
        );
        let protocol = type_at(
            Kind::Binding.object(),
            &strings(&["config", "ingress", "protocol"]),
        );
        assert!(matches!(protocol, Some(Type::Choice(names)) if names.contains(&"tcp")));
    }
}
