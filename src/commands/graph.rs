//! `oslinker graph`

use clap::{Args, ValueEnum};

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::graph::{self, GraphFilter};
use crate::render;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "Only processes in this environment (id or name), their bindings, and the providers they \
     back or that are hosted; eligibility counts only processes running there"
)))]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    #[command(flatten)]
    pub env: EnvArg,

    /// Only this capability and those under it (`code` takes in `code.review`), with its
    /// candidates and the processes behind them or requiring it; may be repeated
    #[arg(long, value_name = "CAPABILITY")]
    pub capability: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`)
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown)
    Mermaid,
}

pub fn run(ui: &mut Ui, context: &Context, args: &GraphArgs) -> CommandResult {
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    if let Some((wanted, best)) = graph::unknown_focus(&checked.linked, &args.capability) {
        let failure = Failure::new(format!(
            "no capability `{wanted}` in this tree (--capability)"
        ));
        return Err(super::did_you_mean(failure, best).into());
    }
    let filter = GraphFilter {
        environment: environment.as_deref(),
        capabilities: &args.capability,
    };
    let graph = graph::build(&checked.linked, &filter);
    if let Some(note) = note {
        ui.note(&note);
    }
    ui.out(&match args.format {
        GraphFormat::Dot => render::graph::dot(&graph),
        GraphFormat::Mermaid => render::graph::mermaid(&graph),
    });
    Ok(Exit::Success)
}
