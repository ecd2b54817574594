//! One file per subcommand: arguments -> pipeline -> render. No logic of their own.

pub mod completions;
pub mod diff;
pub mod explain;
pub mod graph;
pub mod init;
pub mod man;
pub mod plan;
pub mod resolve;
pub mod schema;
pub mod validate;
pub mod watch;

use crate::model::names;
use crate::pipeline::{self, Checked};
use crate::report::{self, HumanOptions};
use crate::text;
use crate::{Context, Exit, Outcome};

/// Loads and links the tree; a root that cannot be loaded is trouble (exit 2).
///
/// The tree lives until the process exits: a command runs once, and freeing a large tree
/// piece by piece costs more than the rest of a short command does.
fn check(context: &Context) -> Result<&'static Checked, Outcome> {
    let checked = pipeline::check_tree(&context.root()?, context.follow_links).map_err(|e| {
        Outcome::trouble(format!(
            "{e}\nhelp: pass --dir DIR (or set OSLINKER_DIR) to the folder that holds your manifests"
        ))
    })?;
    Ok(Box::leak(Box::new(checked)))
}

fn human_options(context: &Context) -> HumanOptions {
    HumanOptions {
        color: context.color,
        width: context.width,
    }
}

/// A tree's errors (not its warnings) as human diagnostics on stderr, with a summary.
fn errors_only(context: &Context, checked: &Checked, summary: &str, exit: Exit) -> Outcome {
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let mut outcome = Outcome::new(exit);
    outcome.stderr = report::human(
        &checked.sources,
        &errors,
        Some(summary),
        &human_options(context),
    );
    outcome
}

/// For commands that need a sound tree: an invalid one gets its diagnostics and exit 1
/// rather than an answer built from broken input. Warnings get a one-line note.
fn require_valid(context: &Context, checked: &Checked) -> Result<String, Outcome> {
    let errors = checked.errors();
    if errors > 0 {
        let summary = format!(
            "{} in `{}`; nothing resolved (run `oslinker validate` for details)",
            text::plural(errors, "error"),
            checked.sources.get(checked.root).display
        );
        return Err(errors_only(context, checked, &summary, Exit::No));
    }
    let warnings = checked.warnings();
    if warnings > 0 && !context.quiet {
        return Ok(format!(
            "note: {} in the tree (run `oslinker validate`)\n",
            text::plural(warnings, "warning")
        ));
    }
    Ok(String::new())
}

/// Resolves `--env` (an id or a name) to an environment id; an unknown one is a usage error.
fn environment_arg(checked: &Checked, env: Option<&str>) -> Result<Option<String>, Outcome> {
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
            Err(Outcome::trouble(format!(
                "unknown environment `{env}` (--env)\nhelp: {help}"
            )))
        }
    }
}
