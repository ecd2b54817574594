//! The output layer: the one place that writes to stdout and stderr. It owns the streams,
//! the colour decision for each, the width human output wraps at, `--quiet`, and what a
//! closed stdout means (`oslinker plan | head`: the reader has what it wanted).
//!
//! Commands write their messages on stderr before their data on stdout: diagnostics explain
//! the data (or its absence) that follows.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;

use crate::error::{CommandError, CommandResult};
use crate::exit::Exit;
use crate::text;

/// Where data too large to hold whole is written: stdout, buffered.
pub type Stdout = io::BufWriter<io::StdoutLock<'static>>;

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

pub struct Ui {
    quiet: bool,
    color_stderr: bool,
    color_stdout: bool,
    width: usize,
    stdout: StdoutState,
}

/// Whether stdout still takes output.
enum StdoutState {
    Open,
    /// The reader left (a broken pipe): nothing more is written, and the command keeps its
    /// own exit code.
    Closed,
    /// Writing failed otherwise (a full disk): reported at the end, exit 2.
    Failed(io::Error),
}

impl Ui {
    /// The output layer for a run with these global options.
    pub fn new(color: ColorChoice, quiet: bool) -> Self {
        Ui {
            quiet,
            color_stderr: color_on(color, io::stderr().is_terminal()),
            color_stdout: color_on(color, io::stdout().is_terminal()),
            width: width_from_columns(std::env::var("COLUMNS").ok().as_deref()),
            stdout: StdoutState::Open,
        }
    }

    /// `-q`: only what was asked for, no notes or summary lines.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Colour on stderr (diagnostics).
    pub fn color_stderr(&self) -> bool {
        self.color_stderr
    }

    /// Colour on stdout (diffs).
    pub fn color_stdout(&self) -> bool {
        self.color_stdout
    }

    /// The width to wrap human output at.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether stdout still takes output: false once the reader has left.
    pub fn stdout_open(&self) -> bool {
        matches!(self.stdout, StdoutState::Open)
    }

    /// Writes `text` to stdout now; false once stdout is closed (which ends a watch).
    pub fn out(&mut self, text: &str) -> bool {
        self.out_with(|out| out.write_all(text.as_bytes()))
    }

    /// Writes to stdout as `write` makes the output (a large plan is never whole in memory).
    pub fn out_with(&mut self, write: impl FnOnce(&mut Stdout) -> io::Result<()>) -> bool {
        if !self.stdout_open() {
            return false;
        }
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        let written = write(&mut out).and_then(|()| out.flush());
        match written {
            Ok(()) => return true,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => self.stdout = StdoutState::Closed,
            Err(e) => self.stdout = StdoutState::Failed(e),
        }
        false
    }

    /// Writes `text` to stderr as it is (diagnostics, already rendered).
    pub fn err(&mut self, text: &str) {
        let mut stderr = io::stderr().lock();
        let _ = stderr
            .write_all(text.as_bytes())
            .and_then(|()| stderr.flush());
    }

    /// A line on stderr, unless `-q`.
    pub fn note(&mut self, line: &str) {
        if !self.quiet {
            self.err(&format!("{line}\n"));
        }
    }

    /// An `error:` line on stderr, even with `-q`.
    pub fn error(&mut self, line: &str) {
        self.err(&format!("error: {line}\n"));
    }

    /// Ends the run: writes why a command has no answer, and gives the exit code. Output
    /// that could not be written (other than to a reader who left) is trouble.
    pub fn finish(mut self, result: CommandResult) -> Exit {
        let exit = match result {
            Ok(exit) => exit,
            Err(error) => {
                self.report(&error);
                error.exit()
            }
        };
        match std::mem::replace(&mut self.stdout, StdoutState::Closed) {
            StdoutState::Failed(e) => {
                self.error(&format!("cannot write output: {e}"));
                Exit::Trouble
            }
            StdoutState::Open | StdoutState::Closed => exit,
        }
    }

    fn report(&mut self, error: &CommandError) {
        match error {
            // What the message quotes (paths, ids, revisions) is shown, never obeyed.
            CommandError::Failed(failure) => {
                let text = text::printable(&failure.to_string()).into_owned();
                self.error(&text);
            }
            CommandError::Diagnosed { report, .. } => self.err(report),
        }
    }
}

/// The width to wrap at: `COLUMNS` when it is a number of at least 40, else 100.
fn width_from_columns(columns: Option<&str>) -> usize {
    columns
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}

/// The one decision on colour for a stream, as clap's own crates make it (anstream, by
/// anstyle-query): `--color` first; then `NO_COLOR` (set, not empty) turns it off,
/// `CLICOLOR_FORCE` on, `CLICOLOR=0` off; else colour on a terminal whose `TERM` supports it
/// (not `dumb`), or where `CLICOLOR` asks for it or a CI service is detected.
fn color_on(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let clicolor = anstyle_query::clicolor();
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force() {
                true
            } else if clicolor == Some(false) {
                false
            } else {
                terminal
                    && (anstyle_query::term_supports_color()
                        || clicolor == Some(true)
                        || anstyle_query::is_ci())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_is_columns_from_40_else_100() {
        assert_eq!(width_from_columns(Some("120")), 120);
        assert_eq!(width_from_columns(Some("40")), 40);
        assert_eq!(width_from_columns(Some("39")), 100);
        assert_eq!(width_from_columns(Some("wide")), 100);
        assert_eq!(width_from_columns(None), 100);
    }

    #[test]
    fn a_failure_is_one_error_line_and_its_help_with_exit_2() {
        let error = CommandError::from(
            crate::error::Failure::new("no `x`\u{1b}[2J").help("did you mean `y`?"),
        );
        assert_eq!(error.exit(), Exit::Trouble);
        let CommandError::Failed(failure) = &error else {
            unreachable!()
        };
        assert_eq!(
            text::printable(&failure.to_string()),
            "no `x`\\u{1b}[2J\nhelp: did you mean `y`?"
        );
    }
}
