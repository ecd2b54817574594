//! Against a real `nats-server` (the Debian package), started on a free loopback port for
//! each test and killed after; a real subscriber (`async-nats`) checks what arrives.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::*;
use crate::events::Events;
use crate::link::routing::RouteSummary;

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().unwrap().port()
}

/// A `nats-server` child on a free loopback port, killed when dropped.
struct NatsServer {
    child: Child,
    port: u16,
}

impl NatsServer {
    fn start() -> NatsServer {
        let port = free_port();
        let child = Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (apt-get install nats-server)");
        let server = NatsServer { child, port };
        server.wait_until_it_accepts();
        server
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Polls until the port accepts: a readiness wait, not a timing assertion (the bound only
    /// stops a server that never starts from hanging the test).
    fn wait_until_it_accepts(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next message, or a failure if none comes (a bound against hanging, not a timing test).
async fn next(subscriber: &mut async_nats::Subscriber) -> async_nats::Message {
    tokio::time::timeout(Duration::from_secs(30), subscriber.next())
        .await
        .expect("a message arrives")
        .expect("the subscription is open")
}

#[test]
fn subjects_are_oslinker_and_the_short_type() {
    let subjects: Vec<String> = EventType::ALL.iter().map(|&t| subject(t)).collect();
    assert_eq!(
        subjects,
        [
            "oslinker.tree.relinked",
            "oslinker.tree.invalid",
            "oslinker.tree.valid",
            "oslinker.route.changed",
            "oslinker.health.changed",
            "oslinker.tree.loaded",
            "oslinker.tree.unreadable",
            "oslinker.exec.finished",
            "oslinker.watch.error",
        ]
    );
}

#[tokio::test]
async fn no_server_is_a_clear_failure_with_the_way_out() {
    // Nothing listens on a port that was just free: refused at once, no server needed.
    let url = format!("nats://127.0.0.1:{}", free_port());
    let failure = NatsPublisher::connect(&url).await.unwrap_err();
    assert!(
        failure
            .message
            .starts_with(&format!("cannot connect to NATS at {url}: ")),
        "{failure}"
    );
    assert!(failure.help.unwrap().contains("nats-server running"));
}

#[tokio::test]
async fn credentials_in_the_url_never_reach_the_failure() {
    let url = format!("nats://admin:hunter2-s3cret@127.0.0.1:{}", free_port());
    let failure = NatsPublisher::connect(&url).await.unwrap_err();
    let shown = failure.to_string();
    assert!(!shown.contains("hunter2-s3cret"), "{shown}");
    assert!(
        shown.contains("cannot connect to NATS at nats://"),
        "{shown}"
    );
}

#[tokio::test]
#[ignore = "needs nats-server"]
async fn events_arrive_on_their_subjects_as_structured_json() {
    let server = NatsServer::start();
    let subscriber_client = async_nats::connect(server.url()).await.unwrap();
    let mut all = subscriber_client.subscribe("oslinker.>").await.unwrap();
    let mut routes_only = subscriber_client
        .subscribe("oslinker.route.changed")
        .await
        .unwrap();
    subscriber_client.flush().await.unwrap();

    let publisher = NatsPublisher::connect(&server.url()).await.unwrap();
    let events = Events::new("oslinker://test/linker.d");
    let old = [RouteSummary {
        capability: "code.generation".to_string(),
        environment: None,
        matched: None,
        candidates: vec!["a".to_string(), "b".to_string()],
        chosen: Some("a".to_string()),
    }];
    let new = [RouteSummary {
        chosen: Some("b".to_string()),
        ..old[0].clone()
    }];
    let route = events.route_changes(&old, &new).remove(0);
    let diagnostics = json!([]);
    let valid = events.validity(&crate::events::Validity {
        errors: 0,
        warnings: 0,
        diagnostics: &diagnostics,
    });
    for event in [&valid, &route] {
        publisher.publish(event).await.unwrap();
    }
    publisher.flush().await.unwrap();

    let first = next(&mut all).await;
    assert_eq!(first.subject.as_str(), "oslinker.tree.valid");
    let second = next(&mut all).await;
    assert_eq!(second.subject.as_str(), "oslinker.route.changed");
    let body: Value = serde_json::from_slice(&second.payload).unwrap();
    assert_eq!(body, serde_json::to_value(&route).unwrap());
    assert_eq!(body["type"], "dev.oslinker.route.changed");
    assert_eq!(body["subject"], "code.generation");
    assert_eq!(body["data"]["from"], "a");
    assert_eq!(body["data"]["to"], "b");
    let headers = second.headers.expect("headers");
    assert_eq!(
        headers.get("Content-Type").map(|v| v.as_str()),
        Some(STRUCTURED_JSON)
    );

    // The narrower subscription sees the route change alone.
    let only = next(&mut routes_only).await;
    let body: Value = serde_json::from_slice(&only.payload).unwrap();
    assert_eq!(body["id"], route.id.as_str());
}

#[tokio::test]
#[ignore = "needs nats-server"]
async fn the_publisher_reconnects_after_the_server_restarts() {
    let mut server = NatsServer::start();
    let (told, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let publisher = NatsPublisher::connect_reporting(&server.url(), move |c| {
        let _ = told.send(c);
    })
    .await
    .unwrap();
    let events = Events::new("oslinker://test/linker.d");

    // The server goes away and comes back on the same port.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let port = server.port;
    server.child = Command::new("nats-server")
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    server.wait_until_it_accepts();

    // The caller is told: lost, then back (and not "back" for the first connection). Only
    // then is an event sure to go out: core NATS is at most once, and one written to the
    // dead connection before the client noticed is gone.
    let mut told = Vec::new();
    for _ in 0..2 {
        let connection = tokio::time::timeout(Duration::from_secs(30), heard.recv()).await;
        told.push(
            connection
                .expect("told in time")
                .expect("the channel is open"),
        );
    }
    assert_eq!(told, [Connection::Lost, Connection::Restored]);

    let subscriber_client = async_nats::connect(server.url()).await.unwrap();
    let mut all = subscriber_client.subscribe("oslinker.>").await.unwrap();
    subscriber_client.flush().await.unwrap();
    let diagnostics = json!([]);
    let event = events.validity(&crate::events::Validity {
        errors: 0,
        warnings: 0,
        diagnostics: &diagnostics,
    });
    // Sent again until one arrives: under load, the client may report itself back before
    // its new connection carries messages, and one written too early is lost (at most once).
    // Each wait is a bound against hanging, not a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(30);
    let received = loop {
        assert!(
            Instant::now() < deadline,
            "no event arrived after the restart"
        );
        publisher.publish(&event).await.unwrap();
        let _ = publisher.flush().await;
        if let Ok(Some(message)) = tokio::time::timeout(Duration::from_secs(1), all.next()).await {
            break message;
        }
    };
    assert_eq!(received.subject.as_str(), "oslinker.tree.valid");
    let body: Value = serde_json::from_slice(&received.payload).unwrap();
    assert_eq!(body["id"], event.id.as_str());
}
