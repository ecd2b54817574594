//! `oslinker explain ID|CAPABILITY`: where a manifest is defined, what it references and what
//! references it; for a capability, every candidate and why it ranks where it does. Plain,
//! serialisable data: the JSON output is this struct. Secret values never get here: an env
//! map shows its variable names, a secrets binding its store and variable names.

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::link::references::{self, Definition, References, Referrer};
use crate::link::{Linked, routing};
use crate::model::{BindingConfig, Kind, Process, names};
use crate::plan;
use crate::source::{Sources, Span};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub format_version: u32,
    pub query: String,
    /// Every manifest with this id (or the environment with this name), by kind.
    pub ids: Vec<IdExplanation>,
    /// The capability, when the tree names it or a map key routes it.
    pub capability: Option<CapabilityExplanation>,
}

/// A place in a manifest file (line and column from 1, column in characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdExplanation {
    pub kind: Kind,
    pub id: String,
    /// Where its id is written; `None` for a built-in one.
    pub defined_at: Option<Location>,
    pub builtin: bool,
    /// Defined in the tree with the id of a built-in one, which it replaces.
    pub overrides_builtin: bool,
    /// What it is, by kind (name, status, type, platform...), in a fixed order.
    pub details: Details,
    /// The ids it references, in field order.
    pub references: Vec<Outgoing>,
    /// What references it: manifests (by kind, then id), then capability map entries.
    pub referenced_by: Vec<Incoming>,
    /// A Process's `requires`, each with the provider chosen in its environment.
    pub requires: Vec<Requirement>,
    /// The requirements (of any process) whose chosen provider this is.
    pub chosen_by: Vec<Requirement>,
}

/// Ordered name -> value pairs, written as a JSON object in that order.
#[derive(Debug, Default)]
pub struct Details(pub Vec<(&'static str, Value)>);

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (*k, v)))
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outgoing {
    /// The field that holds the reference.
    pub field: String,
    pub kind: Kind,
    pub id: String,
    /// As written (an environment may be named by its name).
    pub written: String,
    /// Where the reference is written.
    pub at: Location,
    /// Where what it names is defined; `None` when built in (or undefined).
    pub defined_at: Option<Location>,
    pub builtin: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Incoming {
    /// `Process`, `Binding`, `Provider`, or `CapabilityMap` for a map entry.
    pub kind: &'static str,
    /// The referring manifest's id; `None` for a capability map.
    pub id: Option<String>,
    pub field: String,
    /// For a map entry: the capability it is listed under, and its place there (from 1).
    pub capability: Option<String>,
    pub position: Option<usize>,
    /// Where the reference is written.
    pub at: Location,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    pub process: String,
    pub capability: String,
    /// The requiring process's environment, where the provider must run.
    pub environment: Option<String>,
    /// The first eligible provider there; `None` when unresolved.
    pub provider: Option<String>,
    /// Where the requirement is written.
    pub at: Location,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityExplanation {
    pub capability: String,
    /// Named in the tree (a map key, or in some `capabilities` or `requires`); otherwise it is
    /// only routed by a map key that is a prefix of it.
    pub named: bool,
    /// `--env`: eligibility counts only processes running there.
    pub environment: Option<String>,
    /// The map key that matched, if any.
    pub matched: Option<String>,
    /// The keys looked up, most specific first, until one is mapped.
    pub keys: Vec<KeyLookup>,
    /// Every candidate in rank order, eligible or not.
    pub candidates: Vec<CandidateExplanation>,
    /// The processes that require exactly this capability, and what each gets.
    pub required_by: Vec<Requirement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyLookup {
    pub key: String,
    pub mapped: bool,
    /// Where the key is mapped.
    pub at: Option<Location>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateExplanation {
    /// Place among the eligible candidates; `None` when ineligible.
    pub rank: Option<usize>,
    pub id: String,
    /// `Provider`, or `Process` for a process that serves directly.
    pub kind: Kind,
    pub platform: String,
    /// The process behind it; `None` when hosted.
    pub process: Option<String>,
    pub status: Option<String>,
    pub environment: Option<String>,
    pub eligible: bool,
    /// `map #N` or `advertised`.
    pub via: String,
    /// For a mapped candidate: its place under the matched key, and how many are listed.
    pub position: Option<usize>,
    pub of: Option<usize>,
    /// Where it is listed: the map entry, or its own `capabilities` entry.
    pub listed_at: Option<Location>,
    /// Why it ranks here, in a sentence.
    pub order: String,
    /// Why it is eligible or not, in a few words.
    pub reason: String,
}

/// Explains `query`: every manifest with that id (an environment also by name) and the
/// capability of that name. `None` when it is neither. `environment` (an id) is `--env`.
pub fn explain(
    linked: &Linked,
    sources: &Sources,
    query: &str,
    environment: Option<&str>,
) -> Option<Explanation> {
    let references = References::build(linked);
    let at = |span: Span| location(sources, span);
    let mut ids: Vec<(Kind, &str)> = references::kinds_of(linked, query)
        .into_iter()
        .map(|kind| (kind, query))
        .collect();
    // An environment may also be asked for by its name.
    if let Some(env) = linked.environment_id(query).filter(|id| *id != query) {
        ids.push((Kind::Environment, env));
        ids.sort();
    }
    let ids: Vec<IdExplanation> = ids
        .into_iter()
        .filter_map(|(kind, id)| explain_id(linked, &references, &at, kind, id))
        .collect();
    let capability = explain_capability(linked, &at, query, environment);
    if ids.is_empty() && capability.is_none() {
        return None;
    }
    Some(Explanation {
        format_version: 1,
        query: query.to_string(),
        ids,
        capability,
    })
}

/// The closest id, environment name or capability to `query`, for a did-you-mean.
/// What to offer for a name `explain` does not know: the closest name, or else the names
/// that contain it as a part (`bedrock`: `aws-bedrock`, `bedrock-summarizer`), when few.
pub fn help_for_unknown(linked: &Linked, query: &str) -> Option<String> {
    if let Some(best) = suggest(linked, query) {
        return Some(format!("did you mean `{best}`?"));
    }
    let ids = (linked.processes.keys())
        .chain(linked.environments.keys())
        .chain(linked.bindings.keys())
        .chain(linked.providers.keys())
        .chain(linked.platforms.keys())
        .map(String::as_str);
    let found = names::containing(query, ids.chain(linked.capabilities()));
    let listed = found.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
    match found.len() {
        0 => None,
        1..=8 => Some(format!(
            "names with `{query}` in them: {}",
            listed.join(", ")
        )),
        n => Some(format!(
            "{n} names have `{query}` in them, among them {}",
            listed[..8].join(", ")
        )),
    }
}

pub fn suggest<'a>(linked: &'a Linked, query: &str) -> Option<&'a str> {
    let ids = (linked.processes.keys())
        .chain(linked.environments.keys())
        .chain(linked.bindings.keys())
        .chain(linked.providers.keys())
        .chain(linked.platforms.keys())
        .map(String::as_str);
    let env_names = linked.environments.values().map(|e| e.name.value.as_str());
    let capabilities = linked.capabilities();
    names::suggest(query, ids.chain(env_names).chain(capabilities))
}

fn location(sources: &Sources, span: Span) -> Location {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.range().start);
    Location {
        file: file.display.clone(),
        line,
        column,
    }
}

type At<'a> = dyn Fn(Span) -> Location + 'a;

/// `(defined_at, builtin, overrides_builtin)` of a manifest.
fn defined(linked: &Linked, at: &At, kind: Kind, id: &str) -> (Option<Location>, bool, bool) {
    match references::definition(linked, kind, id) {
        Some(Definition::At {
            span,
            overrides_builtin,
        }) => (Some(at(span)), false, overrides_builtin),
        Some(Definition::Builtin) => (None, true, false),
        None => (None, false, false),
    }
}

fn explain_id(
    linked: &Linked,
    references: &References,
    at: &At,
    kind: Kind,
    id: &str,
) -> Option<IdExplanation> {
    let (defined_at, builtin, overrides_builtin) = defined(linked, at, kind, id);
    if defined_at.is_none() && !builtin {
        return None;
    }
    let outgoing = references
        .from(kind, id)
        .map(|r| {
            let (target_at, target_builtin, _) = defined(linked, at, r.kind, r.id);
            Outgoing {
                field: r.field.to_string(),
                kind: r.kind,
                id: r.id.to_string(),
                written: r.written.to_string(),
                at: at(r.span),
                defined_at: target_at,
                builtin: target_builtin,
            }
        })
        .collect();
    let incoming = references
        .to(kind, id)
        .map(|r| {
            let (kind, id, capability, position) = match &r.from {
                Referrer::Manifest { kind, id } => {
                    (kind.as_str(), Some(id.to_string()), None, None)
                }
                Referrer::Map { .. } => (Kind::CapabilityMap.as_str(), None, None, None),
                Referrer::Mapping {
                    capability,
                    position,
                } => (
                    Kind::CapabilityMap.as_str(),
                    None,
                    Some(capability.to_string()),
                    Some(*position),
                ),
            };
            Incoming {
                kind,
                id,
                field: r.field.to_string(),
                capability,
                position,
                at: at(r.span),
            }
        })
        .collect();
    let requires = match kind {
        Kind::Process => requirements(linked, at, |process, _| process == id),
        _ => Vec::new(),
    };
    // A requirement is served by this Process only when no Provider has its id (routing
    // reads a shared id as the Provider).
    let serves = matches!(kind, Kind::Provider)
        || (kind == Kind::Process && !linked.providers.contains_key(id));
    let chosen_by = if serves {
        requirements(linked, at, |_, link| link.provider == Some(id))
    } else {
        Vec::new()
    };
    Some(IdExplanation {
        kind,
        id: id.to_string(),
        defined_at,
        builtin,
        overrides_builtin,
        details: details(linked, kind, id),
        references: outgoing,
        referenced_by: incoming,
        requires,
        chosen_by,
    })
}

/// Every process's `requires`, each with the provider the link stage chose for it in the
/// process's environment, where `keep` says so.
fn requirements(
    linked: &Linked,
    at: &At,
    keep: impl Fn(&str, &crate::link::Link) -> bool,
) -> Vec<Requirement> {
    let mut all = Vec::new();
    for id in linked.processes.keys() {
        for link in linked.links_of(id) {
            if !keep(id, &link) {
                continue;
            }
            all.push(Requirement {
                process: id.clone(),
                capability: link.capability.value.clone(),
                environment: linked.environment_of(id).map(str::to_string),
                provider: link.provider.map(str::to_string),
                at: at(link.capability.span),
            });
        }
    }
    all
}

fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::from(items.into_iter().cloned().collect::<Vec<_>>())
}

/// What a manifest is, by kind. No values of variables, no secret references.
fn details(linked: &Linked, kind: Kind, id: &str) -> Details {
    let mut d: Vec<(&'static str, Value)> = Vec::new();
    match kind {
        Kind::Process => {
            let p = &linked.processes[id];
            d.push(("name", json!(p.name)));
            d.push(("type", json!(p.process_type.as_str())));
            d.push(("status", json!(p.status.value.as_str())));
            d.push(("version", json!(p.version)));
            d.push(("platform", json!(p.platform.value)));
            let runtime = p.runtime_version.as_ref().map(|v| &v.value);
            d.push(("runtimeVersion", json!(runtime)));
            d.push(("environment", json!(linked.process_environment(p))));
            d.push(("provides", strings(p.capabilities.iter().map(|c| &c.value))));
            d.push(("variables", strings(p.env.iter().map(|v| &v.name.value))));
            running(&mut d, p);
        }
        Kind::Environment => {
            let e = &linked.environments[id];
            d.push(("name", json!(e.name.value)));
            d.push(("variables", strings(e.env.iter().map(|v| &v.name.value))));
            if let Some(quota) = &e.quota {
                d.push(("quota", json!(plan::running::resources(quota))));
            }
            if let Some(minimum) = &e.minimum_isolation {
                d.push(("minimumIsolation", json!(minimum.value.as_str())));
            }
        }
        Kind::Binding => {
            let b = &linked.bindings[id];
            d.push(("type", json!(b.binding_type.value.as_str())));
            d.push(("process", json!(b.process.value)));
            let env = linked.environment_id(&b.environment.value);
            d.push(("environment", json!(env.unwrap_or(&b.environment.value))));
            match &b.config {
                BindingConfig::Secrets { store, secrets } => {
                    d.push(("store", json!(store.as_str())));
                    d.push(("secrets", strings(secrets.iter().map(|(name, _)| name))));
                }
                BindingConfig::Files { mounts } => {
                    let shown: Vec<String> = mounts
                        .iter()
                        .map(|m| {
                            let mode = if m.read_only { "ro" } else { "rw" };
                            format!("{} -> {} ({mode})", m.source, m.target)
                        })
                        .collect();
                    d.push(("mounts", json!(shown)));
                }
                BindingConfig::Network { ingress, egress } => {
                    let ports: Vec<String> = ingress
                        .iter()
                        .map(|i| format!("{}/{}", i.port, i.protocol))
                        .collect();
                    d.push(("ingress", json!(ports)));
                    d.push(("egress", json!(egress)));
                }
                BindingConfig::Invalid => {}
            }
        }
        Kind::Provider => {
            let p = &linked.providers[id];
            d.push(("name", json!(p.name)));
            d.push(("platform", json!(p.platform.value)));
            let process = p.process.as_ref().map(|p| &p.value);
            d.push(("process", json!(process)));
            d.push(("hosted", json!(process.is_none())));
            d.push(("endpoint", json!(p.endpoint)));
            d.push(("provides", strings(p.capabilities.iter().map(|c| &c.value))));
            if let Some(health) = &p.health {
                d.push(("health", json!(plan::health::health(health))));
            }
        }
        Kind::Platform => {
            let p = &linked.platforms[id];
            d.push(("name", json!(p.name)));
            let types: Vec<&str> = p.binding_types.iter().map(|t| t.as_str()).collect();
            d.push(("bindingTypes", json!(types)));
            let pattern = p.version_pattern.as_ref().map(|(text, _)| text);
            d.push(("versionPattern", json!(pattern)));
            let levels: Vec<&str> = p.isolation.iter().map(|i| i.as_str()).collect();
            d.push(("isolation", json!(levels)));
            d.push(("scales", json!(p.scales)));
        }
        Kind::Policy => {
            let p = &linked.policies[id];
            d.push(("name", json!(p.name)));
            d.push(("rules", strings(p.rules.iter().map(|r| &r.id.value))));
            d.push(("examples", json!(p.examples.len())));
        }
        Kind::CapabilityMap | Kind::Settings => {}
    }
    Details(d)
}

/// How a process runs, each only when it says it.
fn running(d: &mut Vec<(&'static str, Value)>, p: &Process) {
    if !p.alternatives.is_empty() {
        d.push(("alternatives", json!(plan::running::alternatives(p))));
    }
    if let Some(endpoint) = &p.endpoint {
        d.push(("endpoint", json!(endpoint)));
    }
    if let Some(isolation) = &p.isolation {
        d.push(("isolation", json!(isolation.value.as_str())));
    }
    if let Some(resources) = &p.resources {
        d.push(("resources", json!(plan::running::resources(resources))));
    }
    if let Some(replicas) = &p.replicas {
        d.push(("replicas", json!(plan::running::replicas(replicas))));
    }
    if let Some(health) = &p.health {
        d.push(("health", json!(plan::health::health(health))));
    }
}

fn explain_capability(
    linked: &Linked,
    at: &At,
    capability: &str,
    environment: Option<&str>,
) -> Option<CapabilityExplanation> {
    let named = linked.capabilities().contains(capability);
    if names::check_capability(capability).is_err() {
        return None;
    }
    let scope = linked.maps.scope_of(environment);
    let matched = linked.maps.matching_key(capability, scope);
    if !named && matched.is_none() {
        return None;
    }
    let matched_mapping = matched.and_then(|(key, from)| linked.maps.mapping(from, key));
    let matched = matched.map(|(key, _)| key);
    // The capability, then each shorter dotted prefix, down to the key that matched.
    let mut keys = Vec::new();
    let mut key = capability;
    loop {
        let mapping = linked.maps.lookup(key, scope).map(|(m, _)| m);
        keys.push(KeyLookup {
            key: key.to_string(),
            mapped: mapping.is_some(),
            at: mapping.map(|m| at(m.capability.span)),
        });
        match key.rfind('.') {
            Some(dot) if mapping.is_none() => key = &key[..dot],
            _ => break,
        }
    }
    let resolution = routing::resolve(linked, capability, environment);
    let listed = matched_mapping.map_or(0, |m| m.providers.len());
    let mapped_count = resolution
        .candidates
        .iter()
        .filter(|c| matches!(c.source, routing::Source::Mapped { .. }))
        .count();
    let mut rank = 0;
    let candidates = resolution
        .candidates
        .iter()
        .map(|c| {
            let rank = c.eligible.then(|| {
                rank += 1;
                rank
            });
            let (position, listed_at, order) = match c.source {
                routing::Source::Mapped { position } => {
                    let key = matched.unwrap_or(capability);
                    let entry = matched_mapping.map(|m| &m.providers[position - 1]);
                    let order = format!("listed #{position} of {listed} under map key `{key}`");
                    (Some(position), entry.map(|e| at(e.span)), order)
                }
                routing::Source::Advertised => {
                    let (written, span) = advertised_at(linked, c.id, capability, matched);
                    let after = match mapped_count {
                        0 => "not mapped; advertisers rank by id".to_string(),
                        n => format!("not mapped: after the {n} mapped, by id"),
                    };
                    let order = format!("lists `{written}` in its capabilities; {after}");
                    (None, span.map(at), order)
                }
            };
            CandidateExplanation {
                rank,
                id: c.id.to_string(),
                kind: c.kind,
                platform: c.platform.to_string(),
                process: c.process.map(str::to_string),
                status: c.status.map(|s| s.to_string()),
                environment: c.environment.map(str::to_string),
                eligible: c.eligible,
                via: c.via(),
                position,
                of: position.map(|_| listed),
                listed_at,
                order,
                reason: c.reason.clone(),
            }
        })
        .collect();
    let required_by = requirements(linked, at, |_, link| link.capability.value == capability);
    Some(CapabilityExplanation {
        capability: capability.to_string(),
        named,
        environment: environment.map(str::to_string),
        matched: matched.map(str::to_string),
        keys,
        candidates,
        required_by,
    })
}

/// Which capability an advertiser lists (the capability itself, or the matched key) and
/// where: in the Provider with that id, or else the Process.
fn advertised_at(
    linked: &Linked,
    id: &str,
    capability: &str,
    matched: Option<&str>,
) -> (String, Option<Span>) {
    let lists = linked
        .providers
        .get(id)
        .map(|p| &p.capabilities)
        .into_iter()
        .chain(linked.processes.get(id).map(|p| &p.capabilities));
    for list in lists {
        for wanted in std::iter::once(capability).chain(matched) {
            if let Some(entry) = list.iter().find(|c| c.value == wanted) {
                return (wanted.to_string(), Some(entry.span));
            }
        }
    }
    (capability.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{link_clean_with_sources, process};

    /// A writer (maps first), a stopped reviewer and a hosted provider of `code`, and a
    /// process in production that requires it.
    fn tree() -> String {
        [
            process("writer", "running", "production", "capabilities: [code]\n"),
            process("reviewer", "stopped", "production", "capabilities: [code.review]\n"),
            process("client", "running", "production", "requires: [code.review]\n"),
            "kind: Provider\nid: hosted\nname: Hosted\nplatform: openai-agents\ncapabilities: [code]\n".to_string(),
            "kind: CapabilityMap\nmappings:\n  code: [hosted, writer]\n".to_string(),
        ]
        .join("---\n")
    }

    fn explained(query: &str, environment: Option<&str>) -> Explanation {
        let (linked, sources) = link_clean_with_sources(&tree());
        explain(&linked, &sources, query, environment).expect("explained")
    }

    /// `(rank, id, via, eligible)` of each candidate.
    fn ranked(explanation: &Explanation) -> Vec<(Option<usize>, &str, &str, bool)> {
        let capability = explanation.capability.as_ref().expect("a capability");
        capability
            .candidates
            .iter()
            .map(|c| (c.rank, c.id.as_str(), c.via.as_str(), c.eligible))
            .collect()
    }

    #[test]
    fn a_sub_capability_is_routed_by_its_longest_mapped_prefix_then_advertisers() {
        let explanation = explained("code.review", None);
        assert!(explanation.ids.is_empty());
        let capability = explanation.capability.as_ref().unwrap();
        assert_eq!(capability.matched.as_deref(), Some("code"));
        let keys: Vec<(&str, bool)> = capability
            .keys
            .iter()
            .map(|k| (k.key.as_str(), k.mapped))
            .collect();
        assert_eq!(keys, [("code.review", false), ("code", true)]);
        assert_eq!(
            ranked(&explanation),
            [
                (Some(1), "hosted", "map #1", true),
                (Some(2), "writer", "map #2", true),
                (None, "reviewer", "advertised", false),
            ]
        );
        let reviewer = &capability.candidates[2];
        assert_eq!(reviewer.reason, "stopped");
        assert_eq!(reviewer.listed_at.as_ref().map(|l| l.line), Some(14));
        let required: Vec<(&str, Option<&str>)> = capability
            .required_by
            .iter()
            .map(|r| (r.process.as_str(), r.provider.as_deref()))
            .collect();
        assert_eq!(required, [("client", Some("hosted"))]);
    }

    #[test]
    fn in_an_environment_only_processes_running_there_are_eligible() {
        let explanation = explained("code", Some("env-development"));
        assert_eq!(
            ranked(&explanation),
            [
                (Some(1), "hosted", "map #1", true),
                (None, "writer", "map #2", false),
            ]
        );
    }

    #[test]
    fn a_process_with_where_it_is_defined_what_it_references_and_requires() {
        let explanation = explained("client", None);
        assert!(explanation.capability.is_none());
        let [process] = explanation.ids.as_slice() else {
            panic!("one id: {:?}", explanation.ids);
        };
        assert_eq!(
            (process.kind, process.id.as_str()),
            (Kind::Process, "client")
        );
        let defined = process.defined_at.as_ref().unwrap();
        assert_eq!((defined.file.as_str(), defined.line), ("test.yaml", 18));
        let references: Vec<(&str, &str, &str, bool)> = process
            .references
            .iter()
            .map(|r| {
                (
                    r.field.as_str(),
                    r.id.as_str(),
                    r.written.as_str(),
                    r.builtin,
                )
            })
            .collect();
        assert_eq!(
            references,
            [
                ("metadata.platform", "nodejs", "nodejs", true),
                (
                    "runtimeContext.environment",
                    "env-production",
                    "production",
                    true
                ),
            ]
        );
        let requires: Vec<(&str, Option<&str>)> = process
            .requires
            .iter()
            .map(|r| (r.capability.as_str(), r.provider.as_deref()))
            .collect();
        assert_eq!(requires, [("code.review", Some("hosted"))]);
    }

    #[test]
    fn an_environment_by_its_name_and_the_provider_a_requirement_chose() {
        let environment = explained("production", None);
        let ids: Vec<(Kind, &str)> = environment
            .ids
            .iter()
            .map(|i| (i.kind, i.id.as_str()))
            .collect();
        assert_eq!(ids, [(Kind::Environment, "env-production")]);
        let hosted = explained("hosted", None);
        let chosen: Vec<&str> = hosted.ids[0]
            .chosen_by
            .iter()
            .map(|r| r.process.as_str())
            .collect();
        assert_eq!(chosen, ["client"]);
    }

    #[test]
    fn neither_an_id_nor_a_capability_is_none_with_a_suggestion() {
        let (linked, sources) = link_clean_with_sources(&tree());
        assert!(explain(&linked, &sources, "writr", None).is_none());
        assert_eq!(suggest(&linked, "writr"), Some("writer"));
    }
}
