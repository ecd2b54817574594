//! oslinker's runtime events as CloudEvents 1.0 (structured JSON mode): what `serve` streams
//! at `/v1/events`, what `watch --format json` prints and what `--publish nats://...` sends
//! (`nats`).
//!
//! Built from plain inputs (counts, the plan diff, two route lists, two health
//! observations), so that `watch` and `serve` share one schema without depending on each
//! other; `crate::watch::emitter` keeps what lies between events (generations, the last
//! good routes, validity) and is what both of them call. Every event's `data` carries `formatVersion`, as every oslinker JSON output does:
//! fields may be added, never renamed.
//!
//! Ids are UUID v7: unique without coordination across restarts and machines (a fleet's
//! consumers de-duplicate by `source` + `id`; a per-process counter would repeat after a
//! restart unless `source` carried a random instance anyway), and they sort by the time they
//! were made. The `uuid` crate was already locked (through `cel`); only `v7` is new.

pub mod nats;

use std::path::PathBuf;
use std::process::ExitStatus;

use serde::Serialize;
use serde_json::{Value, json};

use crate::diff::PlanDiff;
use crate::health::Observation;
pub use crate::link::routing::{RouteChange, RouteSummary, route_changes};
use crate::load::display_path;

/// `data.formatVersion` of every event.
pub const FORMAT_VERSION: u32 = 1;

/// How many diagnostics `tree.invalid` and `tree.valid` carry: enough to say why, small
/// enough for a bus message. `errors` and `warnings` give the totals.
pub const FIRST_DIAGNOSTICS: usize = 5;

/// The CloudEvents `specversion` this follows.
pub const SPEC_VERSION: &str = "1.0";

/// The types of event oslinker emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// The tree was read again after an edit.
    TreeRelinked,
    /// The tree had no errors and now has some.
    TreeInvalid,
    /// The tree had errors and now has none.
    TreeValid,
    /// A route's chosen provider changed.
    RouteChanged,
    /// A probed target's observed state changed.
    HealthChanged,
    /// The tree was loaded for the first time (`watch` and `serve` starting).
    TreeLoaded,
    /// The tree's root cannot be read (it is gone, or not a folder); the last good tree is
    /// kept until it is back.
    TreeUnreadable,
    /// A `watch --exec` command finished (or could not run).
    ExecFinished,
    /// Following the files went wrong somewhere (the tree is then read again in full);
    /// watching goes on.
    WatchError,
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        EventType::TreeRelinked,
        EventType::TreeInvalid,
        EventType::TreeValid,
        EventType::RouteChanged,
        EventType::HealthChanged,
        EventType::TreeLoaded,
        EventType::TreeUnreadable,
        EventType::ExecFinished,
        EventType::WatchError,
    ];

    /// The CloudEvents `type`, e.g. `dev.oslinker.route.changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::TreeRelinked => "dev.oslinker.tree.relinked",
            EventType::TreeInvalid => "dev.oslinker.tree.invalid",
            EventType::TreeValid => "dev.oslinker.tree.valid",
            EventType::RouteChanged => "dev.oslinker.route.changed",
            EventType::HealthChanged => "dev.oslinker.health.changed",
            EventType::TreeLoaded => "dev.oslinker.tree.loaded",
            EventType::TreeUnreadable => "dev.oslinker.tree.unreadable",
            EventType::ExecFinished => "dev.oslinker.exec.finished",
            EventType::WatchError => "dev.oslinker.watch.error",
        }
    }

    /// The type without its `dev.oslinker.` prefix, e.g. `route.changed`: the NATS subject's
    /// tail and a short name for filters.
    pub fn short(self) -> &'static str {
        &self.as_str()["dev.oslinker.".len()..]
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One CloudEvents 1.0 event in structured JSON mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloudEvent {
    /// Always `1.0`.
    pub specversion: &'static str,
    /// Unique per event (a UUID v7).
    pub id: String,
    /// Who emitted it: a URI given by the caller, e.g. `oslinker://HOST/ROOT-PATH`.
    pub source: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When it was made, RFC 3339 in UTC (`2026-11-30T16:37:11.123Z`).
    pub time: String,
    /// Always `application/json`.
    pub datacontenttype: &'static str,
    /// What it is about, where one thing is: the capability, the probed id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub data: Value,
}

/// What a relink found, as plain data (`watch` and `serve` have it after each reload).
#[derive(Debug, Clone, Copy)]
pub struct Relinked<'a> {
    /// The manifest files added, removed or changed.
    pub changed: &'a [PathBuf],
    pub files: usize,
    pub manifests: usize,
    pub errors: usize,
    pub warnings: usize,
    /// The plan against the last good one, when the tree is valid; `None` while it is not.
    pub diff: Option<&'a PlanDiff>,
    /// Every diagnostic, as `validate --format json` lists them.
    pub diagnostics: &'a Value,
    /// Relinked because a health check changed state (the routes moved), not a file.
    pub rerouted: bool,
}

/// The tree as first loaded, as plain data.
#[derive(Debug, Clone, Copy)]
pub struct Loaded<'a> {
    /// The root as shown to the user (`linker.d`).
    pub root: &'a str,
    pub files: usize,
    pub manifests: usize,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    /// Every diagnostic, as `validate --format json` lists them.
    pub diagnostics: &'a Value,
}

/// The tree's validity, with its diagnostics as `validate --format json` lists them (the
/// `diagnostics` array: `crate::report::json_diagnostics`).
#[derive(Debug, Clone, Copy)]
pub struct Validity<'a> {
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: &'a Value,
}

impl Validity<'_> {
    pub fn valid(&self) -> bool {
        self.errors == 0
    }
}

/// Makes events for one source: the `source` every event carries, fresh ids and times.
#[derive(Debug, Clone)]
pub struct Events {
    source: String,
}

impl Events {
    /// `source` is a URI naming this oslinker instance and its tree, such as
    /// `oslinker://build-host/srv/linker.d` (see [`source_uri`]).
    pub fn new(source: impl Into<String>) -> Events {
        Events {
            source: source.into(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// An event of this type, now, with a fresh id.
    pub fn event(&self, event_type: EventType, subject: Option<String>, data: Value) -> CloudEvent {
        CloudEvent {
            specversion: SPEC_VERSION,
            id: uuid::Uuid::now_v7().to_string(),
            source: self.source.clone(),
            event_type,
            time: now_rfc3339(),
            datacontenttype: "application/json",
            subject,
            data,
        }
    }

    /// `dev.oslinker.tree.loaded`: the first load, with the counts and every diagnostic.
    pub fn loaded(&self, loaded: &Loaded) -> CloudEvent {
        let data = json!({
            "formatVersion": FORMAT_VERSION,
            "root": loaded.root,
            "fileCount": loaded.files,
            "manifestCount": loaded.manifests,
            "valid": loaded.valid,
            "errors": loaded.errors,
            "warnings": loaded.warnings,
            "diagnostics": loaded.diagnostics,
        });
        self.event(EventType::TreeLoaded, None, data)
    }

    /// `dev.oslinker.tree.relinked`: why (`cause`: `files` or `health`), the changed files,
    /// the counts, the plan diff as `diff --format json` has it (`changes` and `summary`;
    /// none while the tree is invalid) and every diagnostic.
    pub fn relinked(&self, relinked: &Relinked) -> CloudEvent {
        let (changes, summary) = match relinked.diff {
            Some(diff) => (json!(diff.changes), json!(diff.summary)),
            None => (json!([]), Value::Null),
        };
        let files: Vec<String> = relinked.changed.iter().map(|f| display_path(f)).collect();
        let data = json!({
            "formatVersion": FORMAT_VERSION,
            "cause": if relinked.rerouted { "health" } else { "files" },
            "files": files,
            "fileCount": relinked.files,
            "manifestCount": relinked.manifests,
            "valid": relinked.diff.is_some(),
            "errors": relinked.errors,
            "warnings": relinked.warnings,
            "planChanged": relinked.diff.is_some_and(|d| !d.is_empty()),
            "changes": changes,
            "summary": summary,
            "diagnostics": relinked.diagnostics,
        });
        self.event(EventType::TreeRelinked, None, data)
    }

    /// `dev.oslinker.tree.unreadable`: the root (as shown) and why it cannot be read.
    pub fn unreadable(&self, root: &str, message: &str) -> CloudEvent {
        let data = json!({"formatVersion": FORMAT_VERSION, "root": root, "message": message});
        self.event(EventType::TreeUnreadable, None, data)
    }

    /// `dev.oslinker.exec.finished`: the command, whether it succeeded, its exit status
    /// (null when it was killed by a signal or could not run) and, when it could not run,
    /// why (`message`, null otherwise).
    pub fn exec_finished(&self, command: &str, result: &Result<ExitStatus, String>) -> CloudEvent {
        let data = json!({
            "formatVersion": FORMAT_VERSION,
            "command": command,
            "success": result.as_ref().is_ok_and(ExitStatus::success),
            "status": result.as_ref().ok().and_then(ExitStatus::code),
            "message": result.as_ref().err(),
        });
        self.event(EventType::ExecFinished, None, data)
    }

    /// `dev.oslinker.watch.error`: what went wrong following the files.
    pub fn watch_error(&self, message: &str) -> CloudEvent {
        let data = json!({"formatVersion": FORMAT_VERSION, "message": message});
        self.event(EventType::WatchError, None, data)
    }

    /// `dev.oslinker.tree.invalid` or `dev.oslinker.tree.valid`, by what the tree is now,
    /// with the counts and its first few diagnostics (errors first).
    pub fn validity(&self, now: &Validity) -> CloudEvent {
        let event_type = if now.valid() {
            EventType::TreeValid
        } else {
            EventType::TreeInvalid
        };
        let (shown, total) = first_diagnostics(now.diagnostics, FIRST_DIAGNOSTICS);
        let data = json!({
            "formatVersion": FORMAT_VERSION,
            "valid": now.valid(),
            "errors": now.errors,
            "warnings": now.warnings,
            "diagnostics": shown,
            "diagnosticCount": total,
        });
        self.event(event_type, None, data)
    }

    /// [`Events::validity`], only when validity flipped since `was_valid`.
    pub fn validity_flipped(&self, was_valid: bool, now: &Validity) -> Option<CloudEvent> {
        (was_valid != now.valid()).then(|| self.validity(now))
    }

    /// `dev.oslinker.route.changed`, one per route whose chosen provider differs between
    /// `old` and `new` (a route on one side only counts as choosing nothing on the other), in
    /// `new`'s order, then the removed routes in `old`'s. Linear: both sides are indexed by
    /// (capability, environment).
    pub fn route_changes(&self, old: &[RouteSummary], new: &[RouteSummary]) -> Vec<CloudEvent> {
        route_changes(old, new)
            .into_iter()
            .map(|change| {
                let subject = Some(change.capability.to_string());
                self.event(EventType::RouteChanged, subject, route_data(&change))
            })
            .collect()
    }

    /// `dev.oslinker.health.changed` when `after`'s state differs from `before`'s (no
    /// `before`: the first observation, from nothing); `None` when it is the same.
    pub fn health_changed(
        &self,
        before: Option<&Observation>,
        after: &Observation,
    ) -> Option<CloudEvent> {
        let from = before.map(|b| b.state);
        if from == Some(after.state) {
            return None;
        }
        let latency_ms = after.latency_ms.map(|d| (d.as_secs_f64() * 1000.0).round());
        let data = json!({
            "formatVersion": FORMAT_VERSION,
            "kind": after.kind,
            "id": after.id,
            "from": from.map(|s| s.as_str()),
            "to": after.state.as_str(),
            "reason": after.reason,
            "latencyMs": latency_ms,
            "probe": after.probe,
            "declared": after.declared,
            "drift": after.drift,
        });
        Some(self.event(EventType::HealthChanged, Some(after.id.clone()), data))
    }
}

/// `oslinker://HOST/ROOT`: the `source` for a tree at `root` on this host. The path is
/// written as given (made absolute by the caller if it wants), with `/` separators.
pub fn source_uri(host: &str, root: &std::path::Path) -> String {
    let path = root.to_string_lossy().replace('\\', "/");
    let path = path.trim_start_matches('/');
    format!("oslinker://{host}/{path}")
}

/// This machine's name, for the events' `source` (`oslinker://HOST/ROOT`); empty when it
/// cannot be told.
#[cfg(unix)]
pub fn host_name() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let ok = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) } == 0;
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    match ok {
        true => String::from_utf8_lossy(&buffer[..end]).into_owned(),
        false => String::new(),
    }
}

#[cfg(not(unix))]
pub fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_default()
}

/// Now, RFC 3339 in UTC, to the millisecond: enough to order events, in a fixed, short
/// shape (`2026-11-30T16:37:11.123Z`).
fn now_rfc3339() -> String {
    rfc3339(jiff::Timestamp::now())
}

fn rfc3339(time: jiff::Timestamp) -> String {
    format!("{time:.3}")
}

/// The first `limit` diagnostics, errors before warnings (each in report order), and how
/// many there are in all. Anything but an array counts as none.
fn first_diagnostics(diagnostics: &Value, limit: usize) -> (Vec<Value>, usize) {
    let all = diagnostics
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let is_error = |d: &&Value| d["severity"] == "error";
    let errors = all.iter().filter(is_error);
    let others = all.iter().filter(|d| !is_error(d));
    let shown = errors.chain(others).take(limit).cloned().collect();
    (shown, all.len())
}

/// The data of a `route.changed` event.
fn route_data(change: &RouteChange) -> Value {
    json!({
        "formatVersion": FORMAT_VERSION,
        "capability": change.capability,
        "environment": change.environment,
        "route": change.route,
        "from": change.from,
        "to": change.to,
        "candidates": change.candidates,
    })
}

#[cfg(test)]
mod tests;
