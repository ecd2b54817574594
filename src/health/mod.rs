//! Health: probing what the tree declares (`health` on a Process or a Provider), and what the
//! answers say against each manifest's declared `status`. `oslinker health` reports them;
//! `resolve --live` withdraws what is down from the routing table.
//!
//! Probes run concurrently on a small tokio runtime, at most `concurrency` at a time, each
//! under its own timeout and all of them under one deadline.

pub mod live;
pub mod monitor;
mod probe;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::link::Linked;
use crate::model::health::{HealthCheck, HttpTarget, Probe};
use crate::model::{Kind, Status};

pub use probe::Prober;

/// What to probe: one manifest with a health check (or without one, reported as such).
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: Kind,
    pub id: String,
    /// The status the tree declares for it (a provider's is its backing process's; a hosted
    /// provider has none).
    pub declared: Option<Status>,
    pub check: Option<HealthCheck>,
    /// Its endpoint, which an `http.path` is under.
    pub endpoint: Option<String>,
}

/// What a probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// It answered as expected.
    Healthy,
    /// It answered, but not as expected (an HTTP status other than the one expected).
    Unhealthy,
    /// It did not answer: refused, timed out, TLS failed, name not found.
    Unreachable,
    /// The tree declares no health check for it.
    NoCheck,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Healthy => "healthy",
            State::Unhealthy => "unhealthy",
            State::Unreachable => "unreachable",
            State::NoCheck => "no check",
        }
    }
}

/// One target's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub kind: &'static str,
    pub id: String,
    pub state: State,
    /// What was probed: a URL (never with credentials) or `host:port`.
    pub probe: Option<String>,
    #[serde(serialize_with = "millis")]
    pub latency_ms: Option<Duration>,
    /// Why it is not healthy, or what it answered.
    pub reason: Option<String>,
    pub declared: Option<&'static str>,
    /// How the answer differs from the declared status, if it does.
    pub drift: Option<String>,
}

fn millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&(d.as_secs_f64() * 1000.0).round()),
        None => s.serialize_none(),
    }
}

impl Observation {
    /// Healthy and as declared (or with nothing to check).
    pub fn fine(&self) -> bool {
        matches!(self.state, State::Healthy | State::NoCheck) && self.drift.is_none()
    }
}

/// The tree's targets: every Process and Provider with a health check, or those named by
/// `ids` (with or without one). `Err` names the ids that are neither.
pub fn targets(linked: &Linked, ids: &[String]) -> Result<Vec<Target>, Vec<String>> {
    let all = all_targets(linked);
    if ids.is_empty() {
        return Ok(all.into_iter().filter(|t| t.check.is_some()).collect());
    }
    let unknown: Vec<String> = (ids.iter())
        .filter(|id| !all.iter().any(|t| &t.id == *id))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(all.into_iter().filter(|t| ids.contains(&t.id)).collect())
}

pub(crate) fn all_targets(linked: &Linked) -> Vec<Target> {
    let processes = linked.processes.values().map(|p| Target {
        kind: Kind::Process,
        id: p.id.value.clone(),
        declared: Some(p.status.value),
        check: p.health.clone(),
        endpoint: p.endpoint.clone(),
    });
    let providers = linked.providers.values().map(|p| Target {
        kind: Kind::Provider,
        id: p.id.value.clone(),
        declared: (p.process.as_ref())
            .and_then(|process| linked.processes.get(&process.value))
            .map(|process| process.status.value),
        check: p.health.clone(),
        endpoint: p.endpoint.clone(),
    });
    processes.chain(providers).collect()
}

/// Probes every target, at most `concurrency` at a time, all within `deadline`.
pub fn probe_all(
    targets: &[Target],
    concurrency: usize,
    deadline: Duration,
) -> std::io::Result<Vec<Observation>> {
    let runtime = runtime()?;
    let prober = Arc::new(Prober::new()?);
    Ok(runtime.block_on(probe_concurrently(prober, targets, concurrency, deadline)))
}

/// The runtime probes run on: one thread is plenty for waiting on sockets.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

async fn probe_concurrently(
    prober: Arc<Prober>,
    targets: &[Target],
    concurrency: usize,
    deadline: Duration,
) -> Vec<Observation> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut running = JoinSet::new();
    for (index, target) in targets.iter().enumerate() {
        let (prober, permits, target) = (Arc::clone(&prober), Arc::clone(&permits), target.clone());
        running.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, observe(&prober, &target).await)
        });
    }
    let mut found: Vec<Option<Observation>> = vec![None; targets.len()];
    let collect = async {
        while let Some(done) = running.join_next().await {
            if let Ok((index, observation)) = done {
                found[index] = Some(observation);
            }
        }
    };
    // What is still running at the deadline is cut off and said so.
    let _ = tokio::time::timeout(deadline, collect).await;
    running.abort_all();
    (targets.iter().zip(found))
        .map(|(target, observation)| observation.unwrap_or_else(|| cut_off(target, deadline)))
        .collect()
}

async fn observe(prober: &Prober, target: &Target) -> Observation {
    let Some(check) = &target.check else {
        return observation(target, State::NoCheck, None, None, None);
    };
    let shown = probe_shown(target, check);
    let started = Instant::now();
    let (state, reason) = match &check.probe {
        Probe::Http {
            target: http,
            method,
            expect_status,
            headers,
        } => match url_of(target, http) {
            // A header whose variable oslinker's environment lacks: nothing is sent, and it
            // cannot pass (see `probe::headers`).
            Some(url) => match probe::headers(headers, own_variable) {
                Ok(headers) => {
                    (prober.http(&url, *method, *expect_status, headers, check.timeout)).await
                }
                Err(not_sent) => {
                    return observation(target, State::Unhealthy, shown, None, Some(not_sent));
                }
            },
            None => (
                State::Unreachable,
                "`http.path` needs an `endpoint` to be under".to_string(),
            ),
        },
        Probe::Tcp { address } => prober.tcp(address, check.timeout).await,
    };
    let latency = (state != State::Unreachable).then(|| started.elapsed());
    observation(target, state, shown, latency, Some(reason))
}

/// A variable of oslinker's own environment, where the operator (or the agent's runtime)
/// puts what a secrets binding names.
fn own_variable(name: &str) -> Option<String> {
    std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
}

fn observation(
    target: &Target,
    state: State,
    probe: Option<String>,
    latency: Option<Duration>,
    reason: Option<String>,
) -> Observation {
    Observation {
        kind: target.kind.as_str(),
        id: target.id.clone(),
        state,
        probe,
        latency_ms: latency,
        reason,
        declared: target.declared.map(Status::as_str),
        drift: drift(target.declared, state),
    }
}

fn cut_off(target: &Target, deadline: Duration) -> Observation {
    let shown = target.check.as_ref().and_then(|c| probe_shown(target, c));
    let reason = format!(
        "not probed within --deadline {}",
        crate::model::health::format_duration(deadline)
    );
    observation(target, State::Unreachable, shown, None, Some(reason))
}

/// How the observed state differs from the declared status: declared running but not
/// answering as expected, or declared stopped (or in error) but answering.
pub(crate) fn drift(declared: Option<Status>, state: State) -> Option<String> {
    match (declared?, state) {
        (Status::Running, State::Unhealthy | State::Unreachable) => {
            Some(format!("declared running, but {}", state.as_str()))
        }
        (status @ (Status::Stopped | Status::Error), State::Healthy) => {
            Some(format!("declared {}, but answering", status.as_str()))
        }
        _ => None,
    }
}

/// The URL an http probe asks: `url`, or `path` under the endpoint.
fn url_of(target: &Target, http: &HttpTarget) -> Option<String> {
    match http {
        HttpTarget::Url(url) => Some(url.clone()),
        HttpTarget::Path(path) => {
            let endpoint = target.endpoint.as_deref()?;
            Some(format!("{}{path}", endpoint.trim_end_matches('/')))
        }
    }
}

/// What a report shows as the probe: the URL (its credentials were hidden when the tree was
/// read) or `host:port`.
fn probe_shown(target: &Target, check: &HealthCheck) -> Option<String> {
    match &check.probe {
        Probe::Http { target: http, .. } => url_of(target, http),
        Probe::Tcp { address } => Some(address.clone()),
    }
}
