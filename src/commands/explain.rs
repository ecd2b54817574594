//! `oslinker explain ID|CAPABILITY`

use clap::{Args, ValueEnum};

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::explain;
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "For a capability: only processes running in this environment (id or name) count as eligible"
)))]
pub struct ExplainArgs {
    /// An id of any kind (an environment also by name), or a capability; when it is both,
    /// both are explained, the id first
    #[arg(value_name = "ID|CAPABILITY")]
    pub name: String,

    #[command(flatten)]
    pub env: EnvArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

pub fn run(ui: &mut Ui, context: &Context, args: &ExplainArgs) -> CommandResult {
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    let linked = &checked.linked;
    let query = args.name.as_str();
    let Some(explanation) =
        explain::explain(linked, &checked.sources, query, environment.as_deref())
    else {
        let failure = Failure::new(format!(
            "`{query}` is neither an id nor a capability in this tree"
        ));
        let failure = match explain::help_for_unknown(linked, query) {
            Some(help) => failure.help(help),
            None => failure,
        };
        return Err(failure.into());
    };
    if let Some(note) = note {
        ui.note(&note);
    }
    ui.out(&match args.format {
        ExplainFormat::Table => text::printable(&render::explain::table(&explanation)).into_owned(),
        ExplainFormat::Json => text::json(&explanation),
    });
    Ok(Exit::Success)
}
