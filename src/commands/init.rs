//! `oslinker init [DIR]`

use std::path::Path;

use crate::cli::InitArgs;
use crate::init;
use crate::render;
use crate::{Context, Exit, Outcome};

/// Where `init` writes when neither DIR nor --dir is given.
const DEFAULT_DIR: &str = "linker.d";

pub fn run(context: &Context, args: &InitArgs) -> Outcome {
    let dir = args
        .dir
        .as_deref()
        .or(context.dir_option())
        .unwrap_or(Path::new(DEFAULT_DIR));
    match init::create(dir) {
        Ok(created) => {
            let mut outcome = Outcome::new(Exit::Success);
            outcome.stdout = render::init::created(&created);
            if !context.quiet {
                outcome.stderr = render::init::next_steps(dir, created.len());
            }
            outcome
        }
        Err(error) => Outcome::trouble(render::init::error(&error)),
    }
}
