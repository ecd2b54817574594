//! Plan stage: the resolved view of a linked tree, per process and per capability. Plain,
//! serialisable data: the JSON and YAML outputs are this struct.

pub mod health;
pub mod running;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::link::Linked;
use crate::model::binding::{Ingress, Mount};
use crate::model::{Binding, BindingConfig, Environment, Process};

/// Capability -> eligible provider ids, in rank order.
pub type Routes = BTreeMap<String, Vec<String>>;

fn no_routes(routes: &Arc<BTreeMap<String, Routes>>) -> bool {
    routes.is_empty()
}

/// The plan. Its processes are held whole (`Vec<Arc<PlannedProcess>>`, what `diff` and
/// `watch` compare), or planned one by one as the plan is written ([`Planned`], for `plan
/// --format json`): a large plan is then never whole in memory. Either way it reads the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan<P = Vec<Arc<PlannedProcess>>> {
    pub format_version: u32,
    /// What a `plan --env`/`--process` left out; absent for the whole plan. (`diff` compares
    /// whole plans only.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<PlanScope>,
    pub processes: P,
    /// Every mapped capability -> its eligible providers in rank order (with `--env`, there,
    /// under that environment's own maps; otherwise anywhere, under the maps for every
    /// environment).
    pub routes: Arc<Routes>,
    /// For each environment with capability maps of its own (whole plans only): each key
    /// those maps route there -> its eligible providers there, in rank order.
    #[serde(default, skip_serializing_if = "no_routes")]
    pub environment_routes: Arc<BTreeMap<String, Routes>>,
}

/// The filter a plan was built with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanScope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedProcess {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub process_type: String,
    pub status: String,
    /// The agent's own version (`metadata.version`).
    pub version: Option<String>,
    /// The other `metadata` labels.
    pub labels: BTreeMap<String, String>,
    pub platform: String,
    pub runtime_version: Option<String>,
    /// The environment's id.
    pub environment: String,
    /// Where the agent is reached (credentials hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<running::PlannedResources>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<running::PlannedReplicas>,
    /// Its health check; headers as written (`${VAR}`, never a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<health::PlannedHealth>,
    /// Other platforms it can run on (`runtimeContext.alternatives`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<running::PlannedAlternative>,
    /// Effective variables: the environment's defaults, the process's own, then the names
    /// that secrets bindings provide (as `<secret:STORE:REF>`). Literal values under
    /// secret-looking names are `<redacted>`.
    pub env: BTreeMap<String, String>,
    pub bindings: Vec<PlannedBinding>,
    pub provides: Vec<String>,
    pub links: Vec<PlannedLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedBinding {
    pub id: String,
    #[serde(rename = "type")]
    pub binding_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Variable -> reference (never a value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounts: Option<Vec<PlannedMount>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<PlannedIngress>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedMount {
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedIngress {
    pub port: u16,
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedLink {
    pub capability: String,
    /// The first eligible provider, or `None` (null) when unresolved.
    pub provider: Option<String>,
}

impl Plan {
    /// The plan of a tree with nothing in it.
    pub fn empty() -> Plan {
        Plan {
            format_version: 1,
            filter: None,
            processes: Vec::new(),
            routes: Arc::default(),
            environment_routes: Arc::default(),
        }
    }
}

/// What the plan covers.
#[derive(Debug, Default)]
pub struct PlanFilter<'a> {
    /// Only processes in this environment (an id); routes only count processes running there.
    pub environment: Option<&'a str>,
    /// Only this process.
    pub process: Option<&'a str>,
}

pub fn build(linked: &Linked, filter: &PlanFilter) -> Plan {
    let processes = Planned { linked, filter }
        .iter()
        .map(|p| Arc::new(plan_process(linked, p)))
        .collect();
    let (routes, environment_routes) = routes(linked, filter);
    with_routes(
        filter,
        processes,
        Arc::new(routes),
        Arc::new(environment_routes),
    )
}

/// The plan, its processes planned as they are written: see [`Plan`].
pub fn build_lazily<'l>(linked: &'l Linked, filter: &'l PlanFilter<'l>) -> Plan<Planned<'l>> {
    let (routes, environment_routes) = routes(linked, filter);
    with_routes(
        filter,
        Planned { linked, filter },
        Arc::new(routes),
        Arc::new(environment_routes),
    )
}

/// A plan's processes, planned one at a time as they are written.
pub struct Planned<'l> {
    linked: &'l Linked,
    filter: &'l PlanFilter<'l>,
}

impl<'l> Planned<'l> {
    /// The processes the filter keeps, in id order.
    fn iter(&self) -> impl Iterator<Item = &'l Process> + use<'l> {
        let (linked, filter) = (self.linked, self.filter);
        linked
            .processes
            .values()
            .filter(move |p| filter.process.is_none_or(|id| p.id.value == id))
            .filter(move |p| {
                filter
                    .environment
                    .is_none_or(|env| linked.process_environment(p) == Some(env))
            })
            .map(|p| p.as_ref())
    }
}

impl Serialize for Planned<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|p| plan_process(self.linked, p)))
    }
}

/// A plan of these processes, with these routes.
fn with_routes<P>(
    filter: &PlanFilter,
    processes: P,
    routes: Arc<Routes>,
    environment_routes: Arc<BTreeMap<String, Routes>>,
) -> Plan<P> {
    let filtered = filter.environment.is_some() || filter.process.is_some();
    Plan {
        format_version: 1,
        filter: filtered.then(|| PlanScope {
            environment: filter.environment.map(str::to_string),
            process: filter.process.map(str::to_string),
        }),
        processes,
        routes,
        environment_routes,
    }
}

/// The routes `filter` asks for, and (for a whole plan) each environment's own.
fn routes(linked: &Linked, filter: &PlanFilter) -> (Routes, BTreeMap<String, Routes>) {
    let scope = linked.maps.scope_of(filter.environment);
    let routes = linked
        .maps
        .keys(scope)
        .into_iter()
        .map(|capability| {
            let ids = eligible_ids(linked, capability, filter.environment);
            (capability.to_string(), ids)
        })
        .collect();
    let filtered = filter.environment.is_some() || filter.process.is_some();
    let environment_routes = if filtered {
        BTreeMap::new()
    } else {
        linked
            .maps
            .scopes()
            .into_iter()
            .filter_map(|(environment, scope)| {
                let environment = environment?;
                let routes = (linked.maps.own_keys(scope))
                    .map(|key| {
                        let ids = eligible_ids(linked, key, Some(environment));
                        (key.to_string(), ids)
                    })
                    .collect();
                Some((environment.to_string(), routes))
            })
            .collect()
    };
    (routes, environment_routes)
}

/// Plans one tree after another (for `watch`): a process's plan is reused while what it
/// rests on is the same: the same manifests (its own, its environment's, its bindings')
/// and the same chosen providers; and the routes while the routing table is. Unchanged
/// files keep their manifests, so after an edit only what it touched is planned again.
#[derive(Debug, Default)]
pub struct Planner {
    /// By the place of each process in the last tree planned.
    memo: Vec<Memo>,
    /// The routes planned, and the routing table's generation they were read from.
    routes: Option<(u64, PlannedRoutes)>,
}

/// A plan's routes, and each environment's own.
type PlannedRoutes = (Arc<Routes>, Arc<BTreeMap<String, Routes>>);

#[derive(Debug)]
struct Memo {
    process: Arc<Process>,
    environment: Option<Arc<Environment>>,
    bindings: Vec<Arc<Binding>>,
    links: Vec<Option<String>>,
    planned: Arc<PlannedProcess>,
}

impl Memo {
    fn new(linked: &Linked, index: usize, id: &str, process: &Arc<Process>) -> Memo {
        let resolved = linked.resolved_at(index);
        Memo {
            process: Arc::clone(process),
            environment: (resolved.environment)
                .and_then(|e| linked.environments.get_index(e))
                .map(|(_, e)| Arc::clone(e)),
            bindings: (resolved.bindings.iter())
                .filter_map(|&b| linked.bindings.get_index(b))
                .map(|(_, b)| Arc::clone(b))
                .collect(),
            links: (linked.links_of(id))
                .map(|l| l.provider.map(str::to_string))
                .collect(),
            planned: Arc::new(plan_process(linked, process)),
        }
    }

    /// Whether the process at `index` rests on what this plan of it did.
    fn holds(&self, linked: &Linked, index: usize, process: &Arc<Process>) -> bool {
        let resolved = linked.resolved_at(index);
        let environment = (resolved.environment).and_then(|e| linked.environments.get_index(e));
        Arc::ptr_eq(&self.process, process)
            && match (&self.environment, environment) {
                (Some(a), Some((_, b))) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && self.bindings.len() == resolved.bindings.len()
            && (self.bindings.iter().zip(&resolved.bindings)).all(|(a, &b)| {
                linked
                    .bindings
                    .get_index(b)
                    .is_some_and(|(_, b)| Arc::ptr_eq(a, b))
            })
            && self.links.len() == resolved.links.len()
            && (self.links.iter().zip(&resolved.links))
                .all(|(a, b)| a.as_deref() == b.map(|server| linked.server_name(server)))
    }
}

impl Planner {
    /// The whole plan of `linked`, the same as [`build`] makes.
    pub fn plan(&mut self, linked: &Linked) -> Plan {
        let mut memo = std::mem::take(&mut self.memo);
        memo.truncate(linked.processes.len());
        let mut processes = Vec::with_capacity(linked.processes.len());
        for (index, (id, process)) in linked.processes.iter().enumerate() {
            if memo
                .get(index)
                .is_none_or(|m| !m.holds(linked, index, process))
            {
                let fresh = Memo::new(linked, index, id, process);
                match memo.get_mut(index) {
                    Some(slot) => *slot = fresh,
                    None => memo.push(fresh),
                }
            }
            processes.push(Arc::clone(&memo[index].planned));
        }
        self.memo = memo;
        let generation = linked.routing.generation();
        let (routes, environment_routes) = match &self.routes {
            Some((seen, planned)) if *seen == generation => planned.clone(),
            _ => {
                let (routes, environments) = routes(linked, &PlanFilter::default());
                (Arc::new(routes), Arc::new(environments))
            }
        };
        let planned = (Arc::clone(&routes), Arc::clone(&environment_routes));
        self.routes = Some((generation, planned));
        with_routes(
            &PlanFilter::default(),
            processes,
            routes,
            environment_routes,
        )
    }
}

/// The ids of a capability's eligible candidates in `environment` (or anywhere), in rank
/// order, from the routing table.
fn eligible_ids(linked: &Linked, capability: &str, environment: Option<&str>) -> Vec<String> {
    let table = &linked.routing;
    let Some(route) = table.route(capability, environment) else {
        return Vec::new();
    };
    let wanted = environment.and_then(|e| linked.environments.get_index_of(e));
    route
        .candidates
        .iter()
        .filter(|c| table.server(c.server).eligible(wanted))
        .map(|c| linked.server_name(c.server).to_string())
        .collect()
}

fn plan_process(linked: &Linked, process: &Process) -> PlannedProcess {
    let id = &process.id.value;
    let environment = linked.environment_of(id).unwrap_or_default();
    let bindings: Vec<&Binding> = linked.bindings_of(id).collect();
    let links = linked
        .links_of(id)
        .map(|link| PlannedLink {
            capability: link.capability.value.clone(),
            provider: link.provider.map(str::to_string),
        })
        .collect();
    PlannedProcess {
        id: process.id.value.clone(),
        name: process.name.clone(),
        process_type: process.process_type.to_string(),
        status: process.status.value.to_string(),
        version: process.version.clone(),
        labels: process.labels.iter().cloned().collect(),
        platform: process.platform.value.clone(),
        runtime_version: process.runtime_version.as_ref().map(|v| v.value.clone()),
        environment: environment.to_string(),
        endpoint: process.endpoint.clone(),
        isolation: process.isolation.as_ref().map(|i| i.value.to_string()),
        resources: process.resources.as_ref().map(running::resources),
        replicas: process.replicas.as_ref().map(running::replicas),
        health: process.health.as_ref().map(health::health),
        alternatives: running::alternatives(process),
        env: effective_env(linked, process, environment, &bindings),
        bindings: bindings.iter().map(|b| plan_binding(b)).collect(),
        provides: process
            .capabilities
            .iter()
            .map(|c| c.value.clone())
            .collect(),
        links,
    }
}

/// The environment's defaults, overlaid by the process's own variables, overlaid by the
/// names its secrets bindings provide.
fn effective_env(
    linked: &Linked,
    process: &Process,
    environment: &str,
    bindings: &[&Binding],
) -> BTreeMap<String, String> {
    let defaults = linked
        .environments
        .get(environment)
        .map(|e| e.env.as_slice())
        .unwrap_or_default();
    let mut env: BTreeMap<String, String> = defaults
        .iter()
        .chain(&process.env)
        .map(|var| {
            let shown = if var.literal_secret {
                crate::secrets::REDACTED.to_string()
            } else {
                var.value.value.clone()
            };
            (var.name.value.clone(), shown)
        })
        .collect();
    for binding in bindings {
        if let BindingConfig::Secrets { store, secrets } = &binding.config {
            for (name, reference) in secrets {
                env.insert(name.clone(), format!("<secret:{store}:{reference}>"));
            }
        }
    }
    env
}

fn plan_binding(binding: &Binding) -> PlannedBinding {
    let mut planned = PlannedBinding {
        id: binding.id.value.clone(),
        binding_type: binding.binding_type.value.to_string(),
        store: None,
        secrets: None,
        mounts: None,
        ingress: None,
        egress: None,
    };
    match &binding.config {
        BindingConfig::Secrets { store, secrets } => {
            planned.store = Some(store.to_string());
            planned.secrets = Some(secrets.iter().cloned().collect());
        }
        BindingConfig::Files { mounts } => {
            planned.mounts = Some(mounts.iter().map(plan_mount).collect());
        }
        BindingConfig::Network { ingress, egress } => {
            planned.ingress = Some(ingress.iter().map(plan_ingress).collect());
            planned.egress = Some(egress.clone());
        }
        BindingConfig::Invalid => {}
    }
    planned
}

fn plan_mount(mount: &Mount) -> PlannedMount {
    PlannedMount {
        source: mount.source.clone(),
        target: mount.target.clone(),
        read_only: mount.read_only,
    }
}

fn plan_ingress(ingress: &Ingress) -> PlannedIngress {
    PlannedIngress {
        port: ingress.port,
        protocol: ingress.protocol.to_string(),
    }
}
