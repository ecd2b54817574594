//! `serve`: the linked tree behind a port. The command (`commands::serve`) follows the tree
//! as `watch` does and publishes each re-link here as a new immutable [`Snapshot`]; the HTTP
//! side (`api`) reads whatever was published last, without ever waiting for a re-link.
//!
//! - `api`: the handlers of `/v1/*`, `/healthz` and `/readyz`, and the JSON error body.
//! - `answers`: the `/v1/resolve` answers already given, kept per served tree.
//! - `auth`: the bearer token, the listen-address policy, GET/HEAD only.
//! - `events`: the CloudEvents each re-link makes, and the SSE stream of them.
//! - `metrics`: the Prometheus registry and the request-counting middleware.

pub mod answers;
pub mod api;
pub mod auth;
pub mod events;
pub mod metrics;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use axum::Router;
use tokio::sync::{Semaphore, broadcast, watch};

use crate::events::CloudEvent;
use crate::health::Observation;
use crate::pipeline::Checked;
use crate::plan::Plan;

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
    /// The `/v1/resolve` answers given from this tree so far.
    pub answers: answers::Answers,
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
    /// With `--health`: every target's state, thresholds applied (those probed so far).
    pub health: Option<Arc<Vec<Observation>>>,
}

/// Everything the handlers share.
pub struct Shared {
    pub tree: ArcSwap<Published>,
    /// Every event, to every open `/v1/events` stream (and whatever else subscribes).
    pub events: broadcast::Sender<Arc<CloudEvent>>,
    /// The last [`EVENT_BACKLOG`] events, for a stream that reconnects with `Last-Event-ID`.
    /// Sent under this lock, so that a subscription and the events kept meet exactly.
    recent: Mutex<VecDeque<Arc<CloudEvent>>>,
    pub metrics: metrics::Metrics,
    /// One permit per open event stream (`--max-streams`).
    pub streams: Arc<Semaphore>,
    /// The bearer token every request but `/healthz` must carry, if one was given.
    pub token: Option<auth::Token>,
    /// Set once the server is stopping: event streams end.
    pub stopping: watch::Receiver<bool>,
    /// Where it is reached (`http://ADDR`): agent cards of processes without an endpoint
    /// point here.
    pub base_url: String,
}

/// How many events an event stream may fall behind before it misses some, and how many are
/// kept for streams that reconnect.
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
        base_url: String,
    ) -> Shared {
        let metrics = metrics::Metrics::new();
        metrics.published(&first, None);
        Shared {
            tree: ArcSwap::from_pointee(first),
            events: broadcast::channel(EVENT_BACKLOG).0,
            recent: Mutex::new(VecDeque::with_capacity(EVENT_BACKLOG)),
            metrics,
            streams: Arc::new(Semaphore::new(max_streams)),
            token,
            stopping,
            base_url,
        }
    }

    /// Publishes the tree after a re-link (or a root that went missing), and the events it
    /// makes. Readers that hold the previous state finish with it.
    pub fn publish(&self, published: Published, took: Option<Duration>, events: Vec<CloudEvent>) {
        self.metrics.published(&published, took);
        self.tree.store(Arc::new(published));
        self.publish_events(events);
    }

    /// Sends events that change nothing served (watching trouble, say).
    pub fn publish_events(&self, events: Vec<CloudEvent>) {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            let event = Arc::new(event);
            if recent.len() == EVENT_BACKLOG {
                recent.pop_front();
            }
            recent.push_back(Arc::clone(&event));
            // No stream open: nobody to tell.
            let _ = self.events.send(event);
        }
    }

    /// Every event from now on and, when `after` (a `Last-Event-ID`) is given, what came
    /// after that event: a stream that reconnects misses nothing still kept.
    pub fn subscribe_after(
        &self,
        after: Option<&str>,
    ) -> (broadcast::Receiver<Arc<CloudEvent>>, Replay) {
        let recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = self.events.subscribe();
        let replay = match after {
            None => Replay::Nothing,
            Some(id) => match recent.iter().position(|event| event.id == id) {
                Some(at) => Replay::Since(recent.iter().skip(at + 1).cloned().collect()),
                None => Replay::Lost,
            },
        };
        (receiver, replay)
    }
}

/// What a reconnecting event stream is sent first.
pub enum Replay {
    /// No `Last-Event-ID`: a new stream.
    Nothing,
    /// The events after the one it saw last.
    Since(Vec<Arc<CloudEvent>>),
    /// The event it saw last is no longer kept (or never was): some may be missed.
    Lost,
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

/// How long a client may take to send a request's headers: past it the connection is closed
/// (a client that trickles bytes, or sends none, holds nothing for long).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `stopping` turns true, then lets in-flight requests
/// finish for up to [`DRAIN`]. At most `max_connections` connections are open at once: one
/// past that is closed as soon as it is accepted. Runs on the caller's runtime.
///
/// hyper's connection builder rather than `axum::serve`, which has no header timeout.
pub async fn run(
    listener: std::net::TcpListener,
    app: Router,
    max_connections: usize,
    mut stopping: watch::Receiver<bool>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let listener = tokio::net::TcpListener::from_std(listener)?;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let open = Arc::new(Semaphore::new(max_connections));
    let graceful = GracefulShutdown::new();
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stopped);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it was taken: the
                // listener itself is fine; wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut stopped => break,
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            continue; // dropped: closed at once
        };
        let service = app
            .clone()
            .map_request(|request: hyper::Request<hyper::body::Incoming>| {
                request.map(axum::body::Body::new)
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's own failure (a reset, a bad request line) ends it alone.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    // Requests still running past the drain time are dropped.
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    Ok(())
}

/// Publishes every event to NATS as it comes, in order, until the server stops. Core NATS
/// delivers at most once: while the client knows the server is away it buffers events and
/// sends them when it is back, but one written to a connection that just died is lost.
/// `report` hears of what could not be sent.
pub async fn forward_to_nats(
    publisher: crate::events::nats::NatsPublisher,
    mut events: broadcast::Receiver<Arc<CloudEvent>>,
    report: impl Fn(String),
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Err(failure) = publisher.publish(&event).await {
                    report(failure.to_string());
                }
            }
            Err(RecvError::Lagged(missed)) => {
                report(format!(
                    "{missed} events were not published to NATS: it fell behind"
                ));
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// The bound address as the start line prints it.
pub fn url(address: SocketAddr) -> String {
    format!("http://{address}")
}
