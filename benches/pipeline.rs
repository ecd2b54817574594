//! The budget benchmark: the real `oslinker` binary on fleet-shaped trees (see `fleet.rs`),
//! measured against a floor taken in the same run on the same files.
//!
//! - floor: find every file, read it and parse it with the same crates oslinker uses
//!   (saphyr-parser's events for YAML, toml's `DeTable` for TOML) and nothing else, in a
//!   process of its own as the binary is: on one thread (CPU time), and on two threads (wall
//!   time).
//! - `validate` and `plan --format json`: CPU time (user + system), wall time and peak memory
//!   of the binary.
//!
//! Each is the best of 5 rounds, a round running all four, so that a busy moment of the
//! machine falls on all of them alike.
//! - `watch --debounce 0 --format json`: from the write of a one-file edit to the `relinked`
//!   line on stdout, median of 7 edits.
//!
//! `cargo bench` runs 1,000, 10,000 and 100,000 processes and checks the budgets; `cargo bench
//! -- 20000` picks sizes; `cargo bench --bench pipeline -- --write DIR 10000` writes a tree
//! and exits. It exits 1 when a budget is missed.

mod fleet;
mod measure;

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use measure::{Cost, best_cost, measured};

const BIN: &str = env!("CARGO_BIN_EXE_oslinker");
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir, number, ..] = args.as_slice() {
        match flag.as_str() {
            "--write" => {
                let n = number.parse().expect("a number of processes");
                fleet::write(Path::new(dir), n, true);
                return;
            }
            // The floor, in a process of its own as the binary is (see `floor_run`).
            "--floor" => {
                let files = manifest_files(Path::new(dir));
                floor(&files, number.parse().expect("a number of threads"));
                return;
            }
            _ => {}
        }
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let scoped = std::env::var_os("FLEET_UNSCOPED").is_none();
    println!(
        "fleet benchmark on {} ({} cores); times are the best of {RUNS} rounds",
        machine(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut results: Vec<(usize, Row)> = Vec::new();
    for &processes in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("linker.d");
        let bytes = fleet::write(&root, processes, scoped);
        let row = measure(&root, processes, bytes);
        row.print();
        results.push((processes, row));
    }
    let missed = budgets(&results);
    if missed > 0 {
        println!("{missed} budget(s) missed");
        std::process::exit(1);
    }
}

struct Row {
    files: usize,
    bytes: u64,
    manifests: usize,
    floor_cpu: Duration,
    floor_wall_2: Duration,
    validate: Cost,
    plan: Cost,
    watch: Option<Duration>,
}

fn measure(root: &Path, processes: usize, bytes: u64) -> Row {
    let files = manifest_files(root);
    // Rounds of all four, so that each sees the machine as the others do; the best of each.
    let (mut floor_cpu, mut floor_wall_2) = (Duration::MAX, Duration::MAX);
    let (mut validates, mut plans) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        floor_cpu = floor_cpu.min(floor_run(root, 1).cpu);
        floor_wall_2 = floor_wall_2.min(floor_run(root, 2).wall);
        validates.push(run(root, &["validate", "-q"]));
        plans.push(run(root, &["plan", "--format", "json"]));
    }
    let (validate, plan) = (best_cost(validates), best_cost(plans));
    let manifests = count_manifests(root);
    let watch = (processes <= 20_000).then(|| watch_latency(root, processes));
    Row {
        files: files.len(),
        bytes,
        manifests,
        floor_cpu,
        floor_wall_2,
        validate,
        plan,
        watch,
    }
}

impl Row {
    fn print(&self) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let per_second = self.manifests as f64 / self.validate.wall.as_secs_f64();
        println!(
            "{:>7} manifests in {:>6} files ({:.1} MB): {:.0} manifests/s validated",
            self.manifests,
            self.files,
            self.bytes as f64 / 1e6,
            per_second
        );
        println!(
            "  floor (parse only): {:>8.1} ms CPU on 1 thread, {:>8.1} ms wall on 2 threads",
            ms(self.floor_cpu),
            ms(self.floor_wall_2)
        );
        for (name, cost) in [
            ("validate", self.validate),
            ("plan --format json", self.plan),
        ] {
            println!(
                "  {name:<18}: {:>8.1} ms CPU ({:.2}x floor), {:>8.1} ms wall ({:.2}x 2-thread floor), peak {:.0} MB ({:.1}x bytes read)",
                ms(cost.cpu),
                ratio(cost.cpu, self.floor_cpu),
                ms(cost.wall),
                ratio(cost.wall, self.floor_wall_2),
                cost.peak as f64 / 1e6,
                cost.peak as f64 / self.bytes as f64
            );
        }
        println!(
            "  plan / validate: {:.2}x CPU",
            ratio(self.plan.cpu, self.validate.cpu)
        );
        if let Some(latency) = self.watch {
            println!(
                "  watch: relinked {:.1} ms after a one-file write (median of 7)",
                ms(latency)
            );
        }
    }
}

/// Checks the budgets; returns how many were missed.
fn budgets(results: &[(usize, Row)]) -> usize {
    let mut missed = 0;
    let mut check = |what: String, value: f64, limit: f64| {
        let verdict = if value <= limit { "ok  " } else { "OVER" };
        println!("  {verdict} {what}: {value:.2} (budget {limit})");
        missed += usize::from(value > limit);
    };
    println!("budgets:");
    let row = |n: usize| results.iter().find(|(p, _)| *p == n).map(|(_, r)| r);
    if let Some(r) = row(10_000) {
        check(
            "10k validate CPU / 1-thread floor".into(),
            ratio(r.validate.cpu, r.floor_cpu),
            2.0,
        );
        check(
            "10k validate wall / 2-thread floor".into(),
            ratio(r.validate.wall, r.floor_wall_2),
            1.5,
        );
        check(
            "10k plan CPU / validate CPU".into(),
            ratio(r.plan.cpu, r.validate.cpu),
            1.3,
        );
        if let Some(latency) = r.watch {
            check(
                "10k watch one-edit latency, ms".into(),
                latency.as_secs_f64() * 1e3,
                50.0,
            );
        }
    }
    if let (Some(small), Some(big)) = (row(10_000), row(100_000)) {
        check(
            "100k/10k validate CPU".into(),
            ratio(big.validate.cpu, small.validate.cpu),
            11.0,
        );
        check(
            "100k/10k plan CPU".into(),
            ratio(big.plan.cpu, small.plan.cpu),
            11.0,
        );
        // What the machine itself makes of ten times the files: the floor's own growth.
        println!(
            "  (the floor grows {:.2}x from 10k to 100k on this machine; validate / floor is {:.2} at 10k and {:.2} at 100k)",
            ratio(big.floor_cpu, small.floor_cpu),
            ratio(small.validate.cpu, small.floor_cpu),
            ratio(big.validate.cpu, big.floor_cpu)
        );
    }
    // Memory counts for large trees: a small one is mostly the process itself (about 17 MB).
    for (n, r) in results.iter().filter(|(n, _)| *n >= 10_000) {
        for (name, cost) in [("validate", r.validate), ("plan", r.plan)] {
            check(
                format!("{n} {name} peak memory / bytes read"),
                cost.peak as f64 / r.bytes as f64,
                10.0,
            );
        }
    }
    missed
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Every manifest file of the tree, as the loader would find them (sorted).
fn manifest_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The floor: read and parse every file with the parsers alone, on `threads` threads.
/// Returns (CPU time of this process, wall time).
fn floor(files: &[PathBuf], threads: usize) -> (Duration, Duration) {
    let cpu = process_cpu();
    let start = Instant::now();
    let per_thread = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for chunk in files.chunks(per_thread) {
            scope.spawn(move || {
                for path in chunk {
                    let text = std::fs::read_to_string(path).unwrap();
                    parse_only(path, &text);
                }
            });
        }
    });
    (process_cpu() - cpu, start.elapsed())
}

fn parse_only(path: &Path, text: &str) {
    if path.extension().is_some_and(|e| e == "toml") {
        let table = toml::de::DeTable::parse(text).expect("generated TOML parses");
        std::hint::black_box(table);
    } else {
        let mut parser = saphyr_parser::Parser::new_from_str(text);
        while let Some(event) = parser.next_event() {
            std::hint::black_box(event.expect("generated YAML parses"));
        }
    }
}

fn process_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The floor on `threads` threads, run as a process of its own (this benchmark again), so it
/// is measured exactly as the binary is: a fresh process, timed by `wait4`.
fn floor_run(root: &Path, threads: usize) -> Cost {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let mut command = Command::new(me);
    command.arg("--floor").arg(root).arg(threads.to_string());
    measured(command)
}

/// Runs the binary on the tree with stdout and stderr discarded.
fn run(root: &Path, args: &[&str]) -> Cost {
    let mut command = Command::new(BIN);
    command.args(args).arg("--dir").arg(root);
    measured(command)
}

fn count_manifests(root: &Path) -> usize {
    let output = Command::new(BIN)
        .args(["validate", "--format", "json", "--dir"])
        .arg(root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["errors"], 0,
        "the generated tree must be valid: {}",
        report["diagnostics"][0]
    );
    // stderr: `checked F files, M manifests: ...`
    let stderr = String::from_utf8_lossy(&output.stderr);
    let words: Vec<&str> = stderr.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| w.starts_with("manifests"))
        .unwrap();
    words[at - 1].parse().unwrap()
}

/// Starts `watch`, edits one process file 7 times, and returns the median time from each
/// write to the `relinked` line.
fn watch_latency(root: &Path, processes: usize) -> Duration {
    let mut child = Command::new(BIN)
        .args(["watch", "--debounce", "0", "--format", "json", "--dir"])
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_event = || {
        let line = lines.next().expect("watch ended").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        event["type"].as_str().unwrap().to_string()
    };
    assert_eq!(next_event(), "dev.oslinker.tree.loaded");
    let file = fleet::process_file(root, processes / 2);
    let original = std::fs::read_to_string(&file).unwrap();
    let mut latencies = Vec::new();
    for edit in 0..7 {
        // Let the watcher settle so each edit is one batch.
        std::thread::sleep(Duration::from_millis(300));
        let text = original.replacen("WORKERS = 4", &format!("WORKERS = {}", 5 + edit), 1);
        let text = text.replacen("WORKERS: 4", &format!("WORKERS: {}", 5 + edit), 1);
        // As an editor saves: a hidden temporary file renamed over the old one.
        let temporary = file.with_file_name(".edit.tmp");
        let start = Instant::now();
        let mut f = std::fs::File::create(&temporary).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        drop(f);
        std::fs::rename(&temporary, &file).unwrap();
        loop {
            if next_event() == "dev.oslinker.tree.relinked" {
                break;
            }
        }
        latencies.push(start.elapsed());
    }
    std::fs::write(&file, original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    latencies.sort();
    latencies[latencies.len() / 2]
}

/// The CPU model, for the figures.
fn machine() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "an unknown machine".to_string())
}
