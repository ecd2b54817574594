//! `oslinker validate [PATH]...`

use std::path::PathBuf;

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::diagnostic::Diagnostic;
use crate::load::display_path;
use crate::load::source::FileId;
use crate::report;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &ValidateArgs) -> Outcome {
    let checked = match super::check(context) {
        Ok(checked) => checked,
        Err(outcome) => return outcome,
    };
    let only = match canonical_paths(&args.paths) {
        Ok(only) => only,
        Err(outcome) => return outcome,
    };
    let in_scope = |file: FileId| {
        let path = &checked.sources.get(file).path;
        // Tree-level problems (pointing at the root) always count.
        file == checked.root
            || only.is_empty()
            || std::fs::canonicalize(path).is_ok_and(|p| only.iter().any(|o| p.starts_with(o)))
    };
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
    let notes = if context.quiet {
        String::new()
    } else {
        outside_tree(context, &only)
    };
    let summary = (!context.quiet)
        .then(|| report::summary_line(checked.files, checked.manifests, errors, warnings));
    let sources = &checked.sources;
    match args.format {
        ValidateFormat::Human => {
            outcome.stderr = notes
                + &report::human(
                    sources,
                    &shown,
                    summary.as_deref(),
                    &super::human_options(context),
                );
            return outcome;
        }
        ValidateFormat::Json => outcome.stdout = report::json(sources, &shown, valid),
        ValidateFormat::Github => outcome.stdout = report::github(sources, &shown),
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
    outcome.stderr = notes;
    if let Some(summary) = summary {
        outcome.stderr.push_str(&format!("{summary}\n"));
    }
    outcome
}

/// Notes for paths that lie outside the tree: nothing in them was checked.
fn outside_tree(context: &Context, only: &[PathBuf]) -> String {
    let Ok(root) = std::fs::canonicalize(&context.root) else {
        return String::new();
    };
    only.iter()
        .filter(|p| !p.starts_with(&root))
        .map(|p| {
            format!(
                "note: `{}` is outside the manifest directory `{}`; not checked\n",
                display_path(p),
                display_path(&context.root)
            )
        })
        .collect()
}

/// The paths given on the command line, canonicalised; a missing one is a usage error.
fn canonical_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Outcome> {
    paths
        .iter()
        .map(|p| {
            std::fs::canonicalize(p)
                .map_err(|e| Outcome::trouble(format!("cannot read `{}`: {e}", p.display())))
        })
        .collect()
}
