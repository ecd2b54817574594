//! `oslinker resolve <CAPABILITY>`

use clap::{Args, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;
use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::link::routing;
use crate::model::names;
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "Only processes running in this environment (id or name) count as eligible"
)))]
pub struct ResolveArgs {
    /// The capability to route, e.g. `code.generation`
    #[arg(value_hint = ValueHint::Other, add = ArgValueCandidates::new(candidates::capabilities))]
    pub capability: String,

    #[command(flatten)]
    pub env: EnvArg,

    /// Also list ineligible providers, with the reason
    #[arg(long)]
    pub all: bool,

    /// Probe the eligible candidates' health checks first and withdraw those that are down
    /// (the only time `resolve` touches the network)
    #[arg(long)]
    pub live: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = ResolveFormat::Table)]
    pub format: ResolveFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolveFormat {
    Table,
    Json,
    /// Eligible provider ids, one per line
    Name,
}

pub fn run(ui: &mut Ui, context: &Context, args: &ResolveArgs) -> CommandResult {
    if let Err(why) = names::check_capability(&args.capability) {
        let message = format!("`{}` is not a capability name: {why}", args.capability);
        let help = "capabilities are lowercase dotted segments, e.g. `code.generation`";
        return Err(Failure::new(message).help(help).into());
    }
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    if args.live {
        // The only network `resolve` touches, and only when asked.
        let candidates =
            routing::resolve(&checked.linked, &args.capability, environment.as_deref())
                .candidates
                .iter()
                .filter(|c| c.eligible)
                .filter_map(|c| checked.linked.routing.server_id(&checked.linked, c.id))
                .collect();
        super::live::withdraw(&mut checked.linked, Some(&candidates))?;
    }
    let resolution = routing::resolve(&checked.linked, &args.capability, environment.as_deref());
    let found = resolution.eligible().next().is_some();
    if let Some(note) = note {
        ui.note(&note);
    }
    if !found {
        ui.err(&render::resolve::none_eligible(
            &resolution,
            environment.as_deref(),
        ));
    }
    ui.out(&match args.format {
        ResolveFormat::Table => {
            text::printable(&render::resolve::table(&resolution, args.all)).into_owned()
        }
        ResolveFormat::Json => render::resolve::json(&resolution, args.all),
        ResolveFormat::Name => render::resolve::names(&resolution),
    });
    Ok(if found { Exit::Success } else { Exit::No })
}
