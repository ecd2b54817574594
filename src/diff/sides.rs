//! The sides of `diff`: a manifest folder, a plan file, or the manifest folder at a git
//! revision, each turned into a whole plan by the same walk as every other command.

use std::path::{Path, PathBuf};

use crate::error::Failure;
use crate::load::{self, Limits};
use crate::pipeline::{Checked, check_loaded, check_tree};
use crate::plan::{self, Plan, PlanFilter};

/// One side of a `diff`: what the user wrote, and where the plan comes from.
#[derive(Debug, Clone)]
pub enum Side {
    /// A folder of manifests.
    Tree(PathBuf),
    /// A plan written by `oslinker plan --format json` or `--format yaml`.
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
    Trouble(Failure),
}

/// A side's plan, and a note for the user when it needs one (e.g. the folder did not exist
/// at that revision, so the side is an empty plan).
pub struct SidePlan {
    pub plan: Plan,
    pub note: Option<String>,
    /// The linked tree it was planned from (none for a plan file): what `--env` plans again.
    pub tree: Option<Box<Checked>>,
}

/// The whole plan of one side (no filters), from the same loader and linker as every
/// other command. `root` is the manifest folder that a `git:REV` side reads at REV.
pub fn side_plan(side: &Side, root: &Path, follow_links: bool) -> Result<SidePlan, SideError> {
    let checked = match side {
        Side::Tree(dir) => check_tree(dir, follow_links)
            .map_err(|e| SideError::Trouble(Failure::new(e.to_string())))?,
        Side::PlanFile(path) => return read_plan_file(path),
        Side::Git { rev } => {
            match load::git::load_revision(root, rev, &Limits::default())
                .map_err(SideError::Trouble)?
            {
                Some(tree) => check_loaded(tree),
                None => {
                    return Ok(SidePlan {
                        plan: Plan::empty(),
                        tree: None,
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
        tree: Some(Box::new(checked)),
    })
}

fn read_plan_file(path: &Path) -> Result<SidePlan, SideError> {
    let plan = super::file::read(path).map_err(SideError::Trouble)?;
    Ok(SidePlan {
        plan,
        note: None,
        tree: None,
    })
}
