//! The walk every command shares: load -> read -> link, with every diagnostic collected.
//!
//! Each file is loaded and read on its own ([`read_file`]), in parallel on every core; the
//! files are then put together in path order and linked ([`check_files`]), so the output is
//! the same whatever the number of cores.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{self, Code, Diagnostic};
use crate::link::{self, Linked};
use crate::lints::{Lints, Suppressed};
use crate::load::{self, Limits, LoadError, LoadedFile, LoadedTree};
use crate::model::{self, Manifests};
use crate::policy;
use crate::source::{FileId, SourceFile, Sources, Span};

/// A loaded, linked tree and everything found wrong with it.
#[derive(Debug, Clone)]
pub struct Checked {
    pub sources: Sources,
    /// The root folder's entry in `sources` (what tree-level diagnostics point at).
    pub root: FileId,
    pub linked: Linked,
    /// Sorted by file and position, with the tree's lint levels and suppressions applied.
    pub diagnostics: Vec<Diagnostic>,
    /// The tree's lint levels and suppressions (see [`Checked::apply_lints`]).
    pub lints: Lints,
    /// What `metadata.suppress` silenced, sorted like `diagnostics`.
    pub suppressed: Vec<Suppressed>,
    /// Manifest files found.
    pub files: usize,
    /// Manifests (documents) read.
    pub manifests: usize,
}

impl Checked {
    /// Sets `diagnostics` to `found` (everything the stages found) with the lint levels and
    /// suppressions applied, sorted.
    pub fn apply_lints(&mut self, found: Vec<Diagnostic>) {
        let (mut kept, mut suppressed) = self.lints.apply(found);
        diagnostic::sort(&mut kept);
        suppressed.sort_by(|a, b| {
            let key = |d: &Diagnostic| (d.file, d.span.map(|s| (s.start, s.end)), d.code);
            key(&a.diagnostic).cmp(&key(&b.diagnostic))
        });
        self.diagnostics = kept;
        self.suppressed = suppressed;
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// One manifest file, loaded and read on its own: its text, its manifests and its problems.
/// What `watch` keeps of a file between edits.
#[derive(Debug, Clone)]
pub struct ReadFile {
    /// Its place in the tree: spans in `manifests` and `diagnostics` point there.
    pub file: FileId,
    pub source: Arc<SourceFile>,
    pub manifests: Manifests,
    pub diagnostics: Vec<Diagnostic>,
    /// Counted among the files checked (a symbolic-link loop is not a file).
    pub counted: bool,
}

/// Reads a loaded file's documents into manifests.
pub fn read_file(loaded: LoadedFile) -> ReadFile {
    let mut diagnostics = loaded.diagnostics;
    let manifests = model::read_documents(&loaded.documents, &mut diagnostics);
    let mut source = loaded.source;
    // Literal secrets the reader found are never shown in a snippet (nor is what the text
    // shows under a secret-looking key: see `SourceFile::snippet_text`).
    for span in &manifests.secret_spans {
        source.mask(span.range());
    }
    ReadFile {
        file: loaded.file,
        source: Arc::new(source),
        manifests,
        diagnostics,
        counted: loaded.counted,
    }
}

/// Loads, reads and links the tree under `root`.
pub fn check_tree(root: &Path, follow_links: bool) -> Result<Checked, LoadError> {
    let root_source = load::open_root(root)?;
    let walk = load::walk(root, follow_links);
    let limits = Limits::default();
    let mut files: Vec<ReadFile> = walk
        .manifests
        .par_iter()
        .enumerate()
        .map(|(index, path)| read_file(load::load_file(path, FileId(index + 1), &limits)))
        .collect();
    files.extend(walk.problems.into_iter().map(read_file));
    Ok(check_files(root_source, files))
}

/// Reads and links a tree whose files were loaded elsewhere (a git revision).
pub fn check_loaded(tree: LoadedTree) -> Checked {
    let files = tree.files.into_par_iter().map(read_file).collect();
    check_files(tree.root, files)
}

/// An empty tree is an error of its own (E0005), unless the problems found reading its files
/// already explain it.
pub fn no_manifests(
    sources: &Sources,
    root: FileId,
    documents: usize,
    files: usize,
    read: &[Diagnostic],
) -> Option<Diagnostic> {
    if documents > 0 || read.iter().any(Diagnostic::is_error) {
        return None;
    }
    let message = format!(
        "no manifests found under `{}` ({files} files named *.yaml, *.yml, *.toml or *.json)",
        sources.get(root).display
    );
    Some(
        Diagnostic::in_file(Code::NoManifests, root, message).with_help(
            "add *.yaml, *.yml, *.toml or *.json manifests, or point --dir at the right folder",
        ),
    )
}

/// Links the files of one tree: the root is file 0, then each file in the order given.
pub fn check_files(root: SourceFile, files: Vec<ReadFile>) -> Checked {
    let mut sources = Sources::default();
    let root = sources.add(root);
    let mut diagnostics = Vec::new();
    let mut manifests = Manifests::default();
    let mut counted = 0;
    for file in files {
        let id = sources.add_shared(file.source);
        counted += usize::from(file.counted);
        // Problems found while walking are not yet placed; everything else is read for its
        // place (watch re-reads a file whose place moved).
        let moved = file.file != id;
        debug_assert!(!moved || file.manifests.documents == 0);
        diagnostics.extend(file.diagnostics.into_iter().map(|mut d| {
            if moved {
                d.set_file(id);
            }
            d
        }));
        manifests.extend(&file.manifests);
    }
    let documents = manifests.documents;
    diagnostics.extend(no_manifests(
        &sources,
        root,
        documents,
        counted,
        &diagnostics,
    ));
    let settings = std::mem::take(&mut manifests.settings);
    let suppressions = std::mem::take(&mut manifests.suppressions);
    let linked = link::link(manifests, Span::new(root, 0..0), &mut diagnostics);
    // The tree's own rules, then the lint levels and suppressions over every finding.
    diagnostics.extend(policy::check(&linked, &sources));
    let lints = Lints::new(&linked, &settings, suppressions);
    let mut checked = Checked {
        sources,
        root,
        linked,
        diagnostics: Vec::new(),
        lints,
        suppressed: Vec::new(),
        files: counted,
        manifests: documents,
    };
    checked.apply_lints(diagnostics);
    checked
}
