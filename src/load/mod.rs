//! Load stage: find every manifest file under the root, read it, and parse it into spanned
//! [`Node`] documents. Problems with one file become diagnostics and never stop the others.

pub mod node;
pub mod scope;
pub mod source;
mod toml;
mod yaml;

pub(crate) use toml::MANIFEST_TABLES;

use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};
use node::Node;
use source::{FileId, SourceFile, Sources, Span};

/// Bounds on what one file may cost, so hostile input ends in a clear error, not a hang.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_depth: usize,
    /// Values one document may hold, counting every copy an alias makes.
    pub max_values: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_values: 250_000,
        }
    }
}

/// The root could not be loaded at all: oslinker cannot do its job (exit 2).
#[derive(Debug)]
pub enum LoadError {
    RootMissing(PathBuf),
    RootNotADirectory(PathBuf),
    RootUnreadable(PathBuf, io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::RootMissing(p) => {
                write!(f, "manifest directory `{}` does not exist", p.display())
            }
            LoadError::RootUnreadable(p, e) => {
                write!(f, "cannot read manifest directory `{}`: {e}", p.display())
            }
            LoadError::RootNotADirectory(p) => {
                write!(f, "manifest directory `{}` is not a directory", p.display())
            }
        }
    }
}

/// Everything read from one tree.
#[derive(Debug)]
pub struct Loaded {
    pub sources: Sources,
    /// The root folder, as a source that tree-level diagnostics point at.
    pub root: FileId,
    /// Each document that parsed, in sorted path order, then order within the file.
    pub documents: Vec<Node>,
    /// Manifest files found (read or not).
    pub files: usize,
    pub diagnostics: Vec<Diagnostic>,
}

enum Format {
    Yaml,
    Toml,
}

fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(Format::Yaml),
        "toml" => Some(Format::Toml),
        _ => None,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// A path as the user should see it: relative to the working directory when under it.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = shown.display().to_string();
    match text.strip_prefix("./").unwrap_or(&text) {
        "" => ".".to_string(),
        rest => rest.to_string(),
    }
}

/// Loads every manifest under `root`.
pub fn load_tree(root: &Path, follow_links: bool, limits: &Limits) -> Result<Loaded, LoadError> {
    match std::fs::metadata(root) {
        Err(_) => return Err(LoadError::RootMissing(root.to_path_buf())),
        Ok(meta) if !meta.is_dir() => return Err(LoadError::RootNotADirectory(root.to_path_buf())),
        Ok(_) => {}
    }
    if let Err(error) = std::fs::read_dir(root) {
        return Err(LoadError::RootUnreadable(root.to_path_buf(), error));
    }
    let mut sources = Sources::default();
    let root_id = sources.add(source_at(root, String::new()));
    let mut loaded = Loaded {
        sources,
        root: root_id,
        documents: Vec::new(),
        files: 0,
        diagnostics: Vec::new(),
    };
    let walker = WalkDir::new(root)
        .follow_links(follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) => {
                if let Some(format) = format_of(entry.path()) {
                    if entry.file_type().is_file() || entry.path_is_symlink() {
                        read_manifest_file(entry.path(), format, limits, &mut loaded);
                    }
                }
            }
            Err(error) => report_walk_error(&error, &mut loaded),
        }
    }
    Ok(loaded)
}

fn report_walk_error(error: &walkdir::Error, loaded: &mut Loaded) {
    let Some(path) = error.path() else { return };
    if let Some(ancestor) = error.loop_ancestor() {
        // A link, not a manifest file: not counted among the files checked.
        let file = loaded.sources.add(source_at(path, String::new()));
        loaded.diagnostics.push(
            Diagnostic::in_file(
                Code::SymlinkLoop,
                file,
                format!(
                    "symbolic link loops back to `{}`; not followed",
                    display_path(ancestor)
                ),
            )
            .with_help("remove the link, or point it outside the tree"),
        );
        return;
    }
    // A broken link or unreadable entry: report it if it is a manifest or a folder.
    let is_dir = error.depth() == 0 || format_of(path).is_none();
    if is_dir && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
        return; // a broken link that is not named like a manifest
    }
    let file = add_unread(loaded, path);
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), describe_io_error);
    loaded.diagnostics.push(Diagnostic::in_file(
        Code::UnreadableFile,
        file,
        format!("cannot read: {reason}"),
    ));
}

fn describe_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "it does not exist (a broken symbolic link?)".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

fn report_unreadable(loaded: &mut Loaded, path: &Path, error: &io::Error) {
    let file = add_unread(loaded, path);
    let mut diagnostic = Diagnostic::in_file(
        Code::UnreadableFile,
        file,
        format!("cannot read: {}", describe_io_error(error)),
    );
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
        diagnostic = diagnostic.with_help("fix or remove the link");
    }
    loaded.diagnostics.push(diagnostic);
}

/// Registers a file that could not be read, so diagnostics can name it.
/// A source for the file at `path`, shown by its display path.
fn source_at(path: &Path, text: String) -> SourceFile {
    SourceFile::new(path.to_path_buf(), display_path(path), text)
}

fn add_unread(loaded: &mut Loaded, path: &Path) -> FileId {
    loaded.files += 1;
    loaded.sources.add(source_at(path, String::new()))
}

fn read_manifest_file(path: &Path, format: Format, limits: &Limits, loaded: &mut Loaded) {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(error) => return report_unreadable(loaded, path, &error),
    };
    if metadata.is_dir() {
        return; // a folder named like a manifest, reached through a link we do not follow
    }
    if metadata.len() > limits.max_file_bytes {
        let file = add_unread(loaded, path);
        loaded.diagnostics.push(
            Diagnostic::in_file(
                Code::LimitExceeded,
                file,
                format!(
                    "file is {} bytes, more than the limit of {} bytes",
                    metadata.len(),
                    limits.max_file_bytes
                ),
            )
            .with_help("split it into several files"),
        );
        return;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return report_unreadable(loaded, path, &error),
    };
    loaded.files += 1;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&error.as_bytes()[..valid]).into_owned();
            let file = loaded.sources.add(source_at(path, prefix));
            loaded.diagnostics.push(
                Diagnostic::at(
                    Code::NotText,
                    Span::new(file, valid..valid),
                    "file is not UTF-8 text (a binary file?)",
                )
                .with_label("invalid byte here")
                .with_help("manifests must be UTF-8; remove the file or rename it"),
            );
            return;
        }
    };
    let file = loaded.sources.add(source_at(path, text));
    let text = &loaded.sources.get(file).text;
    if let Some(nul) = text.find('\0') {
        loaded.diagnostics.push(
            Diagnostic::at(
                Code::NotText,
                Span::new(file, nul..nul),
                "file contains a NUL byte (a binary file?)",
            )
            .with_help("manifests are text; remove the file or rename it"),
        );
        return;
    }
    // A UTF-8 byte-order mark is allowed and skipped; spans stay relative to the whole file.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[base..];
    let documents = match format {
        Format::Yaml => yaml::parse(body, base, file, limits, &mut loaded.diagnostics),
        Format::Toml => toml::parse(body, base, file, limits, &mut loaded.diagnostics),
    };
    loaded.documents.extend(documents);
}
