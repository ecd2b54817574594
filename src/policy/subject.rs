//! What a rule judges: each manifest as written (`object`, with every secret the reader found
//! redacted) and its linked view, as CEL variables.
//!
//! The model keeps what oslinker uses, not what was written; so the tree's files are parsed
//! again here (only when the tree has a Policy), and each document that became a linked
//! manifest is a subject.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use cel::{Context, Env};
use serde_json::{Map, Value as Json, json};

use crate::link::Linked;
use crate::load::node::{Node, Value};
use crate::load::{self, Limits};
use crate::model::{Choice, Kind};
use crate::secrets::{self, REDACTED};
use crate::source::{FileId, SourceFile, Sources, Span};

/// One manifest, ready to be judged.
pub struct Subject {
    pub kind: Kind,
    /// Its id (empty for a kind without ids).
    pub id: String,
    /// Where findings about it point: its id, else its `kind`.
    pub span: Span,
    /// `metadata`'s text entries, for `match.labels`.
    labels: Vec<(String, String)>,
    /// The environment it runs in (a process, its bindings, a provider backed by a process).
    pub environment: Option<String>,
    /// The CEL variables: `object`, `kind`, `id`, `environment`, `bindings`, `links`, `process`
    /// (plain JSON, so that subjects can be handed to the thread that judges them).
    variables: Vec<(&'static str, Json)>,
}

impl Subject {
    /// Its variables in a CEL context that knows the standard library (`env`).
    pub fn context(&self, env: &Arc<Env>) -> Context<'static, 'static> {
        let mut context = Context::with_env(Arc::clone(env));
        for (name, value) in &self.variables {
            // JSON always converts; a value that would not is left out (the rule then fails
            // to run on it, and says so).
            if let Ok(value) = cel::to_value(value) {
                context.add_variable_from_value(*name, value);
            }
        }
        context
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        (self.labels.iter())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A manifest as written, before its linked view is added.
struct Written {
    kind: Kind,
    id: String,
    span: Span,
    object: Json,
}

/// Every linked manifest of the tree, as subjects.
pub fn subjects(linked: &Linked, sources: &Sources) -> Vec<Subject> {
    let written: Vec<Written> = (0..sources.len())
        .map(FileId)
        .flat_map(|file| written_in(sources.get(file), file, linked))
        .collect();
    subjects_of(written, linked)
}

/// Subjects from documents already parsed (an example's manifests, in `policy test`).
pub fn subjects_of_documents(
    documents: &[Node],
    source: &SourceFile,
    linked: &Linked,
) -> Vec<Subject> {
    let hidden = secrets::secret_value_ranges(&source.text);
    let written = documents
        .iter()
        .filter_map(|d| written_document(d, source, &hidden, linked))
        .collect();
    subjects_of(written, linked)
}

fn subjects_of(written: Vec<Written>, linked: &Linked) -> Vec<Subject> {
    let objects: HashMap<(Kind, &str), &Json> = (written.iter())
        .map(|w| ((w.kind, w.id.as_str()), &w.object))
        .collect();
    written
        .iter()
        .map(|w| subject(w, &objects, linked))
        .collect()
}

/// The documents of one file that became linked manifests.
fn written_in(source: &SourceFile, file: FileId, linked: &Linked) -> Vec<Written> {
    if source.text.is_empty() {
        return Vec::new(); // the root folder, or a file that could not be read
    }
    let bytes = source.text.clone().into_bytes();
    let parsed = load::parse_file(
        &source.path,
        source.display.clone(),
        bytes,
        file,
        &Limits::default(),
    );
    let hidden = secrets::secret_value_ranges(&source.text);
    (parsed.documents.iter())
        .filter_map(|d| written_document(d, source, &hidden, linked))
        .collect()
}

fn written_document(
    document: &Node,
    source: &SourceFile,
    hidden: &[Range<usize>],
    linked: &Linked,
) -> Option<Written> {
    let Value::Map(entries) = &document.value else {
        return None;
    };
    let field = |name: &str| entries.iter().find(|e| e.key == name).map(|e| &e.value);
    let kind_node = field("kind")?;
    let kind = Kind::from_name(kind_node.as_str()?)?;
    let (id, span) = match field("id") {
        Some(node) => (node.as_str()?.to_string(), node.span),
        None if !kind.has_id() => (String::new(), kind_node.span),
        None => return None,
    };
    // Only what was linked: not a duplicate, not a manifest the reader refused.
    if kind.has_id() && crate::link::references::definition(linked, kind, &id)
        .is_none_or(|d| !matches!(d, crate::link::references::Definition::At { span: at, .. } if at == span))
    {
        return None;
    }
    let object = to_json(document, source, hidden);
    Some(Written {
        kind,
        id,
        span,
        object,
    })
}

/// A document as JSON, each string the reader found secret (or that holds a URL's
/// credentials) redacted.
fn to_json(node: &Node, source: &SourceFile, hidden: &[Range<usize>]) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::BigInt(digits) => json!(digits),
        Value::Float(f) => json!(f),
        Value::String(s) => {
            let range = node.span.range();
            let secret = source.is_masked(range.clone())
                || hidden
                    .iter()
                    .any(|h| h.start < range.end && range.start < h.end);
            match secret {
                true => json!(REDACTED),
                false => json!(secrets::redact_url_credentials(s).unwrap_or_else(|| s.clone())),
            }
        }
        Value::Seq(items) => {
            Json::Array(items.iter().map(|i| to_json(i, source, hidden)).collect())
        }
        Value::Map(entries) => Json::Object(
            (entries.iter())
                .map(|e| (e.key.clone(), to_json(&e.value, source, hidden)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// A manifest with its linked view, as CEL variables.
fn subject(written: &Written, objects: &HashMap<(Kind, &str), &Json>, linked: &Linked) -> Subject {
    let object_of = |kind: Kind, id: &str| {
        objects
            .get(&(kind, id))
            .map_or(Json::Null, |o| (*o).clone())
    };
    let id = written.id.as_str();
    let (environment, bindings, links, process) = match written.kind {
        Kind::Process => {
            let bindings: Vec<Json> = (linked.bindings_of(id))
                .map(|b| object_of(Kind::Binding, &b.id.value))
                .collect();
            let links: Vec<Json> = (linked.links_of(id))
                .map(|l| json!({"capability": l.capability.value, "provider": l.provider}))
                .collect();
            (
                linked.environment_of(id).map(str::to_string),
                bindings,
                links,
                Json::Null,
            )
        }
        Kind::Binding => {
            let binding = &linked.bindings[id];
            let environment = linked.environment_id(&binding.environment.value);
            let process = object_of(Kind::Process, &binding.process.value);
            (
                environment.map(str::to_string),
                Vec::new(),
                Vec::new(),
                process,
            )
        }
        Kind::Provider => {
            let backing = linked.providers[id]
                .process
                .as_ref()
                .map(|p| p.value.as_str());
            let environment = backing.and_then(|p| linked.environment_of(p));
            let process = backing.map_or(Json::Null, |p| object_of(Kind::Process, p));
            (
                environment.map(str::to_string),
                Vec::new(),
                Vec::new(),
                process,
            )
        }
        _ => (None, Vec::new(), Vec::new(), Json::Null),
    };
    let labels = labels(&written.object);
    let variables = vec![
        ("object", written.object.clone()),
        ("kind", json!(written.kind.as_str())),
        ("id", json!(id)),
        ("environment", json!(environment)),
        ("bindings", Json::Array(bindings)),
        ("links", Json::Array(links)),
        ("process", process),
    ];
    Subject {
        kind: written.kind,
        id: written.id.clone(),
        span: written.span,
        labels,
        environment,
        variables,
    }
}

/// `metadata`'s text entries (a Process's labels live there).
fn labels(object: &Json) -> Vec<(String, String)> {
    let Some(metadata) = object.get("metadata").and_then(Json::as_object) else {
        return Vec::new();
    };
    (metadata.iter())
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}
