//! The routing table: for every capability the tree names, and every environment whose own
//! maps route it differently, the ranked candidates, and where the first eligible one is.
//! Built once by `link`, in time linear in the tree; `resolve`, `plan`, `explain`, `graph` and
//! the requirement checks read it, and nothing recomputes a route. It is also the one place
//! where a route changes.
//!
//! Ranking: the map key equal to the capability, or else the longest key that is a dotted
//! prefix of it (`code.generation.rust` -> `code.generation` -> `code`), gives the candidates
//! in map order; then every Process or Provider that advertises the capability (or that key)
//! in `capabilities` and is not listed yet, by id. In an environment with capability maps of
//! its own (`environments: [...]`), their keys win over the maps for every environment.
//!
//! Eligibility: a candidate backed by a process is eligible only while that process is
//! running (and, with an environment, runs in it); a provider with no process is always
//! eligible.
//!
//! Everything is held by index (into the linked manifests and environments) rather than by
//! id: building the table does no string work beyond one lookup per id written.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::Linked;
use super::maps::MapScope;
use crate::model::capability_map::Mapping;
use crate::model::{Kind, Status};

/// A server's place in the table.
pub type ServerId = u32;
/// An environment's place in `Linked::environments`.
pub type EnvIndex = usize;

type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A Provider or a Process that can serve capabilities, and what it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// `Provider`, or `Process` for a process that serves directly (a shared id is read as the
    /// Provider).
    pub kind: Kind,
    /// Its place in `Linked::providers` or `Linked::processes`, by kind.
    pub index: usize,
    pub backing: Backing,
    /// Taken off every route by a live probe (see `RoutingTable::withdraw`): the tree may say
    /// it runs, but it does not answer.
    pub withdrawn: bool,
}

/// What a server's eligibility rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    /// A provider with no process: always eligible.
    Hosted,
    /// Backed by a process the tree does not define.
    Undefined,
    Process {
        /// Its place in `Linked::processes`.
        process: usize,
        status: Status,
        /// The environment it runs in, if that names one.
        environment: Option<EnvIndex>,
        /// False when the process could not be read whole: its status is not to be trusted.
        complete: bool,
    },
}

impl Server {
    /// Whether it serves (in `environment`, when given).
    pub fn eligible(&self, environment: Option<EnvIndex>) -> bool {
        if self.withdrawn {
            return false;
        }
        match self.backing {
            Backing::Hosted => true,
            Backing::Undefined => false,
            Backing::Process {
                status,
                environment: runs_in,
                ..
            } => status == Status::Running && environment.is_none_or(|e| runs_in == Some(e)),
        }
    }
}

/// Why a candidate is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Listed under the matched map key, at `position` (1-based).
    Mapped { position: usize },
    /// Lists the capability (or the matched key) in its own `capabilities`.
    Advertised,
}

/// One ranked candidate of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub server: ServerId,
    pub source: Source,
}

/// The candidates of one capability in one scope, and where they serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The map key that matched, if any, and the maps it is mapped in.
    pub matched: Option<(String, MapScope)>,
    /// Every candidate in rank order, eligible or not.
    pub candidates: Vec<Ranked>,
    /// The first hosted candidate, the first running one (anywhere), and the first running
    /// one per environment: with these, the chosen provider is one lookup.
    first_hosted: Option<usize>,
    first_running: Option<usize>,
    first_in: Vec<(EnvIndex, usize)>,
    /// The matched mapping lists ids that name nothing: what they would serve is unknown.
    pub names_unknown: bool,
    /// A candidate's process could not be read whole: its status is unsure.
    pub unsure: bool,
}

impl Route {
    fn new(
        matched: Option<(&str, MapScope)>,
        candidates: Vec<Ranked>,
        servers: &[Server],
        names_unknown: bool,
    ) -> Route {
        let mut route = Route {
            matched: matched.map(|(key, scope)| (key.to_string(), scope)),
            candidates,
            first_hosted: None,
            first_running: None,
            first_in: Vec::new(),
            names_unknown,
            unsure: false,
        };
        route.find_firsts(servers);
        route
    }

    /// Finds the first hosted, first running and first running-per-environment candidates,
    /// and whether any candidate's status is unsure: what rests on the servers' backings.
    fn find_firsts(&mut self, servers: &[Server]) {
        let route = self;
        route.first_hosted = None;
        route.first_running = None;
        route.first_in.clear();
        route.unsure = false;
        for (index, ranked) in route.candidates.iter().enumerate() {
            let server = &servers[ranked.server as usize];
            if server.withdrawn {
                continue;
            }
            match server.backing {
                Backing::Hosted => {
                    route.first_hosted.get_or_insert(index);
                }
                Backing::Undefined => {}
                Backing::Process {
                    status,
                    environment,
                    complete,
                    ..
                } => {
                    route.unsure |= !complete;
                    if status == Status::Running {
                        route.first_running.get_or_insert(index);
                        if let Some(env) = environment
                            && !route.first_in.iter().any(|(e, _)| *e == env)
                        {
                            route.first_in.push((env, index));
                        }
                    }
                }
            }
        }
    }

    /// The mapping its matched key comes from.
    pub fn mapping<'l>(&self, linked: &'l Linked) -> Option<&'l Mapping> {
        let (key, scope) = self.matched.as_ref()?;
        linked.maps.mapping(*scope, key)
    }

    /// The first eligible candidate (in `environment`, when given).
    pub fn first_eligible(&self, environment: Option<EnvIndex>) -> Option<Ranked> {
        let process_backed = match environment {
            None => self.first_running,
            Some(env) => self
                .first_in
                .iter()
                .find(|(e, _)| *e == env)
                .map(|(_, i)| *i),
        };
        let first = match (self.first_hosted, process_backed) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(self.candidates[first])
    }
}

/// The routes of one capability.
#[derive(Debug, Clone, Default)]
struct Routes {
    /// Where no environment's own map routes it (and with no environment).
    default: usize,
    /// Environments whose own maps route it, and their routes.
    scoped: Vec<(String, usize)>,
}

/// Tells routing tables (and their states) apart, so that what was read from one can be
/// reused while it stands (see `RoutingTable::generation`).
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug, Clone, Default)]
pub struct RoutingTable {
    /// Unique to this table as it stands: built anew or changed, it gets another.
    generation: u64,
    /// Every Provider, then every Process whose id is not also a Provider's.
    servers: Vec<Server>,
    /// The server of each process (its own, or the Provider that shares its id).
    process_servers: Vec<ServerId>,
    /// Each server's place in id order, for ranking advertisers by id.
    rank: Vec<u32>,
    /// Capability -> the servers that list it in `capabilities`, in id order.
    advertisers: FastMap<String, Vec<ServerId>>,
    /// The capabilities advertised, sorted.
    advertised: Vec<String>,
    routes: Vec<Route>,
    capabilities: FastMap<String, Routes>,
    /// Why each withdrawn server was withdrawn (the probe's words).
    withdrawn: FastMap<ServerId, String>,
}

impl RoutingTable {
    /// Which table, as it stands, this is: two reads of the table with the same generation
    /// see the same routes, candidates and eligibility.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// How many servers there are: every `ServerId` is below it.
    pub fn server_count(&self) -> usize {
        self.servers.len()
    }

    pub fn server(&self, id: ServerId) -> &Server {
        &self.servers[id as usize]
    }

    /// The server of a Provider id, or else of a Process id.
    pub fn server_id(&self, linked: &Linked, id: &str) -> Option<ServerId> {
        match linked.providers.get_index_of(id) {
            Some(index) => Some(index as ServerId),
            None => linked
                .processes
                .get_index_of(id)
                .map(|index| self.process_servers[index]),
        }
    }

    /// The route of a capability the tree names, in `environment` (an id) or with none.
    pub fn route(&self, capability: &str, environment: Option<&str>) -> Option<&Route> {
        let routes = self.capabilities.get(capability)?;
        let index = environment
            .and_then(|env| routes.scoped.iter().find(|(e, _)| e == env))
            .map_or(routes.default, |(_, i)| *i);
        Some(&self.routes[index])
    }

    /// Every capability some Provider or Process advertises, sorted.
    pub fn advertised(&self) -> impl Iterator<Item = &str> {
        self.advertised.iter().map(String::as_str)
    }

    /// Whether the table routes this capability (the tree names it).
    pub fn routes(&self, capability: &str) -> bool {
        self.capabilities.contains_key(capability)
    }

    /// Takes in new backings for the servers of these processes and providers (by their
    /// places), and of the providers those processes back. Returns whether any changed; then
    /// every route's first eligible candidates are found again.
    pub fn rebacked(&mut self, linked: &Linked, processes: &[usize], providers: &[usize]) -> bool {
        let mut servers: Vec<ServerId> = providers.iter().map(|&p| p as ServerId).collect();
        for &process in processes {
            servers.push(self.process_servers[process]);
            let id = linked
                .processes
                .get_index(process)
                .map(|(id, _)| id.as_str());
            for (index, provider) in linked.providers.values().enumerate() {
                if provider.process.as_ref().map(|p| p.value.as_str()) == id {
                    servers.push(index as ServerId);
                }
            }
        }
        let mut changed = false;
        for server in servers {
            let serving = self.servers[server as usize];
            let backing = match serving.kind {
                Kind::Provider => {
                    let provider = &linked.providers[serving.index];
                    match &provider.process {
                        None => Backing::Hosted,
                        Some(p) => process_backing(linked, linked.processes.get_index_of(&p.value)),
                    }
                }
                _ => process_backing(linked, Some(serving.index)),
            };
            changed |= backing != serving.backing;
            self.servers[server as usize].backing = backing;
        }
        if changed {
            for route in &mut self.routes {
                route.find_firsts(&self.servers);
            }
            self.generation = next_generation();
        }
        changed
    }

    /// Withdraws exactly these servers from every route (and restores every other one that
    /// was withdrawn), each with the reason shown for it. Returns whether any route's first
    /// eligible candidates may have changed; the links that rest on them are the caller's
    /// (`Linked::withdraw`).
    pub fn withdraw(&mut self, withdrawn: FastMap<ServerId, String>) -> bool {
        let changed = (self.servers.iter().enumerate())
            .any(|(id, s)| s.withdrawn != withdrawn.contains_key(&(id as ServerId)));
        for (id, server) in self.servers.iter_mut().enumerate() {
            server.withdrawn = withdrawn.contains_key(&(id as ServerId));
        }
        self.withdrawn = withdrawn;
        if changed {
            for route in &mut self.routes {
                route.find_firsts(&self.servers);
            }
            self.generation = next_generation();
        }
        changed
    }

    /// Why a server was withdrawn, if it was.
    pub fn withdrawn(&self, server: ServerId) -> Option<&str> {
        self.withdrawn.get(&server).map(String::as_str)
    }

    /// Every withdrawn server and why, in no particular order.
    pub fn withdrawals(&self) -> impl Iterator<Item = (ServerId, &str)> {
        self.withdrawn.iter().map(|(s, why)| (*s, why.as_str()))
    }

    /// Every capability the table routes, sorted.
    pub fn capabilities(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.capabilities.keys().map(String::as_str).collect();
        all.sort_unstable();
        all
    }

    fn advertisers_of(&self, capability: &str) -> &[ServerId] {
        self.advertisers.get(capability).map_or(&[], Vec::as_slice)
    }

    /// Ranks the candidates of `capability` under the maps of `scope`.
    fn route_for(&self, linked: &Linked, capability: &str, scope: MapScope) -> Route {
        let matched = linked.maps.matching_key(capability, scope);
        let mut candidates: Vec<Ranked> = Vec::new();
        let mut names_unknown = false;
        if let Some((key, from)) = matched {
            let mapping = linked
                .maps
                .mapping(from, key)
                .expect("a matched key is mapped");
            for (index, id) in mapping.providers.iter().enumerate() {
                match self.server_id(linked, &id.value) {
                    // Listed twice: the first place counts.
                    Some(server) if candidates.iter().any(|c| c.server == server) => {}
                    Some(server) => candidates.push(Ranked {
                        server,
                        source: Source::Mapped {
                            position: index + 1,
                        },
                    }),
                    None => names_unknown = true,
                }
            }
        }
        // Advertisers of the capability itself and of the map key that matched it, by id,
        // after the mapped ones.
        let mut advertised: Vec<ServerId> = self.advertisers_of(capability).to_vec();
        if let Some((key, _)) = matched.filter(|(key, _)| *key != capability) {
            advertised.extend_from_slice(self.advertisers_of(key));
            advertised.sort_unstable_by_key(|&s| self.rank[s as usize]);
            advertised.dedup();
        }
        let mapped: FastSet<ServerId> = candidates.iter().map(|c| c.server).collect();
        candidates.extend(
            advertised
                .into_iter()
                .filter(|server| !mapped.contains(server))
                .map(|server| Ranked {
                    server,
                    source: Source::Advertised,
                }),
        );
        Route::new(matched, candidates, &self.servers, names_unknown)
    }

    /// Which route `capability` takes under `scope`: one of its own, or (with no
    /// advertisers of its own) the one every capability under the same matched key takes.
    fn route_key<'a>(&self, linked: &Linked, capability: &'a str, scope: MapScope) -> RouteKey<'a> {
        let matched = linked.maps.matching_key(capability, scope);
        if !self.advertisers_of(capability).is_empty() {
            return RouteKey::Own(capability, scope);
        }
        match matched {
            Some((key, from)) => RouteKey::Shared(key, from),
            // Nothing routes it: every such capability has the same empty route.
            None => RouteKey::Nothing,
        }
    }
}

/// What a route rests on: capabilities with the same key have the same route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RouteKey<'a> {
    Own(&'a str, MapScope),
    Shared(&'a str, MapScope),
    Nothing,
}

/// One capability's candidates in one environment (or none), for display: every candidate
/// with its eligibility there and what the tree says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'l> {
    pub capability: String,
    /// The map key that matched, if any.
    pub matched: Option<String>,
    /// Every candidate in rank order, eligible or not.
    pub candidates: Vec<Candidate<'l>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'l> {
    pub id: &'l str,
    /// `Provider`, or `Process` for a process that serves directly.
    pub kind: Kind,
    /// A Provider's `name`, if it has one.
    pub name: Option<&'l str>,
    /// A Provider's `endpoint`, if it has one.
    pub endpoint: Option<&'l str>,
    pub platform: &'l str,
    /// The process that backs it; `None` for a hosted provider.
    pub process: Option<&'l str>,
    pub status: Option<Status>,
    /// The environment (id) of the backing process.
    pub environment: Option<&'l str>,
    pub source: Source,
    pub eligible: bool,
    /// Why it is eligible or not, in a few words.
    pub reason: String,
}

impl Resolution<'_> {
    pub fn eligible(&self) -> impl Iterator<Item = &Candidate<'_>> {
        self.candidates.iter().filter(|c| c.eligible)
    }
}

impl Candidate<'_> {
    /// How the candidate got on the list: `map #1` (its place under the matched key) or
    /// `advertised`.
    pub fn via(&self) -> String {
        match &self.source {
            Source::Mapped { position } => format!("map #{position}"),
            Source::Advertised => "advertised".to_string(),
        }
    }
}

/// Whether the tree mentions `capability` at all: a map key, an advertiser or a requirer
/// names it, or a map key routes it by prefix (`code` routes `code.generation.rust`). An
/// unknown capability is most likely a typo, not an outage.
pub fn is_known(linked: &Linked, capability: &str) -> bool {
    linked.routing.routes(capability)
        || (linked.maps.scopes().into_iter())
            .any(|(_, scope)| linked.maps.matching_key(capability, scope).is_some())
}

/// The capability the tree names that is closest to `capability`, for a did-you-mean.
pub fn closest_capability<'l>(linked: &'l Linked, capability: &str) -> Option<&'l str> {
    crate::model::names::suggest(capability, linked.routing.capabilities())
}

/// Every candidate of `capability` in `environment` (an id; none: anywhere), with its
/// eligibility. A capability the tree does not name is routed on the spot, the same way.
pub fn resolve<'l>(
    linked: &'l Linked,
    capability: &str,
    environment: Option<&str>,
) -> Resolution<'l> {
    let table = &linked.routing;
    let computed;
    let route = match table.route(capability, environment) {
        Some(route) => route,
        None => {
            computed = table.route_for(linked, capability, linked.maps.scope_of(environment));
            &computed
        }
    };
    Resolution {
        capability: capability.to_string(),
        matched: route.matched.as_ref().map(|(key, _)| key.clone()),
        candidates: route
            .candidates
            .iter()
            .map(|ranked| candidate(linked, ranked.server, ranked.source, environment))
            .collect(),
    }
}

/// A server as a candidate in `environment` (an id).
pub fn candidate<'l>(
    linked: &'l Linked,
    server: ServerId,
    source: Source,
    environment: Option<&str>,
) -> Candidate<'l> {
    let table = &linked.routing;
    let serving = table.server(server);
    let provider = match serving.kind {
        Kind::Provider => linked.providers.get_index(serving.index).map(|(_, p)| p),
        _ => None,
    };
    let platform = match provider {
        Some(provider) => &provider.platform.value,
        None => linked
            .processes
            .get_index(serving.index)
            .map_or("", |(_, p)| p.platform.value.as_str()),
    };
    let (status, runs_in) = match serving.backing {
        Backing::Process {
            status,
            environment,
            ..
        } => (Some(status), environment),
        _ => (None, None),
    };
    Candidate {
        id: linked.server_name(server),
        kind: serving.kind,
        name: provider.and_then(|p| p.name.as_deref()),
        endpoint: provider.and_then(|p| p.endpoint.as_deref()),
        platform,
        process: linked.server_process(server),
        status,
        environment: runs_in
            .and_then(|e| linked.environments.get_index(e).map(|(id, _)| id.as_str())),
        source,
        eligible: serving.eligible(environment.and_then(|e| linked.environments.get_index_of(e))),
        reason: reason(linked, server, environment),
    }
}

/// Why a server is eligible or not in `environment` (an id), in a few words.
pub fn reason(linked: &Linked, server: ServerId, environment: Option<&str>) -> String {
    if let Some(why) = linked.routing.withdrawn(server) {
        return format!("withdrawn: {why}");
    }
    match linked.routing.server(server).backing {
        Backing::Hosted => "hosted (no process)".to_string(),
        Backing::Undefined => "backing process not defined".to_string(),
        Backing::Process {
            status,
            environment: runs_in,
            ..
        } => {
            let runs_in =
                runs_in.and_then(|e| linked.environments.get_index(e).map(|(id, _)| id.as_str()));
            let shown = runs_in.unwrap_or("an unknown environment");
            if status != Status::Running {
                status.to_string()
            } else if let Some(wanted) = environment.filter(|w| runs_in != Some(*w)) {
                format!("runs in {shown}, not {wanted}")
            } else {
                format!("running in {shown}")
            }
        }
    }
}

/// Where one capability goes in one environment (or with none chosen): its candidates in
/// rank order and the one chosen. What `every_route` lists, owned, so that two states of a
/// table can be compared after it changed (`route_changes`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteSummary {
    pub capability: String,
    /// The environment (id); `None` when none is chosen.
    pub environment: Option<String>,
    /// The map key that matched, if any.
    pub matched: Option<String>,
    /// Every candidate's id, in rank order, eligible or not.
    pub candidates: Vec<String>,
    /// The first eligible candidate, if any.
    pub chosen: Option<String>,
}

/// Every route of the table: each capability the tree names (sorted), with no environment
/// and then in each environment (id order).
pub fn every_route(linked: &Linked) -> Vec<RouteSummary> {
    let table = &linked.routing;
    let environments = std::iter::once(None)
        .chain(linked.environments.keys().map(|id| Some(id.as_str())))
        .collect::<Vec<_>>();
    let mut all = Vec::new();
    for capability in table.capabilities() {
        for &environment in &environments {
            let Some(route) = table.route(capability, environment) else {
                continue;
            };
            let place = environment.and_then(|e| linked.environments.get_index_of(e));
            let name = |server: ServerId| linked.server_name(server).to_string();
            all.push(RouteSummary {
                capability: capability.to_string(),
                environment: environment.map(String::from),
                matched: route.matched.as_ref().map(|(key, _)| key.clone()),
                candidates: route.candidates.iter().map(|c| name(c.server)).collect(),
                chosen: route.first_eligible(place).map(|c| name(c.server)),
            });
        }
    }
    all
}

/// How a route's chosen provider changed between two states of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteChange<'a> {
    pub capability: &'a str,
    pub environment: Option<&'a str>,
    /// `added`, `removed` or `changed`: whether the route is new, gone, or on both sides.
    pub route: &'static str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    /// The new route's candidates in rank order (none when it was removed).
    pub candidates: Vec<&'a str>,
}

/// A route's place in a listing: its capability and environment.
type ListedAt<'a> = (&'a str, Option<&'a str>);

fn listed_at(route: &RouteSummary) -> ListedAt<'_> {
    (&route.capability, route.environment.as_deref())
}

/// Every route whose chosen provider differs between `old` and `new` (a route on one side
/// only counts as choosing nothing on the other): in `new`'s order, then the removed routes
/// in `old`'s. Linear: both sides are indexed by (capability, environment).
pub fn route_changes<'a>(old: &'a [RouteSummary], new: &'a [RouteSummary]) -> Vec<RouteChange<'a>> {
    let old_by_key: FastMap<ListedAt, &RouteSummary> =
        old.iter().map(|r| (listed_at(r), r)).collect();
    let mut changes = Vec::new();
    for route in new {
        let before = old_by_key.get(&listed_at(route));
        let from = before.and_then(|b| b.chosen.as_deref());
        if from != route.chosen.as_deref() {
            changes.push(RouteChange {
                capability: &route.capability,
                environment: route.environment.as_deref(),
                route: if before.is_some() { "changed" } else { "added" },
                from,
                to: route.chosen.as_deref(),
                candidates: route.candidates.iter().map(String::as_str).collect(),
            });
        }
    }
    let new_keys: FastSet<ListedAt> = new.iter().map(listed_at).collect();
    for route in old {
        if route.chosen.is_some() && !new_keys.contains(&listed_at(route)) {
            changes.push(RouteChange {
                capability: &route.capability,
                environment: route.environment.as_deref(),
                route: "removed",
                from: route.chosen.as_deref(),
                to: None,
                candidates: Vec::new(),
            });
        }
    }
    changes
}

/// Builds the table: a server for every Provider and Process, who advertises what, then
/// the routes of every capability the tree names, in every scope that routes it differently.
pub fn build(linked: &Linked) -> RoutingTable {
    let mut table = RoutingTable {
        generation: next_generation(),
        ..RoutingTable::default()
    };
    for (index, provider) in linked.providers.values().enumerate() {
        let backing = match &provider.process {
            None => Backing::Hosted,
            Some(process) => process_backing(linked, linked.processes.get_index_of(&process.value)),
        };
        table.servers.push(Server {
            kind: Kind::Provider,
            index,
            backing,
            withdrawn: false,
        });
    }
    for (index, id) in linked.processes.keys().enumerate() {
        let server = match linked.providers.get_index_of(id) {
            Some(provider) => provider,
            None => {
                table.servers.push(Server {
                    kind: Kind::Process,
                    index,
                    backing: process_backing(linked, Some(index)),
                    withdrawn: false,
                });
                table.servers.len() - 1
            }
        };
        table.process_servers.push(server as ServerId);
    }
    table.rank = id_order(linked, &table);
    let advertisers = (linked.providers.values().enumerate())
        .map(|(index, p)| (index as ServerId, &p.capabilities))
        .chain(
            (linked.processes.values().enumerate())
                .map(|(index, p)| (table.process_servers[index], &p.capabilities)),
        );
    let mut by_capability: FastMap<String, Vec<ServerId>> = FastMap::default();
    for (server, capabilities) in advertisers {
        for capability in capabilities {
            match by_capability.get_mut(&capability.value) {
                Some(servers) => servers.push(server),
                None => {
                    by_capability.insert(capability.value.clone(), vec![server]);
                }
            }
        }
    }
    for servers in by_capability.values_mut() {
        servers.sort_unstable_by_key(|&s| table.rank[s as usize]);
        servers.dedup();
    }
    table.advertisers = by_capability;
    let mut advertised: Vec<String> = table.advertisers.keys().cloned().collect();
    advertised.sort_unstable();
    // A capability with no advertisers of its own under a matched key routes exactly as
    // that key does: such routes are shared, so a thousand `code.review.<language>` cost one.
    // First which route each capability takes in each scope, then each route once, on
    // every core.
    let scopes = linked.maps.scopes();
    let required = linked.processes.values().flat_map(|p| &p.requires);
    let named: FastSet<&str> = (linked.maps.all_keys())
        .chain(advertised.iter().map(String::as_str))
        .chain(required.map(|c| c.value.as_str()))
        .collect();
    let mut named: Vec<&str> = named.into_iter().collect();
    named.sort_unstable();
    let mut keys: FastMap<RouteKey, usize> = FastMap::default();
    // For each route: a capability and scope to compute it from.
    let mut first: Vec<(&str, MapScope)> = Vec::new();
    let mut route_of = |capability, scope| {
        let key = table.route_key(linked, capability, scope);
        *keys.entry(key).or_insert_with(|| {
            first.push((capability, scope));
            first.len() - 1
        })
    };
    let assigned: Vec<(&str, Routes)> = named
        .iter()
        .map(|&capability| {
            let mut routes = Routes::default();
            for &(environment, scope) in &scopes {
                match environment {
                    None => routes.default = route_of(capability, scope),
                    // An environment's own maps change the route only if they match it.
                    Some(env) => {
                        let own = linked
                            .maps
                            .matching_key(capability, scope)
                            .is_some_and(|(_, from)| from == scope);
                        if own {
                            routes
                                .scoped
                                .push((env.to_string(), route_of(capability, scope)));
                        }
                    }
                }
            }
            (capability, routes)
        })
        .collect();
    table.routes = first
        .par_iter()
        .map(|&(capability, scope)| table.route_for(linked, capability, scope))
        .collect();
    table.capabilities = assigned
        .into_iter()
        .map(|(capability, routes)| (capability.to_string(), routes))
        .collect();
    table.advertised = advertised;
    table
}

/// Each server's place when all are sorted by id (providers and processes are each sorted
/// already: one merge).
fn id_order(linked: &Linked, table: &RoutingTable) -> Vec<u32> {
    let id = |server: &Server| {
        let found = match server.kind {
            Kind::Provider => linked.providers.get_index(server.index).map(|(id, _)| id),
            _ => linked.processes.get_index(server.index).map(|(id, _)| id),
        };
        found.map_or("", String::as_str)
    };
    let providers = linked.providers.len();
    let (mut p, mut q) = (0, providers);
    let mut rank = vec![0; table.servers.len()];
    for place in 0..table.servers.len() {
        let take_provider = q >= table.servers.len()
            || (p < providers && id(&table.servers[p]) <= id(&table.servers[q]));
        let server = if take_provider { &mut p } else { &mut q };
        rank[*server] = place as u32;
        *server += 1;
    }
    rank
}

fn process_backing(linked: &Linked, process: Option<usize>) -> Backing {
    match process.and_then(|index| linked.processes.get_index(index).map(|(_, p)| (index, p))) {
        None => Backing::Undefined,
        Some((index, process)) => Backing::Process {
            process: index,
            status: process.status.value,
            environment: linked
                .process_environment(process)
                .and_then(|env| linked.environments.get_index_of(env)),
            complete: process.complete,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::link::testing::{codes, link_clean, link_yaml, process};

    fn env(linked: &Linked, id: &str) -> EnvIndex {
        linked.environments.get_index_of(id).unwrap()
    }

    /// `(id, source)` of each candidate, in rank order.
    fn ranked<'l>(linked: &'l Linked, route: &Route) -> Vec<(&'l str, Source)> {
        route
            .candidates
            .iter()
            .map(|c| (linked.server_name(c.server), c.source))
            .collect()
    }

    fn mapped(position: usize) -> Source {
        Source::Mapped { position }
    }

    fn route<'l>(linked: &'l Linked, capability: &str, environment: Option<&str>) -> &'l Route {
        linked
            .routing
            .route(capability, environment)
            .unwrap_or_else(|| panic!("no route for {capability}"))
    }

    fn first<'l>(linked: &'l Linked, route: &Route, environment: Option<&str>) -> Option<&'l str> {
        let environment = environment.map(|e| env(linked, e));
        route
            .first_eligible(environment)
            .map(|r| linked.server_name(r.server))
    }

    fn ranking_tree() -> String {
        [
            "kind: Provider\nid: zeta\nplatform: nodejs\nprocess: zeta-proc\ncapabilities: [code]\n"
                .to_string(),
            "kind: Provider\nid: alpha\nplatform: nodejs\nprocess: alpha-proc\n".to_string(),
            "kind: Provider\nid: hosted\nplatform: openai-agents\ncapabilities: [code]\n"
                .to_string(),
            "kind: Provider\nid: beta\nplatform: openai-agents\ncapabilities: [code]\n".to_string(),
            "kind: Provider\nid: twin\nplatform: openai-agents\ncapabilities: [code]\n".to_string(),
            process("zeta-proc", "running", "production", "capabilities: [code]\n"),
            process("alpha-proc", "running", "staging", ""),
            process("mid-proc", "running", "production", "capabilities: [code]\n"),
            process("stopped-proc", "stopped", "production", "capabilities: [code]\n"),
            process("aardvark", "running", "production", "capabilities: [code]\n"),
            process("twin", "running", "production", "capabilities: [code]\n"),
            process(
                "needy",
                "running",
                "production",
                "requires: [code.review.rust, code.review.go]\n",
            ),
            "kind: CapabilityMap\nmappings:\n  code: [zeta, alpha, zeta, hosted]\n".to_string(),
        ]
        .join("---\n")
    }

    #[test]
    fn mapped_candidates_come_first_in_map_order_then_advertisers_by_id_each_once() {
        let linked = link_clean(&ranking_tree());
        let code = route(&linked, "code", None);
        assert_eq!(
            code.matched,
            Some(("code".to_string(), MapScope::Everywhere))
        );
        assert_eq!(
            ranked(&linked, code),
            [
                // `zeta` is listed twice (its first place counts) and advertises `code` too.
                ("zeta", mapped(1)),
                ("alpha", mapped(2)),
                ("hosted", mapped(4)),
                // Providers and processes together, by id; the Process `twin` is the
                // Provider `twin`, listed once.
                ("aardvark", Source::Advertised),
                ("beta", Source::Advertised),
                ("mid-proc", Source::Advertised),
                ("stopped-proc", Source::Advertised),
                ("twin", Source::Advertised),
                ("zeta-proc", Source::Advertised),
            ]
        );
        assert!(!code.names_unknown);
        assert!(!code.unsure);
        assert_eq!(
            ids(code.mapping(&linked)),
            ["zeta", "alpha", "zeta", "hosted"]
        );
        // The Provider that shares a Process's id is what routing reads.
        let twin = linked.routing.server_id(&linked, "twin").unwrap();
        assert_eq!(linked.routing.server(twin).kind, Kind::Provider);
        assert_eq!(linked.server_process(twin), None);
    }

    fn ids(mapping: Option<&Mapping>) -> Vec<&str> {
        mapping
            .expect("a matched mapping")
            .providers
            .iter()
            .map(|p| p.value.as_str())
            .collect()
    }

    #[test]
    fn sub_capabilities_without_advertisers_share_their_keys_route() {
        let linked = link_clean(&ranking_tree());
        let rust = route(&linked, "code.review.rust", None);
        let go = route(&linked, "code.review.go", None);
        assert!(std::ptr::eq(rust, go), "one route for both");
        assert_eq!(
            rust.matched,
            Some(("code".to_string(), MapScope::Everywhere))
        );
        // The same candidates as `code`, whose own advertisers give it a route of its own.
        let code = route(&linked, "code", None);
        assert_eq!(rust.candidates, code.candidates);
        assert!(!std::ptr::eq(rust, code));
        // `needy` gets the first one running in production.
        let links: Vec<_> = linked
            .links_of("needy")
            .map(|l| (l.capability.value.as_str(), l.provider))
            .collect();
        assert_eq!(
            links,
            [
                ("code.review.rust", Some("zeta")),
                ("code.review.go", Some("zeta"))
            ]
        );
    }

    #[test]
    fn a_map_entry_naming_nothing_sets_names_unknown() {
        let text = [
            process("a", "running", "production", ""),
            process("b", "running", "production", "capabilities: [other]\n"),
            "kind: CapabilityMap\nmappings:\n  x: [ghost, a]\n  other: [b]\n".to_string(),
        ]
        .join("---\n");
        let (linked, diagnostics) = link_yaml(&text);
        assert_eq!(codes(&diagnostics), [Code::UnknownProvider]);
        let x = route(&linked, "x", None);
        assert!(x.names_unknown);
        // The others keep their place in the list.
        assert_eq!(ranked(&linked, x), [("a", mapped(2))]);
        assert!(!route(&linked, "other", None).names_unknown);
    }

    #[test]
    fn an_incomplete_process_makes_its_routes_unsure() {
        // No `name`: the process is kept, but what it says is not to be trusted.
        let text = [
            process("half", "running", "production", "capabilities: [y]\n")
                .replace("name: half\n", ""),
            process("whole", "running", "production", "capabilities: [y, z]\n"),
        ]
        .join("---\n");
        let (linked, diagnostics) = link_yaml(&text);
        assert_eq!(codes(&diagnostics), [Code::MissingField]);
        assert!(!linked.processes["half"].complete);
        let y = route(&linked, "y", None);
        assert_eq!(
            ranked(&linked, y),
            [("half", Source::Advertised), ("whole", Source::Advertised)]
        );
        assert!(y.unsure);
        assert!(!y.names_unknown);
        assert!(!route(&linked, "z", None).unsure);
    }

    fn eligibility_tree() -> String {
        [
            process("stopped-p", "stopped", "production", ""),
            process("staging-p", "running", "staging", ""),
            process("prod-p", "running", "production", ""),
            "kind: Provider\nid: hosted-prov\nplatform: openai-agents\n".to_string(),
            "kind: Provider\nid: ghost-prov\nplatform: nodejs\nprocess: ghost\n".to_string(),
            "kind: CapabilityMap\nmappings:\n  \
             svc: [stopped-p, staging-p, hosted-prov, prod-p, ghost-prov]\n  \
             unhosted: [stopped-p, staging-p, prod-p]\n  \
             ghostly: [ghost-prov, stopped-p]\n"
                .to_string(),
        ]
        .join("---\n")
    }

    #[test]
    fn first_eligible_in_an_environment_or_anywhere() {
        let (linked, diagnostics) = link_yaml(&eligibility_tree());
        // `ghost-prov` names a process that does not exist.
        assert_eq!(codes(&diagnostics), [Code::UnknownProcess]);
        let svc = route(&linked, "svc", None);
        // Anywhere: the first running one, before the hosted one.
        assert_eq!(first(&linked, svc, None), Some("staging-p"));
        assert_eq!(first(&linked, svc, Some("env-staging")), Some("staging-p"));
        // In production the hosted one comes before `prod-p`.
        assert_eq!(
            first(&linked, svc, Some("env-production")),
            Some("hosted-prov")
        );
        assert_eq!(
            first(&linked, svc, Some("env-development")),
            Some("hosted-prov")
        );
        let unhosted = route(&linked, "unhosted", None);
        assert_eq!(first(&linked, unhosted, None), Some("staging-p"));
        assert_eq!(
            first(&linked, unhosted, Some("env-production")),
            Some("prod-p")
        );
        assert_eq!(first(&linked, unhosted, Some("env-development")), None);
        // A provider whose process is not defined never serves; nor does a stopped one.
        let ghostly = route(&linked, "ghostly", None);
        assert_eq!(first(&linked, ghostly, None), None);
        assert_eq!(first(&linked, ghostly, Some("env-production")), None);
    }

    #[test]
    fn servers_are_eligible_by_their_backing_and_say_why() {
        let (linked, _) = link_yaml(&eligibility_tree());
        let production = Some(env(&linked, "env-production"));
        let check = |id: &str, anywhere: bool, in_production: bool, why: &str| {
            let server = linked.routing.server_id(&linked, id).unwrap();
            let serving = linked.routing.server(server);
            assert_eq!(serving.eligible(None), anywhere, "{id} anywhere");
            assert_eq!(
                serving.eligible(production),
                in_production,
                "{id} in production"
            );
            assert_eq!(reason(&linked, server, Some("env-production")), why, "{id}");
        };
        check("stopped-p", false, false, "stopped");
        check(
            "staging-p",
            true,
            false,
            "runs in env-staging, not env-production",
        );
        check("prod-p", true, true, "running in env-production");
        check("hosted-prov", true, true, "hosted (no process)");
        check("ghost-prov", false, false, "backing process not defined");
        let ghost = linked.routing.server_id(&linked, "ghost-prov").unwrap();
        assert_eq!(linked.routing.server(ghost).backing, Backing::Undefined);
        assert_eq!(linked.server_process(ghost), Some("ghost"));
    }

    fn scoped_tree() -> String {
        [
            process("a", "running", "staging", ""),
            process("b", "running", "production", ""),
            process(
                "needs-prod",
                "running",
                "production",
                "requires: [code.review.rust, code.review.go, code]\n",
            ),
            process(
                "needs-stage",
                "running",
                "staging",
                "requires: [code.review.rust]\n",
            ),
            "kind: CapabilityMap\nmappings:\n  code: [a, b]\n".to_string(),
            "kind: CapabilityMap\nenvironments: [production]\nmappings:\n  code.review: [b]\n"
                .to_string(),
        ]
        .join("---\n")
    }

    #[test]
    fn an_environments_own_maps_route_there_and_nowhere_else() {
        let linked = link_clean(&scoped_tree());
        let production = linked.maps.scope_of(Some("env-production"));
        assert_eq!(production, MapScope::Environment(0));
        let in_production = route(&linked, "code.review.rust", Some("env-production"));
        assert_eq!(
            in_production.matched,
            Some(("code.review".to_string(), production))
        );
        assert_eq!(ranked(&linked, in_production), [("b", mapped(1))]);
        assert_eq!(ids(in_production.mapping(&linked)), ["b"]);
        // Another sub-capability shares the scoped route.
        assert!(std::ptr::eq(
            in_production,
            route(&linked, "code.review.go", Some("env-production"))
        ));
        // Elsewhere, and with no environment, the maps for every environment.
        let default = route(&linked, "code.review.rust", None);
        assert!(!std::ptr::eq(default, in_production));
        assert!(std::ptr::eq(
            default,
            route(&linked, "code.review.rust", Some("env-staging"))
        ));
        assert_eq!(
            default.matched,
            Some(("code".to_string(), MapScope::Everywhere))
        );
        assert_eq!(
            ranked(&linked, default),
            [("a", mapped(1)), ("b", mapped(2))]
        );
        // Production's own maps do not route `code`: it has one route.
        assert!(std::ptr::eq(
            route(&linked, "code", None),
            route(&linked, "code", Some("env-production"))
        ));
        // Each process links under its own environment's maps.
        let links =
            |id: &str| -> Vec<Option<&str>> { linked.links_of(id).map(|l| l.provider).collect() };
        assert_eq!(links("needs-prod"), [Some("b"), Some("b"), Some("b")]);
        assert_eq!(links("needs-stage"), [Some("a")]);
    }

    #[test]
    fn resolve_routes_a_capability_the_tree_does_not_name_on_the_spot() {
        let linked = link_clean(&scoped_tree());
        assert!(linked.routing.route("code.review.java", None).is_none());
        let resolved = |environment: Option<&str>| {
            let resolution = resolve(&linked, "code.review.java", environment);
            let ids: Vec<(&str, bool)> = (resolution.candidates.iter())
                .map(|c| (c.id, c.eligible))
                .collect();
            (resolution.matched, ids)
        };
        assert_eq!(
            resolved(Some("env-production")),
            (Some("code.review".to_string()), vec![("b", true)])
        );
        assert_eq!(
            resolved(Some("env-staging")),
            (Some("code".to_string()), vec![("a", true), ("b", false)])
        );
        assert_eq!(
            resolved(None),
            (Some("code".to_string()), vec![("a", true), ("b", true)])
        );
        let nothing = resolve(&linked, "quantum", None);
        assert_eq!(nothing.matched, None);
        assert!(nothing.candidates.is_empty());
    }

    #[test]
    fn candidates_say_where_they_run_and_how_they_got_listed() {
        let linked = link_clean(&scoped_tree());
        let resolution = resolve(&linked, "code", Some("env-staging"));
        let b = &resolution.candidates[1];
        assert_eq!(
            (b.id, b.kind, b.platform, b.process, b.status),
            (
                "b",
                Kind::Process,
                "nodejs",
                Some("b"),
                Some(Status::Running)
            )
        );
        assert_eq!(b.environment, Some("env-production"));
        assert_eq!(b.via(), "map #2");
        assert_eq!(b.reason, "runs in env-production, not env-staging");
        assert!(!b.eligible);
        assert_eq!(
            resolution.eligible().map(|c| c.id).collect::<Vec<_>>(),
            ["a"]
        );
    }
}
