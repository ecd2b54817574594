//! The shapes benchmark: costs that grow with the shape of one file rather than the size of
//! the fleet. Each case is a generator of a file with `n` problems (or secrets); the real
//! `oslinker validate` (human report: snippets, columns, masking) runs on it at n, 2n and 4n,
//! and 4n must cost at most 8 times as much CPU as n (linear is 4, with room for noise over
//! two doublings; a quadratic cost would be 16). The floor, in the same run, is the parse of
//! the same file alone (saphyr-parser events); it too grows faster than the file on a busy
//! machine (caches), so a case that misses the 8x budget passes when its cost over the floor
//! at most doubled from n to 4n (quadratic would quadruple it): noise must hit both to fail.
//!
//! `cargo bench --bench shapes` runs every case; `cargo bench --bench shapes -- SMALL` runs
//! them at a tenth of the size (for CI). It exits 1 when a budget is missed.

mod measure;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use measure::{Cost, best_cost, measured};

const BIN: &str = env!("CARGO_BIN_EXE_oslinker");
const RUNS: usize = 5;
/// How much more 4n may cost than n.
const BUDGET_FOR_4N: f64 = 8.0;
/// How much the cost over the floor may grow from n to 4n.
const BUDGET_OVER_FLOOR: f64 = 2.0;

/// A valid process on one line, for the start of a flow mapping.
const PROCESS_FLOW: &str = "kind: Process, id: agent, name: Agent, status: running, \
    metadata: {platform: nodejs}, runtimeContext: {environment: development";

struct Case {
    name: &'static str,
    /// The file's text for `n`.
    text: fn(usize) -> String,
    n: usize,
}

/// One line holding `n` unknown fields (E0104 each), every snippet on that line.
fn long_line(n: usize) -> String {
    let mut line = format!("{{{PROCESS_FLOW}}}");
    for i in 0..n {
        line.push_str(&format!(", field{i}: 1"));
    }
    line + "}\n"
}

/// `n` lines, an unknown field (E0104) on each, far from the start of the file.
fn many_lines(n: usize) -> String {
    let mut text = String::from("kind: Process\nid: agent\nname: Agent\nstatus: running\n");
    text.push_str("metadata: {platform: nodejs}\nruntimeContext:\n  environment: development\n");
    for i in 0..n {
        text.push_str(&format!("field{i}: {}\n", "x".repeat(40)));
    }
    text
}

/// `n` literal values under secret-looking names on one line (W0303 each, every value
/// masked in the snippet).
fn secrets_on_one_line(n: usize) -> String {
    let mut line = format!("{{{PROCESS_FLOW}, env: {{");
    for i in 0..n {
        if i > 0 {
            line.push_str(", ");
        }
        line.push_str(&format!("SVC{i}_API_KEY: sk-{i:08}"));
    }
    line + "}}}\n"
}

/// `n` literal secrets, one per line.
fn secrets_on_many_lines(n: usize) -> String {
    let mut text = String::from("kind: Process\nid: agent\nname: Agent\nstatus: running\n");
    text.push_str("metadata: {platform: nodejs}\nruntimeContext:\n  environment: development\n");
    text.push_str("  env:\n");
    for i in 0..n {
        text.push_str(&format!(
            "    SVC{i}_API_KEY: sk-{i:08}-{}\n",
            "x".repeat(24)
        ));
    }
    text
}

fn main() {
    let small = std::env::args().any(|a| a == "SMALL");
    let scale = if small { 10 } else { 1 };
    let cases = [
        Case {
            name: "problems on one long line",
            text: long_line,
            n: 20_000,
        },
        Case {
            name: "problems on many lines",
            text: many_lines,
            n: 20_000,
        },
        Case {
            name: "secrets on one long line",
            text: secrets_on_one_line,
            n: 20_000,
        },
        Case {
            name: "secrets on many lines",
            text: secrets_on_many_lines,
            n: 20_000,
        },
    ];
    println!("shapes benchmark: `validate` CPU at n, 2n, 4n (best of {RUNS})");
    let mut missed = 0;
    for case in &cases {
        missed += run_case(case, case.n / scale);
    }
    if missed > 0 {
        println!("{missed} budget(s) missed");
        std::process::exit(1);
    }
}

/// Measures one case at n, 2n and 4n; returns 1 when 4n misses the budget.
fn run_case(case: &Case, n: usize) -> usize {
    println!("{}:", case.name);
    let dir = tempfile::tempdir().unwrap();
    let mut costs: Vec<Duration> = Vec::new();
    let mut over_floor: Vec<f64> = Vec::new();
    for n in [n, 2 * n, 4 * n] {
        let root = dir.path().join(format!("n{n}"));
        std::fs::create_dir_all(&root).unwrap();
        let text = (case.text)(n);
        std::fs::write(root.join("shape.yaml"), &text).unwrap();
        let cost = best_cost((0..RUNS).map(|_| validate(&root)).collect());
        let floor = parse_floor(&text);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let growth = costs
            .last()
            .map(|p| {
                format!(
                    " x{:.2} per doubling",
                    cost.cpu.as_secs_f64() / p.as_secs_f64()
                )
            })
            .unwrap_or_default();
        println!(
            "  n = {n:>6} ({:>5.1} MB): {:>8.1} ms CPU ({:.1}x the parse alone, {:.1} ms){growth}",
            text.len() as f64 / 1e6,
            ms(cost.cpu),
            cost.cpu.as_secs_f64() / floor.as_secs_f64().max(1e-6),
            ms(floor),
        );
        costs.push(cost.cpu);
        over_floor.push(cost.cpu.as_secs_f64() / floor.as_secs_f64().max(1e-6));
    }
    let span = costs[2].as_secs_f64() / costs[0].as_secs_f64();
    let relative = over_floor[2] / over_floor[0];
    let over = span > BUDGET_FOR_4N && relative > BUDGET_OVER_FLOOR;
    let verdict = if over { "OVER" } else { "within" };
    println!(
        "  4n costs x{span:.2} of n, x{relative:.2} over the floor: {verdict} the budget \
         (x{BUDGET_FOR_4N}, or x{BUDGET_OVER_FLOOR} over the floor)"
    );
    usize::from(over)
}

fn validate(root: &Path) -> Cost {
    let mut command = Command::new(BIN);
    command
        .args(["--color", "never", "validate"])
        .arg("--dir")
        .arg(root)
        .env("COLUMNS", "100");
    measured(command)
}

/// The floor: the same text parsed into events and nothing else, best of `RUNS`.
fn parse_floor(text: &str) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = std::time::Instant::now();
            let mut parser = saphyr_parser::Parser::new_from_str(text);
            while let Some(event) = parser.next_event() {
                std::hint::black_box(event.expect("the generated YAML parses"));
            }
            start.elapsed()
        })
        .min()
        .unwrap()
}
