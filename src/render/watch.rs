//! `watch`'s events: one JSON object per line (`--format json`), or text for a terminal.

use std::process::ExitStatus;

use serde_json::{Value, json};

use crate::load::{LoadError, display_path};
use crate::text;
use crate::watch::Relinked;

/// Every event line carries it, as every JSON output does: fields may be added, never renamed.
const FORMAT_VERSION: u32 = 1;

/// `{"event":"ready", ...}`: the first load; `diagnostics` as `validate --format json` has
/// them.
pub fn ready_json(root: &str, ready: &Relinked, diagnostics: Value) -> Value {
    let checked = &ready.checked;
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "ready",
        "root": root,
        "fileCount": checked.files,
        "manifestCount": checked.manifests,
        "valid": ready.valid(),
        "errors": checked.errors(),
        "warnings": checked.warnings(),
        "diagnostics": diagnostics,
    })
}

/// `watching `linker.d` (19 files, 32 manifests): 10 processes and 7 routes; Ctrl-C to stop`.
pub fn ready_text(root: &str, ready: &Relinked) -> String {
    let checked = &ready.checked;
    let state = match &ready.plan {
        Some(plan) => format!(
            "{} and {}",
            text::plural(plan.processes.len(), "process"),
            text::plural(plan.routes.len(), "route")
        ),
        None => "invalid, waiting for a fix".to_string(),
    };
    format!(
        "watching `{root}` ({}, {}): {state}; Ctrl-C to stop",
        text::plural(checked.files, "file"),
        text::plural(checked.manifests, "manifest"),
    )
}

/// `{"event":"relinked", ...}`: `changes` as `diff --format json` has them (none while the
/// tree is invalid), `diagnostics` as `validate --format json` has them.
pub fn relinked_json(relinked: &Relinked, diagnostics: Value) -> Value {
    let checked = &relinked.checked;
    let (changes, summary) = match &relinked.diff {
        Some(diff) => (json!(diff.changes), json!(diff.summary)),
        None => (json!([]), Value::Null),
    };
    json!({
        "formatVersion": FORMAT_VERSION,
        "event": "relinked",
        "files": changed_files(relinked),
        "valid": relinked.valid(),
        "errors": checked.errors(),
        "warnings": checked.warnings(),
        "changes": changes,
        "summary": summary,
        "diagnostics": diagnostics,
    })
}

/// `==> changed files`, then the plan diff as `diff` prints it, or the tree's state.
pub fn relinked_text(root: &str, relinked: &Relinked, color: bool, summary: bool) -> String {
    let files = changed_files(relinked);
    let mut text = if files.is_empty() {
        format!("==> `{root}` is back\n")
    } else {
        format!("==> {}\n", crate::text::one_line(&files.join(", ")))
    };
    match &relinked.diff {
        Some(diff) => text += &super::diff::text(diff, color, summary),
        None => {
            text += &format!(
                "the tree is invalid ({}); the last good plan is kept\n",
                text::plural(relinked.checked.errors(), "error")
            );
        }
    }
    text
}

fn changed_files(relinked: &Relinked) -> Vec<String> {
    relinked.files.iter().map(|f| display_path(f)).collect()
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
