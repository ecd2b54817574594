//! Shell completion, both ways clap_complete offers it:
//!
//! - static scripts (`oslinker completions SHELL`), generated from the clap definition: they
//!   complete subcommands, options, fixed values and paths;
//! - dynamic completion (`COMPLETE=bash oslinker` prints a small script that calls oslinker
//!   back on every TAB): the same, plus capability names, process ids and environments read
//!   from the tree.
//!
//! The candidates themselves are read from the tree by `candidates`.

use std::ffi::OsString;

use clap_complete::{CompleteEnv, Shell};

use crate::candidates;
use crate::error::{CommandError, CommandResult};
use crate::exit::Exit;

/// The name the scripts complete.
const BIN: &str = "oslinker";

/// The static completion script for `shell`, from the whole command line (`cli`).
pub fn script(shell: Shell, mut cli: clap::Command) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli, BIN, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Answers a dynamic completion request (`COMPLETE=SHELL` in the environment): clap_complete
/// prints the registration script or the candidates itself; `None` for a normal run.
/// `cli` builds the whole command line.
pub fn dynamic(args: &[OsString], cli: fn() -> clap::Command) -> Option<CommandResult> {
    // clap_complete needs the program name first.
    if args.is_empty() {
        return None;
    }
    let words = args.iter().skip_while(|a| *a != "--").skip(1).cloned();
    candidates::complete_words(words.collect());
    let cwd = std::env::current_dir().ok();
    match CompleteEnv::with_factory(cli)
        .bin(BIN)
        .try_complete(args.iter().cloned(), cwd.as_deref())
    {
        Ok(true) => Some(Ok(Exit::Success)),
        Ok(false) => None,
        // Such as an unknown shell in COMPLETE.
        Err(error) => {
            let message = error.to_string();
            let message = message.trim_start_matches("error: ").trim_end();
            Some(Err(CommandError::failed(format!(
                "{message} (in the COMPLETE environment variable)"
            ))))
        }
    }
}
