//! `oslinker serve` (issue 13): the real binary on a free loopback port, asked with a real
//! HTTP client (reqwest). Edits to the tree are followed: each test waits for the event on
//! `/v1/events` (or for the process to exit), never for a set time.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap};
use serde_json::{Value, json};

use crate::support::{Tree, process_yaml};

/// How long anything may take before a test gives up (a failure, not a measure).
const PATIENCE: Duration = Duration::from_secs(30);

pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, from the start line.
    base: String,
    stderr: Receiver<String>,
    /// Every stderr line read so far.
    said: Vec<String>,
    token: Option<String>,
    client: Client,
}

/// A client that goes straight to the server (no proxy from the environment).
fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(PATIENCE)
        .build()
        .expect("an HTTP client")
}

impl Server {
    pub(crate) fn start(tree: &Tree, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--debounce", "20"];
        args.extend_from_slice(extra);
        let mut child = tree
            .cmd(&args)
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the oslinker binary starts");
        let (sender, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            stderr,
            said: Vec::new(),
            token: None,
            client: client(),
        };
        let line = server.stderr_until("the start line", |l| l.starts_with("serving "));
        let address = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .expect("the start line names the address");
        server.base = address.to_string();
        server
    }

    fn with_token(mut self, token: &str) -> Server {
        self.token = Some(token.to_string());
        self
    }

    /// The next stderr line that `wanted` accepts.
    fn stderr_until(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(wait) {
                Ok(line) => {
                    self.said.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no {what} on stderr; it said:\n{}", self.said.join("\n"))
                }
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, request: reqwest::blocking::RequestBuilder) -> Response {
        let request = match &self.token {
            Some(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            None => request,
        };
        request.send().expect("the server answers")
    }

    fn response(&self, path: &str) -> Response {
        self.send(self.client.get(self.url(path)))
    }

    /// GET `path`: the status and the body as JSON.
    fn get(&self, path: &str) -> (u16, Value) {
        let response = self.response(path);
        let status = response.status().as_u16();
        let text = response.text().expect("a body");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("GET {path} gave no JSON ({e}): {text}"));
        (status, json)
    }

    /// GET `path`: the status, the headers and the body as text.
    fn get_text(&self, path: &str) -> (u16, HeaderMap, String) {
        let response = self.response(path);
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().expect("a body"))
    }

    /// `/v1/events`, open: each event that arrives from now on.
    pub(crate) fn events(&self) -> EventStream {
        self.events_after(None)
    }

    /// `/v1/events`, reconnecting after the event `last_seen` (the `Last-Event-ID` header).
    fn events_after(&self, last_seen: Option<&str>) -> EventStream {
        let mut request = self.client.get(self.url("/v1/events"));
        if let Some(id) = last_seen {
            request = request.header("Last-Event-ID", id);
        }
        let response = self.send(request.header(ACCEPT, "text/event-stream"));
        assert_eq!(response.status().as_u16(), 200, "the event stream opens");
        EventStream {
            lines: BufReader::new(response),
        }
    }

    fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits until `/v1/health` says `id` was probed healthy (a failure after PATIENCE).
    fn until_healthy(&self, id: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (_, health) = self.get("/v1/health");
            let targets = health["targets"].as_array().cloned().unwrap_or_default();
            if targets
                .iter()
                .any(|t| t["id"] == id && t["state"] == "healthy")
            {
                return;
            }
            assert!(Instant::now() < deadline, "{id} never healthy: {health}");
            thread::sleep(Duration::from_millis(20)); // polling a state, not a timed assertion
        }
    }

    /// Waits for the process to end (a failure after PATIENCE).
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("the process can be waited on") {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop");
            thread::sleep(Duration::from_millis(20)); // polling the exit, not a timed assertion
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `/v1/events` stream, read as it comes. The client's timeout bounds each read, but the
/// server's keep-alive comments (every 15 s) would keep a stream waiting for an event that
/// never comes alive forever: each wait has a deadline of its own too.
pub(crate) struct EventStream {
    lines: BufReader<Response>,
}

impl EventStream {
    /// The next event: its `event:` field and its data (a CloudEvent).
    pub(crate) fn next(&mut self) -> (String, Value) {
        let (mut kind, mut data) = (String::new(), String::new());
        let deadline = Instant::now() + PATIENCE;
        loop {
            assert!(Instant::now() < deadline, "no event within {PATIENCE:?}");
            let mut line = String::new();
            let read = self.lines.read_line(&mut line).expect("the stream goes on");
            assert!(read > 0, "the event stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() && !data.is_empty() {
                return (kind, serde_json::from_str(&data).expect("JSON data"));
            }
            if let Some(value) = line.strip_prefix("event:") {
                kind = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push_str(value.trim_start());
            }
        }
    }

    /// The next event of this type (others are skipped).
    fn next_of(&mut self, wanted: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            assert!(
                Instant::now() < deadline,
                "no {wanted} event within {PATIENCE:?}"
            );
            let (kind, event) = self.next();
            if kind == wanted {
                return event;
            }
        }
    }
}

pub(crate) fn multi_env() -> Tree {
    Tree::copy_of(crate::support::examples().join("multi-env"))
}

/// `lucid-prod` stopped: production has no eligible code.generation provider left.
fn stop_lucid_prod(tree: &Tree) {
    let path = tree.root().join("processes/lucid.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let running = "id: lucid-prod\nname: DreamNet LUCID Agent\nstatus: running";
    assert!(text.contains(running));
    let stopped = running.replace("running", "stopped");
    std::fs::write(&path, text.replace(running, &stopped)).unwrap();
}

fn eligible(resolution: &Value) -> Vec<&str> {
    resolution["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["eligible"] == true)
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

#[test]
fn resolve_answers_as_the_cli_does_with_names_or_ids_for_env() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (status, body) = server.get("/v1/resolve/code.generation?env=production");
    assert_eq!(status, 200, "{body}");
    let cli = tree.run([
        "resolve",
        "code.generation",
        "--env",
        "production",
        "--format",
        "json",
    ]);
    assert_eq!(body, cli.json());
    assert_eq!(eligible(&body), ["lucid-prod"]);
    let (_, by_id) = server.get("/v1/resolve/code.generation?env=env-production");
    assert_eq!(by_id, body);
    let (status, all) = server.get("/v1/resolve/code.generation?env=production&all");
    assert_eq!(status, 200);
    assert_eq!(all["providers"].as_array().unwrap().len(), 3, "{all}");
}

#[test]
fn unknown_names_are_404_with_a_did_you_mean_and_bad_queries_are_400() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (status, body) = server.get("/v1/resolve/code.generaton");
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["formatVersion"], 1);
    assert_eq!(body["didYouMean"], "code.generation");
    let (status, body) = server.get("/v1/resolve/code.generation?env=prodction");
    assert_eq!(
        (status, body["didYouMean"].as_str()),
        (404, Some("production"))
    );
    let (status, body) = server.get("/v1/processes/lucid-prd");
    assert_eq!(
        (status, body["didYouMean"].as_str()),
        (404, Some("lucid-prod"))
    );
    let (status, body) = server.get("/v1/routes?capability=code.generaton");
    assert_eq!(
        (status, body["didYouMean"].as_str()),
        (404, Some("code.generation"))
    );
    for bad in [
        "/v1/resolve/Code..Generation",
        "/v1/resolve/code.generation?environment=production",
        "/v1/resolve/code.generation?all=maybe",
        "/v1/plan?env=production&env=staging",
        "/v1/routes?capability=Not%20a%20name",
        "/v1/processes?verbose=1",
    ] {
        let (status, body) = server.get(bad);
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["formatVersion"], 1, "{bad}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{bad}"
        );
    }
    let (status, body) = server.get("/v1/resolv/code.generation");
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("no endpoint"));
}

#[test]
fn a_typo_routed_through_a_prefix_key_answers_with_a_did_you_mean_as_the_cli_does() {
    let tree = Tree::copy_of(crate::support::repo().join("linker.d"));
    let server = Server::start(&tree, &[]);
    let (status, body) = server.get("/v1/resolve/code.reveiw");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["didYouMean"], "code.review", "{body}");
    assert_eq!(body["routedByPrefix"], "code", "{body}");
}

#[test]
fn plan_processes_routes_and_diagnostics_have_the_clis_shapes() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (status, plan) = server.get("/v1/plan?env=staging");
    assert_eq!(status, 200);
    let cli = tree.run(["plan", "--env", "staging", "--format", "json"]);
    assert_eq!(plan, cli.json());
    let (_, whole) = server.get("/v1/plan");
    assert_eq!(whole, tree.run(["plan", "--format", "json"]).json());

    let (status, processes) = server.get("/v1/processes");
    assert_eq!(status, 200);
    let lucid = processes["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "lucid-prod")
        .expect("lucid-prod is listed");
    let keys: Vec<&str> = lucid
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["id", "name", "environment", "platform", "status"]);
    assert_eq!(lucid["environment"], "env-production");
    let (status, one) = server.get("/v1/processes/lucid-prod");
    assert_eq!(status, 200);
    let planned = whole["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "lucid-prod")
        .unwrap();
    assert_eq!(&one["process"], planned);

    let (status, routes) = server.get("/v1/routes?env=production&capability=code.generation");
    assert_eq!(status, 200, "{routes}");
    let routes = routes["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(routes[0]["environment"], "env-production");
    assert_eq!(routes[0]["chosen"], "lucid-prod");
    let (_, every) = server.get("/v1/routes");
    assert!(every["routes"].as_array().unwrap().len() > 1);

    let (status, diagnostics) = server.get("/v1/diagnostics");
    assert_eq!(status, 200);
    assert_eq!(diagnostics, tree.validate().json());
}

#[test]
fn healthz_readyz_and_metrics() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (status, body) = server.get("/healthz");
    assert_eq!((status, body["status"].as_str()), (200, Some("alive")));
    let (status, body) = server.get("/readyz");
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    server.get("/v1/resolve/code.generation");
    server.get("/v1/resolve/code.generaton");
    let (status, headers, text) = server.get_text("/metrics");
    assert_eq!(status, 200);
    assert!(
        headers[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("text")
    );
    for line in [
        "oslinker_processes 6",
        "oslinker_tree_valid 1",
        "oslinker_relinks_total 0",
        "oslinker_http_requests_total{route=\"/v1/resolve/{capability}\",status=\"200\"} 1",
        "oslinker_http_requests_total{route=\"/v1/resolve/{capability}\",status=\"404\"} 1",
        "oslinker_http_request_duration_seconds_count ",
        "oslinker_last_relink_duration_seconds ",
        "oslinker_manifests ",
        "oslinker_routes ",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
}

#[test]
fn an_edit_shows_in_the_next_answer_and_arrives_on_the_event_stream() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (_, before) = server.get("/v1/resolve/code.generation?env=production");
    assert_eq!(eligible(&before), ["lucid-prod"]);
    let mut events = server.events();
    stop_lucid_prod(&tree);
    let event = events.next_of("dev.oslinker.tree.relinked");
    assert_eq!(event["specversion"], "1.0");
    assert_eq!(event["type"], "dev.oslinker.tree.relinked");
    assert_eq!(event["datacontenttype"], "application/json");
    let source = event["source"].as_str().unwrap();
    assert!(source.starts_with("oslinker://"), "{event}");
    assert!(source.ends_with("/tree"), "oslinker://HOST/ROOT: {event}");
    assert!(event["time"].as_str().unwrap().ends_with('Z'), "{event}");
    assert_eq!(event["data"]["generation"], 2);
    assert_eq!(event["data"]["valid"], true);
    assert!(
        event["data"]["files"][0]
            .as_str()
            .unwrap()
            .ends_with("lucid.yaml")
    );
    let (status, after) = server.get("/v1/resolve/code.generation?env=production");
    assert_eq!(status, 200);
    assert!(eligible(&after).is_empty(), "{after}");
    let (_, processes) = server.get("/v1/processes/lucid-prod");
    assert_eq!(processes["process"]["status"], "stopped");
    // The route production takes for code.generation lost its provider: one event says so.
    let route = loop {
        let route = events.next_of("dev.oslinker.route.changed");
        if route["data"]["environment"] == "env-production" {
            break route;
        }
    };
    assert_eq!(route["subject"], "code.generation", "{route}");
    assert_eq!(
        (&route["data"]["from"], &route["data"]["to"]),
        (&json!("lucid-prod"), &Value::Null),
        "{route}"
    );
}

#[test]
fn an_invalid_edit_keeps_the_last_good_answers_and_readyz_says_degraded() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let (_, good) = server.get("/v1/resolve/code.generation?env=production");
    let mut events = server.events();
    // A second definition of an id: an error.
    tree.write("duplicate.yaml", process_yaml("lucid-prod"));
    let invalid = events.next_of("dev.oslinker.tree.invalid");
    assert_eq!(invalid["data"]["servingGeneration"], 1, "{invalid}");
    let (status, still) = server.get("/v1/resolve/code.generation?env=production");
    assert_eq!((status, &still), (200, &good));
    let (status, ready) = server.get("/readyz");
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "degraded");
    assert!(
        ready["reason"].as_str().unwrap().contains("error"),
        "{ready}"
    );
    let (status, diagnostics) = server.get("/v1/diagnostics");
    assert_eq!(status, 200);
    assert_eq!(diagnostics["valid"], false);
    assert!(diagnostics["errors"].as_u64().unwrap() > 0);
    let (_, _, metrics) = server.get_text("/metrics");
    assert!(metrics.contains("oslinker_tree_valid 0"), "{metrics}");

    std::fs::remove_file(tree.root().join("duplicate.yaml")).unwrap();
    let valid = events.next_of("dev.oslinker.tree.valid");
    assert_eq!(valid["data"]["generation"], 3);
    let (status, _) = server.get("/readyz");
    assert_eq!(status, 200);
}

#[test]
fn a_non_loopback_address_without_a_token_does_not_start() {
    let tree = multi_env();
    let out = tree.run(["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--token-file"), "{}", out.stderr);
    assert!(out.stderr.contains("--no-auth"), "{}", out.stderr);
}

fn token_file(tree: &Tree, token: &str, mode: u32) -> String {
    let path = tree.parent().join("token");
    std::fs::write(&path, format!("{token}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

#[test]
fn with_a_token_file_every_request_but_healthz_needs_the_token() {
    let tree = multi_env();
    let file = token_file(&tree, "s3cret-t0ken", 0o600);
    let server = Server::start(&tree, &["--token-file", &file]);
    let (status, headers, body) = server.get_text("/v1/resolve/code.generation");
    assert_eq!(status, 401, "{body}");
    assert!(headers.contains_key(reqwest::header::WWW_AUTHENTICATE));
    let wrong = server.send(
        server
            .client
            .get(server.url("/readyz"))
            .header(AUTHORIZATION, "Bearer s3cret-t0keN"),
    );
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(server.get("/healthz").0, 200);
    let server = server.with_token("s3cret-t0ken");
    assert_eq!(server.get("/v1/resolve/code.generation").0, 200);
    assert_eq!(server.get_text("/metrics").0, 200);
}

#[test]
fn a_token_file_every_user_may_read_is_refused() {
    let tree = multi_env();
    let file = token_file(&tree, "s3cret-t0ken", 0o644);
    let out = tree.run(["serve", "--listen", "127.0.0.1:0", "--token-file", &file]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
}

#[test]
fn only_get_and_head_are_allowed() {
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let response = server.send(server.client.post(server.url("/v1/plan")));
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
    assert_eq!(body["formatVersion"], 1);
    let head = server.send(server.client.head(server.url("/v1/plan")));
    assert_eq!(head.status().as_u16(), 200);
}

#[test]
fn a_stream_that_reconnects_with_last_event_id_gets_what_it_missed() {
    let tree = multi_env();
    let mut server = Server::start(&tree, &[]);
    let mut events = server.events();
    stop_lucid_prod(&tree);
    let seen = events.next_of("dev.oslinker.tree.relinked");
    assert_eq!(seen["data"]["generation"], 2);
    drop(events);
    // While no stream is open, the tree is edited again.
    let lucid = tree.root().join("processes/lucid.yaml");
    let text = std::fs::read_to_string(&lucid).unwrap();
    std::fs::write(&lucid, format!("{text}\n# edited while nobody listened\n")).unwrap();
    server.stderr_until("the second relink", |l| l.contains("(generation 3)"));
    let mut reconnected = server.events_after(seen["id"].as_str());
    let missed = reconnected.next_of("dev.oslinker.tree.relinked");
    assert_eq!(missed["data"]["generation"], 3, "{missed}");
}

#[test]
fn event_streams_are_bounded() {
    let tree = multi_env();
    let server = Server::start(&tree, &["--max-streams", "1"]);
    let _open = server.events();
    let (status, body) = server.get("/v1/events");
    assert_eq!(status, 503, "{body}");
}

/// A raw connection to the server: what a client that misbehaves sends.
fn raw_connection(server: &Server) -> std::net::TcpStream {
    let address = server.base.trim_start_matches("http://");
    let stream = std::net::TcpStream::connect(address).expect("the server accepts");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Whether the server closed the connection (end of stream or reset) rather than answering
/// or leaving it open until the read timed out.
fn closed_by_the_server(stream: &mut std::net::TcpStream) -> bool {
    use std::io::{ErrorKind, Read};
    let mut buffer = [0u8; 256];
    match stream.read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use std::io::Write;
    let tree = multi_env();
    let server = Server::start(&tree, &[]);
    let mut slow = raw_connection(&server);
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    // The headers never end: the server closes the connection (after 5 s) instead of
    // holding it for as long as the client likes.
    assert!(
        closed_by_the_server(&mut slow),
        "the connection stayed open"
    );
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
}

#[test]
fn connections_past_the_bound_are_closed_at_once() {
    let tree = multi_env();
    let server = Server::start(&tree, &["--max-connections", "1"]);
    let open = server.events(); // holds the one connection
    let mut second = raw_connection(&server);
    assert!(
        closed_by_the_server(&mut second),
        "a second connection was kept"
    );
    drop(open);
    // Its connection is released when the server sees the stream go: wait for that.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let request = server.client.get(server.url("/healthz")).send();
        if request.is_ok_and(|r| r.status().as_u16() == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the connection was never released"
        );
        thread::sleep(Duration::from_millis(20)); // polling for the release, not a timed assertion
    }
}

#[test]
fn sigterm_stops_it_with_exit_0_even_with_a_stream_open() {
    let tree = multi_env();
    let mut server = Server::start(&tree, &[]);
    let _open = server.events();
    server.signal("TERM");
    assert_eq!(server.exit().code(), Some(0), "{}", server.said.join("\n"));
}

/// The bodies of every endpoint, joined.
fn every_body(server: &Server) -> String {
    [
        "/v1/resolve/code.generation?all",
        "/v1/plan",
        "/v1/processes",
        "/v1/processes/hello-agent",
        "/v1/routes",
        "/v1/diagnostics",
        "/readyz",
        "/metrics",
    ]
    .iter()
    .map(|path| server.get_text(path).2)
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn secret_values_are_never_served() {
    let secret = "SECRETVALUE123";
    let tree = Tree::copy_of(crate::support::examples().join("minimal"));
    let agent = tree.root().join("agent.yaml");
    let text = std::fs::read_to_string(&agent).unwrap();
    let with_token = text.replace(
        "  version: nodejs-20.x\n",
        &format!("  version: nodejs-20.x\n  env:\n    API_TOKEN: {secret}\n"),
    );
    std::fs::write(&agent, &with_token).unwrap();
    let server = Server::start(&tree, &[]);
    let bodies = every_body(&server);
    assert!(bodies.contains("API_TOKEN"), "the variable is served");
    assert!(
        !bodies.contains(secret),
        "a secret value was served:\n{bodies}"
    );

    // Credentials in an endpoint: an error, so only the diagnostics show it (hidden).
    let mut events = server.events();
    let endpoint = format!("endpoint: https://agent:{secret}@hello.example.com/v1\n");
    std::fs::write(
        &agent,
        with_token.replace("runtimeContext:\n", &format!("{endpoint}runtimeContext:\n")),
    )
    .unwrap();
    events.next_of("dev.oslinker.tree.invalid");
    let bodies = every_body(&server);
    assert!(bodies.contains("E0112"), "{bodies}");
    assert!(
        !bodies.contains(secret),
        "a secret value was served:\n{bodies}"
    );
}

// ---- --health, agent cards, NATS ----

/// A reviewer whose provider has a health check on `port`, and a hosted backup.
fn reviewed_tree(port: u16) -> Tree {
    Tree::new(&[(
        "fleet.yaml",
        &format!(
            "kind: CapabilityMap\nmappings:\n  code.review: [reviewer-api, backup]\n---\n\
             kind: Process\nid: reviewer\nname: R\nstatus: running\ncapabilities: [code.review]\nmetadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n---\n\
             kind: Provider\nid: reviewer-api\nplatform: nodejs\nprocess: reviewer\nendpoint: http://127.0.0.1:{port}\ncapabilities: [code.review]\n\
             health:\n  http: {{path: /healthz}}\n  interval: 100ms\n  timeout: 1s\n  failureThreshold: 2\n---\n\
             kind: Provider\nid: backup\nplatform: openai-agents\ncapabilities: [code.review]\n"
        ),
    )])
}

fn first_eligible(resolution: &Value) -> Value {
    (resolution["providers"].as_array().unwrap().iter())
        .find(|p| p["eligible"] == true)
        .map_or(Value::Null, |p| p["id"].clone())
}

#[test]
fn health_withdraws_a_failing_agent_from_its_routes_and_says_so() {
    use std::sync::atomic::Ordering;
    let (port, status) = crate::support::switchable_server(200);
    let tree = reviewed_tree(port);
    let server = Server::start(&tree, &["--health"]);
    let mut events = server.events();
    // The first probe may run before the stream opens (its event, null -> healthy, then
    // goes to nobody): wait for its result where it stays.
    server.until_healthy("reviewer-api");
    let (_, resolved) = server.get("/v1/resolve/code.review?all");
    assert_eq!(first_eligible(&resolved), "reviewer-api", "{resolved}");
    // It starts failing: after two failed probes it is withdrawn, and the route moves.
    status.store(503, Ordering::SeqCst);
    let down = loop {
        let change = events.next_of("dev.oslinker.health.changed");
        if change["data"]["from"] != Value::Null {
            break change;
        }
        assert_eq!(change["data"]["to"], "healthy", "the first probe: {change}");
    };
    assert_eq!(
        (&down["data"]["from"], &down["data"]["to"]),
        (&json!("healthy"), &json!("unhealthy"))
    );
    let route = events.next_of("dev.oslinker.route.changed");
    assert_eq!(route["subject"], "code.review");
    assert_eq!(
        (&route["data"]["from"], &route["data"]["to"]),
        (&json!("reviewer-api"), &json!("backup"))
    );
    let (_, resolved) = server.get("/v1/resolve/code.review?all");
    assert_eq!(first_eligible(&resolved), "backup", "{resolved}");
    assert_eq!(
        resolved["providers"][0]["reason"],
        "withdrawn: unhealthy (HTTP 503)"
    );
    let (status_code, health) = server.get("/v1/health");
    assert_eq!(status_code, 200);
    assert_eq!(health["targets"][0]["state"], "unhealthy", "{health}");
    // Back: the route returns.
    status.store(200, Ordering::SeqCst);
    let up = events.next_of("dev.oslinker.health.changed");
    assert_eq!(up["data"]["to"], "healthy", "{up}");
    let back = events.next_of("dev.oslinker.route.changed");
    assert_eq!(back["data"]["to"], "reviewer-api", "{back}");
}

#[test]
fn without_health_the_health_endpoint_says_how_to_get_it() {
    let server = Server::start(&multi_env(), &[]);
    let (status, body) = server.get("/v1/health");
    assert_eq!(status, 404);
    assert!(
        body["help"].as_str().unwrap().contains("--health"),
        "{body}"
    );
}

#[test]
fn each_process_has_an_agent_card() {
    let server = Server::start(&multi_env(), &[]);
    let (status, card) = server.get("/v1/agents/lucid-prod/agent-card.json");
    assert_eq!(status, 200, "{card}");
    let skills: Vec<&str> = (card["skills"].as_array().unwrap().iter())
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(skills.contains(&"code.generation"), "{card}");
    assert!(card["name"].is_string(), "{card}");
    let (status, missing) = server.get("/v1/agents/lucid-prd/agent-card.json");
    assert_eq!(status, 404);
    assert_eq!(missing["didYouMean"], "lucid-prod", "{missing}");
}

#[test]
fn a_nats_server_that_does_not_answer_stops_it_from_starting() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tree = multi_env();
    let nats = format!("nats://127.0.0.1:{port}");
    let out = tree.run(["serve", "--listen", "127.0.0.1:0", "--publish", &nats]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("cannot connect to NATS at"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nats-server"), "{}", out.stderr);
}

#[test]
#[ignore = "needs nats-server"]
fn events_are_published_to_nats_for_subscribers_elsewhere() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut nats = std::process::Command::new("nats-server")
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nats-server starts");
    let url = format!("nats://127.0.0.1:{port}");
    let deadline = Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nats-server did not start");
        thread::sleep(Duration::from_millis(20)); // waiting for it to listen, not a timed assertion
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime
        .block_on(async_nats::connect(&url))
        .expect("a NATS client connects");
    let mut subscriber = runtime.block_on(client.subscribe("oslinker.>")).unwrap();
    runtime.block_on(client.flush()).unwrap();
    let tree = multi_env();
    let server = Server::start(&tree, &["--publish", &url]);
    stop_lucid_prod(&tree);
    let mut subjects = Vec::new();
    let route = runtime.block_on(async {
        use futures_util::StreamExt;
        loop {
            let message = tokio::time::timeout(PATIENCE, subscriber.next())
                .await
                .expect("an event arrives on NATS")
                .expect("the subscription goes on");
            subjects.push(message.subject.to_string());
            let event: Value = serde_json::from_slice(&message.payload).unwrap();
            if message.subject.as_str() == "oslinker.route.changed" {
                return event;
            }
        }
    });
    // The first load goes out before anything else (no /v1/events stream could hear it).
    assert_eq!(
        subjects[..2],
        ["oslinker.tree.loaded", "oslinker.tree.relinked"],
        "{subjects:?}"
    );
    assert_eq!(route["type"], "dev.oslinker.route.changed");
    assert_eq!(route["specversion"], "1.0");
    assert_eq!(route["subject"], "code.generation", "{route}");
    drop(server);
    let _ = nats.kill();
    let _ = nats.wait();
}
