//! Model stage: the typed manifests (one file per kind), read from spanned documents.

pub mod binding;
pub mod builtin;
pub mod capability_map;
pub mod describe;
pub mod environment;
pub mod health;
pub mod kind;
pub mod names;
pub mod platform;
pub mod policy;
pub mod process;
pub mod provider;
pub mod read;
pub mod resources;
pub mod schema;
pub mod settings;

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::node::Node;
use crate::source::Span;
pub use binding::{Binding, BindingConfig, BindingType};
pub use capability_map::CapabilityMap;
pub use environment::Environment;
pub use kind::Kind;
pub use platform::Platform;
pub use policy::Policy;
pub use process::{Process, Status};
pub use provider::Provider;
use read::Reader;
pub use settings::{Settings, Suppression};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

/// One variable of an `env` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: Located<String>,
    pub value: Located<String>,
    /// A literal value under a secret-looking name (reported as W0303; never shown).
    pub literal_secret: bool,
}

/// A closed set of names, such as a process status.
pub trait Choice: Sized + Copy + 'static {
    const NAMES: &'static [&'static str];
    const VALUES: &'static [Self];

    fn from_name(name: &str) -> Option<Self> {
        let index = Self::NAMES.iter().position(|n| *n == name)?;
        Some(Self::VALUES[index])
    }
}

/// Declares an enum whose values are written as lowercase names in manifests and output.
macro_rules! choice {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name { $($variant),+ }

        impl $crate::model::Choice for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];
            const VALUES: &'static [Self] = &[$($name::$variant),+];
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use choice;

pub const API_VERSION: &str = "oslinker/v1";

/// All manifests of a tree (or of one file), by kind, in load order. Each is shared: `watch`
/// keeps the manifests of files that did not change from one re-link to the next.
#[derive(Debug, Default, Clone)]
pub struct Manifests {
    pub processes: Vec<Arc<Process>>,
    pub environments: Vec<Arc<Environment>>,
    pub bindings: Vec<Arc<Binding>>,
    pub providers: Vec<Arc<Provider>>,
    pub maps: Vec<Arc<CapabilityMap>>,
    pub platforms: Vec<Arc<Platform>>,
    pub policies: Vec<Arc<Policy>>,
    /// The tree's Settings (a second one is reported when linked).
    pub settings: Vec<Arc<Settings>>,
    /// `metadata.suppress` entries, of every kind.
    pub suppressions: Vec<Suppression>,
    /// Spans of literal values under secret-looking names, to mask in snippets.
    pub secret_spans: Vec<Span>,
    /// Documents read (whatever became of them).
    pub documents: usize,
}

impl Manifests {
    /// Appends another file's manifests after these.
    pub fn extend(&mut self, other: &Manifests) {
        self.processes.extend_from_slice(&other.processes);
        self.environments.extend_from_slice(&other.environments);
        self.bindings.extend_from_slice(&other.bindings);
        self.providers.extend_from_slice(&other.providers);
        self.maps.extend_from_slice(&other.maps);
        self.platforms.extend_from_slice(&other.platforms);
        self.policies.extend_from_slice(&other.policies);
        self.settings.extend_from_slice(&other.settings);
        self.suppressions.extend_from_slice(&other.suppressions);
        self.secret_spans.extend_from_slice(&other.secret_spans);
        self.documents += other.documents;
    }
}

/// Reads every document into a typed manifest, reporting every problem found.
pub fn read_documents(documents: &[Node], diagnostics: &mut Vec<Diagnostic>) -> Manifests {
    let mut manifests = Manifests::default();
    for (index, document) in documents.iter().enumerate() {
        let scope = document_scope(documents, index);
        read_document(document, scope, &mut manifests, diagnostics);
    }
    manifests
}

/// The text document `index` covers: from where it starts (the file's start, for the first)
/// to where the next one starts (the file's end, for the last). A document node's own span
/// need not cover it all (a TOML `[[manifest]]` table's is its header), and alias expansions
/// carry spans from elsewhere.
fn document_scope(documents: &[Node], index: usize) -> Span {
    let this = documents[index].span;
    let start = if index == 0 { 0 } else { this.start };
    let end = documents
        .get(index + 1)
        .map_or(u32::MAX, |next| next.span.start);
    Span {
        file: this.file,
        start,
        end: end.max(start),
    }
}

fn read_document(
    document: &Node,
    scope: Span,
    manifests: &mut Manifests,
    diagnostics: &mut Vec<Diagnostic>,
) {
    manifests.documents += 1;
    let mut reader = Reader::new(diagnostics);
    let Some(entries) = document.as_map() else {
        reader.wrong_type(document, &"a manifest", "a mapping with a `kind`");
        return;
    };
    let Some(kind_entry) = entries.iter().find(|e| e.key == "kind") else {
        let at = entries.first().map_or(document.span, |e| e.key_span);
        reader.diagnostics.push(
            Diagnostic::at(Code::MissingKind, at, "manifest has no `kind`")
                .with_label("this manifest")
                .with_help(format!(
                    "add `kind:` with one of: {}",
                    Kind::NAMES.join(", ")
                )),
        );
        return;
    };
    check_api_version(document, &mut reader);
    let Some(name) = kind_entry.value.as_str() else {
        reader.wrong_type(&kind_entry.value, &"`kind`", "a string");
        return;
    };
    let Some(kind) = Kind::from_name(name) else {
        let mut diagnostic = Diagnostic::at(
            Code::UnknownKind,
            kind_entry.value.span,
            format!("unknown kind `{name}`"),
        )
        .with_label("unknown kind");
        diagnostic = match names::suggest(name, Kind::NAMES.iter().copied()) {
            Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
            None => diagnostic.with_help(format!("kinds are: {}", Kind::NAMES.join(", "))),
        };
        reader.diagnostics.push(diagnostic);
        return;
    };
    if let Some(fields) = reader.object(kind.object(), document, kind_entry.key_span) {
        let r = &mut reader;
        let m = &mut *manifests;
        match kind {
            Kind::Process => m.processes.extend(process::build(r, fields).map(Arc::new)),
            Kind::Environment => m
                .environments
                .extend(environment::build(r, fields).map(Arc::new)),
            Kind::Binding => m.bindings.extend(binding::build(r, fields).map(Arc::new)),
            Kind::Provider => m.providers.extend(provider::build(r, fields).map(Arc::new)),
            Kind::CapabilityMap => m
                .maps
                .extend(capability_map::build(r, fields).map(Arc::new)),
            Kind::Platform => m.platforms.extend(platform::build(r, fields).map(Arc::new)),
            Kind::Policy => m.policies.extend(policy::build(fields).map(Arc::new)),
            Kind::Settings => m
                .settings
                .extend(settings::build(r, fields, kind_entry.key_span).map(Arc::new)),
        }
        let free_metadata = kind != Kind::Process;
        let found = settings::suppressions(&mut reader, document, free_metadata, scope);
        manifests.suppressions.extend(found);
    }
    manifests.secret_spans.append(&mut reader.secret_spans);
}

fn check_api_version(document: &Node, reader: &mut Reader) {
    let Some(entry) = document.get("apiVersion") else {
        return;
    };
    let Some(version) = entry.value.as_str() else {
        reader.wrong_type(&entry.value, &"`apiVersion`", "a string");
        return;
    };
    if version != API_VERSION {
        reader.diagnostics.push(
            Diagnostic::at(
                Code::BadApiVersion,
                entry.value.span,
                format!("`apiVersion` is `{version}`; this oslinker reads `{API_VERSION}`"),
            )
            .with_label("unsupported version")
            .with_help(format!(
                "write `apiVersion: {API_VERSION}`, or leave it out"
            )),
        );
    }
}
