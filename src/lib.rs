//! oslinker turns a tree of YAML/TOML manifests about AI agents into a checked, linked,
//! explainable plan.
//!
//! The pipeline, one module per stage:
//! `load` (files -> spanned documents) -> `model` (typed manifests) -> `link` (indexes,
//! reference checks, routing) -> `plan` (the resolved view) -> `render` / `report` (output).
//! `explain` (why a process is wired as it is, and what refers to an id) and `graph` (the
//! linked tree as nodes and edges) read the linked tree beside `plan`.
//! `commands` holds one thin file per subcommand. `diff` (two plans compared, and its sides)
//! and `watch` (a per-file cache over `load`) follow the pipeline; `schema`, `init`, `completions` and `man` read no
//! tree (`model::schema`, `init`, `completion`, `manpage`).

mod candidates;
pub mod cli;
mod commands;
mod completion;
pub mod diagnostic;
pub mod diff;
pub mod explain;
pub mod graph;
pub mod init;
pub mod link;
pub mod load;
mod manpage;
pub mod model;
mod output;
pub mod pipeline;
pub mod plan;
pub(crate) mod render;
pub mod report;
pub mod secrets;
pub mod source;
mod text;
pub mod watch;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, ColorChoice, Command};
pub use output::{Exit, Outcome};

/// What every command needs besides its own arguments.
pub struct Context {
    /// `--dir` / `OSLINKER_DIR`; see [`Context::root`].
    dir: Option<PathBuf>,
    pub follow_links: bool,
    pub quiet: bool,
    /// Colour on stderr.
    pub color: bool,
    /// Colour on stdout (diffs).
    pub color_stdout: bool,
    /// Width to wrap human output at.
    pub width: usize,
}

/// Runs oslinker with these arguments (the first is the program name) and returns the exit
/// code: 0 success, 1 the answer is "no", 2 trouble.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // `COMPLETE=bash oslinker ...`: the shell asking for completions (see `completion`).
    if let Some(outcome) = completion::dynamic(&args) {
        return output::emit(outcome).into();
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
    let context = context(&cli);
    let outcome = match &cli.command {
        Command::Validate(args) => commands::validate::run(&context, args),
        Command::Resolve(args) => commands::resolve::run(&context, args),
        Command::Plan(args) => commands::plan::run(&context, args),
        Command::Diff(args) => commands::diff::run(&context, args),
        Command::Watch(args) => commands::watch::run(&context, args),
        Command::Graph(args) => commands::graph::run(&context, args),
        Command::Explain(args) => commands::explain::run(&context, args),
        Command::Schema(args) => commands::schema::run(&context, args),
        Command::Init(args) => commands::init::run(&context, args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man => commands::man::run(),
    };
    output::emit(outcome).into()
}

fn context(cli: &Cli) -> Context {
    let global = &cli.global;
    let color = color_on(global.color, std::io::stderr().is_terminal());
    let color_stdout = color_on(global.color, std::io::stdout().is_terminal());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100);
    Context {
        dir: global.dir.clone(),
        follow_links: global.follow_links,
        quiet: global.quiet,
        color,
        color_stdout,
        width,
    }
}

/// The one decision on colour for a stream, as clap's own crates make it (anstream, by
/// anstyle-query): `--color` first; then `NO_COLOR` (set, not empty) turns it off,
/// `CLICOLOR_FORCE` on, `CLICOLOR=0` off; else colour on a terminal whose `TERM` supports it
/// (not `dumb`), or where `CLICOLOR` asks for it or a CI service is detected.
fn color_on(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let clicolor = anstyle_query::clicolor();
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force() {
                true
            } else if clicolor == Some(false) {
                false
            } else {
                terminal
                    && (anstyle_query::term_supports_color()
                        || clicolor == Some(true)
                        || anstyle_query::is_ci())
            }
        }
    }
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

impl Context {
    /// `--dir` (or `OSLINKER_DIR`) as given, without looking for a tree: for `init`, which
    /// creates one.
    pub fn dir_option(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The manifest directory: `--dir`, else the nearest `linker.d`. Only commands that read
    /// a tree ask, so `schema` or `completions` work anywhere.
    pub fn root(&self) -> Result<PathBuf, Outcome> {
        match &self.dir {
            Some(dir) => Ok(dir.clone()),
            None => load::root::find_default().map_err(Outcome::trouble),
        }
    }
}
