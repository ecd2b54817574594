//! `watch`'s text for a terminal. With `--format json` it prints CloudEvents instead,
//! made by `crate::watch::emitter` as `serve` makes them.

use std::process::ExitStatus;

use crate::diff::PlanDiff;
use crate::health::{Observation, State};
use crate::link::routing::RouteChange;
use crate::load::display_path;
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
    /// The plan, when the tree is valid.
    pub plan: Option<&'a Plan>,
    /// The plan against the last good one, when the tree is valid.
    pub diff: Option<&'a PlanDiff>,
    /// Relinked because a health check changed state (`watch --health`), not a file.
    pub rerouted: bool,
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

/// Why an `--exec` command failed, or `None` when it succeeded.
pub fn exec_failure(command: &str, result: &Result<ExitStatus, String>) -> Option<String> {
    let why = match result {
        Ok(status) if status.success() => return None,
        Ok(status) => format!("exited with {status}"),
        Err(error) => error.clone(),
    };
    Some(format!("--exec `{command}` {why}; watching goes on"))
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
