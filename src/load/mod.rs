//! Load stage: find every manifest file under the root, read it, and parse it into spanned
//! [`Node`] documents. Problems with one file become diagnostics and never stop the others.

pub mod git;
mod json;
pub mod node;
pub mod read;
pub mod root;
pub mod scope;
mod secret_values;
mod toml;
pub(crate) mod yaml;

pub(crate) use toml::MANIFEST_TABLES;

use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Sources, Span};
use node::Node;
use read::ReadError;

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
                write!(f, "manifest directory `{}` does not exist", display_path(p))
            }
            LoadError::RootUnreadable(p, e) => {
                write!(
                    f,
                    "cannot read manifest directory `{}`: {e}",
                    display_path(p)
                )
            }
            LoadError::RootNotADirectory(p) => {
                write!(
                    f,
                    "manifest directory `{}` is not a directory",
                    display_path(p)
                )
            }
        }
    }
}

/// The files of one tree, each loaded on its own.
#[derive(Debug)]
pub struct LoadedTree {
    pub root: SourceFile,
    /// In order: file `i` of the list is `FileId(i + 1)` (the root is 0).
    pub files: Vec<LoadedFile>,
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

/// One file, read and parsed on its own, with its place in the tree's [`Sources`] (`file`):
/// its spans point there. Files are parsed in parallel, each knowing its place beforehand.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub file: FileId,
    pub source: SourceFile,
    pub documents: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
    /// Counted among the files checked (a symbolic-link loop is not a file).
    pub counted: bool,
}

impl LoadedFile {
    fn problem(path: &Path, diagnostic: Diagnostic, counted: bool) -> Self {
        LoadedFile {
            file: diagnostic.file,
            source: source_at(path, String::new()),
            documents: Vec::new(),
            diagnostics: vec![diagnostic],
            counted,
        }
    }
}

/// What a walk of the tree found: manifest files to read, and entries that could not be
/// walked (already diagnosed).
#[derive(Debug, Default)]
pub struct Walk {
    pub manifests: Vec<PathBuf>,
    pub problems: Vec<LoadedFile>,
}

/// The root folder as a source, after checking that it can be read at all.
pub fn open_root(root: &Path) -> Result<SourceFile, LoadError> {
    match std::fs::metadata(root) {
        Err(_) => return Err(LoadError::RootMissing(root.to_path_buf())),
        Ok(meta) if !meta.is_dir() => return Err(LoadError::RootNotADirectory(root.to_path_buf())),
        Ok(_) => {}
    }
    if let Err(error) = std::fs::read_dir(root) {
        return Err(LoadError::RootUnreadable(root.to_path_buf(), error));
    }
    Ok(source_at(root, String::new()))
}

/// Loads every manifest under `root` into documents (for tools that want the documents
/// themselves; commands go through `pipeline`, which reads each file as it is parsed).
pub fn load_tree(root: &Path, follow_links: bool, limits: &Limits) -> Result<Loaded, LoadError> {
    let root_source = open_root(root)?;
    let walk = walk(root, follow_links);
    let files = walk
        .manifests
        .iter()
        .enumerate()
        .map(|(i, path)| load_file(path, FileId(i + 1), limits))
        .chain(walk.problems)
        .collect();
    Ok(assemble(root_source, files))
}

/// Finds every manifest file under `root`, in sorted order, skipping hidden entries.
pub fn walk(root: &Path, follow_links: bool) -> Walk {
    let mut found = Walk::default();
    let walker = WalkDir::new(root)
        .follow_links(follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) => {
                // A folder named like a manifest, or a link to one, is not a manifest (it is
                // not followed). Anything else is, and gets reported when read if it is not a
                // regular file: a broken link, a FIFO, a device.
                let is_folder = entry.file_type().is_dir()
                    || (entry.path_is_symlink()
                        && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()));
                if is_manifest_name(entry.path()) && !is_folder {
                    found.manifests.push(entry.into_path());
                }
            }
            Err(error) => found.problems.extend(walk_problem(&error)),
        }
    }
    found
}

/// Whether a path is named like a manifest (`*.yaml`, `*.yml`, `*.toml`, `*.json`).
pub fn is_manifest_name(path: &Path) -> bool {
    format_of(path).is_some()
}

/// Puts the files of one tree together: the root is file 0, then each file in the order
/// given (a file loaded for another place is moved to its own).
pub fn assemble(root: SourceFile, files: Vec<LoadedFile>) -> Loaded {
    let mut sources = Sources::default();
    let root = sources.add(root);
    let mut loaded = Loaded {
        sources,
        root,
        documents: Vec::new(),
        files: 0,
        diagnostics: Vec::new(),
    };
    for file in files {
        let id = loaded.sources.add(file.source);
        loaded.files += usize::from(file.counted);
        for mut document in file.documents {
            if file.file != id {
                document.set_file(id);
            }
            loaded.documents.push(document);
        }
        for mut diagnostic in file.diagnostics {
            diagnostic.set_file(id);
            loaded.diagnostics.push(diagnostic);
        }
    }
    loaded
}

enum Format {
    Yaml,
    Toml,
    Json,
}

fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(Format::Yaml),
        "toml" => Some(Format::Toml),
        "json" => Some(Format::Json),
        _ => None,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// A path as the user should see it: relative to the working directory when under it.
pub fn display_path(path: &Path) -> String {
    // Asked for every file: the working directory is looked up once.
    static CWD: std::sync::LazyLock<Option<PathBuf>> =
        std::sync::LazyLock::new(|| std::env::current_dir().ok());
    let shown = CWD
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = shown.display().to_string();
    match text.strip_prefix("./") {
        Some("") => ".".to_string(),
        Some(rest) => rest.to_string(),
        None if text.is_empty() => ".".to_string(),
        None => text,
    }
}

fn walk_problem(error: &walkdir::Error) -> Option<LoadedFile> {
    let path = error.path()?;
    if let Some(ancestor) = error.loop_ancestor() {
        // A link, not a manifest file: not counted among the files checked.
        let diagnostic = Diagnostic::in_file(
            Code::SymlinkLoop,
            FileId::PENDING,
            format!(
                "symbolic link loops back to `{}`; not followed",
                display_path(ancestor)
            ),
        )
        .with_help("remove the link, or point it outside the tree");
        return Some(LoadedFile::problem(path, diagnostic, false));
    }
    // A broken link or unreadable entry: report it if it is a manifest or a folder.
    let is_dir = error.depth() == 0 || format_of(path).is_none();
    if is_dir && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
        return None; // a broken link that is not named like a manifest
    }
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), describe_io_error);
    let diagnostic = Diagnostic::in_file(
        Code::UnreadableFile,
        FileId::PENDING,
        format!("cannot read: {reason}"),
    );
    Some(LoadedFile::problem(path, diagnostic, true))
}

fn describe_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "it does not exist (a broken symbolic link?)".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

fn unreadable(path: &Path, file: FileId, error: &io::Error) -> LoadedFile {
    let mut diagnostic = Diagnostic::in_file(
        Code::UnreadableFile,
        file,
        format!("cannot read: {}", describe_io_error(error)),
    );
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) {
        diagnostic = diagnostic.with_help("fix or remove the link");
    }
    LoadedFile::problem(path, diagnostic, true)
}

/// A file that was found but could not be read (e.g. at a git revision), and why.
fn unreadable_at(path: &Path, display: String, file: FileId, problem: String) -> LoadedFile {
    LoadedFile {
        file,
        source: SourceFile::new(path.to_path_buf(), display, String::new()),
        documents: Vec::new(),
        diagnostics: vec![Diagnostic::in_file(
            Code::UnreadableFile,
            file,
            format!("cannot read: {problem}"),
        )],
        counted: true,
    }
}

/// A source for the file at `path`, shown by its display path.
fn source_at(path: &Path, text: String) -> SourceFile {
    SourceFile::new(path.to_path_buf(), display_path(path), text)
}

/// Reads and parses one manifest file from disk, as file `file` of its tree.
pub fn load_file(path: &Path, file: FileId, limits: &Limits) -> LoadedFile {
    match read::read_bounded(path, limits.max_file_bytes) {
        Ok(bytes) => parse_file(path, display_path(path), bytes, file, limits),
        Err(error @ ReadError::TooLarge { .. }) => too_large(path, file, &error),
        Err(ReadError::NotAFile(what)) => not_a_file(path, file, what),
        Err(ReadError::Io(error)) => unreadable(path, file, &error),
    }
}

fn too_large(path: &Path, file: FileId, error: &ReadError) -> LoadedFile {
    too_large_at(path, display_path(path), file, error)
}

/// A file over the limit (on disk or at a git revision), shown as `display`.
fn too_large_at(path: &Path, display: String, file: FileId, error: &ReadError) -> LoadedFile {
    let diagnostic = Diagnostic::in_file(Code::LimitExceeded, file, error.to_string())
        .with_help("split it into several files");
    LoadedFile {
        file,
        source: SourceFile::new(path.to_path_buf(), display, String::new()),
        documents: Vec::new(),
        diagnostics: vec![diagnostic],
        counted: true,
    }
}

/// A FIFO, a device or a socket named like a manifest (or a link to one): never opened for
/// long, so it cannot block or flood the load.
fn not_a_file(path: &Path, file: FileId, what: &'static str) -> LoadedFile {
    let through_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    let help = if through_link {
        "manifests are regular files; point the link at one, or remove it"
    } else {
        "manifests are regular files; remove it, or rename it so it does not end in .yaml, .yml, .toml or .json"
    };
    let diagnostic = Diagnostic::in_file(
        Code::UnreadableFile,
        file,
        format!("cannot read: {}", ReadError::NotAFile(what)),
    )
    .with_help(help);
    LoadedFile::problem(path, diagnostic, true)
}

/// Parses the bytes of one manifest file, wherever they came from (disk or a git
/// revision); `display` is how messages name it. The format follows the file name.
pub fn parse_file(
    path: &Path,
    display: String,
    bytes: Vec<u8>,
    file: FileId,
    limits: &Limits,
) -> LoadedFile {
    if bytes.len() as u64 > limits.max_file_bytes {
        let error = ReadError::TooLarge {
            limit: limits.max_file_bytes,
            len: Some(bytes.len() as u64),
        };
        return too_large(path, file, &error);
    }
    let mut diagnostics = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&error.as_bytes()[..valid]).into_owned();
            diagnostics.push(
                Diagnostic::at(
                    Code::NotText,
                    Span::new(file, valid..valid),
                    "file is not UTF-8 text (a binary file?)",
                )
                .with_label("invalid byte here")
                .with_help("manifests must be UTF-8; remove the file or rename it"),
            );
            return LoadedFile {
                file,
                source: SourceFile::new(path.to_path_buf(), display, prefix),
                documents: Vec::new(),
                diagnostics,
                counted: true,
            };
        }
    };
    let mut documents = parse_text(path, &text, file, limits, &mut diagnostics);
    let mut source = SourceFile::new(path.to_path_buf(), display, text);
    // Secret values are reported and redacted before anything else reads the documents.
    secret_values::redact_documents(&mut documents, &mut source, &mut diagnostics);
    LoadedFile {
        file,
        source,
        documents,
        diagnostics,
        counted: true,
    }
}

fn parse_text(
    path: &Path,
    text: &str,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    if let Some(nul) = text.find('\0') {
        diagnostics.push(
            Diagnostic::at(
                Code::NotText,
                Span::new(file, nul..nul),
                "file contains a NUL byte (a binary file?)",
            )
            .with_help("manifests are text; remove the file or rename it"),
        );
        return Vec::new();
    }
    // A UTF-8 byte-order mark is allowed and skipped; spans stay relative to the whole file.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[base..];
    match format_of(path) {
        Some(Format::Yaml) => yaml::parse(body, base, file, limits, diagnostics),
        Some(Format::Toml) => toml::parse(body, base, file, limits, diagnostics),
        Some(Format::Json) => json::parse(body, base, file, limits, diagnostics),
        None => Vec::new(),
    }
}

/// For the loaders' tests: each text of `invalid` gets an E0001 at a place, no text of `valid`
/// gets any E0001, as `parse` reads them.
#[cfg(test)]
pub(crate) fn assert_syntax_verdicts(
    invalid: &[&str],
    valid: &[&str],
    parse: impl Fn(&str) -> Vec<Diagnostic>,
) {
    use crate::diagnostic::Code;
    for text in invalid {
        let diags = parse(text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == Code::Syntax && d.span.is_some()),
            "{text:?}: {diags:?}"
        );
    }
    for text in valid {
        let diags = parse(text);
        assert!(
            !diags.iter().any(|d| d.code == Code::Syntax),
            "{text:?}: {diags:?}"
        );
    }
}
