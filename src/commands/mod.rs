//! One file per subcommand: its arguments, then arguments -> pipeline -> render, written
//! through the output layer (`Ui`). No logic of their own.

pub mod args;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod export;
pub mod graph;
pub mod health;
pub mod init;
mod live;
pub mod ls;
pub mod lsp;
pub mod man;
pub mod plan;
pub mod policy;
pub mod resolve;
pub mod schema;
pub mod serve;
pub mod validate;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::error::{CommandError, Failure};
use crate::exit::Exit;
use crate::load;
use crate::model::names;
use crate::pipeline::{self, Checked};
use crate::report::{self, HumanOptions};
use crate::text;
use crate::ui::Ui;

/// What every command that reads a tree needs besides its own arguments.
pub struct Context {
    /// `--dir` / `OSLINKER_DIR`; see [`Context::root`].
    pub dir: Option<PathBuf>,
    pub follow_links: bool,
}

impl Context {
    /// `--dir` (or `OSLINKER_DIR`) as given, without looking for a tree: for `init`, which
    /// creates one.
    pub fn dir_option(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The manifest directory: `--dir`, else the nearest `linker.d`. Only commands that read
    /// a tree ask, so `schema` or `completions` work anywhere.
    pub fn root(&self) -> Result<PathBuf, CommandError> {
        match &self.dir {
            Some(dir) => Ok(dir.clone()),
            None => Ok(load::root::find_default()?),
        }
    }
}

/// How to get out of a root that cannot be loaded.
const ROOT_HELP: &str =
    "pass --dir DIR (or set OSLINKER_DIR) to the folder that holds your manifests";

/// Loads and links the tree; a root that cannot be loaded is trouble (exit 2).
///
/// The tree lives until the process exits: a command runs once, and freeing a large tree
/// piece by piece costs more than the rest of a short command does.
fn check(context: &Context) -> Result<&'static mut Checked, CommandError> {
    let checked = pipeline::check_tree(&context.root()?, context.follow_links)
        .map_err(|e| Failure::new(e.to_string()).help(ROOT_HELP))?;
    Ok(Box::leak(Box::new(checked)))
}

fn human_options(ui: &Ui) -> HumanOptions {
    HumanOptions {
        color: ui.color_stderr(),
        width: ui.width(),
    }
}

/// A tree's errors (not its warnings) as human diagnostics, with a summary, as the reason a
/// command has no answer.
fn errors_only(ui: &Ui, checked: &Checked, summary: &str, exit: Exit) -> CommandError {
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let report = report::human(&checked.sources, &errors, Some(summary), &human_options(ui));
    CommandError::Diagnosed { report, exit }
}

/// For commands that need a sound tree: an invalid one gets its diagnostics and exit 1
/// rather than an answer built from broken input. Warnings get a one-line note, which the
/// command writes once its arguments are known to be good.
fn require_valid(ui: &Ui, checked: &Checked) -> Result<Option<String>, CommandError> {
    let errors = checked.errors();
    if errors > 0 {
        let summary = format!(
            "{} in `{}`; nothing resolved (run `oslinker validate` for details)",
            text::plural(errors, "error"),
            checked.sources.get(checked.root).display
        );
        return Err(errors_only(ui, checked, &summary, Exit::No));
    }
    let warnings = checked.warnings();
    Ok((warnings > 0).then(|| {
        format!(
            "note: {} in the tree (run `oslinker validate`)",
            text::plural(warnings, "warning")
        )
    }))
}

/// Resolves `--env` (an id or a name) to an environment id; an unknown one is a usage error.
fn environment_arg(checked: &Checked, env: Option<&str>) -> Result<Option<String>, Failure> {
    let Some(env) = env else { return Ok(None) };
    match checked.linked.environment_id(env) {
        Some(id) => Ok(Some(id.to_string())),
        None => {
            let environments = checked.linked.environments.values();
            let known: Vec<&str> = environments.clone().map(|e| e.id.value.as_str()).collect();
            let names = environments.map(|e| e.name.value.as_str());
            let help = match names::suggest(env, known.iter().copied().chain(names)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("environments in this tree: {}", known.join(", ")),
            };
            Err(Failure::new(format!("unknown environment `{env}` (--env)")).help(help))
        }
    }
}

/// "No `what` in this tree", with the closest name as the way out.
fn did_you_mean(failure: Failure, best: Option<&str>) -> Failure {
    match best {
        Some(best) => failure.help(format!("did you mean `{best}`?")),
        None => failure,
    }
}
