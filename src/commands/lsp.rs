//! `oslinker lsp`: a language server for editors, over stdin/stdout.

use clap::Args;

use crate::error::CommandResult;
use crate::exit::Exit;
use crate::lsp::{self, Options};
use crate::ui::Ui;

use super::Context;

pub const ABOUT: &str = "Serve the Language Server Protocol on stdin/stdout, for editors: \
diagnostics from the whole linker as you type, go to definition, references, rename, hover, \
completion and symbols for manifest ids. The tree is `initializationOptions.root` (relative \
to the workspace folder), else --dir, else the workspace folder's `linker.d`, else the \
nearest `linker.d`. Started by an editor, not by hand.";

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for clients that always pass it; stdin/stdout is the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_ui: &mut Ui, context: &Context, _args: &LspArgs) -> CommandResult {
    lsp::run(Options {
        dir: context.dir.clone(),
        follow_links: context.follow_links,
    })?;
    Ok(Exit::Success)
}
