//! `oslinker init`: a small, valid, commented manifest tree to start from.
//!
//! The templates are the files beside this one, built in with `include_str!`, so they can be
//! read and edited as the manifests they are.
//!
//! Nothing is ever overwritten, and nothing is left half written: every target is checked
//! before anything is written; each file is written whole to a hidden temporary file in the
//! same folder, flushed to disk, then given its name only if that name is still free (an
//! atomic rename that does not replace). If any file cannot be written (a full disk, say),
//! the files this run created are removed again, so that the folder is as it was and a
//! second run can start afresh.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The files `init` creates, as (name, contents), in the order oslinker reads them.
pub const TEMPLATES: [(&str, &str); 5] = [
    ("bindings.toml", include_str!("bindings.toml")),
    ("capabilities.yaml", include_str!("capabilities.yaml")),
    ("environment.yaml", include_str!("environment.yaml")),
    ("processes.yaml", include_str!("processes.yaml")),
    ("providers.toml", include_str!("providers.toml")),
];

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// These files (or other things by their names) exist already: nothing was written.
    Exists(Vec<PathBuf>),
    /// The folder is something else, such as a file: nothing was written.
    NotAFolder(PathBuf),
    /// The folder could not be created: nothing was written.
    Folder(PathBuf, io::Error),
    /// A file could not be written. The files created before it were removed again, except
    /// those in `left` (which could not be removed either).
    File {
        path: PathBuf,
        error: io::Error,
        left: Vec<PathBuf>,
    },
}

/// Creates the template files in `dir`, and `dir` itself (with its parents) if need be.
/// Returns the files created, in order.
pub fn create(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotAFolder(dir.to_path_buf()));
    }
    let targets: Vec<PathBuf> = TEMPLATES.iter().map(|(name, _)| dir.join(name)).collect();
    let existing: Vec<PathBuf> = targets.iter().filter(|t| exists(t)).cloned().collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let made_folder = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| InitError::Folder(dir.to_path_buf(), e))?;
    let mut created = Vec::with_capacity(targets.len());
    for ((_, contents), path) in TEMPLATES.iter().zip(targets) {
        match create_new(dir, &path, contents) {
            Ok(()) => created.push(path),
            Err(error) => {
                let left = remove_all(&created);
                if made_folder && left.is_empty() {
                    // Only if it is empty: nothing else is touched.
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(InitError::File { path, error, left });
            }
        }
    }
    sync_folder(dir);
    Ok(created)
}

/// Anything by that name counts, even a broken symbolic link (writing would follow it).
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Writes a new file in `dir` whole, or not at all: to a temporary file, flushed, then
/// renamed to `path` only if nothing has that name (so nothing is clobbered). On any
/// failure the temporary file is removed.
fn create_new(dir: &Path, path: &Path, contents: &str) -> io::Result<()> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".oslinker-init-");
    // The mode an ordinary new file gets (before the umask), not a temporary file's 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes the files this run created; returns those that could not be removed.
fn remove_all(created: &[PathBuf]) -> Vec<PathBuf> {
    (created.iter())
        .filter(|path| std::fs::remove_file(path).is_err())
        .cloned()
        .collect()
}

/// Makes the new names last through a crash (best effort: not every system can).
fn sync_folder(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_manifest_files_and_teach_in_comments() {
        let mut yaml = 0;
        let mut toml = 0;
        for (name, contents) in TEMPLATES {
            match name.rsplit_once('.').map(|(_, ext)| ext) {
                Some("yaml") => yaml += 1,
                Some("toml") => toml += 1,
                _ => panic!("{name} is not a manifest file"),
            }
            assert!(contents.starts_with("# "), "{name} starts with a comment");
            assert!(contents.ends_with('\n'), "{name} ends with a newline");
        }
        assert!(yaml > 0 && toml > 0);
        let mut names: Vec<&str> = TEMPLATES.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        assert_eq!(names, TEMPLATES.map(|(name, _)| name), "in reading order");
    }

    #[test]
    fn refuses_when_any_target_exists_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("linker.d");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("processes.yaml"), "mine").unwrap();
        match create(&dir) {
            Err(InitError::Exists(paths)) => assert_eq!(paths, [dir.join("processes.yaml")]),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert_eq!(std::fs::read(dir.join("processes.yaml")).unwrap(), b"mine");
    }

    #[test]
    fn a_file_that_appears_in_between_is_not_clobbered() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("bindings.toml");
        std::fs::write(&path, "theirs").unwrap();
        let error = create_new(tmp.path(), &path, "ours").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"theirs");
        // And its temporary file is gone.
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_broken_link_counts_as_existing() {
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("nowhere", tmp.path().join("providers.toml")).unwrap();
        assert!(matches!(create(tmp.path()), Err(InitError::Exists(p)) if p.len() == 1));
        assert!(!tmp.path().join("nowhere").exists());
    }
}
