//! Command-line interface: clap derive types for the global flags and every subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCandidates;

use crate::candidates;

/// What a command's exit codes mean: one table per command (and the whole one), rendered
/// after `--help` and, the whole one, as the manual page's EXIT STATUS section.
pub struct ExitCodes {
    /// The heading's words after "Exit codes".
    pub heading: &'static str,
    /// Each code with its meaning, as lines wrapped for the help text.
    pub codes: &'static [(u8, &'static [&'static str])],
    /// A closing line, if any.
    pub note: &'static str,
}

impl ExitCodes {
    /// `Exit codes:` and one `  N  meaning` entry per code, continued lines indented.
    pub fn help(&self) -> String {
        let mut text = format!("Exit codes{}:", self.heading);
        for (code, lines) in self.codes {
            for (i, line) in lines.iter().enumerate() {
                let lead = if i == 0 {
                    format!("  {code}  ")
                } else {
                    "     ".into()
                };
                text.push_str(&format!("\n{lead}{line}"));
            }
        }
        if !self.note.is_empty() {
            text.push('\n');
            text.push_str(self.note);
        }
        text
    }

    /// `text` (a paragraph of help), a blank line, then the table.
    fn after(&self, text: &str) -> String {
        format!("{text}\n\n{}", self.help())
    }
}

/// What most commands' exit codes mean.
const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["success (the tree is valid, a provider was found, the plan was printed)"],
        ),
        (
            1,
            &[
                "the answer is \"no\": validation errors (or warnings with --strict), no eligible provider",
            ],
        ),
        (
            2,
            &["oslinker could not do its job: usage error, missing or unreadable root, I/O error"],
        ),
    ],
    note: "",
};

/// The whole table, for `oslinker --help` and the man page.
pub const ALL_EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &[
                "success: the tree is valid, a provider was found, the output was printed; `diff`: no",
                "differences; `watch`: stopped by Ctrl-C or SIGTERM",
            ],
        ),
        (
            1,
            &[
                "the answer is \"no\": validation errors (or warnings with --strict), no eligible provider,",
                "a command that needs a valid tree on an invalid one; `diff`: the plans differ",
            ],
        ),
        (
            2,
            &[
                "oslinker could not do its job: usage error, missing or unreadable root, I/O error, `init`",
                "refusing to overwrite a file; `diff`: a side that cannot be read or does not validate;",
                "`watch`: stopped by a signal while stuck",
            ],
        ),
    ],
    note: "",
};

const DIFF_EXIT_CODES: ExitCodes = ExitCodes {
    heading: " (as diff(1) and `git diff --exit-code`)",
    codes: &[
        (0, &["no differences"]),
        (1, &["the plans differ"]),
        (
            2,
            &["trouble: a side cannot be read or does not validate (its diagnostics are printed)"],
        ),
    ],
    note: "",
};

const WATCH_EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["stopped by Ctrl-C (SIGINT) or SIGTERM, or stdout was closed"],
        ),
        (
            2,
            &[
                "could not start: missing root, or the platform cannot watch files; or stopped by",
                "a signal while stuck (it could not end cleanly within 3 seconds)",
            ],
        ),
    ],
    note: "Bad manifests never end a watch; neither does the root disappearing.",
};

const SCHEMA_EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["the schema was printed"]),
        (2, &["usage error, output error"]),
    ],
    note: "",
};

const INIT_EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["the files were created"]),
        (
            2,
            &["a file already exists (nothing was written), or a file could not be written"],
        ),
    ],
    note: "",
};

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
    #[command(after_long_help = EXIT_CODES.help())]
    Validate(ValidateArgs),
    /// Show which providers serve a capability, in rank order
    #[command(after_long_help = EXIT_CODES.help())]
    Resolve(ResolveArgs),
    /// Show the linked plan: each process with its env, bindings and links, and the routes
    #[command(after_long_help = EXIT_CODES.help())]
    Plan(PlanArgs),
    /// Show what changed between two plans: processes and routes added, removed or changed
    #[command(after_long_help = DIFF_EXIT_CODES.help())]
    Diff(DiffArgs),
    /// Validate and plan, then follow every change: print the plan diff or the diagnostics
    #[command(after_long_help = WATCH_EXIT_CODES.help())]
    Watch(WatchArgs),
    /// Draw the linked system as a graph (Graphviz DOT or Mermaid)
    #[command(after_long_help = EXIT_CODES.help())]
    Graph(GraphArgs),
    /// Explain an id (where it is defined, what it references, what references it) or a
    /// capability (every candidate and why it ranks where it does)
    #[command(after_long_help = EXIT_CODES.help())]
    Explain(ExplainArgs),
    /// Print the JSON Schema (draft-07) of manifests, for editor completion and checks
    #[command(after_long_help = SCHEMA_EXIT_CODES.after(SCHEMA_HELP))]
    Schema(SchemaArgs),
    /// Create a small, valid, commented manifest tree to start from
    #[command(after_long_help = INIT_EXIT_CODES.after(INIT_HELP))]
    Init(InitArgs),
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

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "Only processes running in this environment (id or name) count as eligible"
)))]
pub struct ResolveArgs {
    /// The capability to route, e.g. `code.generation`
    #[arg(value_hint = ValueHint::Other, add = ArgValueCandidates::new(candidates::capabilities))]
    pub capability: String,

    #[command(flatten)]
    pub env: EnvArg,

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
#[command(mut_arg("env", |arg| arg.help("Only processes in this environment (id or name)")))]
pub struct PlanArgs {
    #[command(flatten)]
    pub env: EnvArg,

    /// Only this process
    #[arg(
        long,
        value_name = "ID",
        value_hint = ValueHint::Other,
        add = ArgValueCandidates::new(candidates::process_ids)
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

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a manifest folder, a plan file written by `oslinker plan --format json`,
    /// or `git:REV` (the manifest folder as committed at REV, e.g. `git:origin/main`)
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The new side, in the same forms [default: the current tree]
    #[arg(value_name = "NEW")]
    pub new: Option<String>,

    /// Print only the summary line
    #[arg(long)]
    pub stat: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Grouped by process and route: `+` added, `-` removed, `~` changed
    Text,
    /// `{"formatVersion":1, "changes":[...], "summary":{...}}`
    Json,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Wait until the tree has been quiet this long before re-linking (milliseconds)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub debounce: u64,

    /// After each valid re-link that changed the plan, run CMD through the shell with the
    /// plan's JSON on its stdin (its output goes to stderr)
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = WatchFormat::Text)]
    pub format: WatchFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// The plan diff after each change, as `diff` prints it
    Text,
    /// One JSON object per line: `ready`, then `relinked` per change
    Json,
}

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "Only processes in this environment (id or name), their bindings, and the providers they \
     back or that are hosted; eligibility counts only processes running there"
)))]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    #[command(flatten)]
    pub env: EnvArg,

    /// Only this capability and those under it (`code` takes in `code.review`), with its
    /// candidates and the processes behind them or requiring it; may be repeated
    #[arg(long, value_name = "CAPABILITY")]
    pub capability: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`)
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown)
    Mermaid,
}

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help(
    "For a capability: only processes running in this environment (id or name) count as eligible"
)))]
pub struct ExplainArgs {
    /// An id of any kind (an environment also by name), or a capability; when it is both,
    /// both are explained, the id first
    #[arg(value_name = "ID|CAPABILITY")]
    pub name: String,

    #[command(flatten)]
    pub env: EnvArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

const SCHEMA_HELP: &str = "\
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

const INIT_HELP: &str = "\
Creates the files only if none of them exists: it never overwrites a file. Then run
`oslinker validate` (with -d DIR unless DIR is ./linker.d).";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the manifests [default: --dir (or OSLINKER_DIR), else ./linker.d]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
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
