//! `oslinker plan`

use clap::{Args, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;
use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::model::names;
use crate::plan::{self, PlanFilter};
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help("Only processes in this environment (id or name)")))]
pub struct PlanArgs {
    #[command(flatten)]
    pub env: EnvArg,

    /// Only this process
    #[arg(
        long,
        value_name = "ID",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(candidates::process_ids)
    )]
    pub process: Option<String>,

    /// Probe every health check first and route around what is down (the only time `plan`
    /// touches the network)
    #[arg(long)]
    pub live: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    Yaml,
}

pub fn run(ui: &mut Ui, context: &Context, args: &PlanArgs) -> CommandResult {
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    if let Some(id) = &args.process
        && !checked.linked.processes.contains_key(id)
    {
        let best = names::suggest(id, checked.linked.processes.keys().map(String::as_str));
        let failure = Failure::new(format!("no process `{id}` in this tree (--process)"));
        return Err(super::did_you_mean(failure, best).into());
    }
    let live = match args.live {
        true => Some(super::live::withdraw(&mut checked.linked, None)?),
        false => None,
    };
    let filter = PlanFilter {
        environment: environment.as_deref(),
        process: args.process.as_deref(),
    };
    // Built before anything is written: YAML that cannot be written is trouble, alone.
    let whole = match args.format {
        PlanFormat::Table => {
            let plan = plan::build(&checked.linked, &filter);
            Some(text::printable(&render::plan::table(&plan)).into_owned())
        }
        PlanFormat::Yaml => {
            let plan = plan::build(&checked.linked, &filter);
            Some(text::yaml(&plan).map_err(|e| Failure::new(format!("cannot write YAML: {e}")))?)
        }
        PlanFormat::Json => None,
    };
    if let Some(note) = note {
        ui.note(&note);
    }
    if let Some(observations) = &live {
        ui.note(&render::health::live_note(observations, &checked.linked));
    }
    match whole {
        Some(whole) => ui.out(&whole),
        // Written as it is made: a large tree's plan is never whole in memory.
        None => {
            ui.out_with(|out| text::json_to(out, &plan::build_lazily(&checked.linked, &filter)))
        }
    };
    Ok(Exit::Success)
}
