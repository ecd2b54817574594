//! Capability routing: which providers serve a capability, in what order, and which of them
//! are eligible now.
//!
//! Ranking: the map key equal to the capability, or else the longest key that is a dotted
//! prefix of it (`code.generation.rust` -> `code.generation` -> `code`), gives the candidates
//! in map order; then every Process or Provider that advertises the capability (or that key)
//! in `capabilities` and is not listed yet, by id. A candidate backed by a process is eligible
//! only while that process is running (and, with an environment, runs in it); a provider with
//! no process is always eligible.

use std::collections::BTreeSet;

use super::Linked;
use crate::model::Status;

/// Why a candidate is on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Listed under the matched map key, at `position` (1-based).
    Mapped { position: usize },
    /// Lists the capability (or the matched key) in its own `capabilities`.
    Advertised,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    /// A Provider's `name`, if it has one.
    pub name: Option<String>,
    /// A Provider's `endpoint`, if it has one.
    pub endpoint: Option<String>,
    pub platform: String,
    /// The process that backs it; `None` for a hosted provider.
    pub process: Option<String>,
    pub status: Option<Status>,
    /// The environment (id) of the backing process.
    pub environment: Option<String>,
    pub source: Source,
    pub eligible: bool,
    /// Why it is eligible or not, in a few words.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub capability: String,
    /// The map key that matched, if any.
    pub matched: Option<String>,
    /// Every candidate in rank order, eligible or not.
    pub candidates: Vec<Candidate>,
}

impl Resolution {
    pub fn eligible(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(|c| c.eligible)
    }
}

/// The map key that routes `capability`: itself, or its longest dotted prefix in the map.
pub fn matching_key<'a>(linked: &'a Linked, capability: &str) -> Option<&'a str> {
    let mut key = capability;
    loop {
        if let Some((k, _)) = linked.routes.get_key_value(key) {
            return Some(k);
        }
        key = &key[..key.rfind('.')?];
    }
}

/// Ranks every candidate for `capability`. `environment` (an id) restricts eligible
/// process-backed candidates to processes running there.
pub fn resolve(linked: &Linked, capability: &str, environment: Option<&str>) -> Resolution {
    let matched = matching_key(linked, capability);
    let mapped = matched
        .into_iter()
        .flat_map(|key| linked.routes[key].providers.iter().enumerate())
        .map(|(index, id)| {
            let source = Source::Mapped {
                position: index + 1,
            };
            (id.value.as_str(), source)
        });
    // Advertisers of the capability itself and of the map key that matched it, by id.
    let mut advertised: Vec<&str> = linked
        .advertisers(capability)
        .iter()
        .chain(
            matched
                .filter(|k| *k != capability)
                .map_or(&[][..], |k| linked.advertisers(k)),
        )
        .map(String::as_str)
        .collect();
    advertised.sort_unstable();
    let advertised = advertised.into_iter().map(|id| (id, Source::Advertised));

    let mut seen = BTreeSet::new();
    let candidates = mapped
        .chain(advertised)
        .filter(|(id, _)| seen.insert(*id))
        .filter_map(|(id, source)| candidate(linked, id, source, environment))
        .collect();
    Resolution {
        capability: capability.to_string(),
        matched: matched.map(str::to_string),
        candidates,
    }
}

/// Describes one candidate (a Provider or Process id) and whether it is eligible; `None`
/// when the id names nothing (a dangling map entry, which validation reports).
pub fn candidate(
    linked: &Linked,
    id: &str,
    source: Source,
    environment: Option<&str>,
) -> Option<Candidate> {
    let provider = linked.providers.get(id);
    let platform = match (provider, linked.processes.get(id)) {
        (Some(provider), _) => provider.platform.value.clone(),
        (None, Some(process)) => process.platform.value.clone(),
        (None, None) => return None,
    };
    let mut candidate = Candidate {
        id: id.to_string(),
        name: provider.and_then(|p| p.name.clone()),
        endpoint: provider.and_then(|p| p.endpoint.clone()),
        platform,
        process: None,
        status: None,
        environment: None,
        source,
        eligible: true,
        reason: String::new(),
    };
    let Some(process_id) = linked.backing_process(id) else {
        candidate.reason = "hosted (no process)".to_string();
        return Some(candidate);
    };
    candidate.process = Some(process_id.to_string());
    let Some(process) = linked.processes.get(process_id) else {
        candidate.eligible = false;
        candidate.reason = "backing process not defined".to_string();
        return Some(candidate);
    };
    let status = process.status.value;
    let process_env = linked.process_environment(process).map(str::to_string);
    candidate.status = Some(status);
    candidate.environment.clone_from(&process_env);
    let env_shown = process_env.as_deref().unwrap_or("an unknown environment");
    if status != Status::Running {
        candidate.eligible = false;
        candidate.reason = status.to_string();
    } else if let Some(wanted) = environment.filter(|w| process_env.as_deref() != Some(w)) {
        candidate.eligible = false;
        candidate.reason = format!("runs in {env_shown}, not {wanted}");
    } else {
        candidate.reason = format!("running in {env_shown}");
    }
    Some(candidate)
}

impl Candidate {
    /// How the candidate got on the list: `map #1` (its place under the matched key) or
    /// `advertised`.
    pub fn via(&self) -> String {
        match &self.source {
            Source::Mapped { position } => format!("map #{position}"),
            Source::Advertised => "advertised".to_string(),
        }
    }
}
