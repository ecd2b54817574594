//! Measuring a run of the binary: CPU time, wall time and peak memory from `wait4`, shared by
//! the benchmarks.

#![allow(dead_code)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the binary cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub cpu: Duration,
    pub wall: Duration,
    /// Peak resident memory, bytes.
    pub peak: u64,
}

/// The best of several runs: least time, most memory.
pub fn best_cost(costs: Vec<Cost>) -> Cost {
    Cost {
        cpu: costs.iter().map(|c| c.cpu).min().unwrap(),
        wall: costs.iter().map(|c| c.wall).min().unwrap(),
        peak: costs.iter().map(|c| c.peak).max().unwrap(),
    }
}

/// Runs a command with stdout and stderr discarded; its CPU time, wall time and peak memory
/// come from `wait4`.
pub fn measured(mut command: Command) -> Cost {
    let start = Instant::now();
    #[allow(clippy::zombie_processes)]
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Reaped by wait4 below, which also gives its resource use.
    let (status, usage) = wait4(child.id());
    std::mem::forget(child);
    let wall = start.elapsed();
    assert!(
        status == 0 || status == 1,
        "{command:?} exited with {status}"
    );
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Cost {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        wall,
        peak: usage.ru_maxrss as u64 * 1024,
    }
}

fn wait4(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; the pointers are to locals we own.
    let waited = unsafe { libc::wait4(pid as i32, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid as i32, "wait4 failed");
    (libc::WEXITSTATUS(status), usage)
}
