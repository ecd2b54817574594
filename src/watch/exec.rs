//! `watch --exec CMD`: run a command through the shell with the plan on its stdin, and stop
//! it (with everything it started) when the watch is stopped.

use std::io::Write;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use super::events;

/// Runs `command` with `input` on its stdin and its stdout sent to our stderr (stdout is
/// the watch's own output). Waits for it, but a Ctrl-C or SIGTERM to oslinker stops it: that
/// is checked every 50 ms, only while a command runs.
pub fn run_shell(command: &str, input: &str) -> Result<ExitStatus, String> {
    let mut child = shell(command)
        .stdin(Stdio::piped())
        .stdout(stderr_as_stdio())
        .spawn()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // From a thread: a command that does not read its input must not block the watch
        // (and a closed pipe is fine).
        let input = input.to_string();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    }
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if events::stopping() => {
                stop(&mut child);
                return child.wait().map_err(|e| e.to_string());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for `{command}`: {e}")),
        }
    }
}

/// `sh -c CMD` in a process group of its own, so that stopping it reaches what it started.
#[cfg(unix)]
fn shell(command: &str) -> Command {
    use std::os::unix::process::CommandExt;
    let mut shell = Command::new("sh");
    shell.args(["-c", command]).process_group(0);
    shell
}

#[cfg(not(unix))]
fn shell(command: &str) -> Command {
    let mut shell = Command::new("cmd");
    shell.args(["/C", command]);
    shell
}

/// Ends the command's whole process group: SIGTERM, then SIGKILL if it is still there
/// after a second.
#[cfg(unix)]
fn stop(child: &mut Child) {
    let Ok(group) = libc::pid_t::try_from(child.id()) else {
        let _ = child.kill();
        return;
    };
    // SAFETY: killpg only sends a signal; the group is the child's own (process_group(0)).
    unsafe { libc::killpg(group, libc::SIGTERM) };
    for _ in 0..20 {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: as above; the group may be gone already, which is fine.
    unsafe { libc::killpg(group, libc::SIGKILL) };
}

#[cfg(not(unix))]
fn stop(child: &mut Child) {
    let _ = child.kill();
}

/// Our stderr, for a child's stdout.
#[cfg(unix)]
fn stderr_as_stdio() -> Stdio {
    use std::os::fd::AsFd;
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_or_else(|_| Stdio::null(), Stdio::from)
}

#[cfg(not(unix))]
fn stderr_as_stdio() -> Stdio {
    Stdio::inherit()
}
