//! `kind: Process`: an agent process and its runtime context.

use std::collections::BTreeMap;

use super::read::{Obj, Reader};
use super::{EnvVar, Located, choice};
use crate::load::node::Node;
use crate::load::source::Span;

choice! {
    pub enum Status { Running = "running", Stopped = "stopped", Error = "error", Pending = "pending" }
}

choice! {
    pub enum ProcessType { Agent = "agent", Service = "service", Tool = "tool" }
}

#[derive(Debug, Clone)]
pub struct Process {
    pub id: Located<String>,
    pub name: String,
    pub process_type: ProcessType,
    pub status: Located<Status>,
    /// `metadata.platform`: a Platform id.
    pub platform: Located<String>,
    /// `metadata.version`: the agent's own version.
    pub version: Option<String>,
    /// The other `metadata` entries.
    pub labels: BTreeMap<String, String>,
    pub capabilities: Vec<Located<String>>,
    pub requires: Vec<Located<String>>,
    /// `runtimeContext.environment`: an Environment's id or name.
    pub environment: Located<String>,
    /// `runtimeContext.version`, e.g. `nodejs-20.x`.
    pub runtime_version: Option<Located<String>>,
    pub env: Vec<EnvVar>,
    /// False when a required field could not be read: checks that need it are skipped.
    pub complete: bool,
}

/// The fields a Process manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "id",
    "name",
    "type",
    "status",
    "metadata",
    "capabilities",
    "requires",
    "runtimeContext",
];
/// The fields of `runtimeContext` (besides `x-` extensions).
pub(crate) const RUNTIME_FIELDS: &[&str] = &["environment", "version", "env", "metadata"];
/// The fields of `metadata` that oslinker reads; every other entry is a string label.
pub(crate) const METADATA_FIELDS: &[&str] = &["platform", "version"];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<Process> {
    let obj = r.object(document, anchor, "Process", FIELDS)?;
    let id = r.req_id(obj, "id");
    let name = r.req_string(obj, "name");
    let process_type = r.opt_choice(obj, "type");
    let status = r.req_choice(obj, "status");
    let metadata = read_metadata(r, obj);
    let capabilities = r.capabilities(obj, "capabilities");
    let requires = r.capabilities(obj, "requires");
    let runtime = read_runtime(r, obj);
    // Every field is read before giving up, so one document reports all of its problems.
    // A process whose id could be read is kept even when incomplete, so that references to
    // it do not turn into a cascade of "unknown process" errors.
    let missing = || Located::new(String::new(), anchor);
    Some(Process {
        id: id?,
        name: name.map(|n| n.value).unwrap_or_default(),
        process_type: process_type.map_or(ProcessType::Agent, |t| t.value),
        status: status.unwrap_or(Located::new(Status::Pending, anchor)),
        platform: metadata.platform.unwrap_or_else(missing),
        version: metadata.version,
        labels: metadata.labels,
        capabilities,
        requires,
        environment: runtime.environment.unwrap_or_else(missing),
        runtime_version: runtime.version,
        env: runtime.env,
        complete: r.complete,
    })
}

#[derive(Default)]
struct Metadata {
    platform: Option<Located<String>>,
    version: Option<String>,
    labels: BTreeMap<String, String>,
}

/// `metadata`: `platform` (required), `version`, and any other string labels.
fn read_metadata(r: &mut Reader, obj: Obj) -> Metadata {
    let anchor = obj.entry("metadata").map_or(obj.anchor, |e| e.key_span);
    let Some(node) = r.required(obj, "metadata") else {
        return Metadata::default();
    };
    let Some(entries) = node.as_map() else {
        r.wrong_type(node, "`metadata`", "a mapping");
        r.complete = false;
        return Metadata::default();
    };
    let meta = Obj {
        entries,
        anchor,
        what: "`metadata`",
    };
    Metadata {
        platform: r.req_id(meta, "platform"),
        version: r.opt_string(meta, "version").map(|v| v.value),
        labels: r.string_labels(meta, METADATA_FIELDS),
    }
}

#[derive(Default)]
struct Runtime {
    environment: Option<Located<String>>,
    version: Option<Located<String>>,
    env: Vec<EnvVar>,
}

/// `runtimeContext`: `environment` (required), `version`, `env`, `metadata`.
fn read_runtime(r: &mut Reader, obj: Obj) -> Runtime {
    let anchor = obj
        .entry("runtimeContext")
        .map_or(obj.anchor, |e| e.key_span);
    let Some(node) = r.required(obj, "runtimeContext") else {
        return Runtime::default();
    };
    let Some(ctx) = r.object(node, anchor, "`runtimeContext`", RUNTIME_FIELDS) else {
        r.complete = false;
        return Runtime::default();
    };
    let runtime = Runtime {
        environment: r.req_id(ctx, "environment"),
        version: r.opt_string(ctx, "version"),
        env: r.env_map(ctx, "env"),
    };
    r.opt_any_map(ctx, "metadata");
    runtime
}
