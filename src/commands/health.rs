//! `oslinker health [ID]...`: probes the health checks the tree declares and compares what
//! answers with each manifest's declared status.

use std::time::Duration;

use clap::{Args, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;
use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::health;
use crate::model::health::parse_duration;
use crate::render;
use crate::text;
use crate::ui::Ui;

use super::Context;

/// What the exit codes mean for `health` (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["every target is healthy and as declared (or declares no check)"],
        ),
        (
            1,
            &["a target is unhealthy or unreachable, or drifts from its declared status"],
        ),
        (2, &["usage error, missing or invalid root, an unknown id"]),
    ],
    note: "Only `health`, `resolve --live` and `watch --health` touch the network.",
};

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Only these Processes and Providers (ids) [default: every one with a `health` check]
    #[arg(value_name = "ID", value_hint = ValueHint::Other, add = ArgValueCandidates::new(candidates::process_ids))]
    pub ids: Vec<String>,

    /// How many probes run at once
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// The most the whole run may take; what is still being probed then is reported
    /// unreachable (`500ms`, `10s`, `1m`)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub deadline: Duration,

    /// Output format
    #[arg(long, value_enum, default_value_t = HealthFormat::Table)]
    pub format: HealthFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HealthFormat {
    /// A row per target and a summary
    Table,
    /// `{"formatVersion":1, "targets":[...], "summary":{...}}`
    Json,
    /// Prometheus text exposition (node_exporter's textfile collector)
    Prometheus,
}

fn duration(text: &str) -> Result<Duration, String> {
    parse_duration(text)
        .filter(|d| !d.is_zero())
        .ok_or_else(|| "write a positive whole number of `ms`, `s` or `m`, e.g. `10s`".to_string())
}

pub fn run(ui: &mut Ui, context: &Context, args: &HealthArgs) -> CommandResult {
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let targets = health::targets(&checked.linked, &args.ids).map_err(|unknown| {
        let first = &unknown[0];
        let known = (checked.linked.processes.keys()).chain(checked.linked.providers.keys());
        let best = crate::model::names::suggest(first, known.map(String::as_str));
        let failure = Failure::new(format!(
            "no Process or Provider `{}` in this tree",
            text::one_line(first)
        ));
        super::did_you_mean(failure, best)
    })?;
    let observations = health::probe_all(&targets, usize::from(args.concurrency), args.deadline)
        .map_err(|e| Failure::new(format!("cannot start probing: {e}")))?;
    if let Some(note) = note {
        ui.note(&note);
    }
    ui.out(&match args.format {
        HealthFormat::Table => text::printable(&render::health::table(&observations)).into_owned(),
        HealthFormat::Json => render::health::json(&observations),
        HealthFormat::Prometheus => render::health::prometheus(&observations),
    });
    Ok(match observations.iter().all(health::Observation::fine) {
        true => Exit::Success,
        false => Exit::No,
    })
}
