//! Command-line interface: the global flags and the list of subcommands. Each subcommand's
//! own arguments live beside it in `commands/`; groups shared by several (`--env`) in
//! `commands::args`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueHint};

use crate::commands::export::ExportArgs;
use crate::commands::lsp::{self, LspArgs};
use crate::commands::{completions, diff, health, init, ls, man, resolve, schema, serve, watch};
use crate::commands::{
    completions::CompletionsArgs, diff::DiffArgs, explain::ExplainArgs, graph::GraphArgs,
    health::HealthArgs, init::InitArgs, ls::LsArgs, plan::PlanArgs, policy::PolicyArgs,
    resolve::ResolveArgs, schema::SchemaArgs, serve::ServeArgs, validate::ValidateArgs,
    watch::WatchArgs,
};
use crate::exit::{ALL_EXIT_CODES, EXIT_CODES};
use crate::ui::ColorChoice;

/// Load, validate, link and explain a tree of AI-agent OS Linker manifests.
#[derive(Debug, Parser)]
#[command(name = "oslinker", version, about, after_long_help = ALL_EXIT_CODES.help())]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Manifest directory [default: `linker.d` in the current directory or the nearest parent
    /// that has one]
    #[arg(
        short,
        long,
        global = true,
        env = "OSLINKER_DIR",
        value_name = "DIR",
        value_hint = ValueHint::DirPath
    )]
    pub dir: Option<PathBuf>,

    /// When to use colour (diagnostics on stderr, diffs on stdout)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only what was asked for: no summary lines
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Follow symbolic links to folders (loops are detected and reported)
    #[arg(long, global = true)]
    pub follow_links: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check schema and every cross-reference; report all problems at once
    #[command(after_long_help = EXIT_CODES.help())]
    Validate(ValidateArgs),
    /// Show which providers serve a capability, in rank order
    #[command(after_long_help = resolve::EXIT_CODES.help())]
    Resolve(ResolveArgs),
    /// Show the linked plan: each process with its env, bindings and links, and the routes
    #[command(after_long_help = EXIT_CODES.help())]
    Plan(PlanArgs),
    /// Show what changed between two plans: processes and routes added, removed or changed
    #[command(after_long_help = diff::EXIT_CODES.help())]
    Diff(DiffArgs),
    /// Validate and plan, then follow every change: print the plan diff or the diagnostics
    #[command(after_long_help = watch::EXIT_CODES.help())]
    Watch(WatchArgs),
    /// Serve the linked tree over HTTP (resolve, plan, routes, events), following every change
    #[command(after_long_help = serve::EXIT_CODES.help())]
    Serve(ServeArgs),
    /// Serve the Language Server Protocol on stdin/stdout, for editors
    #[command(long_about = lsp::ABOUT)]
    Lsp(LspArgs),
    /// Draw the linked system as a graph (Graphviz DOT or Mermaid)
    #[command(after_long_help = EXIT_CODES.help())]
    Graph(GraphArgs),
    /// Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process
    Export(ExportArgs),
    /// Explain an id (where it is defined, what it references, what references it) or a
    /// capability (every candidate and why it ranks where it does)
    #[command(after_long_help = EXIT_CODES.help())]
    Explain(ExplainArgs),
    /// List the tree's processes, capabilities, providers, platforms, environments or
    /// bindings (also when the tree has errors)
    #[command(after_long_help = ls::EXIT_CODES.help())]
    Ls(LsArgs),
    /// Probe the declared health checks: what answers, what does not, what drifts from its status
    #[command(after_long_help = health::EXIT_CODES.help())]
    Health(HealthArgs),
    /// The tree's own rules (`kind: Policy`): `policy test` runs their examples
    Policy(PolicyArgs),
    /// Print the JSON Schema (draft-07) of manifests, for editor completion and checks
    #[command(after_long_help = schema::EXIT_CODES.after(schema::HELP))]
    Schema(SchemaArgs),
    /// Create a small, valid, commented manifest tree to start from
    #[command(after_long_help = init::EXIT_CODES.after(init::HELP))]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(long_about = completions::ABOUT)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout
    #[command(long_about = man::ABOUT)]
    Man,
}
