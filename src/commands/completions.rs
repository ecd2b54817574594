//! `oslinker completions SHELL`: needs no tree.

use clap::Args;

use crate::completion;
use crate::error::CommandResult;
use crate::exit::Exit;
use crate::ui::Ui;

pub const ABOUT: &str = "\
Print a shell completion script, generated from oslinker's own argument definitions: it \
completes subcommands, options, their fixed values and paths.

For completion that also offers the capability names (`resolve`), process ids (`plan \
--process`) and environments (`--env`) of your tree, register dynamic completion instead, \
for example `source <(COMPLETE=bash oslinker)` in ~/.bashrc (see the README). The static \
scripts are also committed in the repository's completions/ folder.";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `cli`: the whole command line, which the script completes.
pub fn run(ui: &mut Ui, args: &CompletionsArgs, cli: clap::Command) -> CommandResult {
    ui.out(&completion::script(args.shell, cli));
    Ok(Exit::Success)
}
