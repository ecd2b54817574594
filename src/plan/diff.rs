//! Plan diff: what changed between two plans, matched by id (never by file or order), so a
//! manifest that moved to another file or was reformatted is no change.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::{Plan, PlannedProcess};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
    Change,
}

/// The entity a change belongs to; `path` says which part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Process,
    Route,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub op: Op,
    pub kind: Kind,
    /// The process id, or the route's capability.
    pub id: String,
    /// A stable pointer such as `processes/agent-1/env/NODE_ENV` (segments escaped as in
    /// JSON Pointer: `~` is `~0`, `/` is `~1`).
    pub path: String,
    /// `null` for an addition.
    pub old: Value,
    /// `null` for a removal.
    pub new: Value,
}

/// Counts per entity kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub processes: Counts,
    pub routes: Counts,
}

impl Summary {
    pub fn is_empty(&self) -> bool {
        *self == Summary::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanDiff {
    pub format_version: u32,
    /// Processes by id, then routes by capability; within a process, in field order.
    pub changes: Vec<Change>,
    pub summary: Summary,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

pub fn diff(old: &Plan, new: &Plan) -> PlanDiff {
    let mut changes = Vec::new();
    let mut summary = Summary::default();
    for (id, old, new) in matched(by_id(&old.processes), by_id(&new.processes)) {
        let path = pointer(&["processes", id]);
        let mut entity = Entity::new(Kind::Process, id, &mut changes);
        match (old, new) {
            // Most processes are unchanged (often the very same plan, for `watch`): compare
            // them whole before field by field.
            (Some(old), Some(new)) if Arc::ptr_eq(old, new) || old == new => {}
            (Some(old), Some(new)) => {
                if diff_process(&mut entity, &path, old, new) {
                    summary.processes.changed += 1;
                }
            }
            (old, new) => {
                entity.push(&path, old.map(to_json), new.map(to_json));
                count_add_remove(&mut summary.processes, old.is_some());
            }
        }
    }
    if !Arc::ptr_eq(&old.routes, &new.routes) {
        diff_routes(&old.routes, &new.routes, None, &mut changes, &mut summary);
    }
    let none = BTreeMap::new();
    let environments = union(keys(&old.environment_routes), keys(&new.environment_routes));
    for environment in environments {
        let before = old.environment_routes.get(environment).unwrap_or(&none);
        let after = new.environment_routes.get(environment).unwrap_or(&none);
        diff_routes(before, after, Some(environment), &mut changes, &mut summary);
    }
    PlanDiff {
        format_version: 1,
        changes,
        summary,
    }
}

/// Route changes: under `routes`, or an environment's own under
/// `environmentRoutes/<environment>` (its routes are named `<capability> in <environment>`).
fn diff_routes(
    old: &BTreeMap<String, Vec<String>>,
    new: &BTreeMap<String, Vec<String>>,
    environment: Option<&str>,
    changes: &mut Vec<Change>,
    summary: &mut Summary,
) {
    for capability in union(keys(old), keys(new)) {
        let (path, id) = match environment {
            None => (pointer(&["routes", capability]), capability.to_string()),
            Some(env) => (
                pointer(&["environmentRoutes", env, capability]),
                format!("{capability} in {env}"),
            ),
        };
        let mut entity = Entity::new(Kind::Route, &id, changes);
        let (before, after) = (old.get(capability), new.get(capability));
        if before != after {
            entity.push(&path, before.map(to_json), after.map(to_json));
            match (before, after) {
                (Some(_), Some(_)) => summary.routes.changed += 1,
                (before, _) => count_add_remove(&mut summary.routes, before.is_some()),
            }
        }
    }
}

fn count_add_remove(counts: &mut Counts, removed: bool) {
    if removed {
        counts.removed += 1;
    } else {
        counts.added += 1;
    }
}

/// Collects the changes of one entity.
struct Entity<'c> {
    kind: Kind,
    id: String,
    changes: &'c mut Vec<Change>,
    found: bool,
}

impl<'c> Entity<'c> {
    fn new(kind: Kind, id: &str, changes: &'c mut Vec<Change>) -> Self {
        Entity {
            kind,
            id: id.to_string(),
            changes,
            found: false,
        }
    }

    /// Records a change at `path` unless both sides are equal.
    fn push(&mut self, path: &str, old: Option<Value>, new: Option<Value>) {
        if old == new {
            return;
        }
        let op = match (&old, &new) {
            (None, _) => Op::Add,
            (_, None) => Op::Remove,
            _ => Op::Change,
        };
        self.found = true;
        self.changes.push(Change {
            op,
            kind: self.kind,
            id: self.id.clone(),
            path: path.to_string(),
            old: old.unwrap_or(Value::Null),
            new: new.unwrap_or(Value::Null),
        });
    }

    /// Each key of two maps that differs between them, at `path/KEY`.
    fn push_map(
        &mut self,
        path: &str,
        old: &BTreeMap<String, Value>,
        new: &BTreeMap<String, Value>,
    ) {
        for key in union(keys(old), keys(new)) {
            let at = format!("{path}/{}", escape(key));
            self.push(&at, old.get(key).cloned(), new.get(key).cloned());
        }
    }
}

/// Field by field; true when anything differs.
fn diff_process(
    entity: &mut Entity,
    path: &str,
    old: &PlannedProcess,
    new: &PlannedProcess,
) -> bool {
    let (old_json, new_json) = (fields(old), fields(new));
    for field in [
        "name",
        "type",
        "status",
        "version",
        "platform",
        "runtimeVersion",
        "environment",
    ] {
        let at = format!("{path}/{field}");
        entity.push(
            &at,
            old_json.get(field).cloned(),
            new_json.get(field).cloned(),
        );
    }
    entity.push_map(
        &format!("{path}/labels"),
        &strings(&old.labels),
        &strings(&new.labels),
    );
    entity.push_map(
        &format!("{path}/env"),
        &strings(&old.env),
        &strings(&new.env),
    );
    diff_bindings(entity, path, old, new);
    let provided = |p: &PlannedProcess| -> BTreeMap<String, Value> {
        p.provides
            .iter()
            .map(|c| (c.clone(), Value::from(c.as_str())))
            .collect()
    };
    entity.push_map(&format!("{path}/provides"), &provided(old), &provided(new));
    let links = |p: &PlannedProcess| -> BTreeMap<String, Value> {
        p.links
            .iter()
            .map(|l| (l.capability.clone(), to_json(&l.provider)))
            .collect()
    };
    entity.push_map(&format!("{path}/links"), &links(old), &links(new));
    entity.found
}

/// Bindings by id: added or removed whole, changed field by field.
fn diff_bindings(entity: &mut Entity, path: &str, old: &PlannedProcess, new: &PlannedProcess) {
    let by_id = |p: &PlannedProcess| -> BTreeMap<String, BTreeMap<String, Value>> {
        p.bindings
            .iter()
            .map(|b| (b.id.clone(), fields(b)))
            .collect()
    };
    let (old, new) = (by_id(old), by_id(new));
    for id in union(keys(&old), keys(&new)) {
        let at = format!("{path}/bindings/{}", escape(id));
        match (old.get(id), new.get(id)) {
            (Some(before), Some(after)) => entity.push_map(&at, before, after),
            (before, after) => {
                let whole =
                    |b: &BTreeMap<String, Value>| Value::Object(b.clone().into_iter().collect());
                entity.push(&at, before.map(whole), after.map(whole));
            }
        }
    }
}

/// A struct's serialised fields.
fn fields(value: &impl Serialize) -> BTreeMap<String, Value> {
    match to_json(value) {
        Value::Object(map) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn strings(map: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    map.iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect()
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The keys of both sides, sorted.
/// A plan's processes in id order (a plan file need not be); of two with one id, the last.
fn by_id(processes: &[Arc<PlannedProcess>]) -> Vec<&Arc<PlannedProcess>> {
    let mut sorted: Vec<&Arc<PlannedProcess>> = processes.iter().collect();
    if !sorted.is_sorted_by(|a, b| a.id < b.id) {
        sorted.reverse();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        sorted.dedup_by(|later, first| later.id == first.id);
    }
    sorted
}

/// A process id, and the process under it on each side (if any).
type Pair<'a> = (
    &'a str,
    Option<&'a Arc<PlannedProcess>>,
    Option<&'a Arc<PlannedProcess>>,
);

/// Two id-ordered lists walked side by side: each id with the process of each side.
fn matched<'a>(
    old: Vec<&'a Arc<PlannedProcess>>,
    new: Vec<&'a Arc<PlannedProcess>>,
) -> Vec<Pair<'a>> {
    let (mut old, mut new) = (old.into_iter().peekable(), new.into_iter().peekable());
    let mut pairs = Vec::new();
    loop {
        let pair = match (old.peek().copied(), new.peek().copied()) {
            (None, None) => break,
            (Some(a), None) => (a.id.as_str(), old.next(), None),
            (None, Some(b)) => (b.id.as_str(), None, new.next()),
            (Some(a), Some(b)) => match a.id.cmp(&b.id) {
                std::cmp::Ordering::Equal => (a.id.as_str(), old.next(), new.next()),
                std::cmp::Ordering::Less => (a.id.as_str(), old.next(), None),
                std::cmp::Ordering::Greater => (b.id.as_str(), None, new.next()),
            },
        };
        pairs.push(pair);
    }
    pairs
}

fn union<'a>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'a str>,
) -> BTreeSet<&'a str> {
    a.chain(b).collect()
}

fn keys<V>(map: &BTreeMap<String, V>) -> impl Iterator<Item = &str> {
    map.keys().map(String::as_str)
}

fn pointer(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| escape(s))
        .collect::<Vec<_>>()
        .join("/")
}

/// A path segment, escaped as in JSON Pointer (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
