//! `oslinker diff OLD [NEW]`

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::diff;
use crate::diff::sides::{self, Side, SideError, SidePlan};
use crate::error::{CommandError, CommandResult};
use crate::exit::{Exit, ExitCodes};
use crate::load::display_path;
use crate::plan::Plan;
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

/// What the exit codes mean for this command (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: " (as diff(1) and `git diff --exit-code`)",
    codes: &[
        (0, &["no differences"]),
        (1, &["the plans differ"]),
        (
            2,
            &["trouble: a side cannot be read or does not validate (its diagnostics are printed)"],
        ),
    ],
    note: "",
};

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help("Only processes in this environment (id or name, on either side), and routes as they resolve there")))]
pub struct DiffArgs {
    /// The old side: a manifest folder, a plan file written by `oslinker plan --format json`
    /// (or yaml), or `git:REV` (the manifest folder as committed at REV, e.g. `git:origin/main`)
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The new side, in the same forms [default: the current tree]
    #[arg(value_name = "NEW")]
    pub new: Option<String>,

    /// Print only the summary line
    #[arg(long)]
    pub stat: bool,

    #[command(flatten)]
    pub env: EnvArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Grouped by process and route: `+` added, `-` removed, `~` changed
    Text,
    /// `{"formatVersion":1, "changes":[...], "summary":{...}}`
    Json,
    /// For a pull-request comment: a table of what changed, then each process in a
    /// collapsed section
    Markdown,
}

pub fn run(ui: &mut Ui, context: &Context, args: &DiffArgs) -> CommandResult {
    let old = Side::parse(&args.old);
    let new = args.new.as_deref().map(Side::parse);
    let any_git = old.is_git() || new.as_ref().is_some_and(Side::is_git);
    if any_git && context.follow_links {
        // Both sides must be read the same way, and a revision's links to folders are not
        // followed: the linked folder could be anywhere, or not committed.
        return Err(CommandError::failed(
            "--follow-links cannot be used with a `git:REV` side: links to folders are not followed at a revision",
        ));
    }
    // The manifest folder is needed for the default NEW side and for `git:REV` only: two
    // folders or plan files can be compared anywhere.
    let root = if new.is_none() || any_git {
        context.root()?
    } else {
        PathBuf::new()
    };
    let new = new.unwrap_or_else(|| Side::Tree(root.clone()));
    let old = side(ui, context, &old, &root, "OLD", &args.old)?;
    let new_arg = args.new.clone().unwrap_or_else(|| display_path(&root));
    let new = side(ui, context, &new, &root, "NEW", &new_arg)?;
    let changes = match args.env.as_deref() {
        None => diff::diff(&old.plan, &new.plan),
        Some(wanted) => {
            let environment = diff::environment::resolve(wanted, [&old, &new])?;
            // A side with no manifests at a revision is an empty plan, not a plan file.
            let planned = |side: &SidePlan| side.tree.is_some() || side.plan == Plan::empty();
            let routes_too = planned(&old) && planned(&new);
            if !routes_too {
                ui.note("note: routes are not compared with --env when a side is a plan file (it does not say how routes resolve in one environment)");
            }
            diff::diff(
                &diff::environment::narrow(&old, &environment, routes_too),
                &diff::environment::narrow(&new, &environment, routes_too),
            )
        }
    };
    // `-q` drops the closing summary line of the full text diff.
    let summary = !ui.quiet();
    ui.out(&match (args.format, args.stat) {
        (DiffFormat::Json, false) => text::json(&changes),
        (DiffFormat::Json, true) => text::json(&render::diff::StatJson::of(&changes)),
        // The summary is what `--stat` asks for, so `-q` keeps it.
        (DiffFormat::Text, true) => format!("{}\n", render::diff::summary(&changes.summary)),
        (DiffFormat::Text, false) => render::diff::text(&changes, ui.color_stdout(), summary),
        (DiffFormat::Markdown, true) => {
            format!(
                "### Plan diff: {}\n",
                render::diff::summary(&changes.summary)
            )
        }
        (DiffFormat::Markdown, false) => render::diff::markdown(&changes),
    });
    Ok(if changes.is_empty() {
        Exit::Success
    } else {
        Exit::No
    })
}

/// One side's plan; a side that cannot be read or does not validate is trouble (exit 2),
/// with its diagnostics.
fn side(
    ui: &mut Ui,
    context: &Context,
    side: &Side,
    root: &Path,
    which: &str,
    arg: &str,
) -> Result<SidePlan, CommandError> {
    // What the user typed, quoted on one line whatever it holds.
    let arg = text::one_line(arg);
    match sides::side_plan(side, root, context.follow_links) {
        Ok(plan) => {
            if let Some(note) = &plan.note {
                ui.note(&text::printable(note));
            }
            Ok(plan)
        }
        Err(SideError::Trouble(failure)) => {
            Err(failure.context(format_args!("{which} side `{arg}`")).into())
        }
        Err(SideError::Invalid(checked)) => {
            let summary = format!(
                "{which} side `{arg}` is not valid: {}; nothing compared",
                text::plural(checked.errors(), "error")
            );
            Err(super::errors_only(ui, &checked, &summary, Exit::Trouble))
        }
    }
}
