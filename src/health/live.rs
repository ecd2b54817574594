//! Live routing: what the probes say, taken into the routing table. A server whose health
//! check fails (a Provider's own, else its backing process's) is withdrawn from every route,
//! with the probe's words as the reason; one without a check keeps its place, since nothing
//! says it is down. `resolve --live`, `plan --live` and `watch --health` all withdraw this way.

use std::collections::{HashMap, HashSet};

use std::time::Duration;

use super::{Observation, State, Target};
use crate::link::Linked;
use crate::link::routing::ServerId;
use crate::model::Kind;

/// Servers to withdraw, each with its reason.
pub type Withdrawals = HashMap<ServerId, String, foldhash::fast::RandomState>;

/// Every server's deciding target, by server, over the whole table.
pub fn deciding_targets(linked: &Linked, targets: &[Target]) -> Vec<(ServerId, Target)> {
    let index: HashMap<(Kind, &str), &Target> = (targets.iter())
        .filter(|t| t.check.is_some())
        .map(|t| ((t.kind, t.id.as_str()), t))
        .collect();
    (0..linked.routing.server_count() as ServerId)
        .filter_map(|server| {
            let serving = linked.routing.server(server);
            let own = index.get(&(serving.kind, linked.server_name(server)));
            let backing = || index.get(&(Kind::Process, linked.server_process(server)?));
            own.or_else(backing).map(|t| (server, (*t).clone()))
        })
        .collect()
}

/// The servers to withdraw after these observations: each whose deciding target was probed
/// and is not healthy. `observed` pairs each server with its target's observation.
pub fn withdrawals<'o>(
    linked: &Linked,
    observed: impl IntoIterator<Item = (ServerId, &'o Observation)>,
) -> Withdrawals {
    let mut withdrawn = Withdrawals::default();
    for (server, observation) in observed {
        if matches!(observation.state, State::Healthy | State::NoCheck) {
            continue;
        }
        let why = (observation.reason.as_deref()).unwrap_or(observation.state.as_str());
        let own = observation.kind == linked.routing.server(server).kind.as_str()
            && observation.id == linked.server_name(server);
        let reason = match own {
            true => format!("{} ({why})", observation.state.as_str()),
            false => format!(
                "its process `{}` is {} ({why})",
                observation.id,
                observation.state.as_str()
            ),
        };
        withdrawn.insert(server, reason);
    }
    withdrawn
}

/// Probes the deciding targets of `servers` (every server, with `None`), each once, and
/// withdraws from the routing table exactly those that are down. Returns what was observed,
/// one observation per target probed.
pub fn probe_and_withdraw(
    linked: &mut Linked,
    servers: Option<&HashSet<ServerId>>,
    concurrency: usize,
    deadline: Duration,
) -> std::io::Result<Vec<Observation>> {
    let targets = super::all_targets(linked);
    let deciding: Vec<(ServerId, Target)> = deciding_targets(linked, &targets)
        .into_iter()
        .filter(|(server, _)| servers.is_none_or(|wanted| wanted.contains(server)))
        .collect();
    let mut unique: Vec<Target> = Vec::new();
    let mut seen: HashSet<(Kind, String)> = HashSet::new();
    for (_, target) in &deciding {
        if seen.insert((target.kind, target.id.clone())) {
            unique.push(target.clone());
        }
    }
    let observations = super::probe_all(&unique, concurrency, deadline)?;
    let by_target: HashMap<(&str, &str), &Observation> = (observations.iter())
        .map(|o| ((o.kind, o.id.as_str()), o))
        .collect();
    let observed = deciding.iter().filter_map(|(server, target)| {
        let found = by_target.get(&(target.kind.as_str(), target.id.as_str()))?;
        Some((*server, *found))
    });
    let withdrawn = withdrawals(linked, observed);
    linked.withdraw(withdrawn);
    Ok(observations)
}
