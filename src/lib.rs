//! oslinker turns a tree of YAML/TOML manifests about AI agents into a checked, linked,
//! explainable plan.
//!
//! The pipeline, one module per stage:
//! `load` (files -> spanned documents) -> `model` (typed manifests) -> `link` (indexes,
//! reference checks, routing) -> `plan` (the resolved view) -> `render` / `report` (output).
//! `explain` (why a process is wired as it is, and what refers to an id) and `graph` (the
//! linked tree as nodes and edges) read the linked tree beside `plan`. `diff` (two plans
//! compared, and its sides) and `watch` (a per-file cache over `load`) follow the pipeline.
//!
//! `commands` holds one thin file per subcommand, its arguments beside it; each writes
//! through `ui` (the only writer of stdout and stderr) and returns an `exit::Exit` or an
//! `error::CommandError`. `schema`, `init`, `completions` and `man` read no tree
//! (`model::schema`, `init`, `completion`, `manpage`).

pub mod a2a;
mod candidates;
pub mod cli;
mod commands;
mod completion;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod events;
pub mod exit;
pub mod explain;
pub mod graph;
pub mod health;
pub mod init;
pub mod link;
pub mod lints;
pub mod load;
pub mod lsp;
mod manpage;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod policy;
pub(crate) mod render;
pub mod report;
pub mod secrets;
pub mod serve;
pub mod source;
mod text;
pub mod ui;
pub mod watch;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, Command};
use commands::Context;
pub use exit::Exit;
use ui::Ui;

/// Runs oslinker with these arguments (the first is the program name) and returns the exit
/// code: 0 success, 1 the answer is "no", 2 trouble.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // `COMPLETE=bash oslinker ...`: the shell asking for completions (see `completion`).
    if let Some(result) = completion::dynamic(&args, Cli::command) {
        return Ui::new(ui::ColorChoice::Never, false).finish(result).into();
    }
    let command = Cli::command().color(color_for_help(&args));
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors.
            let exit = if error.use_stderr() {
                Exit::Trouble
            } else {
                Exit::Success
            };
            let _ = error.print();
            return exit.into();
        }
    };
    let global = &cli.global;
    let mut ui = Ui::new(global.color, global.quiet);
    let context = Context {
        dir: global.dir.clone(),
        follow_links: global.follow_links,
    };
    let result = match &cli.command {
        Command::Validate(args) => commands::validate::run(&mut ui, &context, args),
        Command::Resolve(args) => commands::resolve::run(&mut ui, &context, args),
        Command::Plan(args) => commands::plan::run(&mut ui, &context, args),
        Command::Diff(args) => commands::diff::run(&mut ui, &context, args),
        Command::Watch(args) => commands::watch::run(&mut ui, &context, args),
        Command::Serve(args) => commands::serve::run(&mut ui, &context, args),
        Command::Lsp(args) => commands::lsp::run(&mut ui, &context, args),
        Command::Graph(args) => commands::graph::run(&mut ui, &context, args),
        Command::Export(args) => commands::export::run(&mut ui, &context, args),
        Command::Explain(args) => commands::explain::run(&mut ui, &context, args),
        Command::Ls(args) => commands::ls::run(&mut ui, &context, args),
        Command::Health(args) => commands::health::run(&mut ui, &context, args),
        Command::Policy(args) => commands::policy::run(&mut ui, &context, args),
        Command::Schema(args) => commands::schema::run(&mut ui, args),
        Command::Init(args) => commands::init::run(&mut ui, &context, args),
        Command::Completions(args) => commands::completions::run(&mut ui, args, Cli::command()),
        Command::Man => commands::man::run(&mut ui, Cli::command()),
    };
    ui.finish(result).into()
}

/// The last `--color WHEN` (or `--color=WHEN`) before `--`, so that `--help` and usage errors,
/// which clap prints before the arguments are parsed, follow it too.
fn color_for_help(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut words = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word {
            "--" => break,
            "--color" => words.next(),
            _ => word.strip_prefix("--color="),
        };
        choice = match value {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some("auto") => clap::ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}
