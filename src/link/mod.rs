//! Link stage: index manifests by id, merge capability maps, check every reference, build the
//! routing table, and resolve each process: its environment, the bindings that apply to it,
//! and the provider of each capability it requires. Everything is computed once, here; every
//! view (plan, resolve, explain, graph, diff) reads it.

mod checks;
pub mod maps;
pub mod references;
pub mod routing;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::source::Span;
use crate::model::{
    Binding, Environment, Located, Manifests, Platform, Process, Provider, builtin,
};
use maps::CapabilityMaps;
use routing::{RoutingTable, ServerId};

/// The linked model: every manifest indexed by id (first definition wins), the merged
/// capability maps, the routing table, and each process resolved.
#[derive(Debug, Default)]
pub struct Linked {
    pub processes: BTreeMap<String, Process>,
    pub environments: BTreeMap<String, Environment>,
    pub bindings: BTreeMap<String, Binding>,
    pub providers: BTreeMap<String, Provider>,
    pub platforms: BTreeMap<String, Platform>,
    pub maps: CapabilityMaps,
    pub routing: RoutingTable,
    /// Process id -> what it resolves to.
    resolved: HashMap<String, Resolved>,
    /// Environment names -> ids, so processes may name their environment either way.
    environment_names: BTreeMap<String, String>,
    /// Capability -> ids of the Providers and Processes that list it in `capabilities`,
    /// sorted and unique.
    advertisers: BTreeMap<String, Vec<String>>,
}

/// A process, resolved: where it runs, what applies to it, what it links to.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Its environment's id, when it names one.
    pub environment: Option<String>,
    /// Its bindings for the environment it runs in, in id order.
    pub bindings: Vec<String>,
    /// Each `requires`, in order, with the provider chosen in its environment.
    pub links: Vec<Link>,
}

#[derive(Debug)]
pub struct Link {
    pub capability: Located<String>,
    /// The first eligible candidate in the process's environment; `None` when unresolved.
    pub provider: Option<ServerId>,
}

impl Linked {
    /// The id of the environment called `name_or_id`.
    pub fn environment_id(&self, name_or_id: &str) -> Option<&str> {
        if let Some((id, _)) = self.environments.get_key_value(name_or_id) {
            return Some(id);
        }
        self.environment_names.get(name_or_id).map(String::as_str)
    }

    /// The environment a process runs in, as an id.
    pub fn process_environment(&self, process: &Process) -> Option<&str> {
        self.environment_id(&process.environment.value)
    }

    /// What a process resolves to (empty for an id that is not a process).
    pub fn resolved(&self, process: &str) -> &Resolved {
        static NONE: Resolved = Resolved {
            environment: None,
            bindings: Vec::new(),
            links: Vec::new(),
        };
        self.resolved.get(process).unwrap_or(&NONE)
    }

    /// The provider id a link chose.
    pub fn chosen(&self, link: &Link) -> Option<&str> {
        link.provider.map(|id| self.routing.server(id).id.as_str())
    }

    /// Ids of the Providers and Processes that advertise `capability`, sorted.
    pub fn advertisers(&self, capability: &str) -> &[String] {
        self.advertisers.get(capability).map_or(&[], Vec::as_slice)
    }

    /// Every capability the tree names: map keys, and what Providers and Processes list in
    /// `capabilities` or `requires`. Sorted.
    pub fn capabilities(&self) -> BTreeSet<&str> {
        let required = self
            .processes
            .values()
            .flat_map(|p| &p.requires)
            .map(|c| c.value.as_str());
        self.maps
            .all_keys()
            .chain(self.advertisers.keys().map(String::as_str))
            .chain(required)
            .collect()
    }

    /// Every capability with something to route to: a capability map key or a capability a
    /// Provider or Process advertises; sorted, each once.
    pub fn routable_capabilities(&self) -> Vec<&str> {
        let advertised = self.advertisers.keys().map(String::as_str);
        let all: BTreeSet<&str> = self.maps.all_keys().chain(advertised).collect();
        all.into_iter().collect()
    }

    /// Every id known as a Provider or a Process: what a capability map may name.
    pub fn is_provider(&self, id: &str) -> bool {
        self.providers.contains_key(id) || self.processes.contains_key(id)
    }
}

/// Links the manifests. `root` locates the built-in environments and platforms.
pub fn link(manifests: Manifests, root: Span, diagnostics: &mut Vec<Diagnostic>) -> Linked {
    let mut linked = Linked::default();
    index(
        &mut linked.processes,
        manifests.processes,
        |p| &p.id,
        "Process",
        diagnostics,
    );
    index(
        &mut linked.bindings,
        manifests.bindings,
        |b| &b.id,
        "Binding",
        diagnostics,
    );
    index(
        &mut linked.providers,
        manifests.providers,
        |p| &p.id,
        "Provider",
        diagnostics,
    );
    index(
        &mut linked.environments,
        manifests.environments,
        |e| &e.id,
        "Environment",
        diagnostics,
    );
    index(
        &mut linked.platforms,
        manifests.platforms,
        |p| &p.id,
        "Platform",
        diagnostics,
    );
    for environment in builtin::environments(root) {
        linked
            .environments
            .entry(environment.id.value.clone())
            .or_insert(environment);
    }
    for platform in builtin::platforms(root) {
        linked
            .platforms
            .entry(platform.id.value.clone())
            .or_insert(platform);
    }
    // Names of the tree's own environments take precedence over the built-in ones.
    let mut by_builtin: Vec<&Environment> = linked.environments.values().collect();
    by_builtin.sort_by_key(|e| !e.builtin);
    linked.environment_names = by_builtin
        .into_iter()
        .map(|e| (e.name.value.clone(), e.id.value.clone()))
        .collect();
    linked.maps = CapabilityMaps::merge(
        manifests.maps,
        |name| linked.environment_id(name),
        diagnostics,
    );
    index_advertisers(&mut linked);
    linked.routing = routing::build(&linked);
    linked.resolved = resolve_processes(&linked);
    checks::check(&linked, diagnostics);
    linked
}

fn index_advertisers(linked: &mut Linked) {
    let providers = linked.providers.values().map(|p| (&p.id, &p.capabilities));
    let processes = linked.processes.values().map(|p| (&p.id, &p.capabilities));
    for (id, capabilities) in providers.chain(processes) {
        for capability in capabilities {
            linked
                .advertisers
                .entry(capability.value.clone())
                .or_default()
                .push(id.value.clone());
        }
    }
    for ids in linked.advertisers.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
}

/// Each process's environment, bindings and links, from the routing table.
fn resolve_processes(linked: &Linked) -> HashMap<String, Resolved> {
    let mut bindings: HashMap<&str, Vec<String>> = HashMap::new();
    for binding in linked.bindings.values() {
        bindings
            .entry(binding.process.value.as_str())
            .or_default()
            .push(binding.id.value.clone());
    }
    linked
        .processes
        .values()
        .map(|process| {
            let environment = linked.process_environment(process);
            let applicable = bindings
                .remove(process.id.value.as_str())
                .unwrap_or_default()
                .into_iter()
                .filter(|id| {
                    let binding = &linked.bindings[id];
                    environment.is_some()
                        && linked.environment_id(&binding.environment.value) == environment
                })
                .collect();
            let links = process
                .requires
                .iter()
                .map(|required| Link {
                    capability: required.clone(),
                    provider: linked
                        .routing
                        .route(&required.value, environment)
                        .and_then(|route| route.first_eligible(environment))
                        .map(|ranked| ranked.server),
                })
                .collect();
            let resolved = Resolved {
                environment: environment.map(str::to_string),
                bindings: applicable,
                links,
            };
            (process.id.value.clone(), resolved)
        })
        .collect()
}

/// Indexes manifests by id; a second manifest with the same id is reported with both places.
fn index<T>(
    into: &mut BTreeMap<String, T>,
    items: Vec<T>,
    id: impl Fn(&T) -> &Located<String>,
    kind: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in items {
        let this = id(&item).clone();
        if let Some(first) = into.get(&this.value) {
            diagnostics.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    this.span,
                    format!("{kind} id `{}` is defined twice", this.value),
                )
                .with_label("second definition")
                .with_related(id(first).span, "first defined here")
                .with_help(format!(
                    "rename one of the two, or remove the duplicate {kind}"
                )),
            );
        } else {
            into.insert(this.value, item);
        }
    }
}
