//! What the server keeps: the tree's root, the editor's open buffers (which stand in for the
//! files on disk), and the tree as last linked with them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

use crate::load::{self, Limits, LoadError};
use crate::pipeline::{self, Checked, ReadFile};
use crate::source::FileId;
use crate::watch::TreeCache;

pub struct State {
    /// The manifest folder, made absolute so that walked paths match the editor's.
    pub root: PathBuf,
    /// Open buffers by path: their text and the version the editor gave it.
    pub buffers: HashMap<PathBuf, Buffer>,
    /// The tree as last linked (`None` before the first link, or when the root is unreadable).
    pub checked: Option<Checked>,
    /// Every file of the tree as last read from disk: a link reads again only the files
    /// named in `touched` (saved, closed, or changed on disk), as `watch` does.
    cache: TreeCache,
    /// Files that may differ on disk from what `cache` holds.
    touched: Vec<PathBuf>,
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
        let root = canonical(root);
        State {
            cache: TreeCache::new(&root, follow_links),
            touched: Vec::new(),
            root,
            buffers: HashMap::new(),
            checked: None,
            files: HashMap::new(),
            dirty: true,
        }
    }

    /// Loads and links the tree again, the open buffers read in place of their files.
    pub fn relink(&mut self) -> Result<(), LoadError> {
        self.dirty = false;
        self.checked = None;
        self.files.clear();
        let touched = std::mem::take(&mut self.touched);
        let refresh = self.cache.refresh(&touched)?;
        let mut files = self.cache.files_in_order();
        self.overlay_buffers(&mut files);
        let checked = pipeline::check_files(refresh.root, files);
        self.files = (1..checked.sources.len())
            .map(|id| (checked.sources.get(FileId(id)).path.clone(), FileId(id)))
            .collect();
        self.checked = Some(checked);
        Ok(())
    }

    /// Marks a file as possibly changed on disk (saved, closed, or changed by another tool),
    /// to be read again at the next link.
    pub fn touch(&mut self, path: PathBuf) {
        self.touched.push(path);
        self.dirty = true;
    }

    /// Puts each open buffer in place of its file as read from disk; buffers of manifest
    /// files not saved yet (that a walk would find) go after the tree's files.
    fn overlay_buffers(&self, files: &mut Vec<ReadFile>) {
        let limits = Limits::default();
        let read = |path: &Path, buffer: &Buffer, file: FileId| {
            let bytes = buffer.text.clone().into_bytes();
            let display = load::display_path(path);
            pipeline::read_file(load::parse_file(path, display, bytes, file, &limits))
        };
        let mut buffers: Vec<(&PathBuf, &Buffer)> = self.buffers.iter().collect();
        buffers.sort_by_key(|(path, _)| *path);
        for (path, buffer) in buffers {
            match files
                .iter()
                .position(|f| f.counted && f.source.path == *path)
            {
                Some(place) => files[place] = read(path, buffer, files[place].file),
                None if load::is_manifest_name(path) && in_walk_of(&self.root, path) => {
                    let file = FileId(files.len() + 1);
                    files.push(read(path, buffer, file));
                }
                None => {}
            }
        }
    }

    /// The file of the linked tree at `path`, when it is part of it.
    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.files.get(path).copied()
    }
}

/// Whether a walk of `root` would find `path` (under it, in no hidden folder).
fn in_walk_of(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|relative| {
        (relative.components()).all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
    })
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
