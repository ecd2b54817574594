//! Loading the manifest directory as committed at a git revision (`diff git:REV`).
//!
//! Only plumbing commands run (`rev-parse`, `ls-tree`, `cat-file`): they run no hooks, take
//! no locks and write nothing into the repository or the working tree. File contents are
//! read into memory and parsed by the same code as files on disk.

use std::io::{BufRead, BufReader, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use super::source::FileId;
use super::{Limits, LoadedFile, LoadedTree, SourceFile, display_path, is_hidden};

/// The tree at a revision, or `None` when the directory held no manifests there.
pub fn load_revision(
    root: &Path,
    rev: &str,
    limits: &Limits,
) -> Result<Option<LoadedTree>, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!(
            "`{rev}` is not a revision\nhelp: write a branch, tag or commit after `git:`, e.g. `git:HEAD~1`"
        ));
    }
    let root = std::path::absolute(root)
        .map_err(|e| format!("cannot resolve `{}`: {e}", root.display()))?;
    let (top, prefix) = locate(&root)?;
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .ok()
    .map(|out| out.trim().to_string())
    .filter(|sha| !sha.is_empty())
    .ok_or_else(|| {
        format!(
            "unknown revision `{rev}` in the git repository at `{}`",
            display_path(&top)
        )
    })?;
    let blobs = list_manifests(&top, &commit, &prefix)?;
    if blobs.is_empty() {
        return Ok(None);
    }
    let contents = read_blobs(&top, &blobs)?;
    let shown_prefix = slash_path(&prefix);
    // What was read, or why not; links to folders are skipped, as on disk.
    let found: Vec<(&Blob, Result<Vec<u8>, String>)> = blobs
        .iter()
        .zip(contents)
        .filter_map(|(blob, content)| match content {
            Content::Bytes(bytes) => Some((blob, Ok(bytes))),
            Content::Unreadable(problem) => Some((blob, Err(problem))),
            Content::Skip => None,
        })
        .collect();
    // File 0 is the root; the files follow in order.
    let files = found
        .into_iter()
        .enumerate()
        .map(|(index, (blob, content))| {
            let file = FileId(index + 1);
            let relative = blob.path.strip_prefix(&prefix).unwrap_or(&blob.path);
            let display = format!("{rev}:{}", slash_path(&blob.path));
            let path = root.join(relative);
            match content {
                Ok(bytes) => super::parse_file(&path, display, bytes, file, limits),
                Err(problem) => super::unreadable_at(&path, display, file, problem),
            }
        })
        .collect::<Vec<LoadedFile>>();
    let root_source = SourceFile::new(root.clone(), format!("{rev}:{shown_prefix}"), String::new());
    Ok(Some(LoadedTree {
        root: root_source,
        files,
    }))
}

/// The repository's top level, and `root` relative to it. `root` may no longer exist in the
/// working tree: its nearest existing ancestor finds the repository.
fn locate(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let existing = root
        .ancestors()
        .find(|dir| dir.is_dir())
        .ok_or_else(|| format!("no folder of `{}` exists", root.display()))?;
    let top = git(existing, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        if e.starts_with("cannot run git") {
            format!("{e} (needed for `git:REV`)")
        } else {
            // git's own words: "not a git repository", or "dubious ownership" with the
            // `safe.directory` command that fixes it.
            format!(
                "`{}` is not in a git repository that git will read (needed for `git:REV`):\n{e}",
                display_path(root)
            )
        }
    })?;
    let top = PathBuf::from(top.trim_end_matches('\n'));
    let canonical = existing
        .canonicalize()
        .map_err(|e| format!("cannot resolve `{}`: {e}", existing.display()))?;
    let top_canonical = top.canonicalize().unwrap_or_else(|_| top.clone());
    let mut prefix = canonical
        .strip_prefix(&top_canonical)
        .map(Path::to_path_buf)
        .map_err(|_| {
            format!(
                "`{}` is outside the git repository at `{}`",
                display_path(root),
                top.display()
            )
        })?;
    if let Ok(rest) = root.strip_prefix(existing) {
        prefix.push(rest);
    }
    Ok((top, prefix))
}

struct Blob {
    /// What `git cat-file --batch` is asked for: an object id, or `COMMIT:PATH` for a link
    /// (`None` for a link whose path holds a line break, which cannot be asked for).
    request: Option<Vec<u8>>,
    /// Relative to the repository's top level.
    path: PathBuf,
}

/// Manifest blobs under `prefix` at `commit`, sorted by path (as `git ls-tree` lists them),
/// skipping hidden entries as the disk walk does. A symbolic link is read through (as on
/// disk); submodules are skipped.
fn list_manifests(top: &Path, commit: &str, prefix: &Path) -> Result<Vec<Blob>, String> {
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit];
    let spec = slash_path(prefix);
    if !spec.is_empty() {
        args.extend(["--", &spec]);
    }
    let listing =
        git_bytes(top, &args).map_err(|e| format!("cannot list `{spec}` at {commit}: {e}"))?;
    let mut blobs = Vec::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&record[..tab]);
        let mut meta = meta.split(' ');
        let (Some(mode), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next())
        else {
            continue;
        };
        let name = &record[tab + 1..];
        let path = path_from_bytes(name);
        let Ok(relative) = path.strip_prefix(prefix) else {
            continue;
        };
        let hidden = relative.components().any(|c| match c {
            Component::Normal(name) => is_hidden(name),
            _ => false,
        });
        if hidden || !super::is_manifest_name(&path) {
            continue;
        }
        // A link is asked for by path, so git follows it inside the repository.
        let request = if mode != "120000" {
            Some(object.as_bytes().to_vec())
        } else if name.contains(&b'\n') {
            None
        } else {
            Some([commit.as_bytes(), b":", name].concat())
        };
        blobs.push(Blob { request, path });
    }
    Ok(blobs)
}

/// What became of one blob.
enum Content {
    Bytes(Vec<u8>),
    /// A link to a folder named like a manifest: skipped, as on disk.
    Skip,
    /// It cannot be read, and why.
    Unreadable(String),
}

/// Every blob's bytes (or why it cannot be read), through one `git cat-file --batch`.
fn read_blobs(top: &Path, blobs: &[Blob]) -> Result<Vec<Content>, String> {
    let mut child = git_command(top)
        .args(["cat-file", "--batch", "--follow-symlinks"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    let request: Vec<u8> = blobs
        .iter()
        .filter_map(|b| b.request.as_ref())
        .flat_map(|r| r.iter().copied().chain([b'\n']))
        .collect();
    // Written from a thread, so a large answer cannot block git while we are still asking.
    let writer = std::thread::spawn(move || stdin.write_all(&request));
    let mut stdout = BufReader::new(child.stdout.take().ok_or("cannot read from git")?);
    let contents = blobs
        .iter()
        .map(|blob| match blob.request {
            Some(_) => read_answer(&mut stdout),
            None => Ok(Content::Unreadable(
                "a symbolic link whose name holds a line break".to_string(),
            )),
        })
        .collect();
    let _ = writer.join();
    let _ = child.wait();
    contents
}

/// One answer of `cat-file --batch --follow-symlinks`: `<oid> blob <size>`; `<oid> <other
/// type> <size>` (a link to a folder); `<what> <size>` for a link git could not follow;
/// `<name> missing`. Whatever has a size is followed by that many bytes and a newline, all
/// read so the stream stays in step.
fn read_answer(stdout: &mut impl BufRead) -> Result<Content, String> {
    let broken = |e: std::io::Error| format!("cannot read from git: {e}");
    let mut header = String::new();
    stdout.read_line(&mut header).map_err(broken)?;
    let words: Vec<&str> = header.split_whitespace().collect();
    let (size, blob, what) = match words.as_slice() {
        [_, kind, size] => (size.parse::<usize>().ok(), *kind == "blob", None),
        [what, size] => (size.parse().ok(), false, Some(*what)),
        _ => (None, false, None),
    };
    let Some(size) = size else {
        return Ok(Content::Unreadable(
            "git cannot read it at this revision".to_string(),
        ));
    };
    let mut bytes = vec![0; size + 1]; // the content and its closing newline
    stdout.read_exact(&mut bytes).map_err(broken)?;
    bytes.pop();
    Ok(match what {
        _ if blob => Content::Bytes(bytes),
        None => Content::Skip,
        Some(what) => Content::Unreadable(link_problem(what)),
    })
}

fn link_problem(what: &str) -> String {
    match what {
        "symlink" => "a symbolic link to outside the repository".to_string(),
        "dangling" => "a broken symbolic link (it does not exist)".to_string(),
        "loop" => "a symbolic link that loops".to_string(),
        _ => "a symbolic link through something that is not a folder".to_string(),
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// Runs a git plumbing command in `dir` and returns its stdout.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let bytes = git_bytes(dir, args)?;
    String::from_utf8(bytes).map_err(|_| "git printed a path that is not UTF-8".to_string())
}

fn git_bytes(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = git_command(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(output.stdout)
}

fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        // Never start a file-system monitor daemon or take optional locks: read-only.
        .args(["-c", "core.fsmonitor=false"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        // A folder named `:x` is a folder, not pathspec magic.
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("GIT_TERMINAL_PROMPT", "0");
    command
}

/// A relative path with `/` separators, as git writes it.
fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}
