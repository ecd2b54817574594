//! Link stage: index manifests by id, merge capability maps, build the routing table, resolve
//! each process (its environment, the bindings that apply to it, the provider of each
//! capability it requires), and check every reference. Everything is computed once, here, in
//! time linear in the tree; every view (plan, resolve, explain, graph, diff) reads it.

mod checks;
mod headers;
pub mod maps;
pub mod references;
mod relink;
pub mod routing;
mod running;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Binding, Environment, Kind, Located, Manifests, Platform, Policy, Process, Provider, builtin,
};
use crate::source::Span;
use maps::CapabilityMaps;
use routing::{Backing, EnvIndex, RoutingTable, ServerId};

/// Manifests of one kind by id, sorted by id: lookups are hashed, iteration is in id order.
pub type ById<T> = IndexMap<String, Arc<T>, foldhash::fast::RandomState>;

/// The linked model: every manifest indexed by id (first definition wins), the merged
/// capability maps, the routing table, and each process resolved.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    pub processes: ById<Process>,
    pub environments: ById<Environment>,
    pub bindings: ById<Binding>,
    pub providers: ById<Provider>,
    pub platforms: ById<Platform>,
    pub policies: ById<Policy>,
    pub maps: CapabilityMaps,
    pub routing: RoutingTable,
    /// What each process resolves to, in the order of `processes`.
    resolved: Vec<Resolved>,
    /// What is wrong with it, by what each problem is about.
    problems: checks::Problems,
    /// Ids defined more than once, by kind: an edit that touches one is linked afresh.
    duplicated: HashSet<(Kind, String)>,
    /// Environment names -> ids, so processes may name their environment either way.
    environment_names: HashMap<String, String, foldhash::fast::RandomState>,
}

/// A process, resolved: where it runs, what applies to it, what it links to, by place (the
/// accessors on [`Linked`] give ids and manifests).
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Its environment's place in `environments`, when it names one.
    pub environment: Option<EnvIndex>,
    /// The bindings that name it, as places in `bindings` (id order).
    named_by: Vec<usize>,
    /// Those for the environment it runs in.
    pub bindings: Vec<usize>,
    /// For each `requires`, in order, the provider chosen in its environment.
    pub links: Vec<Option<ServerId>>,
}

/// One `requires` of a process and the provider chosen for it.
#[derive(Debug, Clone, Copy)]
pub struct Link<'l> {
    pub capability: &'l Located<String>,
    /// The id of the first eligible candidate in the process's environment; `None` when
    /// unresolved.
    pub provider: Option<&'l str>,
    pub server: Option<ServerId>,
}

impl Linked {
    /// The id of the environment called `name_or_id`.
    pub fn environment_id(&self, name_or_id: &str) -> Option<&str> {
        if let Some((id, _)) = self.environments.get_key_value(name_or_id) {
            return Some(id);
        }
        self.environment_names.get(name_or_id).map(String::as_str)
    }

    /// Withdraws exactly these servers from every route, each with its reason (a live
    /// probe's words), restoring any other withdrawn before, and chooses every process's
    /// links again if a route changed. Returns whether one did. What the tree says is
    /// untouched: its diagnostics stay those of the files.
    pub fn withdraw(
        &mut self,
        withdrawn: HashMap<ServerId, String, foldhash::fast::RandomState>,
    ) -> bool {
        if !self.routing.withdraw(withdrawn) {
            return false;
        }
        let mut resolved = std::mem::take(&mut self.resolved);
        for (process, resolved) in self.processes.values().zip(&mut resolved) {
            resolve_links(self, process, resolved);
        }
        self.resolved = resolved;
        true
    }

    /// The environment a process runs in, as an id.
    pub fn process_environment(&self, process: &Process) -> Option<&str> {
        self.environment_id(&process.environment.value)
    }

    /// What the process at this place resolves to (nothing, past the last one).
    pub fn resolved_at(&self, index: usize) -> &Resolved {
        static NOTHING: Resolved = Resolved {
            environment: None,
            named_by: Vec::new(),
            bindings: Vec::new(),
            links: Vec::new(),
        };
        self.resolved.get(index).unwrap_or(&NOTHING)
    }

    fn resolved(&self, process: &str) -> Option<(&Process, &Resolved)> {
        let (index, _, process) = self.processes.get_full(process)?;
        Some((process, self.resolved.get(index)?))
    }

    /// The environment (id) a process runs in, resolved once by link.
    pub fn environment_of(&self, process: &str) -> Option<&str> {
        let (_, resolved) = self.resolved(process)?;
        let (id, _) = self.environments.get_index(resolved.environment?)?;
        Some(id)
    }

    /// A process's bindings for the environment it runs in, in id order.
    pub fn bindings_of(&self, process: &str) -> impl Iterator<Item = &Binding> {
        let places = self.resolved(process).map_or(&[][..], |(_, r)| &r.bindings);
        places
            .iter()
            .filter_map(|&index| self.bindings.get_index(index).map(|(_, b)| b.as_ref()))
    }

    /// A process's `requires`, each with the provider chosen in its environment.
    pub fn links_of(&self, process: &str) -> impl Iterator<Item = Link<'_>> {
        let found = self.resolved(process);
        let requires = found.map_or(&[][..], |(p, _)| &p.requires);
        let links = found.map_or(&[][..], |(_, r)| &r.links);
        requires
            .iter()
            .zip(links)
            .map(|(capability, &server)| Link {
                capability,
                provider: server.map(|s| self.server_name(s)),
                server,
            })
    }

    /// A server's id: the Provider's or the Process's.
    pub fn server_name(&self, server: ServerId) -> &str {
        let serving = self.routing.server(server);
        let found = match serving.kind {
            Kind::Provider => self.providers.get_index(serving.index).map(|(id, _)| id),
            _ => self.processes.get_index(serving.index).map(|(id, _)| id),
        };
        found.map_or("", String::as_str)
    }

    /// The id of the process behind a server (as written, if the tree does not define it);
    /// `None` when it is a hosted provider.
    pub fn server_process(&self, server: ServerId) -> Option<&str> {
        let serving = self.routing.server(server);
        match serving.backing {
            Backing::Hosted => None,
            Backing::Undefined => {
                let (_, provider) = self.providers.get_index(serving.index)?;
                provider.process.as_ref().map(|p| p.value.as_str())
            }
            Backing::Process { process, .. } => {
                self.processes.get_index(process).map(|(id, _)| id.as_str())
            }
        }
    }

    /// Everything link found wrong, in no particular order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems.all()
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
            .chain(self.routing.advertised())
            .chain(required)
            .collect()
    }

    /// Every capability with something to route to: a capability map key or a capability a
    /// Provider or Process advertises; sorted, each once.
    pub fn routable_capabilities(&self) -> Vec<&str> {
        let all: BTreeSet<&str> = self
            .maps
            .all_keys()
            .chain(self.routing.advertised())
            .collect();
        all.into_iter().collect()
    }

    /// Every id known as a Provider or a Process: what a capability map may name.
    pub fn is_provider(&self, id: &str) -> bool {
        self.providers.contains_key(id) || self.processes.contains_key(id)
    }
}

/// Links the manifests. `root` locates the built-in environments and platforms.
pub fn link(manifests: Manifests, root: Span, diagnostics: &mut Vec<Diagnostic>) -> Linked {
    let mut found = Found::default();
    let mut linked = Linked {
        processes: index(manifests.processes, |p| &p.id, Kind::Process, &mut found),
        bindings: index(manifests.bindings, |b| &b.id, Kind::Binding, &mut found),
        providers: index(manifests.providers, |p| &p.id, Kind::Provider, &mut found),
        environments: index(
            manifests.environments,
            |e| &e.id,
            Kind::Environment,
            &mut found,
        ),
        platforms: index(manifests.platforms, |p| &p.id, Kind::Platform, &mut found),
        policies: index(manifests.policies, |p| &p.id, Kind::Policy, &mut found),
        ..Linked::default()
    };
    for environment in builtin::environments(root) {
        linked
            .environments
            .entry(environment.id.value.clone())
            .or_insert_with(|| Arc::new(environment));
    }
    for platform in builtin::platforms(root) {
        linked
            .platforms
            .entry(platform.id.value.clone())
            .or_insert_with(|| Arc::new(platform));
    }
    linked.environments.sort_unstable_keys();
    linked.platforms.sort_unstable_keys();
    // Names of the tree's own environments take precedence over the built-in ones.
    for environment in linked.environments.values() {
        let name = &environment.name.value;
        if !environment.builtin || !linked.environment_names.contains_key(name) {
            linked
                .environment_names
                .insert(name.clone(), environment.id.value.clone());
        }
    }
    linked.maps = CapabilityMaps::merge(
        manifests.maps,
        |name| linked.environment_id(name),
        &mut found.tree,
    );
    linked.routing = routing::build(&linked);
    linked.resolved = resolve_processes(&linked);
    linked.duplicated = found.duplicated;
    linked.problems = checks::check(&linked, found.tree);
    diagnostics.extend(linked.problems.all().cloned());
    linked
}

/// What indexing found besides the index.
#[derive(Default)]
struct Found {
    /// Problems with the tree as a whole (duplicate ids, capability map conflicts).
    tree: Vec<Diagnostic>,
    /// The ids defined more than once, by kind.
    duplicated: HashSet<(Kind, String)>,
}

/// Each process's environment, bindings and links, from the routing table.
fn resolve_processes(linked: &Linked) -> Vec<Resolved> {
    let mut named_by: Vec<Vec<usize>> = vec![Vec::new(); linked.processes.len()];
    for (index, binding) in linked.bindings.values().enumerate() {
        if let Some(process) = linked.processes.get_index_of(&binding.process.value) {
            named_by[process].push(index);
        }
    }
    named_by
        .into_par_iter()
        .enumerate()
        .map(|(index, named_by)| {
            let mut resolved = Resolved {
                named_by,
                ..Resolved::default()
            };
            resolve_process(linked, index, &mut resolved);
            resolved
        })
        .collect()
}

/// Resolves the process at `index` anew: its environment, which of the bindings that name
/// it apply, and its links.
fn resolve_process(linked: &Linked, index: usize, resolved: &mut Resolved) {
    let Some((_, process)) = linked.processes.get_index(index) else {
        return;
    };
    let environment_of = |written: &str| {
        let id = linked.environment_id(written)?;
        linked.environments.get_index_of(id)
    };
    let runs_in = environment_of(&process.environment.value);
    resolved.environment = runs_in;
    resolved.bindings = (resolved.named_by.iter().copied())
        .filter(|&b| {
            let (_, binding) = linked.bindings.get_index(b).expect("a binding's place");
            runs_in.is_some() && environment_of(&binding.environment.value) == runs_in
        })
        .collect();
    resolve_links(linked, process, resolved);
}

/// A process's links, from the routing table.
fn resolve_links(linked: &Linked, process: &Process, resolved: &mut Resolved) {
    let environment = resolved.environment;
    let id = environment.and_then(|e| linked.environments.get_index(e).map(|(id, _)| id.as_str()));
    resolved.links = process
        .requires
        .iter()
        .map(|required| {
            let route = linked.routing.route(&required.value, id)?;
            route
                .first_eligible(environment)
                .map(|ranked| ranked.server)
        })
        .collect();
}

/// Indexes manifests by id, sorted; a second manifest with the same id is reported with both
/// places, and the first one is kept.
fn index<T>(
    items: Vec<Arc<T>>,
    id: impl Fn(&T) -> &Located<String>,
    kind: Kind,
    found: &mut Found,
) -> ById<T> {
    let mut by_id = ById::with_capacity_and_hasher(items.len(), Default::default());
    for item in items {
        match by_id.entry(id(&item).value.clone()) {
            indexmap::map::Entry::Vacant(vacant) => {
                vacant.insert(item);
            }
            indexmap::map::Entry::Occupied(first) => {
                let this = id(&item);
                found.duplicated.insert((kind, this.value.clone()));
                found.tree.push(
                    Diagnostic::at(
                        Code::DuplicateId,
                        this.span,
                        format!("{kind} id `{}` is defined twice", this.value),
                    )
                    .with_label("second definition")
                    .with_related(id(first.get()).span, "first defined here")
                    .with_help(format!(
                        "rename one of the two, or remove the duplicate {kind}"
                    )),
                );
            }
        }
    }
    by_id.sort_unstable_keys();
    by_id
}

/// Test helpers shared by the link stage's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use super::{Linked, link};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::load::{self, Limits};
    use crate::model;
    use crate::source::{FileId, SourceFile, Sources, Span};

    /// The file id of the YAML text [`link_yaml`] reads (the root folder is file 0).
    pub(crate) const FILE: FileId = FileId(1);

    /// Loads, reads and links one YAML text (manifests separated by `---`), as the only file
    /// of a tree: the linked model and every diagnostic, in the order the stages found them.
    pub(crate) fn link_yaml(text: &str) -> (Linked, Vec<Diagnostic>) {
        let loaded = load::parse_file(
            Path::new("test.yaml"),
            "test.yaml".to_string(),
            text.as_bytes().to_vec(),
            FILE,
            &Limits::default(),
        );
        let mut diagnostics = loaded.diagnostics;
        let manifests = model::read_documents(&loaded.documents, &mut diagnostics);
        let linked = link(manifests, Span::new(FileId(0), 0..0), &mut diagnostics);
        (linked, diagnostics)
    }

    /// [`link_clean`], with the sources a report or an explanation locates spans in (the
    /// root folder is file 0, the text file 1).
    #[track_caller]
    pub(crate) fn link_clean_with_sources(text: &str) -> (Linked, Sources) {
        let mut sources = Sources::default();
        sources.add(SourceFile::new(".".into(), ".".to_string(), String::new()));
        let file = sources.add(SourceFile::new(
            "test.yaml".into(),
            "test.yaml".to_string(),
            text.to_string(),
        ));
        assert_eq!(file, FILE);
        (link_clean(text), sources)
    }

    /// [`link_yaml`] for a text that must link without any diagnostic.
    #[track_caller]
    pub(crate) fn link_clean(text: &str) -> Linked {
        let (linked, diagnostics) = link_yaml(text);
        assert_eq!(diagnostics, Vec::new(), "unexpected diagnostics");
        linked
    }

    /// The codes of `diagnostics`, in order.
    pub(crate) fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    /// The span of the `nth` (from 0) occurrence of `needle` in `text`, in [`FILE`].
    #[track_caller]
    pub(crate) fn span_of(text: &str, needle: &str, nth: usize) -> Span {
        let start = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the text"))
            .0;
        Span::new(FILE, start..start + needle.len())
    }

    /// A running Process in `environment` (by id or name) on nodejs, with these extra
    /// top-level lines (`capabilities: [...]`, `requires: [...]`), as one YAML document.
    pub(crate) fn process(id: &str, status: &str, environment: &str, extra: &str) -> String {
        format!(
            "kind: Process\nid: {id}\nname: {id}\nstatus: {status}\nmetadata: {{platform: nodejs}}\n{extra}runtimeContext: {{environment: {environment}}}\n"
        )
    }
}
