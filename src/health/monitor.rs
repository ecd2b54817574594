//! Probing again and again, as `watch --health` does: each target at its own `interval`, its
//! state changing only after `failureThreshold` failed probes in a row (or `successThreshold`
//! passed ones), as Kubernetes probes do. The first probe of a target sets its state at once:
//! there is no earlier state to hold on to.
//!
//! The monitor owns one runtime and one HTTP client for its whole life, so round after round
//! reuses the same connections and memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Observation, Prober, State, Target};
use crate::model::Kind;

/// A target's state changed: `from` is `None` on its first probe.
#[derive(Debug, Clone)]
pub struct Change {
    pub from: Option<State>,
    /// The probe that changed it (its `state` is the new state).
    pub now: Observation,
}

/// One target as the monitor follows it.
struct Tracked {
    target: Target,
    /// When it is next probed.
    due: Instant,
    /// Probes passed and failed in a row, the last one included.
    passes: u16,
    failures: u16,
    /// Its state, thresholds applied: the last probe that changed it.
    current: Option<Observation>,
}

pub struct Monitor {
    runtime: tokio::runtime::Runtime,
    prober: Arc<Prober>,
    concurrency: usize,
    tracked: Vec<Tracked>,
}

impl Monitor {
    pub fn new(concurrency: usize) -> std::io::Result<Monitor> {
        Ok(Monitor {
            runtime: super::runtime()?,
            prober: Arc::new(Prober::new()?),
            concurrency,
            tracked: Vec::new(),
        })
    }

    /// Follows these targets from now on (those with a check): a target whose check, endpoint
    /// and declared status did not change keeps its state and schedule; any other starts
    /// afresh, probed in the next round.
    pub fn retarget(&mut self, targets: Vec<Target>, now: Instant) {
        let mut old: HashMap<(Kind, String), Tracked> = std::mem::take(&mut self.tracked)
            .into_iter()
            .map(|t| ((t.target.kind, t.target.id.clone()), t))
            .collect();
        self.tracked = (targets.into_iter())
            .filter(|t| t.check.is_some())
            .map(
                |target| match old.remove(&(target.kind, target.id.clone())) {
                    Some(mut kept) if same_check(&kept.target, &target) => {
                        kept.target = target;
                        kept
                    }
                    _ => Tracked {
                        target,
                        due: now,
                        passes: 0,
                        failures: 0,
                        current: None,
                    },
                },
            )
            .collect();
    }

    /// When the next probe is due; `None` with nothing to probe.
    pub fn next_due(&self) -> Option<Instant> {
        self.tracked.iter().map(|t| t.due).min()
    }

    /// Every target's state, thresholds applied (those not probed yet are left out).
    pub fn states(&self) -> impl Iterator<Item = &Observation> {
        self.tracked.iter().filter_map(|t| t.current.as_ref())
    }

    /// How many targets it follows.
    pub fn len(&self) -> usize {
        self.tracked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tracked.is_empty()
    }

    /// Probes every target due by `now`, all at once (at most `concurrency` at a time), and
    /// returns the targets whose state changed. Each is due again an interval after `now`.
    /// Gives up, changing nothing, as soon as `stopping()` says so (checked every 50ms).
    pub fn probe_due(&mut self, now: Instant, stopping: impl Fn() -> bool) -> Vec<Change> {
        let due: Vec<usize> = (0..self.tracked.len())
            .filter(|&i| self.tracked[i].due <= now)
            .collect();
        if due.is_empty() {
            return Vec::new();
        }
        let targets: Vec<Target> = due
            .iter()
            .map(|&i| self.tracked[i].target.clone())
            .collect();
        // Each probe is bounded by its own timeout; the round by the longest, and a little.
        let deadline = (targets.iter())
            .filter_map(|t| t.check.as_ref().map(|c| c.timeout))
            .max()
            .unwrap_or_default()
            + Duration::from_secs(1);
        let prober = Arc::clone(&self.prober);
        let round = super::probe_concurrently(prober, &targets, self.concurrency, deadline);
        let stopped = async {
            while !stopping() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        let observations = self.runtime.block_on(async {
            tokio::select! {
                found = round => Some(found),
                () = stopped => None,
            }
        });
        let Some(observations) = observations else {
            return Vec::new();
        };
        let mut changes = Vec::new();
        for (&index, observation) in due.iter().zip(observations) {
            let tracked = &mut self.tracked[index];
            let interval = tracked
                .target
                .check
                .as_ref()
                .map_or(Duration::MAX, |c| c.interval);
            tracked.due = now
                .checked_add(interval)
                .unwrap_or(now + Duration::from_secs(86_400));
            if let Some(change) = tracked.take(observation) {
                changes.push(change);
            }
        }
        changes
    }
}

impl Tracked {
    /// Counts a probe in and returns the change it makes, if it makes one.
    fn take(&mut self, observation: Observation) -> Option<Change> {
        let passed = observation.state == State::Healthy;
        if passed {
            self.passes = self.passes.saturating_add(1);
            self.failures = 0;
        } else {
            self.failures = self.failures.saturating_add(1);
            self.passes = 0;
        }
        let Some(current) = &self.current else {
            self.current = Some(observation.clone());
            return Some(Change {
                from: None,
                now: observation,
            });
        };
        let from = current.state;
        let check = self.target.check.as_ref()?;
        let changes = match (from == State::Healthy, passed) {
            // Healthy, and a failure too many in a row.
            (true, false) => self.failures >= check.failure_threshold.max(1),
            // Failing, and enough passes in a row.
            (false, true) => self.passes >= check.success_threshold.max(1),
            // Still failing, but differently (it answers now, with the wrong status).
            (false, false) => observation.state != from,
            (true, true) => false,
        };
        if !changes {
            return None;
        }
        self.current = Some(observation.clone());
        Some(Change {
            from: Some(from),
            now: observation,
        })
    }
}

/// Whether two readings of a target probe the same thing the same way.
fn same_check(a: &Target, b: &Target) -> bool {
    a.check == b.check && a.endpoint == b.endpoint && a.declared == b.declared
}
