//! What the server keeps: the tree's root, the editor's open buffers (which stand in for the
//! files on disk), and the tree as last linked with them.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

use crate::diagnostic::Diagnostic;
use crate::load::{self, Limits, LoadError};
use crate::pipeline::{self, Checked, ReadFile};
use crate::source::{FileId, SourceFile};
use crate::watch::{self, Edit, Refresh, TreeCache};

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
    /// The buffers `checked` linked in place of their files: the text and what was read of
    /// it (the very manifests linked, which an edit linked in place takes out again).
    linked_buffers: HashMap<PathBuf, LinkedBuffer>,
    /// A buffer changed since the last link.
    pub dirty: bool,
    /// How many links were made in place (rather than afresh): for tests.
    in_place: usize,
}

pub struct Buffer {
    pub text: String,
    pub version: i32,
}

struct LinkedBuffer {
    text: String,
    read: ReadFile,
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
            linked_buffers: HashMap::new(),
            dirty: true,
            in_place: 0,
        }
    }

    /// Links the tree again, the open buffers read in place of their files: in place when
    /// every file keeps its place and the edit keeps every id (as `watch` does), else afresh.
    pub fn relink(&mut self) -> Result<(), LoadError> {
        self.dirty = false;
        let touched = std::mem::take(&mut self.touched);
        let refresh = match self.cache.refresh(&touched) {
            Ok(refresh) => refresh,
            Err(error) => {
                self.checked = None;
                self.files.clear();
                self.linked_buffers.clear();
                return Err(error);
            }
        };
        if self.link_in_place(&refresh) {
            self.in_place += 1;
        } else {
            self.link_afresh(refresh.root);
        }
        Ok(())
    }

    /// Links every file afresh, the open buffers in place of their files.
    fn link_afresh(&mut self, root: SourceFile) {
        self.checked = None;
        self.files.clear();
        let mut files = self.cache.files_in_order();
        self.linked_buffers = self.overlay_buffers(&mut files);
        let checked = pipeline::check_files(root, files);
        self.files = (1..checked.sources.len())
            .map(|id| (checked.sources.get(FileId(id)).path.clone(), FileId(id)))
            .collect();
        self.checked = Some(checked);
    }

    /// Links into the last linked tree what changed since (files edited on disk, buffers
    /// opened, changed or closed), when every file keeps its place; `false` when the tree
    /// must be linked afresh (nothing changed then).
    fn link_in_place(&mut self, refresh: &Refresh) -> bool {
        let (Some(on_disk), Some(_)) = (&refresh.edits, &self.checked) else {
            return false;
        };
        let Some((edits, linked_buffers)) = self.edits_since_last_link(on_disk) else {
            return false;
        };
        if !edits.is_empty() {
            let cache = &self.cache;
            let read = read_diagnostics(cache, &linked_buffers);
            let checked = self.checked.as_mut().expect("checked above");
            if !watch::link_in_place(checked, &edits, read) {
                return false;
            }
        }
        self.linked_buffers = linked_buffers;
        true
    }

    /// What changed in each file since the last link (each edit's `before` is what was
    /// linked, and its `now` what is to be), and the buffers that then stand in for their
    /// files; `None` when a file would be added or removed (a buffer of a new file opened or
    /// closed).
    fn edits_since_last_link(
        &self,
        on_disk: &[Edit],
    ) -> Option<(Vec<Edit>, HashMap<PathBuf, LinkedBuffer>)> {
        let disk_before: HashMap<&Path, &ReadFile> = (on_disk.iter())
            .map(|edit| (edit.now.source.path.as_path(), &edit.before))
            .collect();
        let paths: BTreeSet<&Path> = (disk_before.keys().copied())
            .chain(self.linked_buffers.keys().map(PathBuf::as_path))
            .chain(self.buffers.keys().map(PathBuf::as_path))
            .collect();
        let mut edits = Vec::new();
        let mut linked_buffers = HashMap::new();
        for path in paths {
            let linked = self.linked_buffers.get(path);
            let before = (linked.map(|b| &b.read))
                .or_else(|| disk_before.get(path).copied())
                .or_else(|| self.cache.read_of(path));
            let buffer = (self.buffers.get(path)).filter(|_| self.links(path));
            let now = match (before, buffer) {
                (None, None) => continue,
                // A buffer of a file not linked before: a new file.
                (None, Some(_)) => return None,
                (Some(before), Some(buffer)) => {
                    let unchanged = linked.filter(|l| l.text == buffer.text);
                    let now = match unchanged {
                        Some(linked) => linked.read.clone(),
                        None => read_buffer(path, buffer, before.file),
                    };
                    // What stands in for the file is what is linked: the manifests taken
                    // out by the next edit must be those linked.
                    let kept = if watch::same(before, &now) {
                        before.clone()
                    } else {
                        now.clone()
                    };
                    let text = buffer.text.clone();
                    linked_buffers.insert(path.to_path_buf(), LinkedBuffer { text, read: kept });
                    now
                }
                // Closed: the file on disk counts again (gone, for a buffer of a new file).
                (Some(_), None) => self.cache.read_of(path)?.clone(),
            };
            let before = before.expect("matched above");
            if !watch::same(before, &now) {
                edits.push(Edit {
                    place: before.file.0 - 1,
                    before: before.clone(),
                    now,
                });
            }
        }
        Some((edits, linked_buffers))
    }

    /// Whether a buffer at `path` is linked: it is a file of the tree, or a walk would find it
    /// once saved.
    fn links(&self, path: &Path) -> bool {
        self.cache.read_of(path).is_some()
            || (load::is_manifest_name(path) && in_walk_of(&self.root, path))
    }

    /// Marks a file as possibly changed on disk (saved, closed, or changed by another tool),
    /// to be read again at the next link.
    pub fn touch(&mut self, path: PathBuf) {
        self.touched.push(path);
        self.dirty = true;
    }

    /// Puts each open buffer in place of its file as read from disk; buffers of manifest
    /// files not saved yet (that a walk would find) go after the tree's files. Returns what
    /// was read of each buffer put in.
    fn overlay_buffers(&self, files: &mut Vec<ReadFile>) -> HashMap<PathBuf, LinkedBuffer> {
        let mut linked = HashMap::new();
        let mut buffers: Vec<(&PathBuf, &Buffer)> = self.buffers.iter().collect();
        buffers.sort_by_key(|(path, _)| *path);
        for (path, buffer) in buffers {
            let read = match files
                .iter()
                .position(|f| f.counted && f.source.path == *path)
            {
                Some(place) => {
                    files[place] = read_buffer(path, buffer, files[place].file);
                    files[place].clone()
                }
                None if load::is_manifest_name(path) && in_walk_of(&self.root, path) => {
                    let file = FileId(files.len() + 1);
                    files.push(read_buffer(path, buffer, file));
                    files[files.len() - 1].clone()
                }
                None => continue,
            };
            let text = buffer.text.clone();
            linked.insert(path.clone(), LinkedBuffer { text, read });
        }
        linked
    }

    /// The file of the linked tree at `path`, when it is part of it.
    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.files.get(path).copied()
    }
}

/// A buffer read as the file at `path`, for its place `file` in the tree.
fn read_buffer(path: &Path, buffer: &Buffer, file: FileId) -> ReadFile {
    let bytes = buffer.text.clone().into_bytes();
    let display = load::display_path(path);
    let limits = Limits::default();
    pipeline::read_file(load::parse_file(path, display, bytes, file, &limits))
}

/// The problems found reading each file of the tree as linked (its buffer, where one stands
/// in for it), in the order a fresh link finds them: the tree's files, the walk's problems,
/// then buffers of files not saved yet.
fn read_diagnostics<'a>(
    cache: &'a TreeCache,
    buffers: &'a HashMap<PathBuf, LinkedBuffer>,
) -> impl Iterator<Item = &'a Diagnostic> {
    let mut new_files: Vec<&ReadFile> = (buffers.iter())
        .filter(|(path, _)| cache.read_of(path).is_none())
        .map(|(_, buffer)| &buffer.read)
        .collect();
    new_files.sort_by_key(|read| read.file);
    (cache.read_files())
        .map(|read| match buffers.get(&read.source.path) {
            Some(buffer) if read.counted => &buffer.read,
            _ => read,
        })
        .chain(new_files)
        .flat_map(|read| &read.diagnostics)
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

#[cfg(test)]
mod tests {
    //! Buffer edits linked in place must give what a fresh link of the same buffers gives:
    //! the diagnostics, the files' text, and what navigation and hover answer.

    use lsp_types::{
        GotoDefinitionParams, HoverParams, TextDocumentIdentifier, TextDocumentPositionParams,
    };

    use super::*;
    use crate::lsp::position::Lines;
    use crate::lsp::{hover, navigation};
    use crate::report;

    fn process(id: &str, status: &str, environment: &str, capability: &str) -> String {
        format!(
            "kind: Process\nid: {id}\nname: {id}\nstatus: {status}\n\
             metadata: {{platform: nodejs}}\ncapabilities: [{capability}]\nrequires: [cap.b]\n\
             runtimeContext:\n  environment: {environment}\n  version: nodejs-20.x\n---\n\
             kind: Provider\nid: {id}-provider\nplatform: nodejs\nprocess: {id}\n\
             capabilities: [{capability}]\n"
        )
    }

    fn binding(process: &str, environment: &str) -> String {
        format!(
            "kind: Binding\nid: net\nprocessId: {process}\nenvironmentId: {environment}\n\
             type: network\nconfig: {{egress: [\"api.example.com:443\"]}}\n"
        )
    }

    fn write(root: &Path, file: &str, text: &str) -> PathBuf {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn write_tree(root: &Path) {
        write(
            root,
            "a0.yaml",
            &process("a0", "running", "production", "cap.a"),
        );
        write(
            root,
            "a1.yaml",
            &process("a1", "running", "staging", "cap.b"),
        );
        write(
            root,
            "sub/a2.yaml",
            &process("a2", "stopped", "production", "cap.b"),
        );
        write(root, "b0.yaml", &binding("a0", "production"));
        write(
            root,
            "maps.yaml",
            "kind: CapabilityMap\nmappings:\n  cap: [a0-provider, a1-provider]\n",
        );
        write(
            root,
            "settings.yaml",
            "kind: Settings\nspec:\n  lints: {E0210: warn, E0211: warn}\n",
        );
    }

    /// The same buffers over the same files, linked afresh.
    fn fresh(state: &State) -> State {
        let mut fresh = State::new(&state.root, false);
        for (path, buffer) in &state.buffers {
            let text = buffer.text.clone();
            let version = buffer.version;
            fresh.buffers.insert(path.clone(), Buffer { text, version });
        }
        fresh.relink().unwrap();
        fresh
    }

    /// What a state says: its diagnostics, each file's path and text, and, at each id and
    /// capability name of the tree, what hover and go to definition answer.
    fn said(state: &State) -> Vec<String> {
        let checked = state.checked.as_ref().expect("linked");
        let mut said =
            vec![report::json_diagnostics(&checked.sources, &checked.diagnostics).to_string()];
        let mut files: Vec<_> = state.files.iter().collect();
        files.sort();
        for (path, file) in files {
            let source = checked.sources.get(*file);
            assert_eq!(source.path, *path);
            said.push(format!("{file:?} {}:\n{}", path.display(), source.text));
        }
        for occurrence in navigation::occurrences(&checked.linked) {
            let source = checked.sources.get(occurrence.span.file);
            let at = TextDocumentPositionParams {
                text_document: TextDocumentIdentifier {
                    uri: uri_of(&source.path).unwrap(),
                },
                position: Lines::new(&source.text).position(occurrence.span.range().start + 1),
            };
            let hover = hover::hover(
                state,
                HoverParams {
                    text_document_position_params: at.clone(),
                    work_done_progress_params: Default::default(),
                },
            );
            let definition = navigation::definition(
                state,
                GotoDefinitionParams {
                    text_document_position_params: at,
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                },
            );
            said.push(format!("{occurrence:?}\n{hover:?}\n{definition:?}"));
        }
        said
    }

    fn open(state: &mut State, path: &Path, text: &str) {
        let version = state.buffers.get(path).map_or(1, |b| b.version + 1);
        let text = text.to_string();
        state
            .buffers
            .insert(path.to_path_buf(), Buffer { text, version });
        state.dirty = true;
    }

    #[test]
    fn buffer_edits_linked_in_place_match_a_fresh_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("linker.d");
        write_tree(&root);
        let mut state = State::new(&root, false);
        state.relink().unwrap();
        let root = state.root.clone();
        let (a0, a1, a2, b0) = (
            root.join("a0.yaml"),
            root.join("a1.yaml"),
            root.join("sub/a2.yaml"),
            root.join("b0.yaml"),
        );
        let unsaved = root.join("sub/new.yaml");
        type Step<'p> = Box<dyn Fn(&mut State) + 'p>;
        let steps: Vec<(&str, Step)> = vec![
            (
                "opened as on disk",
                Box::new(|s| open(s, &a0, &process("a0", "running", "production", "cap.a"))),
            ),
            (
                "a status",
                Box::new(|s| open(s, &a0, &process("a0", "stopped", "production", "cap.a"))),
            ),
            (
                "an unknown field",
                Box::new(|s| {
                    open(
                        s,
                        &a0,
                        &process("a0", "stopped", "production", "cap.a")
                            .replace("status:", "colour: red\nstatus:"),
                    )
                }),
            ),
            (
                "an unknown environment",
                Box::new(|s| open(s, &a0, &process("a0", "stopped", "productionx", "cap.a"))),
            ),
            (
                "mended",
                Box::new(|s| open(s, &a0, &process("a0", "running", "production", "cap.a"))),
            ),
            (
                "every span moved",
                Box::new(|s| {
                    open(
                        s,
                        &a0,
                        &format!(
                            "# moved\n\n{}",
                            process("a0", "running", "production", "cap.a")
                        ),
                    )
                }),
            ),
            (
                "a binding re-pointed",
                Box::new(|s| open(s, &b0, &binding("a1", "staging"))),
            ),
            (
                "two buffers at once",
                Box::new(|s| {
                    open(s, &a1, &process("a1", "error", "staging", "cap.b"));
                    open(s, &b0, &binding("a2", "nowhere"));
                }),
            ),
            (
                "an id changed (afresh)",
                Box::new(|s| open(s, &a1, &process("a9", "error", "staging", "cap.b"))),
            ),
            (
                "the id back (afresh)",
                Box::new(|s| open(s, &a1, &process("a1", "error", "staging", "cap.b"))),
            ),
            (
                "a buffer closed unsaved",
                Box::new(|s| {
                    s.buffers.remove(&b0);
                    s.touch(b0.clone());
                }),
            ),
            (
                "a file not open changed on disk",
                Box::new(|s| {
                    write(
                        &root,
                        "sub/a2.yaml",
                        &process("a2", "running", "staging", "cap.b"),
                    );
                    s.touch(a2.clone());
                }),
            ),
            (
                "an open file changed on disk",
                Box::new(|s| {
                    write(
                        &root,
                        "a0.yaml",
                        &process("a0", "error", "development", "cap.a"),
                    );
                    s.touch(a0.clone());
                }),
            ),
            (
                "a new file (afresh)",
                Box::new(|s| {
                    open(
                        s,
                        &unsaved,
                        &binding("a2", "staging").replace("id: net", "id: net2"),
                    )
                }),
            ),
            (
                "the new file edited",
                Box::new(|s| {
                    open(
                        s,
                        &unsaved,
                        &binding("a0", "staging").replace("id: net", "id: net2"),
                    )
                }),
            ),
            (
                "a syntax error (afresh)",
                Box::new(|s| open(s, &a0, "kind: Process\nid: a0\nname: [unclosed\n")),
            ),
            (
                "mended (afresh)",
                Box::new(|s| open(s, &a0, &process("a0", "running", "production", "cap.a"))),
            ),
            (
                "the new file closed (afresh)",
                Box::new(|s| {
                    s.buffers.remove(&unsaved);
                    s.touch(unsaved.clone());
                }),
            ),
            (
                "the other buffer closed",
                Box::new(|s| {
                    s.buffers.remove(&a0);
                    s.touch(a0.clone());
                }),
            ),
        ];
        for (step, edit) in &steps {
            edit(&mut state);
            state.relink().unwrap();
            assert_eq!(said(&state), said(&fresh(&state)), "after {step}");
        }
        let afresh = steps
            .iter()
            .filter(|(s, _)| s.ends_with("(afresh)"))
            .count();
        assert_eq!(state.in_place, steps.len() - afresh);
    }
}
