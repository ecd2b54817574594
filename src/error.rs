//! "oslinker could not do its job", as a value: what went wrong, how to fix it, and the exit
//! code. Commands return it; the output layer (`ui`) writes it.

use crate::exit::Exit;

/// Why a command has no answer to print.
#[derive(Debug)]
pub enum CommandError {
    /// oslinker could not do its job (a usage error, a missing root, I/O): an `error:` line,
    /// a `help:` line when there is a way out, exit 2.
    Failed(Failure),
    /// The input has errors, so there is no answer: the diagnostics, rendered, and the exit
    /// code (1 for the tree a command reads; 2 for a `diff` side).
    Diagnosed { report: String, exit: Exit },
}

/// What went wrong and, when there is one, how to fix it. Both are shown to the user as
/// given, never obeyed (they may quote paths or ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub help: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            help: None,
        }
    }

    /// The same failure with a way out.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same failure with a help only where it has none of its own.
    pub fn or_help(mut self, help: impl Into<String>) -> Self {
        self.help.get_or_insert_with(|| help.into());
        self
    }

    /// The same failure, its message placed after `context` (which side, which file).
    pub fn context(mut self, context: impl std::fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl CommandError {
    /// A failure with no help.
    pub fn failed(message: impl Into<String>) -> Self {
        CommandError::Failed(Failure::new(message))
    }

    pub fn exit(&self) -> Exit {
        match self {
            CommandError::Failed(_) => Exit::Trouble,
            CommandError::Diagnosed { exit, .. } => *exit,
        }
    }
}

impl From<Failure> for CommandError {
    fn from(failure: Failure) -> Self {
        CommandError::Failed(failure)
    }
}

/// The result of a command: the exit code of its answer, or why it has none.
pub type CommandResult = Result<Exit, CommandError>;
