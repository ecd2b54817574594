//! Plan files: a plan read back from `oslinker plan --format json` (a side of `diff`).

use std::path::Path;

use crate::error::Failure;
use crate::load::display_path;
use crate::load::read::read_named;
use crate::plan::Plan;

/// The most a plan file may hold (256 MiB): far above any real plan (a plan is a few hundred bytes a
/// process), so that a device or a runaway file is refused rather than read without end.
const MAX_PLAN_BYTES: u64 = 256 << 20;

/// A whole plan written by `oslinker plan --format json`; the error says what is wrong.
pub fn read(path: &Path) -> Result<Plan, Failure> {
    let shown = display_path(path);
    let bytes = read_named(path, MAX_PLAN_BYTES).map_err(|e| {
        Failure::new(format!("cannot read `{shown}`: {e}")).help(
            "a side is a manifest folder, a plan file written by `oslinker plan --format json`, or `git:REV`",
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::new(format!(
            "`{shown}` is not a JSON plan: it is not UTF-8 text"
        ))
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::new(format!("`{shown}` is not a JSON plan: {e}")))?;
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
