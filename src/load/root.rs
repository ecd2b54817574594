//! Root discovery: which manifest folder a command reads when none is given.

use std::path::{Path, PathBuf};

use crate::error::Failure;

/// `linker.d` in the current directory or the nearest parent that has one.
pub fn find_default() -> Result<PathBuf, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::new(format!("cannot read the current directory: {e}")))?;
    cwd.ancestors()
        .map(|dir| dir.join("linker.d"))
        .find(|candidate| candidate.is_dir())
        .map(|found| relative_to(&found, &cwd))
        .ok_or_else(|| {
            Failure::new("no `linker.d` directory here or in any parent directory").help(
                "run oslinker where your manifests are, or pass --dir DIR (or set OSLINKER_DIR)",
            )
        })
}

/// `found` relative to `cwd` when it is inside it, for shorter paths in messages.
fn relative_to(found: &Path, cwd: &Path) -> PathBuf {
    match found.strip_prefix(cwd) {
        // Run inside the manifest folder itself.
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => found.to_path_buf(),
    }
}
