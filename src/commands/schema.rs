//! `oslinker schema [--kind KIND]`

use crate::cli::SchemaArgs;
use crate::model::schema;
use crate::text;
use crate::{Context, Exit, Outcome};

pub fn run(_context: &Context, args: &SchemaArgs) -> Outcome {
    match schema::generate(args.kind.as_deref()) {
        Ok(schema) => {
            let mut outcome = Outcome::new(Exit::Success);
            outcome.stdout = text::json(&schema);
            outcome
        }
        Err(why) => Outcome::trouble(why),
    }
}
