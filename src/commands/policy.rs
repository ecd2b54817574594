//! `oslinker policy test [ID]...`: runs each Policy's examples, as `opa test` does.

use clap::{Args, Subcommand, ValueEnum};

use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::policy::{self, examples::ExampleResult};
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;

/// What the exit codes mean for `policy test` (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["every example passed (or there were none)"]),
        (
            1,
            &["an example failed: a rule that should fail did not, or one failed that should not"],
        ),
        (
            2,
            &["usage error, missing or unreadable root, an unknown policy id"],
        ),
    ],
    note: "",
};

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run each Policy's examples: the rules that must fail on each, and those that must pass
    #[command(after_long_help = EXIT_CODES.help())]
    Test(PolicyTestArgs),
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// Only these policies (ids) [default: every Policy in the tree]
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = PolicyTestFormat::Text)]
    pub format: PolicyTestFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyTestFormat {
    /// One line per example, the failures explained, and a summary
    Text,
    /// `{"formatVersion":1, "results":[...], "passed":N, "failed":N}`
    Json,
}

pub fn run(ui: &mut Ui, context: &Context, args: &PolicyArgs) -> CommandResult {
    match &args.command {
        PolicyCommand::Test(args) => test(ui, context, args),
    }
}

fn test(ui: &mut Ui, context: &Context, args: &PolicyTestArgs) -> CommandResult {
    let checked = super::check(context)?;
    let linked = &checked.linked;
    for id in &args.ids {
        if !linked.policies.contains_key(id) {
            let best = crate::model::names::suggest(id, linked.policies.keys().map(String::as_str));
            let failure = Failure::new(format!("no Policy `{id}` in this tree"));
            return Err(super::did_you_mean(failure, best).into());
        }
    }
    // Examples are trees of their own: the tree's errors elsewhere do not stop them.
    let errors = checked.errors();
    if errors > 0 {
        ui.note(&format!(
            "note: {} in the tree (run `oslinker validate`); the examples are run all the same",
            text::plural(errors, "error")
        ));
    }
    let chosen = (linked.policies.values())
        .filter(|p| args.ids.is_empty() || args.ids.contains(&p.id.value));
    let results: Vec<ExampleResult> = policy::on_a_large_stack(|| {
        chosen
            .flat_map(|p| policy::examples::run(p, checked.sources.get(p.id.span.file)))
            .collect()
    })
    .map_err(|e| Failure::new(format!("cannot start a thread to run the examples: {e}")))?;
    if results.is_empty() {
        ui.note("note: no Policy has examples; nothing was tested");
    }
    ui.out(&match args.format {
        PolicyTestFormat::Text => text::printable(&render::policy::text(&results)).into_owned(),
        PolicyTestFormat::Json => render::policy::json(&results),
    });
    Ok(match results.iter().all(|r| r.passed) {
        true => Exit::Success,
        false => Exit::No,
    })
}
