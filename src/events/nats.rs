//! Publishing events to NATS (`--publish nats://HOST:PORT`), so that consumers on many
//! machines can subscribe: each event goes, as its structured JSON (the CloudEvents NATS
//! protocol binding's structured content mode: the message body is the whole event, its
//! `Content-Type` header `application/cloudevents+json`), to the subject `oslinker.` +
//! its type without `dev.oslinker.` (`oslinker.route.changed`; subscribe to `oslinker.>`
//! for all).
//!
//! The client is `async-nats`, on the tokio runtime and the rustls / aws-lc-rs stack that
//! `reqwest` already brings (its default `ring` feature is off: one TLS stack). A server
//! that cannot be reached at start is a clear failure; once connected, the client
//! reconnects by itself, and events published meanwhile wait in its buffer.

use std::sync::atomic::{AtomicBool, Ordering};

use async_nats::{Client, ConnectOptions, Event, HeaderMap};

use super::{CloudEvent, EventType};
use crate::error::Failure;
use crate::secrets;

/// The `Content-Type` of a structured CloudEvent in JSON.
pub const STRUCTURED_JSON: &str = "application/cloudevents+json";

/// The subject an event of this type is published to, e.g. `oslinker.route.changed`.
pub fn subject(event_type: EventType) -> String {
    format!("oslinker.{}", event_type.short())
}

/// A connection to a NATS server that events are published on.
#[derive(Debug, Clone)]
pub struct NatsPublisher {
    client: Client,
    /// The URL as the user gave it, its credentials hidden: for messages.
    shown: String,
}

impl NatsPublisher {
    /// Connects to `url` (`nats://HOST:PORT`; `tls://` for TLS; `nats://user:pass@host`
    /// for a server that wants credentials). One attempt: a server that does not answer is
    /// a failure now, with the way out; the client retries on its own only once connected.
    pub async fn connect(url: &str) -> Result<NatsPublisher, Failure> {
        NatsPublisher::connect_reporting(url, |_| {}).await
    }

    /// [`NatsPublisher::connect`], with `report` told when the connection is lost, when it
    /// is back, and of errors the server sends, so that the user hears of it (events
    /// published meanwhile wait in the client's buffer).
    pub async fn connect_reporting(
        url: &str,
        report: impl Fn(Connection) + Send + Sync + 'static,
    ) -> Result<NatsPublisher, Failure> {
        let shown = shown_url(url);
        let report = std::sync::Arc::new(report);
        let lost = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let options = ConnectOptions::new()
            .name(concat!("oslinker/", env!("CARGO_PKG_VERSION")))
            .connection_timeout(std::time::Duration::from_secs(5))
            .event_callback(move |event| {
                let (report, lost) = (report.clone(), lost.clone());
                async move {
                    if let Some(connection) = Connection::of(&event, &lost) {
                        report(connection);
                    }
                }
            });
        match options.connect(url).await {
            Ok(client) => Ok(NatsPublisher { client, shown }),
            Err(error) => Err(Failure::new(format!(
                "cannot connect to NATS at {shown}: {}",
                one_line(&error.to_string(), url, &shown)
            ))
            .help(
                "is nats-server running there? (start it with `nats-server -a HOST -p PORT`, \
                 or pass the right --publish nats://HOST:PORT)",
            )),
        }
    }

    /// The server's URL as given, credentials hidden.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Publishes `event` on its subject. Returns once the client has queued it: while the
    /// server is away, events wait in the client's buffer (and this waits when that is full,
    /// so publish from a task of its own rather than from a request handler).
    pub async fn publish(&self, event: &CloudEvent) -> Result<(), Failure> {
        let body = serde_json::to_vec(event)
            .map_err(|e| Failure::new(format!("cannot write the event as JSON: {e}")))?;
        let mut headers = HeaderMap::new();
        headers.insert("Content-Type", STRUCTURED_JSON);
        self.client
            .publish_with_headers(subject(event.event_type), headers, body.into())
            .await
            .map_err(|e| self.failure("cannot publish to NATS", &e.to_string()))
    }

    /// Waits until everything published so far has been written to the server.
    pub async fn flush(&self) -> Result<(), Failure> {
        (self.client.flush().await).map_err(|e| self.failure("cannot flush NATS", &e.to_string()))
    }

    fn failure(&self, what: &str, error: &str) -> Failure {
        Failure::new(format!(
            "{what} at {}: {}",
            self.shown,
            one_line(error, "", "")
        ))
    }
}

/// What happened to a publisher's connection once it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// The server went away: the client is reconnecting.
    Lost,
    /// Connected again after [`Connection::Lost`]; buffered events go out.
    Restored,
    /// The server or the client reported an error (one line).
    Trouble(String),
}

impl Connection {
    /// The client's event as one of ours; `lost` remembers a loss, so that the first
    /// connection is not reported as a return.
    fn of(event: &Event, lost: &AtomicBool) -> Option<Connection> {
        match event {
            Event::Disconnected => {
                lost.store(true, Ordering::SeqCst);
                Some(Connection::Lost)
            }
            Event::Connected => lost
                .swap(false, Ordering::SeqCst)
                .then_some(Connection::Restored),
            Event::ServerError(e) => Some(Connection::Trouble(one_line(&e.to_string(), "", ""))),
            Event::ClientError(e) => Some(Connection::Trouble(one_line(&e.to_string(), "", ""))),
            _ => None,
        }
    }
}

/// The URL with any credentials hidden, for messages.
fn shown_url(url: &str) -> String {
    secrets::redact_url(url).unwrap_or_else(|| url.to_string())
}

/// A client error on one line, the raw URL (should it quote it) replaced by the shown one.
fn one_line(error: &str, url: &str, shown: &str) -> String {
    let error = if url.is_empty() || url == shown {
        error.to_string()
    } else {
        error.replace(url, shown)
    };
    error.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
