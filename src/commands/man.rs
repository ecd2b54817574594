//! `oslinker man`: needs no tree.

use crate::manpage;
use crate::{Exit, Outcome};

pub fn run() -> Outcome {
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stdout = manpage::render();
    outcome
}
