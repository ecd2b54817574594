//! The routing table: for every capability the tree names, and every environment whose own
//! maps route it differently, the ranked candidates, and which of them serve where. Built
//! once by `link`, in time linear in the tree; `resolve`, `plan`, `explain`, `graph` and the
//! requirement checks read it, and nothing recomputes a route. It is also the one place where
//! a route changes.
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

use std::collections::{BTreeMap, HashMap};

use super::Linked;
use super::maps::MapScope;
use crate::model::capability_map::Mapping;
use crate::model::{Kind, Status};

/// Index of a [`Server`] in the table.
pub type ServerId = u32;

/// A Provider or a Process that can serve capabilities, and what it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub id: String,
    /// `Provider`, or `Process` for a process that serves directly (a shared id is read as the
    /// Provider).
    pub kind: Kind,
    pub backing: Backing,
}

/// What a server's eligibility rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    /// A provider with no process: always eligible.
    Hosted,
    /// Backed by a process the tree does not define.
    Undefined { process: String },
    Process {
        process: String,
        status: Status,
        /// The environment (id) it runs in, if that names one.
        environment: Option<String>,
        /// False when the process could not be read whole: its status is not to be trusted.
        complete: bool,
    },
}

impl Server {
    /// Whether it serves (in `environment`, an id, when given).
    pub fn eligible(&self, environment: Option<&str>) -> bool {
        match &self.backing {
            Backing::Hosted => true,
            Backing::Undefined { .. } => false,
            Backing::Process {
                status,
                environment: runs_in,
                ..
            } => {
                *status == Status::Running
                    && environment.is_none_or(|wanted| runs_in.as_deref() == Some(wanted))
            }
        }
    }

    /// Why it is eligible or not, in a few words.
    pub fn reason(&self, environment: Option<&str>) -> String {
        match &self.backing {
            Backing::Hosted => "hosted (no process)".to_string(),
            Backing::Undefined { .. } => "backing process not defined".to_string(),
            Backing::Process {
                status,
                environment: runs_in,
                ..
            } => {
                let shown = runs_in.as_deref().unwrap_or("an unknown environment");
                if *status != Status::Running {
                    status.to_string()
                } else if let Some(wanted) = environment.filter(|w| runs_in.as_deref() != Some(w)) {
                    format!("runs in {shown}, not {wanted}")
                } else {
                    format!("running in {shown}")
                }
            }
        }
    }

    /// The process behind it; `None` when hosted.
    pub fn process(&self) -> Option<&str> {
        match &self.backing {
            Backing::Hosted => None,
            Backing::Undefined { process } | Backing::Process { process, .. } => Some(process),
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
    /// one per environment: with these, the chosen provider anywhere is one lookup.
    first_hosted: Option<usize>,
    first_running: Option<usize>,
    first_in: HashMap<String, usize>,
    /// The matched mapping lists ids that name nothing: what they would serve is unknown.
    pub names_unknown: bool,
    /// A candidate's process could not be read whole: its status is unsure.
    pub unsure: bool,
}

/// The routes of one capability.
#[derive(Debug, Clone, Default)]
struct Routes {
    /// Where no environment's own map routes it (and with no environment).
    default: usize,
    /// Environments whose own maps route it, and their routes.
    scoped: Vec<(String, usize)>,
}

#[derive(Debug, Default)]
pub struct RoutingTable {
    servers: Vec<Server>,
    by_id: HashMap<String, ServerId>,
    routes: Vec<Route>,
    capabilities: BTreeMap<String, Routes>,
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
            .map(|ranked| {
                candidate(
                    linked,
                    table.server(ranked.server),
                    ranked.source,
                    environment,
                )
            })
            .collect(),
    }
}

/// A server as a candidate in `environment`.
pub fn candidate<'l>(
    linked: &'l Linked,
    server: &'l Server,
    source: Source,
    environment: Option<&str>,
) -> Candidate<'l> {
    let provider = match server.kind {
        Kind::Provider => linked.providers.get(&server.id),
        _ => None,
    };
    let platform = match provider {
        Some(provider) => &provider.platform.value,
        None => linked
            .processes
            .get(&server.id)
            .map_or("", |p| p.platform.value.as_str()),
    };
    let (status, runs_in) = match &server.backing {
        Backing::Process {
            status,
            environment,
            ..
        } => (Some(*status), environment.as_deref()),
        _ => (None, None),
    };
    Candidate {
        id: &server.id,
        kind: server.kind,
        name: provider.and_then(|p| p.name.as_deref()),
        endpoint: provider.and_then(|p| p.endpoint.as_deref()),
        platform,
        process: server.process(),
        status,
        environment: runs_in,
        source,
        eligible: server.eligible(environment),
        reason: server.reason(environment),
    }
}

impl Route {
    fn new(
        matched: Option<(&str, MapScope)>,
        candidates: Vec<Ranked>,
        servers: &[Server],
        linked: &Linked,
    ) -> Route {
        let mut route = Route {
            matched: matched.map(|(key, scope)| (key.to_string(), scope)),
            candidates,
            first_hosted: None,
            first_running: None,
            first_in: HashMap::new(),
            names_unknown: false,
            unsure: false,
        };
        for (index, ranked) in route.candidates.iter().enumerate() {
            match &servers[ranked.server as usize].backing {
                Backing::Hosted => {
                    route.first_hosted.get_or_insert(index);
                }
                Backing::Undefined { .. } => {}
                Backing::Process {
                    status,
                    environment,
                    complete,
                    ..
                } => {
                    route.unsure |= !complete;
                    if *status == Status::Running {
                        route.first_running.get_or_insert(index);
                        if let Some(environment) = environment {
                            route.first_in.entry(environment.clone()).or_insert(index);
                        }
                    }
                }
            }
        }
        route.names_unknown = route
            .mapping(linked)
            .is_some_and(|m| m.providers.iter().any(|id| !linked.is_provider(&id.value)));
        route
    }

    /// The mapping its matched key comes from.
    pub fn mapping<'l>(&self, linked: &'l Linked) -> Option<&'l Mapping> {
        let (key, scope) = self.matched.as_ref()?;
        linked.maps.mapping(*scope, key)
    }

    /// The first eligible candidate (in `environment`, an id, when given).
    pub fn first_eligible(&self, environment: Option<&str>) -> Option<Ranked> {
        let process_backed = match environment {
            None => self.first_running,
            Some(environment) => self.first_in.get(environment).copied(),
        };
        let first = match (self.first_hosted, process_backed) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(self.candidates[first])
    }
}

impl RoutingTable {
    pub fn server(&self, id: ServerId) -> &Server {
        &self.servers[id as usize]
    }

    /// The server with this Provider (or else Process) id.
    pub fn server_named(&self, id: &str) -> Option<&Server> {
        self.by_id.get(id).map(|&i| self.server(i))
    }

    /// The route of a capability the tree names, in `environment` (an id) or with none.
    pub fn route(&self, capability: &str, environment: Option<&str>) -> Option<&Route> {
        let routes = self.capabilities.get(capability)?;
        let index = environment
            .and_then(|env| routes.scoped.iter().find(|(e, _)| e == env))
            .map_or(routes.default, |(_, i)| *i);
        Some(&self.routes[index])
    }

    /// The provider chosen for `capability` in `environment`: the first eligible candidate.
    pub fn chosen(&self, capability: &str, environment: Option<&str>) -> Option<&Server> {
        let ranked = self
            .route(capability, environment)?
            .first_eligible(environment)?;
        Some(self.server(ranked.server))
    }

    /// Ranks the candidates of `capability` under the maps of `scope`.
    fn route_for(&self, linked: &Linked, capability: &str, scope: MapScope) -> Route {
        let matched = linked.maps.matching_key(capability, scope);
        let mut candidates: Vec<Ranked> = Vec::new();
        let mut listed = std::collections::HashSet::new();
        if let Some((key, from)) = matched {
            let mapping = linked
                .maps
                .mapping(from, key)
                .expect("a matched key is mapped");
            for (index, id) in mapping.providers.iter().enumerate() {
                if let Some(&server) = self.by_id.get(&id.value) {
                    if listed.insert(server) {
                        candidates.push(Ranked {
                            server,
                            source: Source::Mapped {
                                position: index + 1,
                            },
                        });
                    }
                }
            }
        }
        // Advertisers of the capability itself and of the map key that matched it, by id.
        let mut advertised: Vec<&str> = linked
            .advertisers(capability)
            .iter()
            .chain(
                matched
                    .map(|(key, _)| key)
                    .filter(|k| *k != capability)
                    .map_or(&[][..], |k| linked.advertisers(k)),
            )
            .map(String::as_str)
            .collect();
        advertised.sort_unstable();
        advertised.dedup();
        for id in advertised {
            if let Some(&server) = self.by_id.get(id) {
                if listed.insert(server) {
                    candidates.push(Ranked {
                        server,
                        source: Source::Advertised,
                    });
                }
            }
        }
        Route::new(matched, candidates, &self.servers, linked)
    }

    /// Every capability that has a route, sorted.
    pub fn capabilities(&self) -> impl Iterator<Item = &str> {
        self.capabilities.keys().map(String::as_str)
    }
}

/// Builds the table: a server for every Provider and Process, then the routes of every
/// capability the tree names, in every scope that routes it differently.
pub fn build(linked: &Linked) -> RoutingTable {
    let mut table = RoutingTable::default();
    for (id, provider) in &linked.providers {
        let backing = match &provider.process {
            None => Backing::Hosted,
            Some(process) => process_backing(linked, &process.value),
        };
        table.add_server(id, Kind::Provider, backing);
    }
    for id in linked.processes.keys() {
        if !table.by_id.contains_key(id) {
            table.add_server(id, Kind::Process, process_backing(linked, id));
        }
    }
    // A capability with no advertisers of its own under a matched key routes exactly as
    // that key does: such routes are shared, so a thousand `code.review.<language>` cost one.
    let mut shared: HashMap<(String, MapScope), usize> = HashMap::new();
    let scopes = linked.maps.scopes();
    for capability in linked.capabilities() {
        let mut routes = Routes::default();
        for &(environment, scope) in &scopes {
            let index = table.route_index(linked, capability, scope, &mut shared);
            match environment {
                None => routes.default = index,
                Some(env) if index != routes.default => {
                    routes.scoped.push((env.to_string(), index))
                }
                Some(_) => {}
            }
        }
        table.capabilities.insert(capability.to_string(), routes);
    }
    table
}

impl RoutingTable {
    fn add_server(&mut self, id: &str, kind: Kind, backing: Backing) {
        let index = self.servers.len() as ServerId;
        self.servers.push(Server {
            id: id.to_string(),
            kind,
            backing,
        });
        self.by_id.insert(id.to_string(), index);
    }

    /// The route of `capability` under `scope`, computed or shared.
    fn route_index(
        &mut self,
        linked: &Linked,
        capability: &str,
        scope: MapScope,
        shared: &mut HashMap<(String, MapScope), usize>,
    ) -> usize {
        let matched = linked.maps.matching_key(capability, scope);
        let own_advertisers = !linked.advertisers(capability).is_empty();
        let share = match matched {
            Some((key, from)) if !own_advertisers => Some((key.to_string(), from)),
            // Nothing routes it: every such capability has the same empty route.
            None if !own_advertisers => Some((String::new(), MapScope::Everywhere)),
            _ => None,
        };
        if let Some(index) = share.as_ref().and_then(|key| shared.get(key)) {
            return *index;
        }
        let route = self.route_for(linked, capability, scope);
        let index = self.routes.len();
        self.routes.push(route);
        if let Some(key) = share {
            shared.insert(key, index);
        }
        index
    }
}

fn process_backing(linked: &Linked, id: &str) -> Backing {
    match linked.processes.get(id) {
        None => Backing::Undefined {
            process: id.to_string(),
        },
        Some(process) => Backing::Process {
            process: id.to_string(),
            status: process.status.value,
            environment: linked.process_environment(process).map(str::to_string),
            complete: process.complete,
        },
    }
}
