//! Events: what each re-link says, as CloudEvents 1.0 (structured JSON), and `/v1/events`,
//! which streams them as server-sent events. Events travel as `Arc<serde_json::Value>` on
//! one broadcast channel, so whatever else makes or sends events (route changes, a bus)
//! shares it.

use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::api::ApiError;
use super::{Shared, Snapshot};
use crate::load::display_path;

pub const RELINKED: &str = "dev.oslinker.tree.relinked";
pub const INVALID: &str = "dev.oslinker.tree.invalid";
pub const VALID: &str = "dev.oslinker.tree.valid";

/// When this process started (nanoseconds since 1970), in every event id: with the
/// generation, ids stay unique across restarts of the same source.
static STARTED: LazyLock<u128> = LazyLock::new(|| {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
});

/// The events' `source`: `oslinker://` and the root's absolute path.
pub fn source_of(root: &std::path::Path) -> String {
    format!("oslinker://{}", root.display())
}

/// What a re-link from `previous` to `new` says: always `tree.relinked`, then
/// `tree.invalid` or `tree.valid` when the tree's validity flipped.
pub fn events_of(source: &str, previous: &Snapshot, new: &Snapshot) -> Vec<Value> {
    let checked = &new.checked;
    let mut events = vec![cloud_event(
        source,
        RELINKED,
        new,
        0,
        json!({
            "generation": new.generation,
            "valid": new.valid(),
            "errors": checked.errors(),
            "warnings": checked.warnings(),
            "manifests": checked.manifests,
            "files": new.files.iter().map(|f| display_path(f)).collect::<Vec<_>>(),
        }),
    )];
    match (previous.valid(), new.valid()) {
        (true, false) => events.push(cloud_event(
            source,
            INVALID,
            new,
            1,
            json!({
                "generation": new.generation,
                "errors": checked.errors(),
                // The generation still served: the one that was valid.
                "servingGeneration": previous.generation,
            }),
        )),
        (false, true) => events.push(cloud_event(
            source,
            VALID,
            new,
            1,
            json!({"generation": new.generation}),
        )),
        _ => {}
    }
    events
}

/// One CloudEvent (structured mode); `index` tells apart the events of one re-link.
fn cloud_event(source: &str, kind: &str, new: &Snapshot, index: usize, data: Value) -> Value {
    json!({
        "specversion": "1.0",
        "id": format!("{:x}-{}-{index}", *STARTED, new.generation),
        "source": source,
        "type": kind,
        "time": humantime::format_rfc3339_millis(new.relinked_at).to_string(),
        "datacontenttype": "application/json",
        "data": data,
    })
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/v1/events", get(stream))
}

/// `/v1/events`: every event from now on, `event:` being its CloudEvents type. A stream
/// that falls behind misses the oldest events and is told so in a comment; it never holds
/// up the others. At most `--max-streams` at once; each ends when the server stops.
async fn stream(
    State(shared): State<Arc<Shared>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let permit = Arc::clone(&shared.streams)
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many event streams are open",
            )
            .help("try again later; the server's --max-streams bounds them")
        })?;
    let receiver = shared.events.subscribe();
    let events =
        futures_util::stream::unfold((receiver, permit), |(mut receiver, permit)| async move {
            let event = match receiver.recv().await {
                Ok(event) => sse_event(&event),
                Err(RecvError::Lagged(missed)) => Event::default()
                    .comment(format!("missed {missed} events: this stream fell behind")),
                Err(RecvError::Closed) => return None,
            };
            Some((Ok(event), (receiver, permit)))
        });
    let mut stopping = shared.stopping.clone();
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    Ok(Sse::new(events.take_until(stopped)).keep_alive(KeepAlive::default()))
}

/// A CloudEvent as a server-sent event: `event:` its type, `id:` its id, `data:` itself.
fn sse_event(event: &Value) -> Event {
    let mut sse = Event::default().data(event.to_string());
    if let Some(kind) = event["type"].as_str() {
        sse = sse.event(kind);
    }
    if let Some(id) = event["id"].as_str() {
        sse = sse.id(id);
    }
    sse
}
