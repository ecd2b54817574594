//! `oslinker ls processes|capabilities|providers|platforms|environments|bindings`

use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;
use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::model::{Choice, Status, names};
use crate::pipeline::Checked;
use crate::render;
use crate::render::ls::{Filters, Listed};
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "Only what runs in (or, for capabilities, is routed in) this environment (id or name)"
)))]
pub struct LsArgs {
    /// What to list
    #[arg(value_enum)]
    pub what: What,

    #[command(flatten)]
    pub env: EnvArg,

    /// Only processes, providers and bindings on this platform
    #[arg(
        long,
        value_name = "PLATFORM",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(candidates::platforms)
    )]
    pub platform: Option<String>,

    /// Only processes (and the providers and bindings of processes) with this status
    #[arg(long, value_parser = PossibleValuesParser::new(Status::NAMES))]
    pub status: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = LsFormat::Table)]
    pub format: LsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    Processes,
    Capabilities,
    Providers,
    Platforms,
    Environments,
    Bindings,
}

impl What {
    fn listed(self) -> Listed {
        match self {
            What::Processes => Listed::Processes,
            What::Capabilities => Listed::Capabilities,
            What::Providers => Listed::Providers,
            What::Platforms => Listed::Platforms,
            What::Environments => Listed::Environments,
            What::Bindings => Listed::Bindings,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LsFormat {
    Table,
    Json,
    /// The ids (for capabilities: the names), one per line
    Name,
}

/// Lists what the tree holds. A tree with errors still answers, from every manifest that
/// could be read, with a note: a lookup is how one finds the id to fix, so refusing it then
/// would be least helpful. Exit 0 whenever the listing was printed, even empty.
pub fn run(ui: &mut Ui, context: &Context, args: &LsArgs) -> CommandResult {
    let listed = args.what.listed();
    refuse_filters_that_do_not_apply(args, listed)?;
    let checked = super::check(context)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    let platform = platform_arg(checked, args.platform.as_deref())?;
    let filters = Filters {
        environment: environment.as_deref(),
        platform,
        status: args.status.as_deref().and_then(Status::from_name),
    };
    let errors = checked.errors();
    if errors > 0 {
        ui.note(&format!(
            "note: the tree has {}; listing what could be read (run `oslinker validate`)",
            text::plural(errors, "error")
        ));
    }
    let listing = render::ls::listing(&checked.linked, listed, &filters);
    if listing.rows.is_empty() && args.format == LsFormat::Table {
        let filtered = [
            args.env.as_deref(),
            args.platform.as_deref(),
            args.status.as_deref(),
        ];
        let with = if filtered.iter().any(Option::is_some) {
            " with these filters"
        } else {
            ""
        };
        ui.note(&format!("note: no {}{with}", listed.as_str()));
    }
    ui.out(&match args.format {
        LsFormat::Table => text::printable(&render::ls::table(&listing)).into_owned(),
        LsFormat::Json => render::ls::json(&listing, listed, errors),
        LsFormat::Name => render::ls::names(&listing),
    });
    Ok(Exit::Success)
}

/// `--platform` and `--status` only mean something for what runs: a usage error elsewhere,
/// rather than a filter silently ignored.
fn refuse_filters_that_do_not_apply(args: &LsArgs, listed: Listed) -> Result<(), Failure> {
    let runs = matches!(
        listed,
        Listed::Processes | Listed::Providers | Listed::Bindings
    );
    let env_applies = runs || listed == Listed::Capabilities;
    let given = [
        ("--platform", args.platform.is_some(), runs),
        ("--status", args.status.is_some(), runs),
        ("--env", args.env.as_deref().is_some(), env_applies),
    ];
    match given.iter().find(|(_, given, applies)| *given && !applies) {
        Some((flag, _, _)) => Err(Failure::new(format!(
            "{flag} does not apply to `ls {}`",
            listed.as_str()
        ))
        .help(match *flag {
            "--env" => "it filters processes, providers, bindings and capabilities",
            _ => "it filters processes, providers and bindings",
        })),
        None => Ok(()),
    }
}

/// Checks `--platform` against the tree's platforms; an unknown one is a usage error.
fn platform_arg<'c>(
    checked: &'c Checked,
    platform: Option<&str>,
) -> Result<Option<&'c str>, Failure> {
    let Some(platform) = platform else {
        return Ok(None);
    };
    let platforms = &checked.linked.platforms;
    if let Some((id, _)) = platforms.get_key_value(platform) {
        return Ok(Some(id.as_str()));
    }
    let known = platforms.keys().map(String::as_str);
    let help = match names::suggest(platform, known.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "platforms in this tree: {}",
            known.collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Failure::new(format!("unknown platform `{platform}` (--platform)")).help(help))
}

/// `ls`'s exit codes: a listing is an answer, also from a tree with errors.
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["the listing was printed (also from a tree with errors, with a note; also empty)"],
        ),
        (
            2,
            &[
                "oslinker could not do its job: usage error, a filter that does not apply, unknown",
                "--env or --platform, missing or unreadable root, I/O error",
            ],
        ),
    ],
    note: "",
};
