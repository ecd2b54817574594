//! `oslinker diff OLD [NEW]`

use std::path::{Path, PathBuf};

use crate::cli::{DiffArgs, DiffFormat};
use crate::diff;
use crate::diff::sides::{self, Side, SideError, SidePlan};
use crate::load::display_path;
use crate::text;
use crate::{Context, Exit, Outcome, render};

pub fn run(context: &Context, args: &DiffArgs) -> Outcome {
    diff(context, args).unwrap_or_else(|stop| stop)
}

fn diff(context: &Context, args: &DiffArgs) -> Result<Outcome, Outcome> {
    let old = Side::parse(&args.old);
    let new = args.new.as_deref().map(Side::parse);
    let any_git = old.is_git() || new.as_ref().is_some_and(Side::is_git);
    if any_git && context.follow_links {
        // Both sides must be read the same way, and a revision's links to folders are not
        // followed: the linked folder could be anywhere, or not committed.
        return Err(Outcome::trouble(
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
    let mut outcome = Outcome::new(Exit::Success);
    let old = side(context, &old, &root, "OLD", &args.old, &mut outcome)?;
    let new_arg = args.new.clone().unwrap_or_else(|| display_path(&root));
    let new = side(context, &new, &root, "NEW", &new_arg, &mut outcome)?;
    let changes = diff::diff(&old.plan, &new.plan);
    if !changes.is_empty() {
        outcome.exit = Exit::No;
    }
    // `-q` drops the closing summary line of the full text diff.
    let summary = !context.quiet;
    outcome.stdout = match (args.format, args.stat) {
        (DiffFormat::Json, false) => text::json(&changes),
        (DiffFormat::Json, true) => text::json(&render::diff::StatJson::of(&changes)),
        // The summary is what `--stat` asks for, so `-q` keeps it.
        (DiffFormat::Text, true) => format!("{}\n", render::diff::summary(&changes.summary)),
        (DiffFormat::Text, false) => render::diff::text(&changes, context.color_stdout, summary),
    };
    Ok(outcome)
}

/// One side's plan; a side that cannot be read or does not validate is trouble (exit 2),
/// with its diagnostics.
fn side(
    context: &Context,
    side: &Side,
    root: &Path,
    which: &str,
    arg: &str,
    outcome: &mut Outcome,
) -> Result<SidePlan, Outcome> {
    // What the user typed, quoted on one line whatever it holds.
    let arg = text::one_line(arg);
    match sides::side_plan(side, root, context.follow_links) {
        Ok(plan) => {
            if let Some(note) = &plan.note
                && !context.quiet
            {
                outcome
                    .stderr
                    .push_str(&format!("{}\n", text::printable(note)));
            }
            Ok(plan)
        }
        Err(SideError::Trouble(message)) => {
            Err(Outcome::trouble(format!("{which} side `{arg}`: {message}")))
        }
        Err(SideError::Invalid(checked)) => {
            let summary = format!(
                "{which} side `{arg}` is not valid: {}; nothing compared",
                text::plural(checked.errors(), "error")
            );
            Err(super::errors_only(
                context,
                &checked,
                &summary,
                Exit::Trouble,
            ))
        }
    }
}
