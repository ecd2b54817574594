//! `/v1/events`: every event (`crate::events`: CloudEvents 1.0, structured JSON) as
//! server-sent events. Events travel as `Arc<CloudEvent>` on one broadcast channel, which
//! the NATS publisher (`--publish`) reads too.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::api::ApiError;
use super::{Replay, Shared};
use crate::events::CloudEvent;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/v1/events", get(stream))
}

/// `/v1/events`: every event from now on, `event:` being its CloudEvents type; with a
/// `Last-Event-ID` header (what an EventSource sends when it reconnects), first the events
/// after that one, when it is still among the last 256. A stream that falls behind misses
/// the oldest events and is told so in a comment; it never holds up the others. At most
/// `--max-streams` at once; each ends when the server stops.
async fn stream(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
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
    let last_seen = (headers.get("last-event-id")).and_then(|id| id.to_str().ok());
    let (receiver, replay) = shared.subscribe_after(last_seen);
    let first: Vec<Event> = match replay {
        Replay::Nothing => Vec::new(),
        Replay::Since(events) => events.iter().map(|event| sse_event(event)).collect(),
        Replay::Lost => vec![Event::default().comment(format!(
            "event {} is no longer kept: events before this one may have been missed",
            last_seen.unwrap_or_default()
        ))],
    };
    let events =
        futures_util::stream::unfold((receiver, permit), |(mut receiver, permit)| async move {
            let event = match receiver.recv().await {
                Ok(event) => sse_event(&event),
                Err(RecvError::Lagged(missed)) => Event::default()
                    .comment(format!("missed {missed} events: this stream fell behind")),
                Err(RecvError::Closed) => return None,
            };
            Some((event, (receiver, permit)))
        });
    let mut stopping = shared.stopping.clone();
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let all = futures_util::stream::iter(first).chain(events).map(Ok);
    Ok(Sse::new(all.take_until(stopped)).keep_alive(KeepAlive::default()))
}

/// A CloudEvent as a server-sent event: `event:` its type, `id:` its id, `data:` itself
/// (structured JSON, one line).
fn sse_event(event: &CloudEvent) -> Event {
    let data = serde_json::to_string(event).unwrap_or_default();
    (Event::default().data(data))
        .event(event.event_type.as_str())
        .id(event.id.clone())
}
