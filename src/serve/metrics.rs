//! `/metrics`: the tree's size and state, re-links, and HTTP requests, in the Prometheus
//! text format. The `prometheus-client` crate (the Prometheus project's own) keeps the
//! registry and writes the exposition: names, escaping, `_total` and histogram buckets are
//! its business, not ours.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::{Published, Shared};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's template (`/v1/resolve/{capability}`), so that ids do not make series.
    route: String,
    status: u16,
}

pub struct Metrics {
    registry: Registry,
    manifests: Gauge,
    processes: Gauge,
    routes: Gauge,
    tree_valid: Gauge,
    generation: Gauge,
    relinks: Counter,
    last_relink_seconds: Gauge<f64, AtomicU64>,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
}

impl Metrics {
    pub fn new() -> Metrics {
        let metrics = Metrics {
            registry: Registry::with_prefix("oslinker"),
            manifests: Gauge::default(),
            processes: Gauge::default(),
            routes: Gauge::default(),
            tree_valid: Gauge::default(),
            generation: Gauge::default(),
            relinks: Counter::default(),
            last_relink_seconds: Gauge::default(),
            requests: Family::default(),
            // 0.5 ms to about 1 s.
            latency: Histogram::new(exponential_buckets(0.0005, 2.0, 12)),
        };
        let mut registry = metrics.registry;
        let served = "in the tree served (the last valid one)";
        registry.register(
            "manifests",
            format!("Manifests {served}"),
            metrics.manifests.clone(),
        );
        registry.register(
            "processes",
            format!("Processes {served}"),
            metrics.processes.clone(),
        );
        registry.register(
            "routes",
            format!("Routes (capability, environment) {served}"),
            metrics.routes.clone(),
        );
        registry.register(
            "tree_valid",
            "Whether the tree as it is now is valid (1) or not (0)",
            metrics.tree_valid.clone(),
        );
        registry.register(
            "generation",
            "The tree's generation: 1 at start, one more per re-link",
            metrics.generation.clone(),
        );
        registry.register(
            "relinks",
            "Re-links since start (valid or not)",
            metrics.relinks.clone(),
        );
        registry.register(
            "last_relink_duration_seconds",
            "How long the last re-link took (reading, linking and planning)",
            metrics.last_relink_seconds.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            metrics.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (for event streams: to start)",
            metrics.latency.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    /// Takes in a newly published tree; `took` is the re-link's time (none at start).
    pub fn published(&self, published: &Published, took: Option<Duration>) {
        if let Some(took) = took {
            self.relinks.inc();
            self.last_relink_seconds.set(took.as_secs_f64());
        }
        let latest = &published.latest;
        self.generation.set(count(latest.generation));
        self.tree_valid
            .set(i64::from(latest.valid() && published.trouble.is_none()));
        if let Some(serving) = &published.serving {
            let linked = &serving.checked.linked;
            self.manifests.set(count(serving.checked.manifests));
            self.processes.set(count(linked.processes.len()));
            self.routes
                .set(count(crate::link::routing::every_route(linked).len()));
        }
    }

    fn request(&self, route: &str, status: StatusCode, took: Duration) {
        let labels = RequestLabels {
            route: route.to_string(),
            status: status.as_u16(),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.observe(took.as_secs_f64());
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn count(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// Counts every request by its route's template and status, and times it.
pub async fn count_requests(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_string(),
        None => "unmatched".to_string(),
    };
    let start = Instant::now();
    let response = next.run(request).await;
    shared
        .metrics
        .request(&route, response.status(), start.elapsed());
    response
}

/// The exposition (OpenMetrics text, which Prometheus reads).
pub async fn exposition(State(shared): State<Arc<Shared>>) -> Response {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &shared.metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
