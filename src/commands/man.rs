//! `oslinker man`: needs no tree.

use crate::error::CommandResult;
use crate::exit::Exit;
use crate::manpage;
use crate::ui::Ui;

// Paragraphs are single lines (`\` joins them) so that clap wraps them to the terminal.
pub const ABOUT: &str = "\
Print the manual page as roff on stdout: the global options, every subcommand with its \
options, the exit codes and the environment variables.

Read it with `oslinker man | man -l -`, or install it with \
`oslinker man > /usr/local/share/man/man1/oslinker.1`.";

/// `cli`: the whole command line, which the page documents.
pub fn run(ui: &mut Ui, cli: clap::Command) -> CommandResult {
    ui.out(&manpage::render(cli));
    Ok(Exit::Success)
}
