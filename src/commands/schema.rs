//! `oslinker schema [--kind KIND]`: needs no tree.

use clap::Args;

use crate::error::CommandResult;
use crate::exit::{Exit, ExitCodes};
use crate::model::schema;
use crate::text;
use crate::ui::Ui;

/// What the exit codes mean for this command (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["the schema was printed"]),
        (2, &["usage error, output error"]),
    ],
    note: "",
};

pub const HELP: &str = "\
The schema describes one YAML document, or one TOML file (a manifest, or several as
[[manifest]] tables). Point your editor at it, e.g. with a first line
  # yaml-language-server: $schema=oslinker.schema.json
Save it with:
  oslinker schema > oslinker.schema.json";

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Only this kind of manifest (any case)
    #[arg(
        long,
        value_name = "KIND",
        ignore_case = true,
        value_parser = clap::builder::PossibleValuesParser::new(<crate::model::Kind as crate::model::Choice>::NAMES)
    )]
    pub kind: Option<String>,
}

pub fn run(ui: &mut Ui, args: &SchemaArgs) -> CommandResult {
    let schema = schema::generate(args.kind.as_deref())?;
    ui.out(&text::json(&schema));
    Ok(Exit::Success)
}
