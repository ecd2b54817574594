//! `watch`'s events: one JSON object per line (`--format json`), or text for a terminal.

use std::process::ExitStatus;

use serde_json::{Value, json};

use crate::diff::PlanDiff;
use crate::health::{Observation, State};
use crate::link::routing::RouteChange;
use crate::load::{LoadError, display_path};
use crate::plan::Plan;
use crate::text;

/// What an event says about the tree, as plain data.
pub struct TreeState<'a> {
    /// The manifest files added, removed or changed (none for `ready`, or when the root
    /// came back).
    pub changed: &'a [std::path::PathBuf],
    pub files: usize,
    pub manifests: usize,
    pub errors: usize,
    pub warnings: usize,
    /// The plan, when the tree is valid.
    pub plan: Option<&'a Plan>,
    /// The plan against the last good one, when the tree is valid.
    pub diff: Option<&'a PlanDiff>,
    /// The diagnostics as `validate --format json` has them.
    pub diagnostics: Value,
    /// Relinked because a health check changed state (`watch --health`), not a file.
    pub rerouted: bool,
}

impl TreeState<'_> {
    fn valid(&self) -> bool {
        self.plan.is_some()
    }
}

/// Every event line carries it, as every JSON output does: fields may be added, never renamed.
const FORMAT_VERSION: u32 = 1;

/// `{"event":"ready", ...}`: the first load.
pub fn ready_json(root: &str, ready: &TreeState) -> Value {
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "ready",
        "root": root,
        "fileCount": ready.files,
        "manifestCount": ready.manifests,
        "valid": ready.valid(),
        "errors": ready.errors,
        "warnings": ready.warnings,
        "diagnostics": ready.diagnostics,
    })
}

/// `watching `linker.d` (19 files, 32 manifests): 10 processes and 7 routes; Ctrl-C to stop`.
pub fn ready_text(root: &str, ready: &TreeState) -> String {
    let state = match ready.plan {
        Some(plan) => format!(
            "{} and {}",
            text::plural(plan.processes.len(), "process"),
            text::plural(plan.routes.len(), "route")
        ),
        None => "invalid, waiting for a fix".to_string(),
    };
    format!(
        "watching `{root}` ({}, {}): {state}; Ctrl-C to stop",
        text::plural(ready.files, "file"),
        text::plural(ready.manifests, "manifest"),
    )
}

/// `{"event":"relinked", ...}`: `changes` as `diff --format json` has them (none while the
/// tree is invalid).
pub fn relinked_json(relinked: &TreeState) -> Value {
    let (changes, summary) = match relinked.diff {
        Some(diff) => (json!(diff.changes), json!(diff.summary)),
        None => (json!([]), Value::Null),
    };
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "relinked",
        "cause": if relinked.rerouted { "health" } else { "files" },
        "files": changed_files(relinked),
        "valid": relinked.valid(),
        "errors": relinked.errors,
        "warnings": relinked.warnings,
        "changes": changes,
        "summary": summary,
        "diagnostics": relinked.diagnostics,
    })
}

/// `==> changed files`, then the plan diff as `diff` prints it, or the tree's state.
pub fn relinked_text(root: &str, relinked: &TreeState, color: bool, summary: bool) -> String {
    let files = changed_files(relinked);
    let mut text = if relinked.rerouted {
        String::new() // the health and route lines before it say why
    } else if files.is_empty() {
        format!("==> `{root}` is back\n")
    } else {
        format!("==> {}\n", crate::text::one_line(&files.join(", ")))
    };
    match relinked.diff {
        Some(diff) => text += &super::diff::text(diff, color, summary),
        None => {
            text += &format!(
                "the tree is invalid ({}); the last good plan is kept\n",
                text::plural(relinked.errors, "error")
            );
        }
    }
    text
}

fn changed_files(relinked: &TreeState) -> Vec<String> {
    relinked.changed.iter().map(|f| display_path(f)).collect()
}

pub fn root_missing_json(root: &str, error: &LoadError) -> Value {
    json!({"formatVersion": FORMAT_VERSION, "event": "root-missing", "root": root, "message": error.to_string()})
}

pub fn error_json(message: &str) -> Value {
    json!({"formatVersion": FORMAT_VERSION, "event": "error", "message": message})
}

/// `{"event":"exec", "command", "success", "status"}`, with `message` when it could not run.
pub fn exec_json(command: &str, result: &Result<ExitStatus, String>) -> Value {
    let mut event = json!({
        "formatVersion": FORMAT_VERSION,
        "event": "exec",
        "command": command,
        "success": result.as_ref().is_ok_and(ExitStatus::success),
        "status": result.as_ref().ok().and_then(ExitStatus::code),
    });
    if let Err(error) = result {
        event["message"] = json!(error);
    }
    event
}

/// Why an `--exec` command failed, or `None` when it succeeded.
pub fn exec_failure(command: &str, result: &Result<ExitStatus, String>) -> Option<String> {
    let why = match result {
        Ok(status) if status.success() => return None,
        Ok(status) => format!("exited with {status}"),
        Err(error) => error.clone(),
    };
    Some(format!("--exec `{command}` {why}; watching goes on"))
}

/// `{"event":"health", "kind", "id", "from", "to", ...}`: a target's state changed (`from` is
/// null on its first probe).
pub fn health_json(from: Option<State>, now: &Observation) -> Value {
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "health",
        "kind": now.kind,
        "id": now.id,
        "from": from,
        "to": now.state,
        "reason": now.reason,
        "probe": now.probe,
        "latencyMs": now.latency_ms.map(|d| (d.as_secs_f64() * 1000.0).round()),
        "declared": now.declared,
        "drift": now.drift,
    })
}

/// `==> health: provider reviewer-api: healthy -> unreachable (connect refused)`.
pub fn health_text(from: Option<State>, now: &Observation) -> String {
    let reason = now
        .reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let drift = now
        .drift
        .as_deref()
        .map(|d| format!("; {d}"))
        .unwrap_or_default();
    let change = match from {
        Some(from) => format!("{} -> {}", from.as_str(), now.state.as_str()),
        None => now.state.as_str().to_string(),
    };
    let kind = now.kind.to_lowercase();
    format!("==> health: {kind} {}: {change}{reason}{drift}\n", now.id)
}

/// `{"event":"route", "capability", "environment", "from", "to"}`: a route chose another
/// provider (null: none).
pub fn route_json(change: &RouteChange) -> Value {
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "route",
        "capability": change.capability,
        "environment": change.environment,
        "from": change.from,
        "to": change.to,
    })
}

/// `    route code.review in production: reviewer-api -> backup`.
pub fn route_text(change: &RouteChange) -> String {
    let scope = (change.environment)
        .map(|env| format!(" in {env}"))
        .unwrap_or_default();
    let shown = |id: Option<&str>| id.unwrap_or("(none)").to_string();
    format!(
        "    route {}{scope}: {} -> {}\n",
        change.capability,
        shown(change.from),
        shown(change.to)
    )
}
