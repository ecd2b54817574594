//! The walk every command shares: load -> read -> link, with every diagnostic collected.

use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Code, Diagnostic};
use crate::link::{self, Linked};
use crate::load::source::{FileId, Sources, Span};
use crate::load::{self, Limits, LoadError, Loaded};
use crate::model;
use crate::plan::{self, Plan, PlanFilter};

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

/// One side of a `diff`: what the user wrote, and where the plan comes from.
#[derive(Debug, Clone)]
pub enum Side {
    /// A folder of manifests.
    Tree(PathBuf),
    /// A plan written by `oslinker plan --format json`.
    PlanFile(PathBuf),
    /// The manifest folder as committed at a git revision.
    Git { rev: String },
}

impl Side {
    /// `git:REV`, a folder, or a plan file.
    pub fn parse(arg: &str) -> Side {
        match arg.strip_prefix("git:") {
            Some(rev) => Side::Git {
                rev: rev.to_string(),
            },
            None if Path::new(arg).is_dir() => Side::Tree(PathBuf::from(arg)),
            None => Side::PlanFile(PathBuf::from(arg)),
        }
    }

    pub fn is_git(&self) -> bool {
        matches!(self, Side::Git { .. })
    }
}

/// Why a side has no plan.
pub enum SideError {
    /// It loaded but does not validate: its diagnostics explain why.
    Invalid(Box<Checked>),
    /// It could not be read at all.
    Trouble(String),
}

/// A side's plan, and a note for the user when it needs one (e.g. the folder did not exist
/// at that revision, so the side is an empty plan).
pub struct SidePlan {
    pub plan: Plan,
    pub note: Option<String>,
}

/// The whole plan of one side (no filters), from the same loader and linker as every
/// other command. `root` is the manifest folder that a `git:REV` side reads at REV.
pub fn side_plan(side: &Side, root: &Path, follow_links: bool) -> Result<SidePlan, SideError> {
    let checked = match side {
        Side::Tree(dir) => {
            check_tree(dir, follow_links).map_err(|e| SideError::Trouble(e.to_string()))?
        }
        Side::PlanFile(path) => return read_plan_file(path),
        Side::Git { rev } => {
            match load::git::load_revision(root, rev, &Limits::default())
                .map_err(SideError::Trouble)?
            {
                Some(loaded) => check_loaded(loaded),
                None => {
                    return Ok(SidePlan {
                        plan: Plan::empty(),
                        note: Some(format!(
                            "note: `{}` has no manifests at `{rev}`; comparing with an empty plan",
                            load::display_path(root)
                        )),
                    });
                }
            }
        }
    };
    if checked.errors() > 0 {
        return Err(SideError::Invalid(Box::new(checked)));
    }
    Ok(SidePlan {
        plan: plan::build(&checked.linked, &PlanFilter::default()),
        note: None,
    })
}

fn read_plan_file(path: &Path) -> Result<SidePlan, SideError> {
    let plan = plan::file::read(path).map_err(SideError::Trouble)?;
    Ok(SidePlan { plan, note: None })
}
