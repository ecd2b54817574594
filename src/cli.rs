//! Command-line interface: clap derive types for the global flags and every subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::completion;

/// Shown after `--help` and, as the EXIT STATUS section, in the manual page (`oslinker man`).
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success (the tree is valid, a provider was found, the plan was printed)
  1  the answer is \"no\": validation errors (or warnings with --strict), no eligible provider
  2  oslinker could not do its job: usage error, missing or unreadable root, I/O error";

/// Load, validate, link and explain a tree of AI-agent OS Linker manifests.
#[derive(Debug, Parser)]
#[command(name = "oslinker", version, about, after_long_help = EXIT_CODES)]
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

    /// When to use colour on stderr
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only what was asked for: no summary lines
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Follow symbolic links to folders (loops are detected and reported)
    #[arg(long, global = true)]
    pub follow_links: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check schema and every cross-reference; report all problems at once
    #[command(after_long_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Show which providers serve a capability, in rank order
    #[command(after_long_help = EXIT_CODES)]
    Resolve(ResolveArgs),
    /// Show the linked plan: each process with its env, bindings and links, and the routes
    #[command(after_long_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(long_about = COMPLETIONS_ABOUT)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout
    #[command(long_about = MAN_ABOUT)]
    Man,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Report only diagnostics in these files (the whole tree is still loaded, so references
    /// resolve): what a pre-commit hook passes
    #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,

    /// Warnings fail the run too
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Snippets with labels, and a summary (stderr)
    Human,
    /// The versioned JSON report (stdout)
    Json,
    /// GitHub Actions annotations (stdout)
    Github,
    /// SARIF 2.1.0 for code scanning (stdout)
    Sarif,
    /// JUnit XML, one test case per file (stdout)
    Junit,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The capability to route, e.g. `code.generation`
    #[arg(value_hint = ValueHint::Other, add = ArgValueCandidates::new(completion::capabilities))]
    pub capability: String,

    /// Only processes running in this environment (id or name) count as eligible
    #[arg(
        long,
        value_name = "ENV",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(completion::environments)
    )]
    pub env: Option<String>,

    /// Also list ineligible providers, with the reason
    #[arg(long)]
    pub all: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = ResolveFormat::Table)]
    pub format: ResolveFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolveFormat {
    Table,
    Json,
    /// Eligible provider ids, one per line
    Name,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Only processes in this environment (id or name)
    #[arg(
        long,
        value_name = "ENV",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(completion::environments)
    )]
    pub env: Option<String>,

    /// Only this process
    #[arg(
        long,
        value_name = "ID",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(completion::process_ids)
    )]
    pub process: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    Yaml,
}

// Paragraphs are single lines (`\` joins them) so that clap wraps them to the terminal.
const MAN_ABOUT: &str = "\
Print the manual page as roff on stdout: the global options, every subcommand with its \
options, the exit codes and the environment variables.

Read it with `oslinker man | man -l -`, or install it with \
`oslinker man > /usr/local/share/man/man1/oslinker.1`.";

const COMPLETIONS_ABOUT: &str = "\
Print a shell completion script, generated from oslinker's own argument definitions: it \
completes subcommands, options, their fixed values and paths.

For completion that also offers the capability names (`resolve`), process ids (`plan \
--process`) and environments (`--env`) of your tree, register dynamic completion instead, \
for example `source <(COMPLETE=bash oslinker)` in ~/.bashrc (see the README). The static \
scripts are also committed in the repository's completions/ folder.";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
