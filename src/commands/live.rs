//! `--live`, as `resolve` and `plan` take it: probe first, then answer from the routing table
//! with what is down withdrawn.

use std::collections::HashSet;
use std::time::Duration;

use crate::error::Failure;
use crate::health::{self, Observation};
use crate::link::Linked;
use crate::link::routing::ServerId;

/// How many probes run at once, and how long all of them may take, for `--live`.
const CONCURRENCY: usize = 32;
const DEADLINE: Duration = Duration::from_secs(30);

/// Probes the health checks that decide `servers` (all, with `None`) and withdraws from the
/// routing table those that are down.
pub fn withdraw(
    linked: &mut Linked,
    servers: Option<&HashSet<ServerId>>,
) -> Result<Vec<Observation>, Failure> {
    health::live::probe_and_withdraw(linked, servers, CONCURRENCY, DEADLINE)
        .map_err(|e| Failure::new(format!("cannot start probing: {e}")))
}
