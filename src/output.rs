//! The one place that writes to stdout and stderr, and the exit codes.

use std::io::{self, Write};
use std::process::ExitCode;

/// Exit codes: stable, documented in the README and in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The tree is valid, a provider was found, the plan was printed.
    Success = 0,
    /// The answer is "no": validation errors, no eligible provider.
    No = 1,
    /// oslinker could not do its job: usage error, missing root, I/O error.
    Trouble = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Where a command's streamed output goes: stdout, buffered.
pub type Stdout = io::BufWriter<io::StdoutLock<'static>>;

/// Data written straight to stdout (after `stdout`), for output too large to hold whole.
pub type Writer = Box<dyn FnOnce(&mut Stdout) -> io::Result<()>>;

/// What a command produced: data for stdout, messages for stderr, and the exit code.
pub struct Outcome {
    pub stdout: String,
    /// Written to stdout after `stdout`, as it is made.
    pub stream: Option<Writer>,
    pub stderr: String,
    pub exit: Exit,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("stdout", &self.stdout)
            .field("stream", &self.stream.as_ref().map(|_| "..."))
            .field("stderr", &self.stderr)
            .field("exit", &self.exit)
            .finish()
    }
}

impl Outcome {
    pub fn new(exit: Exit) -> Self {
        Outcome {
            stdout: String::new(),
            stream: None,
            stderr: String::new(),
            exit,
        }
    }

    /// oslinker could not do its job: an `error:` line on stderr, exit 2.
    pub fn trouble(message: impl std::fmt::Display) -> Self {
        let mut outcome = Outcome::new(Exit::Trouble);
        // Messages quote what the user gave (paths, ids, revisions): shown, never obeyed.
        outcome.stderr = format!("error: {}\n", crate::text::printable(&message.to_string()));
        outcome
    }
}

/// Writes the outcome. A closed stdout (`oslinker plan | head`) ends quietly with the
/// command's own exit code: the reader has what it wanted.
pub fn emit(outcome: Outcome) -> Exit {
    // Diagnostics first: they explain the data (or its absence) that follows.
    let _ = write_all(io::stderr().lock(), &outcome.stderr);
    let written = write_all(io::stdout().lock(), &outcome.stdout).and_then(|()| {
        let Some(stream) = outcome.stream else {
            return Ok(());
        };
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        stream(&mut out)?;
        out.flush()
    });
    match written {
        Ok(()) => {}
        // The reader left: stop quietly, but keep the answer (an invalid tree stays 1).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return outcome.exit,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: cannot write output: {e}");
            return Exit::Trouble;
        }
    }
    outcome.exit
}

fn write_all(mut to: impl Write, text: &str) -> io::Result<()> {
    to.write_all(text.as_bytes())?;
    to.flush()
}
