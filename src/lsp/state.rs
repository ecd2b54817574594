//! What the server keeps: the tree's root, the editor's open buffers (which stand in for the
//! files on disk), and the tree as last linked with them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

use crate::load::LoadError;
use crate::pipeline::{self, Checked};
use crate::source::FileId;

pub struct State {
    /// The manifest folder, made absolute so that walked paths match the editor's.
    pub root: PathBuf,
    pub follow_links: bool,
    /// Open buffers by path: their text and the version the editor gave it.
    pub buffers: HashMap<PathBuf, Buffer>,
    /// The tree as last linked (`None` before the first link, or when the root is unreadable).
    pub checked: Option<Checked>,
    /// The files of `checked`, by path.
    files: HashMap<PathBuf, FileId>,
    /// A buffer changed since the last link.
    pub dirty: bool,
}

pub struct Buffer {
    pub text: String,
    pub version: i32,
}

impl State {
    pub fn new(root: &Path, follow_links: bool) -> Self {
        State {
            root: canonical(root),
            follow_links,
            buffers: HashMap::new(),
            checked: None,
            files: HashMap::new(),
            dirty: true,
        }
    }

    /// Loads and links the tree again, the open buffers read in place of their files.
    pub fn relink(&mut self) -> Result<(), LoadError> {
        self.dirty = false;
        let texts: HashMap<PathBuf, String> = (self.buffers.iter())
            .map(|(path, buffer)| (path.clone(), buffer.text.clone()))
            .collect();
        let checked = pipeline::check_tree_with(&self.root, self.follow_links, &texts);
        self.checked = None;
        self.files.clear();
        let checked = checked?;
        self.files = (1..checked.sources.len())
            .map(|id| (checked.sources.get(FileId(id)).path.clone(), FileId(id)))
            .collect();
        self.checked = Some(checked);
        Ok(())
    }

    /// The file of the linked tree at `path`, when it is part of it.
    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.files.get(path).copied()
    }
}

/// A file path made absolute and free of symbolic links where it exists (its folder, for a
/// file not saved yet), so that the editor's paths and the walk's compare equal.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(found) = std::fs::canonicalize(path) {
        return found;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
            canonical(parent).join(name)
        }
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The file a `file:` URI names; `None` for any other scheme.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    let path = url.to_file_path().ok()?;
    Some(canonical(&path))
}

/// The `file:` URI of a path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    Uri::from_str(url.as_str()).ok()
}
