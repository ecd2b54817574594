//! `watch`: keep a tree loaded, re-read only the files that changed, re-link, and diff the
//! new plan against the last good one. The same loader and linker as every other command;
//! only the per-file cache is new. `events` turns file-system notifications into batches.

pub mod events;
pub mod exec;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;

use crate::load::source::{FileId, SourceFile};
use crate::load::{self, Limits, LoadError};
use crate::pipeline::{self, Checked, ReadFile};
use crate::plan::diff::{self, PlanDiff};
use crate::plan::{self, Plan, PlanFilter};

/// What a file looked like when it was last read: a file whose size and modification time
/// are unchanged, and that no event named, is not read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

#[derive(Debug)]
struct Cached {
    stamp: Option<Stamp>,
    read: ReadFile,
}

/// Every file of the tree as last read. Holds only the files that exist now, so memory
/// follows the tree's size, not the number of edits.
#[derive(Debug)]
pub struct TreeCache {
    root: PathBuf,
    follow_links: bool,
    limits: Limits,
    files: HashMap<PathBuf, Cached>,
    /// Entries the last walk could not read, and why.
    problems: Vec<(PathBuf, Vec<Diagnostic>)>,
}

/// A re-read tree, and which files differ from the last read (added, removed or changed).
pub struct Refresh {
    pub root: SourceFile,
    pub files: Vec<ReadFile>,
    pub changed: Vec<PathBuf>,
}

impl TreeCache {
    pub fn new(root: &Path, follow_links: bool) -> Self {
        TreeCache {
            root: root.to_path_buf(),
            follow_links,
            limits: Limits::default(),
            files: HashMap::new(),
            problems: Vec::new(),
        }
    }

    /// Walks the tree again and re-reads the files that `touched` names (or lies above)
    /// and those whose size or time changed; the rest come from the cache. Files are read
    /// in parallel.
    pub fn refresh(&mut self, touched: &[PathBuf]) -> Result<Refresh, LoadError> {
        let root_source = load::open_root(&self.root)?;
        let walk = load::walk(&self.root, self.follow_links);
        let mut previous = std::mem::take(&mut self.files);
        // Each file of the walk, with what was read of it before and whether that still holds
        // (same size and time, not named by an event, and read for the same place).
        let found: Vec<(PathBuf, Option<Stamp>, Option<Cached>, bool)> = walk
            .manifests
            .into_iter()
            .enumerate()
            .map(|(index, path)| {
                let stamp = Stamp::of(&path);
                let before = previous.remove(&path);
                let unchanged = before.as_ref().is_some_and(|cached| {
                    cached.stamp.is_some()
                        && cached.stamp == stamp
                        && cached.read.file == FileId(index + 1)
                        && !touched.iter().any(|t| path.starts_with(t))
                });
                (path, stamp, before, unchanged)
            })
            .collect();
        let limits = &self.limits;
        let read: Vec<(PathBuf, Cached, bool)> = found
            .into_par_iter()
            .enumerate()
            .map(|(index, (path, stamp, before, unchanged))| match before {
                Some(cached) if unchanged => (path, cached, false),
                before => {
                    let file = FileId(index + 1);
                    let read = pipeline::read_file(load::load_file(&path, file, limits));
                    let changed = before.is_none_or(|b| !same(&b.read, &read));
                    (path, Cached { stamp, read }, changed)
                }
            })
            .collect();
        let mut changed = Vec::new();
        let mut files = Vec::with_capacity(read.len() + walk.problems.len());
        for (path, cached, differs) in read {
            if differs {
                changed.push(path.clone());
            }
            files.push(cached.read.clone());
            self.files.insert(path, cached);
        }
        // Entries that could not be walked are cheap to find again: never cached, but a
        // new or mended one is a change.
        let problems: Vec<(PathBuf, Vec<Diagnostic>)> = walk
            .problems
            .iter()
            .map(|p| (p.source.path.clone(), p.diagnostics.clone()))
            .collect();
        for problem in problems.iter().filter(|p| !self.problems.contains(p)) {
            changed.push(problem.0.clone());
        }
        for problem in self.problems.iter().filter(|p| !problems.contains(p)) {
            changed.push(problem.0.clone());
        }
        self.problems = problems;
        files.extend(walk.problems.into_iter().map(pipeline::read_file));
        changed.extend(previous.into_keys());
        changed.sort();
        changed.dedup();
        Ok(Refresh {
            root: root_source,
            files,
            changed,
        })
    }
}

/// Whether a re-read file says the same as before: the same text and problems (wherever the
/// file now sits in the tree).
fn same(a: &ReadFile, b: &ReadFile) -> bool {
    let problem = |d: &Diagnostic| (d.code, d.span.map(|s| s.range()), d.message.clone());
    a.source.text == b.source.text
        && a.diagnostics
            .iter()
            .map(problem)
            .eq(b.diagnostics.iter().map(problem))
}

/// A watched tree and the last good plan.
pub struct Session {
    cache: TreeCache,
    /// The plan of the last valid state: what each change is compared with.
    baseline: Option<Plan>,
    root_missing: bool,
}

/// What one batch of file-system events did.
pub enum Update {
    /// No manifest changed (e.g. only another kind of file was touched): nothing to say.
    Quiet,
    /// The root folder is gone; said once, until it is back.
    RootMissing(LoadError),
    Relinked(Box<Relinked>),
}

/// The tree after a re-link.
pub struct Relinked {
    /// Manifest files added, removed or changed since the last re-link.
    pub files: Vec<PathBuf>,
    pub checked: Checked,
    /// The new plan, when the tree is valid (no errors).
    pub plan: Option<Plan>,
    /// The new plan against the last good one (an empty plan when there was none);
    /// `None` when the tree is invalid.
    pub diff: Option<PlanDiff>,
}

impl Relinked {
    pub fn valid(&self) -> bool {
        self.plan.is_some()
    }
}

impl Session {
    /// Loads, validates and plans the tree once.
    pub fn start(root: &Path, follow_links: bool) -> Result<(Session, Relinked), LoadError> {
        let mut session = Session {
            cache: TreeCache::new(root, follow_links),
            baseline: None,
            root_missing: false,
        };
        let refresh = session.cache.refresh(&[])?;
        let relinked = session.relink(refresh);
        Ok((session, relinked))
    }

    /// Takes in a batch of changed paths (files or folders, existing or not).
    pub fn update(&mut self, touched: &[PathBuf]) -> Update {
        match self.cache.refresh(touched) {
            Err(_) if self.root_missing => Update::Quiet,
            Err(error) => {
                self.root_missing = true;
                Update::RootMissing(error)
            }
            Ok(refresh) => {
                let was_missing = std::mem::take(&mut self.root_missing);
                if refresh.changed.is_empty() && !was_missing {
                    return Update::Quiet;
                }
                Update::Relinked(Box::new(self.relink(refresh)))
            }
        }
    }

    fn relink(&mut self, refresh: Refresh) -> Relinked {
        let checked = pipeline::check_files(refresh.root, refresh.files);
        let plan =
            (checked.errors() == 0).then(|| plan::build(&checked.linked, &PlanFilter::default()));
        let diff = plan.as_ref().map(|new| {
            let empty = Plan::empty();
            diff::diff(self.baseline.as_ref().unwrap_or(&empty), new)
        });
        if let Some(plan) = &plan {
            self.baseline = Some(plan.clone());
        }
        Relinked {
            files: refresh.changed,
            checked,
            plan,
            diff,
        }
    }
}
