//! `cargo bench --bench health`: `oslinker health` on 1,000 targets of which 100 never answer
//! (each with a 1s timeout), against real servers on 127.0.0.1, measured against its floor in
//! the same run: the time the silent ones must take at this concurrency,
//! ceil(100 / concurrency) x 1s. Budget: within 2s of wall time at `--concurrency 128`, and
//! no more than 1.5 times the floor at the default 32.

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
        thread::sleep(Duration::from_secs(60));
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
    if missed > 0 {
        std::process::exit(1);
    }
}
