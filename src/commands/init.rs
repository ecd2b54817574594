//! `oslinker init [DIR]`

use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::CommandResult;
use crate::exit::{Exit, ExitCodes};
use crate::init;
use crate::render;
use crate::ui::Ui;

use super::Context;

/// Where `init` writes when neither DIR nor --dir is given.
const DEFAULT_DIR: &str = "linker.d";

/// What the exit codes mean for this command (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["the files were created"]),
        (
            2,
            &["a file already exists (nothing was written), or a file could not be written"],
        ),
    ],
    note: "",
};

pub const HELP: &str = "\
Creates the files only if none of them exists: it never overwrites a file. Then run
`oslinker validate` (with -d DIR unless DIR is ./linker.d).";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the manifests [default: --dir (or OSLINKER_DIR), else ./linker.d]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(ui: &mut Ui, context: &Context, args: &InitArgs) -> CommandResult {
    let dir = args
        .dir
        .as_deref()
        .or(context.dir_option())
        .unwrap_or(Path::new(DEFAULT_DIR));
    let created = init::create(dir).map_err(|error| render::init::error(&error))?;
    if !ui.quiet() {
        ui.err(&render::init::next_steps(dir, created.len()));
    }
    ui.out(&render::init::created(&created));
    Ok(Exit::Success)
}
