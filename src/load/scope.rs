//! Which files a `validate PATH...` run reports on. Paths are compared canonically, so
//! `./linker.d/a.yaml`, `linker.d/../linker.d/a.yaml` and an absolute path all match.

use std::io;
use std::path::{Path, PathBuf};

/// The files and folders given; empty means everything.
#[derive(Debug, Default)]
pub struct Scope {
    paths: Vec<PathBuf>,
}

impl Scope {
    /// Canonicalises each path; one that does not exist is an error.
    pub fn new(paths: &[PathBuf]) -> Result<Scope, (PathBuf, io::Error)> {
        let paths = paths
            .iter()
            .map(|p| canonical(p).map_err(|e| (p.clone(), e)))
            .collect::<Result<_, _>>()?;
        Ok(Scope { paths })
    }

    /// Whether a file is in scope: it is one of the paths, or under one of the folders.
    pub fn contains(&self, file: &Path) -> bool {
        self.paths.is_empty()
            || canonical(file).is_ok_and(|f| self.paths.iter().any(|p| f.starts_with(p)))
    }

    /// The paths that lie outside `root`: nothing in them is checked.
    pub fn outside(&self, root: &Path) -> Vec<&Path> {
        let Ok(root) = canonical(root) else {
            return Vec::new();
        };
        self.paths
            .iter()
            .filter(|p| !p.starts_with(&root))
            .map(PathBuf::as_path)
            .collect()
    }
}

/// The canonical path; for a broken symbolic link (which cannot be resolved), its canonical
/// folder joined with its name, so that the link itself can still be named.
fn canonical(path: &Path) -> io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(error) => {
            let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
            match (is_link, path.parent(), path.file_name()) {
                (true, Some(parent), Some(name)) => {
                    let parent = if parent.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        parent
                    };
                    Ok(std::fs::canonicalize(parent)?.join(name))
                }
                _ => Err(error),
            }
        }
    }
}
