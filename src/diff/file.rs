//! Plan files: a plan read back from `oslinker plan --format json` or `--format yaml` (a
//! side of `diff`).

use std::path::Path;

use crate::error::Failure;
use crate::load::read::read_named;
use crate::load::{Limits, display_path, yaml};
use crate::plan::Plan;
use crate::source::{FileId, SourceFile};

/// The most a plan file may hold (256 MiB): far above any real plan (a plan is a few hundred bytes a
/// process), so that a device or a runaway file is refused rather than read without end.
const MAX_PLAN_BYTES: u64 = 256 << 20;

/// A whole plan written by `oslinker plan --format json` or `--format yaml`; the error says
/// what is wrong (for YAML, at which line and column).
pub fn read(path: &Path) -> Result<Plan, Failure> {
    let shown = display_path(path);
    let bytes = read_named(path, MAX_PLAN_BYTES).map_err(|e| {
        Failure::new(format!("cannot read `{shown}`: {e}")).help(
            "a side is a manifest folder, a plan file written by `oslinker plan --format json` (or yaml), or `git:REV`",
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::new(format!("`{shown}` is not a plan: it is not UTF-8 text")))?;
    let value = if is_json(&text) {
        serde_json::from_str(&text)
            .map_err(|e| Failure::new(format!("`{shown}` is not a JSON plan: {e}")))?
    } else {
        from_yaml(path, &shown, text)?
    };
    match value
        .get("formatVersion")
        .and_then(serde_json::Value::as_u64)
    {
        Some(1) => {}
        Some(v) => {
            return Err(Failure::new(format!(
                "`{shown}` is a plan of format version {v}; this oslinker reads version 1"
            )));
        }
        None => {
            return Err(
                Failure::new(format!("`{shown}` is not a plan (no `formatVersion`)"))
                    .help("write one with `oslinker plan --format json > plan.json`"),
            );
        }
    }
    let plan: Plan = serde_json::from_value(value)
        .map_err(|e| Failure::new(format!("`{shown}` is not a valid plan: {e}")))?;
    if plan.filter.is_some() {
        return Err(Failure::new(format!(
            "`{shown}` is a filtered plan (written with --env or --process), so everything it leaves out would show as removed"
        ))
        .help("write the whole plan with `oslinker plan --format json`"));
    }
    Ok(plan)
}

/// JSON or YAML, by content rather than name (a plan may come through a pipe, and a JSON
/// plan is an object): `plan --format json` starts with `{`, `--format yaml` never does.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// A YAML plan as JSON, read by the manifests' own YAML reader (the YAML 1.2 core schema,
/// bounded depth and aliases); a syntax error is located at its line and column.
fn from_yaml(path: &Path, shown: &str, text: String) -> Result<serde_json::Value, Failure> {
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Without aliases a value takes at least a byte: a real plan never reaches this bound,
    // while an alias bomb stops at the size of its file.
    let limits = Limits {
        max_values: text.len() + 1,
        ..Limits::default()
    };
    let mut problems = Vec::new();
    let documents = yaml::parse(&text[base..], base, FileId(0), &limits, &mut problems);
    let file = SourceFile::new(path.to_path_buf(), shown.to_string(), text);
    if let Some(problem) = problems.first() {
        let at = problem.span.map_or(String::new(), |span| {
            let (line, column) = file.line_col(span.range().start);
            format!(" at line {line}, column {column}")
        });
        return Err(Failure::new(format!(
            "`{shown}` is not a YAML plan{at}: {}",
            problem.message
        )));
    }
    match documents.as_slice() {
        [document] => Ok(document.to_json()),
        _ => Err(Failure::new(format!(
            "`{shown}` is not a plan: it holds {} YAML documents, a plan is one",
            documents.len()
        ))),
    }
}
