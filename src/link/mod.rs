//! Link stage: index manifests by id, merge capability maps, check every reference, and route
//! capabilities to providers.

mod checks;
pub mod references;
pub mod routing;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::source::Span;
use crate::model::capability_map::Mapping;
use crate::model::{
    Binding, Environment, Located, Manifests, Platform, Process, Provider, builtin,
};

/// The linked model: every manifest indexed by id (first definition wins), and the merged
/// capability map.
#[derive(Debug, Default)]
pub struct Linked {
    pub processes: BTreeMap<String, Process>,
    pub environments: BTreeMap<String, Environment>,
    pub bindings: BTreeMap<String, Binding>,
    pub providers: BTreeMap<String, Provider>,
    pub platforms: BTreeMap<String, Platform>,
    /// Capability -> ordered provider ids, merged from every CapabilityMap.
    pub routes: BTreeMap<String, Mapping>,
    /// Environment names -> ids, so processes may name their environment either way.
    environment_names: BTreeMap<String, String>,
    /// Capability -> ids of the Providers and Processes that list it in `capabilities`,
    /// sorted and unique: routing looks advertisers up here rather than scanning every
    /// manifest for every question.
    advertisers: BTreeMap<String, Vec<String>>,
    /// Process id -> ids of its bindings, in id order.
    bindings_by_process: BTreeMap<String, Vec<String>>,
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

    /// The id of the Process that backs a provider id (a Process itself, or a Provider with
    /// `process`).
    pub fn backing_process(&self, id: &str) -> Option<&str> {
        if let Some(provider) = self.providers.get(id) {
            return provider.process.as_ref().map(|p| p.value.as_str());
        }
        self.processes.get_key_value(id).map(|(k, _)| k.as_str())
    }

    /// Ids of the Providers and Processes that advertise `capability`, sorted.
    pub fn advertisers(&self, capability: &str) -> &[String] {
        self.advertisers.get(capability).map_or(&[], Vec::as_slice)
    }

    /// The bindings of a process (in any environment), in id order.
    pub fn bindings_of<'a>(&'a self, process: &str) -> impl Iterator<Item = &'a Binding> {
        self.bindings_by_process
            .get(process)
            .into_iter()
            .flatten()
            .filter_map(|id| self.bindings.get(id))
    }

    /// Every capability the tree names: map keys, and what Providers and Processes list in
    /// `capabilities` or `requires`. Sorted.
    pub fn capabilities(&self) -> BTreeSet<&str> {
        let required = self
            .processes
            .values()
            .flat_map(|p| &p.requires)
            .map(|c| c.value.as_str());
        self.routes
            .keys()
            .chain(self.advertisers.keys())
            .map(String::as_str)
            .chain(required)
            .collect()
    }

    /// Every capability with something to route to: a capability map key or a capability a
    /// Provider or Process advertises; sorted, each once.
    pub fn routable_capabilities(&self) -> Vec<&str> {
        let mapped = self.routes.keys().map(String::as_str);
        let advertised = self.advertisers.keys().map(String::as_str);
        let all: std::collections::BTreeSet<&str> = mapped.chain(advertised).collect();
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
    merge_maps(&mut linked.routes, manifests.maps, diagnostics);
    index_advertisers(&mut linked);
    for binding in linked.bindings.values() {
        linked
            .bindings_by_process
            .entry(binding.process.value.clone())
            .or_default()
            .push(binding.id.value.clone());
    }
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

/// Merges capability maps; the same capability in two maps is a conflict (first one wins).
fn merge_maps(
    routes: &mut BTreeMap<String, Mapping>,
    maps: Vec<crate::model::CapabilityMap>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for mapping in maps.into_iter().flat_map(|m| m.mappings) {
        let capability = mapping.capability.clone();
        if let Some(first) = routes.get(&capability.value) {
            diagnostics.push(
                Diagnostic::at(
                    Code::CapabilityConflict,
                    capability.span,
                    format!("capability `{}` is mapped twice", capability.value),
                )
                .with_label("mapped again here")
                .with_related(first.capability.span, "first mapped here")
                .with_help("merge the two provider lists into one mapping"),
            );
        } else {
            routes.insert(capability.value, mapping);
        }
    }
}
