//! `oslinker serve` under load, measured with `wrk` (Debian package `wrk`): a fleet-shaped
//! tree (see `fleet.rs`), `GET /v1/resolve/{capability}` over every capability of the fleet
//! (a wrk script cycles through them) for 30 s while a process file is edited once a second,
//! so the server relinks and swaps its state under the load.
//!
//! The floor, in the same run: wrk against `/healthz` (the same server, the same middleware,
//! no tree read): what this machine gives an axum handler that does nothing. The ratio says
//! what resolving costs on top.
//!
//! Memory: resident memory after the first 30 s, and again after the requests have passed a
//! million (wrk runs on, edits going on), must stay flat: within 1.1x + 8 MiB.
//!
//! `cargo bench --bench serve` runs 10,000 processes for 30 s; `-- 1000 5` picks the size and
//! the seconds. Budgets (checked, exit 1 when missed): 20,000 requests/s and p99 under 10 ms
//! on 10,000 processes (the figures, for this 2-core machine, wrk included).

mod fleet;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_oslinker");

const RATE_BUDGET: f64 = 20_000.0;
const P99_BUDGET_MS: f64 = 10.0;
const REQUESTS_FOR_MEMORY: u64 = 1_000_000;
/// wrk's threads and open connections: two threads for two cores; 32 connections keep
/// both server workers busy without queueing much behind each.
const WRK_THREADS: &str = "2";
const WRK_CONNECTIONS: &str = "32";

fn main() {
    let mut numbers = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let processes = numbers.next().unwrap_or(10_000) as usize;
    let seconds = numbers.next().unwrap_or(30);
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("the serve benchmark needs wrk (Debian package `wrk`); .ci/run installs it");
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("linker.d");
    fleet::write(&root, processes, true);
    let script = dir.path().join("resolve.lua");
    std::fs::write(&script, resolve_script()).unwrap();

    let server = Server::start(&root);
    let base = server.base.clone();
    let floor = wrk(&format!("{base}/healthz"), None, 5);
    let resolve = format!("{base}/v1/resolve/code.review");
    wrk(&resolve, Some(&script), 3); // warm up

    let editing = Editor::start(fleet::process_file(&root, yaml_process(processes)));
    let loaded = wrk(&resolve, Some(&script), seconds);
    let after_run = server.resident();
    let mut requests = loaded.requests;
    let mut rounds = 1;
    while requests < REQUESTS_FOR_MEMORY {
        let more = wrk(&resolve, Some(&script), seconds);
        requests += more.requests;
        rounds += 1;
    }
    let after_million = server.resident();
    let edits = editing.stop();
    let relinks = server.stop();

    let median_relink = median(&relinks);
    println!(
        "serve on {processes} processes, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}: \
         GET /v1/resolve/CAPABILITY (500 capabilities in turn) for {seconds} s while a file \
         is edited once a second ({edits} edits, {} relinks, median relink {median_relink:.0} ms)",
        relinks.len()
    );
    println!(
        "  resolve: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} errors or non-2xx",
        loaded.rate, loaded.p50_ms, loaded.p99_ms, loaded.failures
    );
    println!(
        "  floor (GET /healthz, same server, no edits): {:.0} requests/s, p99 {:.2} ms; resolve/floor {:.2}x",
        floor.rate,
        floor.p99_ms,
        loaded.rate / floor.rate
    );
    println!(
        "  memory: {} KiB resident after {} requests, {} KiB after {requests} ({rounds} runs of {seconds} s): {:.2}x",
        after_run / 1024,
        loaded.requests,
        after_million / 1024,
        after_million as f64 / after_run as f64
    );
    let mut missed = Vec::new();
    if loaded.failures > 0 {
        missed.push(format!(
            "{} requests failed or were not 2xx",
            loaded.failures
        ));
    }
    if edits < seconds / 2 || relinks.len() < (seconds / 2) as usize {
        missed.push(format!(
            "the tree was not edited under load ({edits} edits, {} relinks)",
            relinks.len()
        ));
    }
    if after_million > after_run + after_run / 10 + 8 * 1024 * 1024 {
        missed.push("memory grew by more than 1.1x + 8 MiB".to_string());
    }
    if processes >= 10_000 {
        if loaded.rate < RATE_BUDGET {
            missed.push(format!("below {RATE_BUDGET:.0} requests/s"));
        }
        if loaded.p99_ms >= P99_BUDGET_MS {
            missed.push(format!("p99 not under {P99_BUDGET_MS} ms"));
        }
    }
    if !missed.is_empty() {
        eprintln!("serve benchmark: missed: {}", missed.join("; "));
        std::process::exit(1);
    }
}

/// A wrk script asking each of the fleet's capabilities in turn (each wrk thread starts at
/// its own place), with a sub-capability routed by prefix every fourth.
fn resolve_script() -> String {
    let paths: Vec<String> = (0..fleet::CAPABILITIES)
        .map(|c| match c % 4 {
            0 => format!("\"/v1/resolve/{}.rust\"", fleet::capability(c)),
            _ => format!("\"/v1/resolve/{}\"", fleet::capability(c)),
        })
        .collect();
    format!(
        "local paths = {{{}}}\nlocal i = math.random(#paths)\n\
         request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n",
        paths.join(", ")
    )
}

/// A process whose file is YAML (the edit below is YAML).
fn yaml_process(processes: usize) -> usize {
    (processes / 2..processes)
        .find(|i| {
            fleet::process_file(Path::new(""), *i)
                .extension()
                .is_some_and(|e| e == "yaml")
        })
        .expect("a YAML process file")
}

/// What one wrk run measured.
struct Run {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    /// Socket errors and non-2xx/3xx answers.
    failures: u64,
}

fn wrk(url: &str, script: Option<&Path>, seconds: u64) -> Run {
    let mut command = Command::new("wrk");
    command.args(["-t", WRK_THREADS, "-c", WRK_CONNECTIONS, "--latency"]);
    command.args(["-d", &format!("{seconds}s")]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command.arg(url).output().expect("wrk runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}");
    parse_wrk(&text).unwrap_or_else(|| panic!("cannot read wrk's report:\n{text}"))
}

/// Reads wrk's `--latency` report: `Requests/sec:`, the `50%`/`99%` lines, the request count
/// (`N requests in ...`), `Socket errors:` and `Non-2xx or 3xx responses:`.
fn parse_wrk(text: &str) -> Option<Run> {
    let mut run = Run {
        rate: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        requests: 0,
        failures: 0,
    };
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => run.rate = rate.parse().ok()?,
            ["50%", latency] => run.p50_ms = millis(latency)?,
            ["99%", latency] => run.p99_ms = millis(latency)?,
            [count, "requests", "in", ..] => run.requests = count.parse().ok()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => run.failures += n.parse::<u64>().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                // `connect 0, read 0, write 0, timeout 0`
                run.failures += (rest.iter())
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    (run.rate > 0.0 && run.requests > 0).then_some(run)
}

/// wrk's latency (`812.00us`, `2.31ms`, `1.02s`) in milliseconds.
fn millis(latency: &str) -> Option<f64> {
    let split = latency.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = latency.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1000.0),
        "ms" => Some(number),
        "s" => Some(number * 1000.0),
        "m" => Some(number * 60_000.0),
        _ => None,
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// The server under test, and the relink times it reports on stderr.
struct Server {
    child: Child,
    base: String,
    relinks: Arc<Mutex<Vec<f64>>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(BIN)
            .arg("--dir")
            .arg(root)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (started, base) = mpsc::channel();
        let relinks = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&relinks);
        let stderr = child.stderr.take().unwrap();
        thread::spawn(move || read_stderr(BufReader::new(stderr), started, &seen));
        let base = base
            .recv_timeout(Duration::from_secs(300))
            .expect("serve printed its address");
        Server {
            child,
            base,
            relinks,
        }
    }

    /// Resident memory now, bytes (`VmRSS` of /proc/PID/status).
    fn resident(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib * 1024
    }

    /// Stops it with SIGTERM; the relink times it reported.
    fn stop(mut self) -> Vec<f64> {
        // SAFETY: signals our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exited with {status}");
        std::mem::take(&mut *self.relinks.lock().unwrap())
    }
}

/// Sends the start line's address, then collects `relinked in N ms` lines.
fn read_stderr(stderr: impl BufRead, started: mpsc::Sender<String>, relinks: &Mutex<Vec<f64>>) {
    for line in stderr.lines().map_while(Result::ok) {
        if let Some(at) = line.find(" on http://") {
            let address = line[at + 4..].split_whitespace().next().unwrap_or_default();
            let _ = started.send(address.to_string());
        } else if let Some(ms) = (line.split("relinked in ").nth(1))
            .and_then(|rest| rest.split(" ms").next())
            .and_then(|n| n.parse().ok())
        {
            relinks.lock().unwrap().push(ms);
        }
    }
}

/// Edits a process file once a second (its `WORKERS` between 4 and 5), as a person or a
/// deploy tool would, until stopped.
struct Editor {
    stop: Arc<AtomicBool>,
    edits: Receiver<u64>,
}

impl Editor {
    fn start(file: std::path::PathBuf) -> Editor {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let (done, edits) = mpsc::channel();
        thread::spawn(move || {
            let original = std::fs::read_to_string(&file).unwrap();
            let edited = original.replace("WORKERS: 4", "WORKERS: 5");
            assert_ne!(original, edited, "the process file has WORKERS: 4");
            let mut count = 0u64;
            while !stopping.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_secs(1));
                let text = if count.is_multiple_of(2) {
                    &edited
                } else {
                    &original
                };
                std::fs::write(&file, text).unwrap();
                count += 1;
            }
            let _ = done.send(count);
        });
        Editor { stop, edits }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.edits.recv().unwrap()
    }
}
