//! `oslinker validate [PATH]...`

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::diagnostic::Diagnostic;
use crate::load::display_path;
use crate::load::scope::Scope;
use crate::report;
use crate::source::FileId;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &ValidateArgs) -> Outcome {
    validate(context, args).unwrap_or_else(|stop| stop)
}

fn validate(context: &Context, args: &ValidateArgs) -> Result<Outcome, Outcome> {
    let scope = Scope::new(&args.paths)
        .map_err(|(path, e)| Outcome::trouble(format!("cannot read `{}`: {e}", path.display())))?;
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
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let warnings = shown.len() - errors;
    let valid = errors == 0 && (!args.strict || warnings == 0);
    let mut outcome = Outcome::new(if valid { Exit::Success } else { Exit::No });
    if !context.quiet {
        for path in scope.outside(&root) {
            outcome.stderr.push_str(&format!(
                "note: `{}` is outside the manifest directory `{}`; not checked\n",
                display_path(path),
                display_path(&root)
            ));
        }
    }
    let summary = (!context.quiet)
        .then(|| report::summary_line(checked.files, checked.manifests, errors, warnings));
    let sources = &checked.sources;
    match args.format {
        ValidateFormat::Human => {
            let human = super::human_options(context);
            outcome.stderr += &report::human(sources, &shown, summary.as_deref(), &human);
            return Ok(outcome);
        }
        ValidateFormat::Json => outcome.stdout = report::json(sources, &shown, valid),
        ValidateFormat::Github => {
            let github = report::github(sources, &shown);
            outcome.stdout = github.commands;
            if let Some(note) = github.note.filter(|_| !context.quiet) {
                outcome.stderr.push_str(&format!("{note}\n"));
            }
            if let Some(table) = github.summary {
                append_step_summary(&mut outcome, &table);
            }
        }
        ValidateFormat::Sarif => outcome.stdout = report::sarif(sources, &shown),
        ValidateFormat::Junit => {
            let files: Vec<String> = (0..sources.len())
                .map(FileId)
                .filter(|&f| f != checked.root && in_scope(f))
                .map(|f| sources.get(f).display.clone())
                .collect();
            outcome.stdout = report::junit(sources, &files, &shown, args.strict);
        }
    }
    if let Some(summary) = summary {
        outcome.stderr.push_str(&format!("{summary}\n"));
    }
    Ok(outcome)
}

/// Appends the table of problems to the file GitHub names in `GITHUB_STEP_SUMMARY` (when
/// it is set), as GitHub expects; a file that cannot be written costs a note, not the run.
fn append_step_summary(outcome: &mut Outcome, table: &str) {
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
        outcome.stderr.push_str(&format!(
            "warning: cannot append to GITHUB_STEP_SUMMARY `{}`: {e}\n",
            crate::text::printable(&std::path::Path::new(&path).display().to_string())
        ));
    }
}
