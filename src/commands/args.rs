//! Arguments shared by several commands, declared once and flattened into each.

use clap::{Args, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;

/// `--env ENV`, declared once and flattened into each command that routes or filters by
/// environment; each command words its help with `mut_arg`.
#[derive(Debug, Args)]
pub struct EnvArg {
    /// The environment (id or name)
    #[arg(
        long,
        value_name = "ENV",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(candidates::environments)
    )]
    pub env: Option<String>,
}

impl EnvArg {
    pub fn as_deref(&self) -> Option<&str> {
        self.env.as_deref()
    }
}
