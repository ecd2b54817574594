//! The walk every command shares: load -> read -> link, with every diagnostic collected.

use std::path::Path;

use crate::diagnostic::{self, Code, Diagnostic};
use crate::link::{self, Linked};
use crate::load::source::{FileId, Sources, Span};
use crate::load::{self, Limits, LoadError, Loaded};
use crate::model;

/// A loaded, linked tree and everything found wrong with it.
pub struct Checked {
    pub sources: Sources,
    /// The root folder's entry in `sources` (what tree-level diagnostics point at).
    pub root: FileId,
    pub linked: Linked,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Manifest files found.
    pub files: usize,
    /// Manifests (documents) read.
    pub manifests: usize,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

pub fn check_tree(root: &Path, follow_links: bool) -> Result<Checked, LoadError> {
    let loaded = load::load_tree(root, follow_links, &Limits::default())?;
    Ok(check_loaded(loaded))
}

/// Reads and links a loaded tree (from disk, a git revision, or `watch`'s cache).
pub fn check_loaded(loaded: Loaded) -> Checked {
    let mut sources = loaded.sources;
    let mut diagnostics = loaded.diagnostics;
    let manifest_count = loaded.documents.len();
    let manifests = model::read_documents(&loaded.documents, &mut diagnostics);
    // Secret values must never reach a snippet: hide what the text shows under a
    // secret-looking key (even where parsing failed), and every value the reader found there.
    for id in 0..sources.len() {
        let file = sources.get_mut(FileId(id));
        for range in model::names::secret_value_ranges(&file.text) {
            file.mask(range);
        }
    }
    for span in &manifests.secret_spans {
        sources.get_mut(span.file).mask(span.range());
    }
    // An empty tree is an error of its own, unless other errors already explain it.
    if loaded.documents.is_empty() && !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.push(
            Diagnostic::in_file(
                Code::NoManifests,
                loaded.root,
                format!(
                    "no manifests found under `{}` ({} files named *.yaml, *.yml or *.toml)",
                    sources.get(loaded.root).display,
                    loaded.files
                ),
            )
            .with_help("add *.yaml, *.yml or *.toml manifests, or point --dir at the right folder"),
        );
    }
    let root_span = Span::new(loaded.root, 0..0);
    let linked = link::link(manifests, root_span, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Checked {
        sources,
        root: loaded.root,
        linked,
        diagnostics,
        files: loaded.files,
        manifests: manifest_count,
    }
}
