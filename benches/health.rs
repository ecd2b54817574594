//! `cargo bench --bench health`: `oslinker health` on 1,000 targets of which 100 never answer
//! (each with a 1s timeout), against real servers on 127.0.0.1, measured against its floor in
//! the same run: the time the silent ones must take at this concurrency,
//! ceil(100 / concurrency) x 1s. Budget: within 2s of wall time at `--concurrency 128`, and
//! no more than 1.5 times the floor at the default 32.
//!
//! Then memory across rounds of `watch --health`: 200 targets (20 never answer, one flaps
//! between 200 and 503 at every probe, so that each round prints one event to count rounds
//! by), each probed every 100ms. Budget: the watch's resident memory after 100 rounds is within
//! 1.25x (plus 2 MiB of noise) of what it was after 10.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oslinker");
const TARGETS: usize = 1000;
const SILENT: usize = 100;
const TIMEOUT: Duration = Duration::from_secs(1);

/// A server that answers every request 200 (`silent`: reads and never answers).
fn server(silent: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer(stream, silent));
        }
    });
    port
}

fn answer(mut stream: TcpStream, silent: bool) {
    let mut request = [0u8; 2048];
    let _ = stream.read(&mut request);
    if silent {
        thread::sleep(Duration::from_secs(5));
        return;
    }
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
}

fn write_tree(root: &Path, ok: u16, silent: u16) {
    std::fs::create_dir_all(root).unwrap();
    let mut text = String::new();
    for i in 0..TARGETS {
        let port = if i % (TARGETS / SILENT) == 0 {
            silent
        } else {
            ok
        };
        text.push_str(&format!(
            "kind: Provider\nid: p{i:04}\nplatform: openai-agents\nhealth:\n  http: {{url: \"http://127.0.0.1:{port}/healthz/{i}\"}}\n  timeout: {}s\n---\n",
            TIMEOUT.as_secs()
        ));
    }
    std::fs::write(root.join("fleet.yaml"), text).unwrap();
}

/// The best wall time of `rounds` runs, and the last run's summary line.
fn run(root: &Path, concurrency: usize, rounds: usize) -> (Duration, String) {
    let mut best = Duration::MAX;
    let mut summary = String::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let out = Command::new(BIN)
            .args(["health", "--concurrency", &concurrency.to_string(), "--dir"])
            .arg(root)
            .output()
            .unwrap();
        best = best.min(started.elapsed());
        summary = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();
    }
    (best, summary)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write_tree(&root, server(false), server(true));
    println!(
        "health benchmark: {TARGETS} targets, {SILENT} never answer (timeout {}s); best of 3",
        TIMEOUT.as_secs()
    );
    let mut missed = 0;
    for (concurrency, budget) in [(128, Some(Duration::from_secs(2))), (32, None)] {
        let floor = TIMEOUT * SILENT.div_ceil(concurrency) as u32;
        let (wall, summary) = run(&root, concurrency, 3);
        let ratio = wall.as_secs_f64() / floor.as_secs_f64();
        println!(
            "  --concurrency {concurrency:3}: {:7.1} ms wall, floor {:6.0} ms ({ratio:.2}x); {summary}",
            wall.as_secs_f64() * 1000.0,
            floor.as_secs_f64() * 1000.0
        );
        let over_budget = budget.is_some_and(|b| wall > b);
        if over_budget || ratio > 1.5 {
            println!("  OVER budget (2 s at 128; 1.5x the floor)");
            missed += 1;
        }
    }
    if !watch_memory_stays_flat() {
        missed += 1;
    }
    if missed > 0 {
        std::process::exit(1);
    }
}

/// A server answering 200 and 503 in turn, one per request.
fn flapping_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 2048];
            let _ = stream.read(&mut request);
            let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let code = if n.is_multiple_of(2) { 200 } else { 503 };
            let response =
                format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(response.as_bytes());
        }
    });
    port
}

/// The resident memory of a process, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (status.lines())
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn watch_memory_stays_flat() -> bool {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(&root).unwrap();
    let (ok, silent, flapper) = (server(false), server(true), flapping_server());
    let mut text = String::new();
    for i in 0..200 {
        let port = match i {
            0 => flapper,
            i if i % 10 == 1 => silent,
            _ => ok,
        };
        text.push_str(&format!(
            "kind: Provider\nid: p{i:03}\nplatform: openai-agents\nhealth:\n  http: {{url: \"http://127.0.0.1:{port}/healthz\"}}\n  timeout: 300ms\n  interval: 100ms\n  failureThreshold: 1\n---\n"
        ));
    }
    std::fs::write(root.join("fleet.yaml"), text).unwrap();
    let mut child = Command::new(BIN)
        .args(["watch", "--health", "--format", "json", "--dir"])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut rounds, mut at_10, mut at_100) = (0, 0, 0);
    for line in lines.map_while(Result::ok) {
        if line.contains("\"type\":\"dev.oslinker.health.changed\"")
            && line.contains("\"id\":\"p000\"")
        {
            rounds += 1;
            match rounds {
                10 => at_10 = resident_kib(child.id()),
                100 => {
                    at_100 = resident_kib(child.id());
                    break;
                }
                _ => {}
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let ratio = at_100 as f64 / at_10.max(1) as f64;
    println!(
        "  watch --health, 200 targets: {at_10} KiB resident after 10 rounds, {at_100} KiB after 100 ({ratio:.2}x)"
    );
    let flat = rounds >= 100 && (at_100 as f64) <= at_10 as f64 * 1.25 + 2048.0;
    if !flat {
        println!("  OVER budget (memory after 100 rounds within 1.25x of after 10, plus 2 MiB)");
    }
    flat
}
