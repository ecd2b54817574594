//! `oslinker resolve <CAPABILITY>`

use clap::{Args, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;
use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::link::routing;
use crate::model::names;
use crate::pipeline::Checked;
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
    if !routing::is_known(&checked.linked, &args.capability) {
        if let Some(note) = note {
            ui.note(&note);
        }
        return Err(unknown_capability(ui, checked, args, environment.as_deref()).into());
    }
    let near_miss = render::resolve::near_miss(&checked.linked, &args.capability);
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
    if let Some(near_miss) = &near_miss {
        ui.note(&near_miss.note(&args.capability));
    }
    // With no environment chosen, a development agent can rank above the production one:
    // say so first, and show where each runs.
    let spread = match environment {
        None => render::resolve::spread_over(&resolution, args.all),
        Some(_) => Vec::new(),
    };
    if !spread.is_empty() {
        ui.note(&render::resolve::no_environment_note(&spread));
    }
    if !found {
        ui.err(&render::resolve::none_eligible(
            &resolution,
            environment.as_deref(),
        ));
    }
    ui.out(&match args.format {
        ResolveFormat::Table => text::printable(&render::resolve::table(
            &resolution,
            args.all,
            !spread.is_empty(),
        ))
        .into_owned(),
        ResolveFormat::Json => render::resolve::json_near_miss(
            &resolution,
            args.all,
            environment.as_deref(),
            near_miss.as_ref(),
        ),
        ResolveFormat::Name => render::resolve::names(&resolution),
    });
    Ok(if found { Exit::Success } else { Exit::No })
}

/// A capability nothing in the tree mentions: most likely a typo, so trouble (exit 2) with
/// the closest name, not "no" (exit 1) as for an outage. `--format json` still answers, with
/// `known: false`, for scripts that read the answer before the exit code.
fn unknown_capability(
    ui: &mut Ui,
    checked: &Checked,
    args: &ResolveArgs,
    environment: Option<&str>,
) -> Failure {
    let best = routing::closest_capability(&checked.linked, &args.capability);
    if args.format == ResolveFormat::Json {
        ui.out(&render::resolve::unknown_json(
            &args.capability,
            environment,
            best,
        ));
    }
    let failure = Failure::new(format!(
        "no capability `{}` in this tree: no map key, Provider or Process names it",
        args.capability
    ));
    match best {
        Some(best) => failure.help(format!("did you mean `{best}`?")),
        None => failure.help("`oslinker ls capabilities` lists the capabilities the tree names"),
    }
}

/// `resolve`'s exit codes: an unknown capability is told apart from one no provider serves.
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["an eligible provider was found"]),
        (
            1,
            &[
                "the answer is \"no\": the tree names the capability, but no provider is eligible",
                "(or the tree has errors)",
            ],
        ),
        (
            2,
            &[
                "oslinker could not do its job: nothing in the tree names the capability (a did-you-mean",
                "follows), usage error, unknown --env, missing or unreadable root, I/O error",
            ],
        ),
    ],
    note: "",
};
