//! What `oslinker health` says: a table, the versioned JSON, or Prometheus' text exposition
//! (for node_exporter's textfile collector).

use comfy_table::{Table, presets};
use serde_json::json;

use crate::health::{Observation, State};
use crate::link::Linked;
use crate::text;

pub fn table(observations: &[Observation]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_header(["TARGET", "KIND", "STATE", "LATENCY", "DECLARED", "WHY"]);
    for o in observations {
        let why = match (&o.reason, &o.drift) {
            (Some(reason), Some(drift)) => format!("{reason}; {drift}"),
            (Some(reason), None) => reason.clone(),
            (None, _) => "-".to_string(),
        };
        table.add_row([
            o.id.clone(),
            o.kind.to_string(),
            o.state.as_str().to_string(),
            o.latency_ms
                .map_or("-".to_string(), |d| format!("{} ms", d.as_millis())),
            o.declared.unwrap_or("-").to_string(),
            why,
        ]);
    }
    let mut out = String::new();
    if !observations.is_empty() {
        for line in table.to_string().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push_str(&summary(observations));
    out.push('\n');
    out
}

/// `3 targets: 1 healthy, 1 unhealthy, 1 unreachable; 1 drifts from its declared status`.
pub fn summary(observations: &[Observation]) -> String {
    let count = |state: State| observations.iter().filter(|o| o.state == state).count();
    let mut parts = Vec::new();
    for state in [
        State::Healthy,
        State::Unhealthy,
        State::Unreachable,
        State::NoCheck,
    ] {
        let n = count(state);
        if n > 0 {
            parts.push(format!("{n} {}", state.as_str()));
        }
    }
    let mut line = format!(
        "{}: {}",
        text::plural(observations.len(), "target"),
        parts.join(", ")
    );
    if observations.is_empty() {
        line = "no health checks declared (add `health:` to a Process or Provider)".to_string();
    }
    let drifting = observations.iter().filter(|o| o.drift.is_some()).count();
    if drifting > 0 {
        let verb = if drifting == 1 { "drifts" } else { "drift" };
        line.push_str(&format!("; {drifting} {verb} from the declared status"));
    }
    line
}

/// What `--live` did: the probes' summary, then each server withdrawn from the routes and why.
pub fn live_note(observations: &[Observation], linked: &Linked) -> String {
    let mut withdrawn: Vec<(&str, &str)> = (linked.routing.withdrawals())
        .map(|(server, why)| (linked.server_name(server), why))
        .collect();
    withdrawn.sort_unstable();
    let mut note = format!("live: {}", summary(observations));
    match withdrawn.is_empty() {
        true => note.push_str("; nothing withdrawn"),
        false => note.push_str("; withdrawn from every route:"),
    }
    for (id, why) in withdrawn {
        note.push_str(&format!("\n  {id}: {why}"));
    }
    note
}

/// `{"formatVersion": 1, "targets": [...], "summary": {...}}`.
pub fn json(observations: &[Observation]) -> String {
    let count = |state: State| observations.iter().filter(|o| o.state == state).count();
    text::json(&json!({
        "formatVersion": 1,
        "targets": observations,
        "summary": {
            "targets": observations.len(),
            "healthy": count(State::Healthy),
            "unhealthy": count(State::Unhealthy),
            "unreachable": count(State::Unreachable),
            "noCheck": count(State::NoCheck),
            "drifting": observations.iter().filter(|o| o.drift.is_some()).count(),
        },
    }))
}

/// Prometheus' text exposition format: per target, whether it is up, the probe's duration,
/// and whether it drifts from its declared status.
pub fn prometheus(observations: &[Observation]) -> String {
    let probed: Vec<&Observation> = observations
        .iter()
        .filter(|o| o.state != State::NoCheck)
        .collect();
    let mut out = String::new();
    let mut metric = |name: &str, help: &str, value: &dyn Fn(&Observation) -> Option<String>| {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for o in &probed {
            if let Some(value) = value(o) {
                out.push_str(&format!(
                    "{name}{{kind=\"{}\",id=\"{}\"}} {value}\n",
                    o.kind,
                    label(&o.id)
                ));
            }
        }
    };
    metric(
        "oslinker_health_up",
        "Whether the target answered its health check as expected (1) or not (0).",
        &|o| Some(u8::from(o.state == State::Healthy).to_string()),
    );
    metric(
        "oslinker_health_probe_duration_seconds",
        "How long the health check took, for targets that answered.",
        &|o| o.latency_ms.map(|d| format!("{:.3}", d.as_secs_f64())),
    );
    metric(
        "oslinker_health_drift",
        "Whether what the check found differs from the declared status (1) or not (0).",
        &|o| Some(u8::from(o.drift.is_some()).to_string()),
    );
    out
}

/// A label value as the exposition format escapes it.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
