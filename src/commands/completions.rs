//! `oslinker completions SHELL`: needs no tree.

use crate::cli::CompletionsArgs;
use crate::completion;
use crate::{Exit, Outcome};

pub fn run(args: &CompletionsArgs) -> Outcome {
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stdout = completion::script(args.shell);
    outcome
}
