//! `serve`: the linked tree behind a port. The command (`commands::serve`) follows the tree
//! as `watch` does and publishes each re-link here as a new immutable [`Snapshot`]; the HTTP
//! side (`api`) reads whatever was published last, without ever waiting for a re-link.
//!
//! - `api`: the handlers of `/v1/*`, `/healthz` and `/readyz`, and the JSON error body.
//! - `auth`: the bearer token, the listen-address policy, GET/HEAD only.
//! - `events`: the CloudEvents each re-link makes, and the SSE stream of them.
//! - `metrics`: the Prometheus registry and the request-counting middleware.

pub mod api;
pub mod auth;
pub mod events;
pub mod metrics;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use axum::Router;
use serde_json::Value;
use tokio::sync::{Semaphore, broadcast, watch};

use crate::pipeline::Checked;
use crate::plan::Plan;

pub use events::events_of;

/// One linked tree as served: never changed once published.
pub struct Snapshot {
    pub checked: Arc<Checked>,
    /// The plan, when the tree is valid.
    pub plan: Option<Arc<Plan>>,
    /// 1 for the first load, one more for each re-link.
    pub generation: u64,
    pub relinked_at: SystemTime,
    /// The manifest files this re-link found added, removed or changed (none at start).
    pub files: Vec<PathBuf>,
}

impl Snapshot {
    pub fn valid(&self) -> bool {
        self.plan.is_some()
    }
}

/// What readers see, swapped whole on each re-link.
pub struct Published {
    /// The last valid tree: what answers every question. `None` until one has loaded.
    pub serving: Option<Arc<Snapshot>>,
    /// The tree as it is now, valid or not: what `/v1/diagnostics` and `/readyz` report.
    pub latest: Arc<Snapshot>,
    /// Why the tree cannot be read at all right now (its root is gone), if so.
    pub trouble: Option<String>,
}

/// Everything the handlers share.
pub struct Shared {
    pub tree: ArcSwap<Published>,
    /// Every event, to every open `/v1/events` stream (and whatever else subscribes).
    pub events: broadcast::Sender<Arc<Value>>,
    pub metrics: metrics::Metrics,
    /// One permit per open event stream (`--max-streams`).
    pub streams: Arc<Semaphore>,
    /// The bearer token every request but `/healthz` must carry, if one was given.
    pub token: Option<auth::Token>,
    /// Set once the server is stopping: event streams end.
    pub stopping: watch::Receiver<bool>,
}

/// How many events an event stream may fall behind before it misses some.
const EVENT_BACKLOG: usize = 256;

/// How long a request may take to answer (event streams: to start).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long in-flight requests get to finish once a stop is asked for. Less than the 3 s
/// after which the signal handler (`watch::events`) ends the process as trouble.
pub const DRAIN: Duration = Duration::from_secs(2);

impl Shared {
    pub fn new(
        first: Published,
        token: Option<auth::Token>,
        max_streams: usize,
        stopping: watch::Receiver<bool>,
    ) -> Shared {
        let metrics = metrics::Metrics::new();
        metrics.published(&first, None);
        Shared {
            tree: ArcSwap::from_pointee(first),
            events: broadcast::channel(EVENT_BACKLOG).0,
            metrics,
            streams: Arc::new(Semaphore::new(max_streams)),
            token,
            stopping,
        }
    }

    /// Publishes the tree after a re-link (or a root that went missing), and the events it
    /// makes. Readers that hold the previous state finish with it.
    pub fn publish(&self, published: Published, took: Option<Duration>, events: Vec<Value>) {
        self.metrics.published(&published, took);
        self.tree.store(Arc::new(published));
        for event in events {
            // No stream open: nobody to tell.
            let _ = self.events.send(Arc::new(event));
        }
    }
}

/// Every route, without state or layers: more can be merged in before [`app`] finishes it.
pub fn routes() -> Router<Arc<Shared>> {
    api::routes().merge(events::routes())
}

/// The whole service: `routes` with the token check, the request timeout, the metrics and
/// GET/HEAD only. Layers run outside in: the count first (every answer is counted), then
/// the method check, the token, the timeout.
pub fn app(routes: Router<Arc<Shared>>, shared: Arc<Shared>) -> Router {
    use axum::middleware::{from_fn, from_fn_with_state};
    routes
        .fallback(api::no_such_endpoint)
        .layer(from_fn(api::time_out))
        .layer(from_fn_with_state(Arc::clone(&shared), auth::require_token))
        .layer(from_fn(auth::only_reads))
        .layer(from_fn_with_state(
            Arc::clone(&shared),
            metrics::count_requests,
        ))
        .with_state(shared)
}

/// Serves `app` on `listener` until `stopping` turns true, then lets in-flight requests
/// finish for up to [`DRAIN`]. Runs its own runtime (two workers) on the calling thread.
pub fn run(
    listener: std::net::TcpListener,
    app: Router,
    mut stopping: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let mut drained = stopping.clone();
        let stopped = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let server = axum::serve(listener, app).with_graceful_shutdown(stopped);
        let deadline = async move {
            let _ = drained.wait_for(|stop| *stop).await;
            tokio::time::sleep(DRAIN).await;
        };
        tokio::select! {
            result = server => result,
            // Requests still running past the drain time are dropped.
            () = deadline => Ok(()),
        }
    });
    // Whatever is left (a request stuck past the drain) is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

/// The bound address as the start line prints it.
pub fn url(address: SocketAddr) -> String {
    format!("http://{address}")
}
