//! `oslinker validate [PATH]...`

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

use crate::diagnostic::Diagnostic;
use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::lints::Suppressed;
use crate::load::display_path;
use crate::load::scope::Scope;
use crate::report;
use crate::source::FileId;
use crate::ui::Ui;

use super::Context;

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

    /// Also list the findings `metadata.suppress` silenced, with their reasons (they never
    /// count)
    #[arg(long)]
    pub show_suppressed: bool,
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

pub fn run(ui: &mut Ui, context: &Context, args: &ValidateArgs) -> CommandResult {
    let scope = Scope::new(&args.paths)
        .map_err(|(path, e)| Failure::new(format!("cannot read `{}`: {e}", path.display())))?;
    let root = context.root()?;
    let checked = super::check(context)?;
    // Tree-level problems (pointing at the root) are always in scope.
    let in_scope =
        |file: FileId| file == checked.root || scope.contains(&checked.sources.get(file).path);
    let shown: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| in_scope(d.file))
        .cloned()
        .collect();
    let silenced: Vec<Suppressed> = (checked.suppressed.iter())
        .filter(|s| args.show_suppressed && in_scope(s.diagnostic.file))
        .cloned()
        .collect();
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let warnings = shown.len() - errors;
    let valid = errors == 0 && (!args.strict || warnings == 0);
    let exit = if valid { Exit::Success } else { Exit::No };
    for path in scope.outside(&root) {
        ui.note(&format!(
            "note: `{}` is outside the manifest directory `{}`; not checked",
            display_path(path),
            display_path(&root)
        ));
    }
    let summary = (!ui.quiet())
        .then(|| report::summary_line(checked.files, checked.manifests, errors, warnings));
    let sources = &checked.sources;
    let stdout = match args.format {
        ValidateFormat::Human => {
            let human = super::human_options(ui);
            ui.err(&report::human(sources, &shown, summary.as_deref(), &human));
            if args.show_suppressed {
                ui.err(&report::suppressed(sources, &silenced));
            }
            return Ok(exit);
        }
        ValidateFormat::Json => {
            let listed = args.show_suppressed.then_some(silenced.as_slice());
            report::json(sources, &shown, valid, listed)
        }
        ValidateFormat::Github => {
            let github = report::github(sources, &shown);
            if let Some(note) = github.note {
                ui.note(&note);
            }
            if let Some(table) = github.summary {
                append_step_summary(ui, &table);
            }
            github.commands
        }
        ValidateFormat::Sarif => report::sarif(sources, &shown, &silenced),
        ValidateFormat::Junit => {
            let files: Vec<String> = (0..sources.len())
                .map(FileId)
                .filter(|&f| f != checked.root && in_scope(f))
                .map(|f| sources.get(f).display.clone())
                .collect();
            report::junit(sources, &files, &shown, args.strict)
        }
    };
    if let Some(summary) = summary {
        ui.err(&format!("{summary}\n"));
    }
    ui.out(&stdout);
    Ok(exit)
}

/// Appends the table of problems to the file GitHub names in `GITHUB_STEP_SUMMARY` (when
/// it is set), as GitHub expects; a file that cannot be written costs a warning, not the run.
fn append_step_summary(ui: &mut Ui, table: &str) {
    use std::io::Write;
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(table.as_bytes()));
    if let Err(e) = written {
        ui.err(&format!(
            "warning: cannot append to GITHUB_STEP_SUMMARY `{}`: {e}\n",
            crate::text::printable(&std::path::Path::new(&path).display().to_string())
        ));
    }
}
