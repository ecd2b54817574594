//! `diff`: what changed between two plans, matched by id (never by file or order), so a
//! manifest that moved to another file or was reformatted is no change. Its sides (a folder,
//! a plan file, a git revision) are read by `sides` and `file`.

pub mod environment;
pub mod file;
pub mod sides;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::plan::{Plan, PlannedBinding, PlannedProcess};

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

    /// Two lists as sets: each element on one side only is a removal or an addition at
    /// `path` (the element as `old` or `new`), in the order each side lists them, removals
    /// first; order and repeats are no change.
    fn push_set(&mut self, path: &str, old: &[Value], new: &[Value]) {
        let mut seen = BTreeSet::new();
        for gone in old.iter().filter(|v| !new.contains(v)) {
            if seen.insert(gone.to_string()) {
                self.push(path, Some(gone.clone()), None);
            }
        }
        seen.clear();
        for added in new.iter().filter(|v| !old.contains(v)) {
            if seen.insert(added.to_string()) {
                self.push(path, None, Some(added.clone()));
            }
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
        "endpoint",
        "isolation",
        "alternatives",
    ] {
        let at = format!("{path}/{field}");
        entity.push(
            &at,
            old_json.get(field).cloned(),
            new_json.get(field).cloned(),
        );
    }
    // Each of `resources` and `replicas` key by key (`resources/cpu: 500m -> 750m`).
    entity.push_map(
        &format!("{path}/resources"),
        &fields(&old.resources),
        &fields(&new.resources),
    );
    entity.push_map(
        &format!("{path}/replicas"),
        &fields(&old.replicas),
        &fields(&new.replicas),
    );
    // And the health check (`health/timeout: 2s -> 5s`; headers as written, never a value).
    entity.push_map(
        &format!("{path}/health"),
        &fields(&old.health),
        &fields(&new.health),
    );
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

/// Bindings by id: added or removed whole, changed field by field (see [`diff_binding`]).
fn diff_bindings(entity: &mut Entity, path: &str, old: &PlannedProcess, new: &PlannedProcess) {
    let (old, new) = (bindings_by_id(old), bindings_by_id(new));
    for id in union(old.keys().copied(), new.keys().copied()) {
        let at = format!("{path}/bindings/{}", escape(id));
        match (old.get(id), new.get(id)) {
            (Some(before), Some(after)) => {
                diff_binding(entity, &at, &fields(before), &fields(after))
            }
            // Whole, in plan field order (`type`, `store`, then what it holds).
            (before, after) => entity.push(&at, before.map(to_json), after.map(to_json)),
        }
    }
}

fn bindings_by_id(process: &PlannedProcess) -> BTreeMap<&str, &PlannedBinding> {
    process
        .bindings
        .iter()
        .map(|b| (b.id.as_str(), b))
        .collect()
}

/// The lists of a binding that are sets: what they hold counts, not the order it is
/// written in, so each element added or removed is one change at the list's path
/// (`bindings/net/egress`, `new: "db.internal:5432"`) and a reorder is no change.
/// - `egress`: destinations a process may reach; a firewall allow-list has no order.
/// - `ingress`: ports opened to the process; opening 80 then 443 is opening 443 then 80.
/// - `mounts`: runtimes mount by target path (Docker sorts by depth, Kubernetes by path),
///   not in list order; a mount whose `readOnly` flips is one removed and one added.
///
/// Two equal elements are one (a duplicate allows nothing more). `secrets` is a map
/// (variable -> reference) and diffs variable by variable. No binding list is ranked: the
/// ranked lists of a plan are its routes, where a reorder is a change.
const SET_FIELDS: [&str; 3] = ["egress", "ingress", "mounts"];

/// One binding on both sides: scalars (`type`, `store`) whole, `secrets` variable by
/// variable, and the [`SET_FIELDS`] element by element.
fn diff_binding(
    entity: &mut Entity,
    path: &str,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
) {
    for field in union(keys(old), keys(new)) {
        let at = format!("{path}/{}", escape(field));
        let (before, after) = (old.get(field), new.get(field));
        if field == "secrets" {
            entity.push_map(&at, &object(before), &object(after));
        } else if SET_FIELDS.contains(&field) {
            entity.push_set(&at, elements(before), elements(after));
        } else {
            entity.push(&at, before.cloned(), after.cloned());
        }
    }
}

/// A map field's entries (none when absent).
fn object(value: Option<&Value>) -> BTreeMap<String, Value> {
    match value {
        Some(Value::Object(map)) => map.clone().into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

/// A list field's elements (none when absent).
fn elements(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::PlannedLink;

    fn process(id: &str) -> PlannedProcess {
        PlannedProcess {
            id: id.to_string(),
            name: format!("Agent {id}"),
            process_type: "agent".to_string(),
            status: "running".to_string(),
            version: None,
            labels: BTreeMap::new(),
            platform: "nodejs".to_string(),
            runtime_version: Some("nodejs-20.x".to_string()),
            environment: "env-development".to_string(),
            endpoint: None,
            isolation: None,
            resources: None,
            replicas: None,
            health: None,
            alternatives: Vec::new(),
            env: BTreeMap::from([("LOG_LEVEL".to_string(), "info".to_string())]),
            bindings: vec![PlannedBinding {
                id: format!("{id}-secrets"),
                binding_type: "secrets".to_string(),
                store: Some("env".to_string()),
                secrets: Some(BTreeMap::from([(
                    "KEY".to_string(),
                    "<secret:env:K>".to_string(),
                )])),
                mounts: None,
                ingress: None,
                egress: None,
            }],
            provides: vec!["code".to_string()],
            links: vec![PlannedLink {
                capability: "data".to_string(),
                provider: Some("warehouse".to_string()),
            }],
        }
    }

    fn plan(processes: Vec<PlannedProcess>, routes: &[(&str, &[&str])]) -> Plan {
        Plan {
            processes: processes.into_iter().map(Arc::new).collect(),
            routes: Arc::new(
                routes
                    .iter()
                    .map(|(c, p)| (c.to_string(), p.iter().map(|s| s.to_string()).collect()))
                    .collect(),
            ),
            ..Plan::empty()
        }
    }

    /// `(op, kind, id, path, old, new)` of every change.
    fn changes(diff: &PlanDiff) -> Vec<(Op, Kind, &str, &str, &Value, &Value)> {
        diff.changes
            .iter()
            .map(|c| (c.op, c.kind, c.id.as_str(), c.path.as_str(), &c.old, &c.new))
            .collect()
    }

    #[test]
    fn equal_plans_have_no_changes_whatever_the_order_of_processes() {
        let old = plan(vec![process("a"), process("b")], &[("code", &["a", "b"])]);
        let new = plan(vec![process("b"), process("a")], &[("code", &["a", "b"])]);
        let diff = diff(&old, &new);
        assert!(diff.is_empty(), "{:?}", diff.changes);
        assert!(diff.summary.is_empty());
    }

    #[test]
    fn a_process_added_and_one_removed_are_whole_values() {
        let old = plan(vec![process("a"), process("gone")], &[]);
        let new = plan(vec![process("a"), process("new")], &[]);
        let diff = diff(&old, &new);
        let got = changes(&diff);
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].0, got[0].2, got[0].3),
            (Op::Remove, "gone", "processes/gone")
        );
        assert_eq!(got[0].4["name"], "Agent gone");
        assert_eq!(got[0].5, &Value::Null);
        assert_eq!(
            (got[1].0, got[1].2, got[1].3),
            (Op::Add, "new", "processes/new")
        );
        assert_eq!(got[1].4, &Value::Null);
        let counts = diff.summary.processes;
        assert_eq!((counts.added, counts.removed, counts.changed), (1, 1, 0));
    }

    #[test]
    fn a_changed_process_lists_each_field_that_changed_in_field_order() {
        let mut changed = process("a");
        changed.status = "stopped".to_string();
        changed
            .env
            .insert("LOG_LEVEL".to_string(), "debug".to_string());
        changed.env.insert("NEW".to_string(), "1".to_string());
        changed.links[0].provider = None;
        changed.bindings[0].store = Some("vault".to_string());
        let diff = diff(&plan(vec![process("a")], &[]), &plan(vec![changed], &[]));
        let got: Vec<(Op, &str, Value, Value)> = diff
            .changes
            .iter()
            .map(|c| (c.op, c.path.as_str(), c.old.clone(), c.new.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Op::Change,
                    "processes/a/status",
                    json!("running"),
                    json!("stopped")
                ),
                (
                    Op::Change,
                    "processes/a/env/LOG_LEVEL",
                    json!("info"),
                    json!("debug")
                ),
                (Op::Add, "processes/a/env/NEW", Value::Null, json!("1")),
                (
                    Op::Change,
                    "processes/a/bindings/a-secrets/store",
                    json!("env"),
                    json!("vault")
                ),
                (
                    Op::Change,
                    "processes/a/links/data",
                    json!("warehouse"),
                    Value::Null
                ),
            ]
        );
        // One process changed, however many of its fields.
        assert_eq!(diff.summary.processes.changed, 1);
    }

    #[test]
    fn routes_added_removed_and_reordered() {
        let old = plan(vec![], &[("code", &["a", "b"]), ("gone", &["a"])]);
        let new = plan(vec![], &[("code", &["b", "a"]), ("new", &["b"])]);
        let diff = diff(&old, &new);
        let got = changes(&diff);
        assert_eq!(
            got,
            [
                (
                    Op::Change,
                    Kind::Route,
                    "code",
                    "routes/code",
                    &json!(["a", "b"]),
                    &json!(["b", "a"])
                ),
                (
                    Op::Remove,
                    Kind::Route,
                    "gone",
                    "routes/gone",
                    &json!(["a"]),
                    &Value::Null
                ),
                (
                    Op::Add,
                    Kind::Route,
                    "new",
                    "routes/new",
                    &Value::Null,
                    &json!(["b"])
                ),
            ]
        );
        let routes = diff.summary.routes;
        assert_eq!((routes.added, routes.removed, routes.changed), (1, 1, 1));
    }

    #[test]
    fn an_environments_own_routes_are_named_after_it() {
        let old = plan(vec![], &[]);
        let mut new = plan(vec![], &[]);
        new.environment_routes = Arc::new(BTreeMap::from([(
            "env-production".to_string(),
            BTreeMap::from([("code".to_string(), vec!["b".to_string()])]),
        )]));
        let diff = diff(&old, &new);
        let got = changes(&diff);
        assert_eq!(
            got,
            [(
                Op::Add,
                Kind::Route,
                "code in env-production",
                "environmentRoutes/env-production/code",
                &Value::Null,
                &json!(["b"])
            )]
        );
    }

    #[test]
    fn path_segments_are_escaped_as_in_json_pointer() {
        let mut changed = process("a");
        changed.env.insert("A/B~C".to_string(), "x".to_string());
        let diff = diff(&plan(vec![process("a")], &[]), &plan(vec![changed], &[]));
        assert_eq!(diff.changes[0].path, "processes/a/env/A~1B~0C");
    }

    #[test]
    fn of_two_processes_with_one_id_in_a_plan_file_the_last_counts() {
        let mut second = process("a");
        second.status = "stopped".to_string();
        let old = plan(vec![process("a"), second], &[]);
        let mut new_process = process("a");
        new_process.status = "stopped".to_string();
        assert!(diff(&old, &plan(vec![new_process], &[])).is_empty());
    }

    #[test]
    fn binding_sets_diff_by_element_ignoring_order_and_repeats() {
        let network = |egress: &[&str]| {
            let mut p = process("a");
            p.bindings[0].egress = Some(egress.iter().map(|e| e.to_string()).collect());
            p
        };
        let old = plan(vec![network(&["x:1", "y:2"])], &[]);
        let reordered = plan(vec![network(&["y:2", "x:1", "y:2"])], &[]);
        assert!(diff(&old, &reordered).is_empty());
        let changed = plan(vec![network(&["z:3", "y:2", "z:3"])], &[]);
        let changes = diff(&old, &changed);
        let got: Vec<(Op, &str, Value, Value)> = changes
            .changes
            .iter()
            .map(|c| (c.op, c.path.as_str(), c.old.clone(), c.new.clone()))
            .collect();
        let path = "processes/a/bindings/a-secrets/egress";
        assert_eq!(
            got,
            [
                (Op::Remove, path, json!("x:1"), Value::Null),
                (Op::Add, path, Value::Null, json!("z:3")),
            ]
        );
    }
}
