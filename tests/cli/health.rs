//! `oslinker health` against real servers on 127.0.0.1: HTTP servers that answer 200, 503, too
//! late, never, or close at once, one that redirects to another host, TCP ports open and
//! closed, and (with openssl) a TLS server whose certificate nobody trusts. Every state,
//! reason, drift, exit code and format.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::support::Tree;

/// How a test server answers each connection.
#[derive(Clone, Copy)]
enum Behaviour {
    Status(u16),
    /// Answers 200 after this long.
    Slow(Duration),
    /// Accepts, reads, and never answers (the connection stays open).
    Silent,
    /// Accepts and closes at once.
    Close,
    /// Redirects to the same port under another host name.
    RedirectElsewhere,
    /// 200 when the request carries this header line (`name: value`, the name in any
    /// case), else 401.
    RequireHeader(&'static str),
}

/// A server on 127.0.0.1 answering every connection as `behaviour`; its port.
fn server(behaviour: Behaviour) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer(stream, behaviour, port));
        }
    });
    port
}

fn answer(mut stream: TcpStream, behaviour: Behaviour, port: u16) {
    if let Behaviour::Close = behaviour {
        return;
    }
    let mut request = [0u8; 4096];
    let _ = stream.read(&mut request);
    let response = match behaviour {
        Behaviour::Status(code) => {
            format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        }
        Behaviour::Slow(delay) => {
            thread::sleep(delay);
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string()
        }
        Behaviour::Silent => {
            thread::sleep(Duration::from_secs(30));
            return;
        }
        Behaviour::RedirectElsewhere => format!(
            "HTTP/1.1 302 Found\r\nlocation: http://localhost:{port}/healthz\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        ),
        Behaviour::RequireHeader(line) => {
            let request = String::from_utf8_lossy(&request).to_lowercase();
            let (name, value) = line.split_once(": ").unwrap();
            let wanted = format!("\r\n{}: {value}\r\n", name.to_lowercase());
            let code = match request.contains(&wanted.to_lowercase()) {
                true => "200 OK",
                false => "401 Unauthorized",
            };
            format!("HTTP/1.1 {code}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        }
        Behaviour::Close => unreachable!(),
    };
    let _ = stream.write_all(response.as_bytes());
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn provider(id: &str, url: &str, extra: &str) -> String {
    format!(
        "kind: Provider\nid: {id}\nplatform: openai-agents\ncapabilities: [code.review]\nhealth:\n  http: {{url: \"{url}\"}}\n  timeout: 500ms\n{extra}---\n"
    )
}

fn process(id: &str, status: &str, health: &str) -> String {
    format!(
        "kind: Process\nid: {id}\nname: {id}\nstatus: {status}\ncapabilities: [text.write]\nmetadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\nhealth:\n{health}---\n"
    )
}

/// `id -> (state, reason, drift)` from `health --format json`.
fn by_id(report: &Value) -> Vec<(String, String, String, Option<String>)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["state"].as_str().unwrap().to_string(),
                t["reason"].as_str().unwrap_or("").to_string(),
                t["drift"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn every_state_and_reason_against_real_servers() {
    let ok = server(Behaviour::Status(200));
    let down = server(Behaviour::Status(503));
    let slow = server(Behaviour::Slow(Duration::from_millis(1500)));
    let silent = server(Behaviour::Silent);
    let closing = server(Behaviour::Close);
    let redirect = server(Behaviour::RedirectElsewhere);
    let closed = closed_port();
    let open = TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = open.local_addr().unwrap().port();
    let mut fleet = String::new();
    fleet += &provider("ok", &format!("http://127.0.0.1:{ok}/healthz"), "");
    fleet += &provider("down", &format!("http://127.0.0.1:{down}/healthz"), "");
    fleet += &provider("slow", &format!("http://127.0.0.1:{slow}/healthz"), "");
    fleet += &provider("silent", &format!("http://127.0.0.1:{silent}/healthz"), "");
    fleet += &provider(
        "closing",
        &format!("http://127.0.0.1:{closing}/healthz"),
        "",
    );
    fleet += &provider(
        "redirect",
        &format!("http://127.0.0.1:{redirect}/healthz"),
        "",
    );
    fleet += &provider("refused", &format!("http://127.0.0.1:{closed}/healthz"), "");
    fleet += &process(
        "tcp-open",
        "running",
        &format!("  tcp: 127.0.0.1:{open_port}\n"),
    );
    fleet += &process(
        "tcp-closed",
        "running",
        &format!("  tcp: 127.0.0.1:{closed}\n"),
    );
    fleet += &process(
        "stopped-but-up",
        "stopped",
        &format!("  http: {{url: \"http://127.0.0.1:{ok}/\"}}\n"),
    );
    let tree = Tree::new(&[("fleet.yaml", &fleet)]);
    let out = tree.run(["health", "--format", "json"]);
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["formatVersion"], 1);
    let s = |id: &str, state: &str, reason: &str, drift: Option<&str>| {
        (
            id.to_string(),
            state.to_string(),
            reason.to_string(),
            drift.map(str::to_string),
        )
    };
    // Processes, then Providers, each in id order.
    assert_eq!(
        by_id(&report),
        [
            s(
                "stopped-but-up",
                "healthy",
                "HTTP 200",
                Some("declared stopped, but answering")
            ),
            s(
                "tcp-closed",
                "unreachable",
                "connect refused",
                Some("declared running, but unreachable")
            ),
            s("tcp-open", "healthy", "port open", None),
            s(
                "closing",
                "unreachable",
                "connection closed before an answer",
                None
            ),
            s("down", "unhealthy", "HTTP 503", None),
            s("ok", "healthy", "HTTP 200", None),
            s(
                "redirect",
                "unhealthy",
                "HTTP 302 (a redirect to another host: not followed)",
                None
            ),
            s("refused", "unreachable", "connect refused", None),
            s("silent", "unreachable", "timeout after 500ms", None),
            s("slow", "unreachable", "timeout after 500ms", None),
        ],
        "{report:#}"
    );
    let summary = &report["summary"];
    assert_eq!(
        (
            summary["healthy"].as_u64(),
            summary["unhealthy"].as_u64(),
            summary["unreachable"].as_u64(),
            summary["drifting"].as_u64()
        ),
        (Some(3), Some(2), Some(5), Some(2))
    );
    drop(open);
}

#[test]
fn healthy_and_as_declared_is_exit_0_and_ids_choose_targets() {
    let ok = server(Behaviour::Status(204));
    let down = server(Behaviour::Status(500));
    let fleet = provider("ok", &format!("http://127.0.0.1:{ok}/"), "")
        + &provider("down", &format!("http://127.0.0.1:{down}/"), "")
        + &process("no-check", "running", "  tcp: 127.0.0.1:1\n")
            .replace("health:\n  tcp: 127.0.0.1:1\n", "");
    let tree = Tree::new(&[("fleet.yaml", &fleet)]);
    // Only `ok`: healthy, exit 0; the table and its summary.
    let out = tree.run(["health", "ok"]);
    out.assert_code(0);
    let row = out.stdout.lines().nth(1).unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[..3], ["ok", "Provider", "healthy"], "{}", out.stdout);
    assert_eq!(cells[cells.len() - 2..], ["HTTP", "204"], "{}", out.stdout);
    assert!(
        out.stdout.ends_with("1 target: 1 healthy\n"),
        "{}",
        out.stdout
    );
    // A named target without a check is reported as such, and is fine.
    let out = tree.run(["health", "no-check", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["targets"][0]["state"], "no-check");
    // Everything with a check: `down` fails the run.
    tree.run(["health"]).assert_code(1);
    // An unknown id is trouble, with the closest one.
    let out = tree.run(["health", "okk"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "error: no Process or Provider `okk` in this tree\nhelp: did you mean `ok`?\n"
    );
}

#[test]
fn the_deadline_cuts_the_run_short_and_says_so() {
    let silent = server(Behaviour::Silent);
    let fleet = provider("silent", &format!("http://127.0.0.1:{silent}/"), "")
        .replace("timeout: 500ms", "timeout: 20s");
    let tree = Tree::new(&[("fleet.yaml", &fleet)]);
    let started = std::time::Instant::now();
    let out = tree.run(["health", "--deadline", "300ms", "--format", "json"]);
    out.assert_code(1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the deadline was not kept"
    );
    let report = out.json();
    assert_eq!(report["targets"][0]["state"], "unreachable");
    assert_eq!(
        report["targets"][0]["reason"],
        "not probed within --deadline 300ms"
    );
}

#[test]
fn prometheus_exposition_per_target() {
    let ok = server(Behaviour::Status(200));
    let tree = Tree::new(&[(
        "fleet.yaml",
        &(provider("ok", &format!("http://127.0.0.1:{ok}/"), "")
            + &process(
                "down",
                "running",
                &format!("  tcp: 127.0.0.1:{}\n", closed_port()),
            )),
    )]);
    let out = tree.run(["health", "--format", "prometheus"]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines.contains(&"# TYPE oslinker_health_up gauge"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"oslinker_health_up{kind=\"Provider\",id=\"ok\"} 1"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"oslinker_health_up{kind=\"Process\",id=\"down\"} 0"),
        "{}",
        out.stdout
    );
    assert!(
        lines.contains(&"oslinker_health_drift{kind=\"Process\",id=\"down\"} 1"),
        "{}",
        out.stdout
    );
    assert!(
        lines.iter().any(|l| l
            .starts_with("oslinker_health_probe_duration_seconds{kind=\"Provider\",id=\"ok\"} 0.")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_health_check_is_read_and_checked_like_any_field() {
    let tree = Tree::new(&[(
        "fleet.yaml",
        "kind: Provider\nid: a\nplatform: openai-agents\nhealth:\n  http: {url: \"http://h/\", path: /x}\n---\nkind: Provider\nid: b\nplatform: openai-agents\nhealth:\n  timeout: 2h\n  tcp: h:1\n---\nkind: Provider\nid: c\nplatform: openai-agents\nhealth: {}\n---\nkind: Provider\nid: d\nplatform: openai-agents\nhealth:\n  http: {url: \"http://h/\", expectStatus: 700}\n",
    )]);
    let out = tree.validate();
    out.assert_code(1);
    let messages: Vec<String> = crate::support::diagnostics(&out.json())
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "E0110 `http` has both `path` and `url`",
            "E0110 `timeout` `2h` is not a duration",
            "E0110 `health` has no probe",
            "E0110 `expectStatus` 700 is not an HTTP status",
        ],
        "{}",
        out.all()
    );
}

#[test]
#[ignore = "needs openssl"]
fn a_certificate_nobody_trusts_is_a_tls_failure() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args([
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = closed_port();
    let mut server = std::process::Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-www",
            "-accept",
            &port.to_string(),
            "-key",
        ])
        .arg(&key)
        .arg("-cert")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl s_server");
    // Wait until it accepts.
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let tree = Tree::new(&[(
        "fleet.yaml",
        &provider("tls", &format!("https://127.0.0.1:{port}/"), ""),
    )]);
    let out = tree.run(["health", "--format", "json"]);
    let _ = server.kill();
    let _ = server.wait();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["targets"][0]["state"], "unreachable", "{report:#}");
    assert_eq!(
        report["targets"][0]["reason"], "TLS: certificate not trusted",
        "{report:#}"
    );
}

#[test]
fn resolve_live_withdraws_a_provider_whose_server_is_down() {
    let ok = server(Behaviour::Status(200));
    let closed = closed_port();
    let tree_for = |port: u16| {
        Tree::new(&[(
            "fleet.yaml",
            &format!(
                "kind: CapabilityMap\nmappings:\n  code.review: [reviewer-api, backup]\n---\n\
                 kind: Process\nid: reviewer\nname: R\nstatus: running\ncapabilities: [code.review]\nmetadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n---\n\
                 kind: Provider\nid: reviewer-api\nplatform: nodejs\nprocess: reviewer\nendpoint: http://127.0.0.1:{port}\ncapabilities: [code.review]\nhealth:\n  http: {{path: /healthz}}\n---\n\
                 kind: Provider\nid: backup\nplatform: openai-agents\ncapabilities: [code.review]\n"
            ),
        )])
    };
    let first = |tree: &Tree, live: bool| {
        let mut args = vec!["resolve", "code.review", "--all", "--format", "json"];
        if live {
            args.push("--live");
        }
        let out = tree.run(args);
        out.assert_code(0);
        let json = out.json();
        let candidates = json["providers"].as_array().unwrap().clone();
        let chosen = candidates.iter().find(|c| c["eligible"] == true).unwrap()["id"].clone();
        (chosen, candidates[0]["reason"].clone())
    };
    // Up: the live route is the declared one.
    let up = tree_for(ok);
    assert_eq!(first(&up, true).0, "reviewer-api");
    // Down: without --live nothing is probed; with it, the provider is withdrawn.
    let down = tree_for(closed);
    assert_eq!(first(&down, false).0, "reviewer-api");
    let (chosen, reason) = first(&down, true);
    assert_eq!(chosen, "backup");
    assert_eq!(reason, "withdrawn: unreachable (connect refused)");
}

#[test]
fn plan_live_links_around_a_provider_whose_server_is_down() {
    let closed = closed_port();
    let tree = Tree::new(&[(
        "fleet.yaml",
        &format!(
            "kind: CapabilityMap\nmappings:\n  code.review: [reviewer-api, backup]\n---\n\
             kind: Process\nid: reviewer\nname: R\nstatus: running\ncapabilities: [code.review]\nmetadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n---\n\
             kind: Process\nid: author\nname: A\nstatus: running\nrequires: [code.review]\nmetadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n---\n\
             kind: Provider\nid: reviewer-api\nplatform: nodejs\nprocess: reviewer\nendpoint: http://127.0.0.1:{closed}\ncapabilities: [code.review]\nhealth:\n  http: {{path: /healthz}}\n---\n\
             kind: Provider\nid: backup\nplatform: openai-agents\ncapabilities: [code.review]\n"
        ),
    )]);
    let link_of = |args: &[&str]| {
        let out = tree.run(args);
        out.assert_code(0);
        let plan = out.json();
        let author = (plan["processes"].as_array().unwrap().iter())
            .find(|p| p["id"] == "author")
            .unwrap()
            .clone();
        (author["links"][0]["provider"].clone(), out.stderr.clone())
    };
    // Without --live the declared route holds and nothing is probed.
    let (provider, stderr) = link_of(&["plan", "--format", "json"]);
    assert_eq!(provider, "reviewer-api");
    assert!(!stderr.contains("live:"), "{stderr}");
    // With it, the link goes to the next provider, and stderr says why.
    let (provider, stderr) = link_of(&["plan", "--format", "json", "--live"]);
    assert_eq!(provider, "backup");
    assert!(
        stderr.contains("live: 1 target: 1 unreachable")
            && stderr.contains(
                "withdrawn from every route:\n  reviewer-api: unreachable (connect refused)"
            ),
        "{stderr}"
    );
}

/// The token the header test's server expects, which no output may show.
const SECRET: &str = "s3cr3t-value";

/// A process serving `code.review` whose health check sends `Authorization: Bearer
/// ${PROBE_TOKEN}`, bound by a secrets binding, at `port`.
fn tree_with_header(port: u16) -> Tree {
    Tree::new(&[(
        "fleet.yaml",
        &format!(
            "kind: CapabilityMap\nmappings:\n  code.review: [reviewer]\n---\n\
             kind: Process\nid: reviewer\nname: R\nstatus: running\ncapabilities: [code.review]\n\
             metadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n\
             endpoint: http://127.0.0.1:{port}\n\
             health:\n  http:\n    path: /healthz\n    headers:\n      Authorization: Bearer ${{PROBE_TOKEN}}\n---\n\
             kind: Binding\nid: reviewer-secrets\nprocessId: reviewer\nenvironmentId: production\n\
             type: secrets\nconfig:\n  store: env\n  secrets:\n    PROBE_TOKEN: PROBE_TOKEN\n---\n\
             kind: Process\nid: author\nname: A\nstatus: running\nrequires: [code.review]\n\
             metadata: {{platform: nodejs}}\nruntimeContext: {{environment: production}}\n"
        ),
    )])
}

/// `health --format json` with PROBE_TOKEN as given (unset for `None`): the one target's
/// state and reason, and the whole output, which must not hold the secret.
fn probe_with_token(tree: &Tree, token: Option<&str>, format: &str) -> (i32, String, String) {
    let run = tree.cmd(["health", "--format", format]);
    let run = match token {
        Some(token) => run.env("PROBE_TOKEN", token),
        None => run.env_remove("PROBE_TOKEN"),
    };
    let out = run.run();
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains(SECRET), "the secret shows:\n{all}");
    (out.code, out.stdout.clone(), out.stderr.clone())
}

#[test]
fn a_header_takes_its_secret_from_the_environment_and_never_shows_it() {
    let port = server(Behaviour::RequireHeader(
        "Authorization: Bearer s3cr3t-value",
    ));
    let tree = tree_with_header(port);
    let state = |stdout: &str| {
        let report: Value = serde_json::from_str(stdout).unwrap();
        let target = &report["targets"][0];
        (
            target["state"].as_str().unwrap().to_string(),
            target["reason"].as_str().unwrap_or("").to_string(),
            target["latencyMs"].is_null(),
        )
    };
    // Set: sent, and the server lets it in.
    let (code, stdout, _) = probe_with_token(&tree, Some(SECRET), "json");
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(state(&stdout), ("healthy".into(), "HTTP 200".into(), false));
    // Wrong: sent, and refused.
    let (code, stdout, _) = probe_with_token(&tree, Some("not-the-secret"), "json");
    assert_eq!(code, 1);
    assert_eq!(
        state(&stdout),
        ("unhealthy".into(), "HTTP 401".into(), false)
    );
    // Unset: nothing is sent (no latency), and it cannot pass.
    let (code, stdout, _) = probe_with_token(&tree, None, "json");
    assert_eq!(code, 1);
    let needs =
        "header Authorization needs $PROBE_TOKEN, which is not set in oslinker's environment";
    assert_eq!(state(&stdout), ("unhealthy".into(), needs.into(), true));
    // Every format, set or not, holds the reason and never the secret.
    for format in ["table", "prometheus"] {
        let (code, _, _) = probe_with_token(&tree, Some(SECRET), format);
        assert_eq!(code, 0, "{format}");
        let (code, stdout, _) = probe_with_token(&tree, None, format);
        assert_eq!(code, 1, "{format}");
        if format == "table" {
            assert!(stdout.contains(needs), "{stdout}");
        }
    }
}

#[test]
fn live_routing_plan_and_explain_never_show_a_header_secret() {
    let port = server(Behaviour::RequireHeader(
        "Authorization: Bearer s3cr3t-value",
    ));
    let closed = closed_port();
    for port in [port, closed] {
        let tree = tree_with_header(port);
        let commands: [&[&str]; 6] = [
            &["resolve", "code.review", "--live", "--format", "json"],
            &["resolve", "code.review", "--live"],
            &["plan", "--live", "--format", "json"],
            &["plan", "--format", "yaml"],
            &["explain", "reviewer"],
            &["explain", "reviewer", "--format", "json"],
        ];
        for args in commands {
            let out = tree.cmd(args).env("PROBE_TOKEN", SECRET).run();
            let all = format!("{}{}", out.stdout, out.stderr);
            assert!(!all.contains(SECRET), "{args:?} shows the secret:\n{all}");
            assert!(out.code == 0 || out.code == 1, "{args:?}: {all}");
        }
        // `plan` and `explain` show the reference, as written.
        let shown = "Authorization: Bearer ${PROBE_TOKEN}";
        for args in [&["plan"][..], &["explain", "reviewer", "--format", "json"]] {
            let out = tree.cmd(args).env("PROBE_TOKEN", SECRET).run();
            assert!(out.stdout.contains(shown), "{args:?}:\n{}", out.stdout);
        }
        // With the right token, the live route keeps the reviewer; unreachable, it goes.
        let out = (tree.cmd([
            "resolve",
            "code.review",
            "--all",
            "--live",
            "--format",
            "json",
        ]))
        .env("PROBE_TOKEN", SECRET)
        .run();
        let json = out.json();
        let eligible = json["providers"][0]["eligible"].clone();
        assert_eq!(eligible, port != closed, "{json:#}");
    }
}

#[test]
fn a_literal_credential_header_is_a_secret_value_and_hidden() {
    let tree = Tree::new(&[(
        "fleet.yaml",
        "kind: Provider\nid: api\nplatform: openai-agents\ncapabilities: [code.review]\n\
         health:\n  http:\n    url: https://api.example.com/healthz\n    headers:\n      \
         Authorization: Bearer s3cr3t-value\n      Cookie: session=s3cr3t-value\n      \
         Accept: application/json\n",
    )]);
    for format in ["human", "json", "sarif", "github"] {
        let out = tree.run(["validate", "--format", format]);
        out.assert_code(1);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(!all.contains(SECRET), "{format} shows the secret:\n{all}");
        assert!(all.matches("E0112").count() >= 2, "{format}: {all}");
    }
    let out = tree.run(["validate"]);
    assert!(
        out.stderr
            .contains("header `Authorization` carries credentials, but its value is written out"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("header `Cookie` carries credentials"));
    // A literal that is not a credential, and a credential by reference, are fine.
    assert!(!out.stderr.contains("`Accept`"), "{}", out.stderr);
}

#[test]
fn header_names_values_and_references_are_checked_where_written() {
    let tree = Tree::new(&[(
        "fleet.yaml",
        "kind: Provider\nid: api\nplatform: openai-agents\ncapabilities: [code.review]\n\
         health:\n  http:\n    url: https://api.example.com/healthz\n    headers:\n      \
         X Probe: a\n      X-Open: Bearer ${TOKEN\n      X-Bare: $TOKEN\n      \
         X-Number: 5\n      x-probe-2: ok\n      X-PROBE-2: twice\n",
    )]);
    let out = tree.run(["validate", "--format", "json"]);
    out.assert_code(1);
    let report = out.json();
    let found: Vec<(String, String)> = crate::support::diagnostics(&report)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("E0110", "`X Probe` is not an HTTP header name"),
        (
            "E0110",
            "the value of header `X-Open` has `${` without its `}`",
        ),
        (
            "E0110",
            "the value of header `X-Bare` has a `$` that starts no reference",
        ),
        ("E0106", "a header value must be a string, found an integer"),
        ("E0110", "header `X-PROBE-2` is written twice"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (code, message) in expected {
        assert!(
            found.iter().any(|(c, m)| c == code && m == message),
            "{code} {message} not in {found:#?}"
        );
    }
}
