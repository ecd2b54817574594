//! The linked system as a graph, for `oslinker graph`: what is in it and how it connects.
//! Plain data; `render::graph` draws it as DOT or Mermaid.
//!
//! Nodes: environments, bindings, processes, providers and capabilities. Edges:
//! - *provides*: capability -> each candidate (Provider or Process) in rank order, as
//!   `resolve --all` lists them; an ineligible one carries its reason;
//! - *requires*: process -> the provider chosen for it (the first eligible one in the
//!   process's environment), or process -> capability when nothing is (unresolved);
//! - *backed by*: provider -> the process that implements it;
//! - *bound to*: binding -> its process;
//! - *runs in*: process -> its environment.

use std::collections::{BTreeMap, BTreeSet};

use crate::link::{Linked, routing};
use crate::model::{Status, names};

/// Node kinds, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Environment,
    Binding,
    Process,
    Provider,
    Capability,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Environment => "environment",
            NodeKind::Binding => "binding",
            NodeKind::Process => "process",
            NodeKind::Provider => "provider",
            NodeKind::Capability => "capability",
        }
    }
}

/// A node's identity: its kind and id (a capability's name). A Process and a Provider may
/// share an id; they are different nodes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    pub kind: NodeKind,
    pub id: String,
}

impl NodeId {
    fn new(kind: NodeKind, id: &str) -> NodeId {
        NodeId {
            kind,
            id: id.to_string(),
        }
    }
}

/// Something wrong with a node, drawn so that it stands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A provider or process that cannot serve, and why.
    Ineligible(String),
    /// A binding that never applies (its process runs in another environment), and why.
    NeverApplies(String),
    /// A capability that a shown process requires and that nothing eligible serves where it
    /// runs: the environments (ids) where it is unresolved.
    Unresolved(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: NodeId,
    /// The display name (free text from the manifest), when it says more than the id.
    pub name: Option<String>,
    /// Short facts: platform, status, binding type, `hosted`.
    pub details: Vec<String>,
    pub mark: Option<Mark>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeKind {
    /// Capability -> candidate. `rank` counts eligible candidates (none when ineligible);
    /// `via` is `map #N` or `advertised`; `reason` says why an ineligible one is.
    Provides {
        rank: Option<usize>,
        via: String,
        reason: Option<String>,
    },
    /// Process -> the provider chosen for `capability`.
    Requires { capability: String },
    /// Process -> capability: no eligible provider in the process's environment.
    Unresolved { capability: String },
    /// Provider -> the process that implements it.
    BackedBy,
    /// Binding -> its process.
    BoundTo,
    /// Process -> its environment.
    RunsIn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: EdgeKind,
}

/// Nodes sorted by kind and id; edges in a fixed order (by kind of edge, then by node, and
/// a capability's candidates in rank order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// What part of the system to draw.
#[derive(Debug, Default)]
pub struct GraphFilter<'a> {
    /// Only processes in this environment (an id), the providers they back and hosted ones,
    /// their bindings for it; eligibility counts only processes running there.
    pub environment: Option<&'a str>,
    /// Only these capabilities and those under them (`code` takes in `code.review`), with
    /// their candidates, the processes that back or require them, and those processes'
    /// environments. Empty: every capability.
    pub capabilities: &'a [String],
}

/// Whether `capability` is `focus` or under it (`code.review` is under `code`).
pub fn is_under(capability: &str, focus: &str) -> bool {
    capability
        .strip_prefix(focus)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The first `--capability` that names nothing in the tree (no named capability is it or
/// under it), with the closest named one for a did-you-mean.
pub fn unknown_focus<'a>(
    linked: &'a Linked,
    capabilities: &'a [String],
) -> Option<(&'a str, Option<&'a str>)> {
    let known = linked.capabilities();
    let wanted = capabilities.iter().find(|wanted| {
        // Under a named one, or routed through a map key by prefix, as `resolve` does.
        !known.iter().any(|c| is_under(c, wanted)) && !routing::is_known(linked, wanted)
    })?;
    Some((wanted, names::suggest(wanted, known.iter().copied())))
}

pub fn build(linked: &Linked, filter: &GraphFilter) -> Graph {
    let environment = filter.environment;
    let mut graph = Graph::default();

    // Processes, and the environments they run in.
    let processes: BTreeSet<&str> = linked
        .processes
        .values()
        .filter(|p| environment.is_none_or(|e| linked.process_environment(p) == Some(e)))
        .map(|p| p.id.value.as_str())
        .collect();
    for id in &processes {
        let p = &linked.processes[*id];
        // Shown processes all run in the environment asked for: only the status counts.
        let running = p.status.value == Status::Running;
        graph.nodes.push(Node {
            id: NodeId::new(NodeKind::Process, id),
            name: shown_name(id, &p.name),
            details: process_details(p),
            mark: (!running).then(|| Mark::Ineligible("not running".to_string())),
        });
        if let Some(env) = linked.process_environment(p) {
            graph.edges.push(Edge {
                from: NodeId::new(NodeKind::Process, id),
                to: NodeId::new(NodeKind::Environment, env),
                kind: EdgeKind::RunsIn,
            });
        }
    }

    // Providers: hosted ones, and those backed by a shown process.
    for (id, provider) in &linked.providers {
        let backer = provider.process.as_ref().map(|p| p.value.as_str());
        if environment.is_some() && backer.is_some_and(|b| !processes.contains(b)) {
            continue;
        }
        let mut details = vec![provider.platform.value.clone()];
        if backer.is_none() {
            details.push("hosted".to_string());
        }
        graph.nodes.push(Node {
            id: NodeId::new(NodeKind::Provider, id),
            name: provider.name.as_deref().and_then(|n| shown_name(id, n)),
            details,
            mark: serving_problem(linked, id, environment).map(Mark::Ineligible),
        });
        if let Some(process) = backer.filter(|b| processes.contains(b)) {
            graph.edges.push(Edge {
                from: NodeId::new(NodeKind::Provider, id),
                to: NodeId::new(NodeKind::Process, process),
                kind: EdgeKind::BackedBy,
            });
        }
    }

    // Bindings of shown processes (with an environment: those for it).
    for (id, binding) in &linked.bindings {
        let process = binding.process.value.as_str();
        let bound_env = linked.environment_id(&binding.environment.value);
        if !processes.contains(process) || environment.is_some_and(|e| bound_env != Some(e)) {
            continue;
        }
        let runs_in = linked
            .processes
            .get(process)
            .and_then(|p| linked.process_environment(p));
        let mark = match (bound_env, runs_in) {
            (Some(bound), Some(runs)) if bound != runs => Some(Mark::NeverApplies(format!(
                "for {bound}, but its process runs in {runs}"
            ))),
            _ => None,
        };
        graph.nodes.push(Node {
            id: NodeId::new(NodeKind::Binding, id),
            name: None,
            details: vec![binding.binding_type.value.to_string()],
            mark,
        });
        graph.edges.push(Edge {
            from: NodeId::new(NodeKind::Binding, id),
            to: NodeId::new(NodeKind::Process, process),
            kind: EdgeKind::BoundTo,
        });
    }

    // Capabilities and their candidates.
    let shown: BTreeSet<NodeId> = graph.nodes.iter().map(|n| n.id.clone()).collect();
    // The tree's capabilities, and focused ones it routes only through a map key's prefix.
    let mut capabilities = linked.capabilities();
    capabilities.extend(
        (filter.capabilities.iter())
            .map(String::as_str)
            .filter(|c| routing::is_known(linked, c)),
    );
    for capability in capabilities {
        let resolution = routing::resolve(linked, capability, environment);
        let mut rank = 0;
        for candidate in &resolution.candidates {
            let to = candidate_node(linked, candidate.id);
            if !shown.contains(&to) {
                continue;
            }
            let rank = candidate.eligible.then(|| {
                rank += 1;
                rank
            });
            graph.edges.push(Edge {
                from: NodeId::new(NodeKind::Capability, capability),
                to,
                kind: EdgeKind::Provides {
                    rank,
                    via: candidate.via(),
                    reason: (!candidate.eligible).then(|| candidate.reason.clone()),
                },
            });
        }
    }

    // Requirements: to the chosen provider, or to the capability when unresolved.
    let mut unresolved: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for id in &processes {
        let env = linked.environment_of(id);
        for link in linked.links_of(id) {
            let capability = link.capability.value.as_str();
            let chosen = link.provider.map(|c| candidate_node(linked, c));
            let (to, kind) = match chosen {
                Some(to) => (
                    to,
                    EdgeKind::Requires {
                        capability: capability.to_string(),
                    },
                ),
                None => {
                    let env = env.unwrap_or("an unknown environment");
                    unresolved.entry(capability).or_default().insert(env);
                    (
                        NodeId::new(NodeKind::Capability, capability),
                        EdgeKind::Unresolved {
                            capability: capability.to_string(),
                        },
                    )
                }
            };
            graph.edges.push(Edge {
                from: NodeId::new(NodeKind::Process, id),
                to,
                kind,
            });
        }
    }

    // Capability nodes: those with an edge (a filter may have removed every candidate).
    let linked_caps: BTreeSet<&str> = graph
        .edges
        .iter()
        .flat_map(|e| [&e.from, &e.to])
        .filter(|n| n.kind == NodeKind::Capability)
        .map(|n| n.id.as_str())
        .collect();
    for capability in linked_caps {
        graph.nodes.push(Node {
            id: NodeId::new(NodeKind::Capability, capability),
            name: None,
            details: Vec::new(),
            mark: unresolved
                .get(capability)
                .map(|envs| Mark::Unresolved(envs.iter().map(|e| e.to_string()).collect())),
        });
    }

    // Environments: those something shown runs in or is bound for, and the tree's own.
    let mut environments: BTreeSet<&str> = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::RunsIn)
        .map(|e| e.to.id.as_str())
        .collect();
    match environment {
        Some(env) => {
            environments.insert(env);
        }
        None => environments.extend(
            linked
                .environments
                .values()
                .filter(|e| !e.builtin)
                .map(|e| e.id.value.as_str()),
        ),
    }
    for id in environments {
        let name = linked.environments.get(id).map(|e| e.name.value.as_str());
        graph.nodes.push(Node {
            id: NodeId::new(NodeKind::Environment, id),
            name: name.and_then(|n| shown_name(id, n)),
            details: Vec::new(),
            mark: None,
        });
    }

    if !filter.capabilities.is_empty() {
        graph = focus(graph, filter.capabilities);
    }
    graph.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    graph
}

/// The neighbourhood of the focused capabilities: their candidates, the processes behind
/// those and the processes that require them, and where those processes run.
fn focus(graph: Graph, capabilities: &[String]) -> Graph {
    let focused = |c: &str| capabilities.iter().any(|f| is_under(c, f));
    let mut keep: BTreeSet<NodeId> = BTreeSet::new();
    let mut edges: Vec<Edge> = Vec::new();
    // Capabilities, their candidates, and who requires them.
    for edge in &graph.edges {
        let wanted = match &edge.kind {
            EdgeKind::Provides { .. } => focused(&edge.from.id),
            EdgeKind::Requires { capability } | EdgeKind::Unresolved { capability } => {
                focused(capability)
            }
            _ => false,
        };
        if wanted {
            keep.insert(edge.from.clone());
            keep.insert(edge.to.clone());
            edges.push(edge.clone());
        }
    }
    // The processes behind kept providers; then where kept processes run.
    for kind in [EdgeKind::BackedBy, EdgeKind::RunsIn] {
        for edge in graph.edges.iter().filter(|e| e.kind == kind) {
            if keep.contains(&edge.from) {
                keep.insert(edge.to.clone());
                edges.push(edge.clone());
            }
        }
    }
    // Keep the overall edge order.
    let order = |e: &Edge| graph.edges.iter().position(|g| g == e);
    edges.sort_by_key(order);
    edges.dedup();
    Graph {
        nodes: graph
            .nodes
            .into_iter()
            .filter(|n| keep.contains(&n.id))
            .collect(),
        edges,
    }
}

/// The node a candidate id stands for: a Provider, or else a Process (as routing reads it).
fn candidate_node(linked: &Linked, id: &str) -> NodeId {
    if linked.providers.contains_key(id) {
        NodeId::new(NodeKind::Provider, id)
    } else {
        NodeId::new(NodeKind::Process, id)
    }
}

/// Why a Provider cannot serve now (`None` when it can): its process is not running, or not
/// in the environment asked for.
fn serving_problem(linked: &Linked, id: &str, environment: Option<&str>) -> Option<String> {
    let server = linked.routing.server_id(linked, id)?;
    let wanted = environment.and_then(|e| linked.environments.get_index_of(e));
    let eligible = linked.routing.server(server).eligible(wanted);
    (!eligible).then(|| routing::reason(linked, server, environment))
}

/// A name worth showing beside the id: not empty, not the id again.
fn shown_name(id: &str, name: &str) -> Option<String> {
    (!name.trim().is_empty() && name != id).then(|| name.to_string())
}

/// Platform and status; then isolation and replicas when the process says them.
fn process_details(p: &crate::model::Process) -> Vec<String> {
    let mut details = vec![p.platform.value.clone(), p.status.value.to_string()];
    details.extend(
        p.isolation
            .as_ref()
            .map(|i| format!("{} isolation", i.value)),
    );
    details.extend(
        p.replicas
            .as_ref()
            .map(|r| match (r.min.value, r.max.value) {
                (min, max) if min == max => format!("{min} replicas"),
                (min, max) => format!("{min}-{max} replicas"),
            }),
    );
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_means_equal_or_a_dotted_child() {
        assert!(is_under("code", "code"));
        assert!(is_under("code.review", "code"));
        assert!(!is_under("codex", "code"));
        assert!(!is_under("code", "code.review"));
    }
}
