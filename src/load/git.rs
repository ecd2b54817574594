//! Loading the manifest directory as committed at a git revision (`diff git:REV`).
//!
//! Only plumbing commands run (`rev-parse`, `ls-tree`, `cat-file`): they run no hooks, take
//! no locks and write nothing into the repository or the working tree. File contents are
//! read into memory and parsed by the same code as files on disk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Limits, Loaded, LoadedFile, SourceFile, assemble, display_path, is_hidden};

/// The tree at a revision, or `None` when the directory held no manifests there.
pub fn load_revision(root: &Path, rev: &str, limits: &Limits) -> Result<Option<Loaded>, String> {
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
    let files = blobs
        .iter()
        .zip(contents)
        .map(|(blob, bytes)| {
            let relative = blob.path.strip_prefix(&prefix).unwrap_or(&blob.path);
            let display = format!("{rev}:{}", slash_path(&blob.path));
            super::parse_file(&root.join(relative), display, bytes, limits)
        })
        .collect::<Vec<LoadedFile>>();
    let root_source = SourceFile::new(root.clone(), format!("{rev}:{shown_prefix}"), String::new());
    Ok(Some(assemble(root_source, files)))
}

/// The repository's top level, and `root` relative to it. `root` may no longer exist in the
/// working tree: its nearest existing ancestor finds the repository.
fn locate(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let existing = root
        .ancestors()
        .find(|dir| dir.is_dir())
        .ok_or_else(|| format!("no folder of `{}` exists", root.display()))?;
    let top = git(existing, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        format!(
            "`{}` is not inside a git repository (needed for `git:REV`)",
            display_path(root)
        )
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
    object: String,
    /// Relative to the repository's top level.
    path: PathBuf,
}

/// Manifest blobs under `prefix` at `commit`, sorted by path (as `git ls-tree` lists them),
/// skipping hidden entries as the disk walk does. Symbolic links and submodules are skipped.
fn list_manifests(top: &Path, commit: &str, prefix: &Path) -> Result<Vec<Blob>, String> {
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit];
    let spec = slash_path(prefix);
    if !spec.is_empty() {
        args.extend(["--", &spec]);
    }
    let listing = git(top, &args).map_err(|e| format!("cannot list `{spec}` at {commit}: {e}"))?;
    let mut blobs = Vec::new();
    for record in listing.split('\0').filter(|r| !r.is_empty()) {
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(mode), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next())
        else {
            continue;
        };
        let path = PathBuf::from(path);
        let Ok(relative) = path.strip_prefix(prefix) else {
            continue;
        };
        let hidden = relative.components().any(|c| match c {
            Component::Normal(name) => is_hidden(name),
            _ => false,
        });
        if mode != "120000" && !hidden && super::is_manifest_name(&path) {
            blobs.push(Blob {
                object: object.to_string(),
                path,
            });
        }
    }
    Ok(blobs)
}

/// Every blob's bytes, through one `git cat-file --batch`.
fn read_blobs(top: &Path, blobs: &[Blob]) -> Result<Vec<Vec<u8>>, String> {
    let mut child = git_command(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    let request: String = blobs.iter().map(|b| format!("{}\n", b.object)).collect();
    // Written from a thread, so a large answer cannot block git while we are still asking.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().ok_or("cannot read from git")?);
    let mut contents = Vec::with_capacity(blobs.len());
    for blob in blobs {
        let mut header = String::new();
        stdout
            .read_line(&mut header)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                format!(
                    "git could not read `{}`: {}",
                    blob.path.display(),
                    header.trim_end()
                )
            })?;
        let mut bytes = vec![0; size + 1]; // the content and its closing newline
        stdout
            .read_exact(&mut bytes)
            .map_err(|e| format!("cannot read from git: {e}"))?;
        bytes.pop();
        contents.push(bytes);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

/// Runs a git plumbing command in `dir` and returns its stdout.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = git_command(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    String::from_utf8(output.stdout)
        .map_err(|_| "git printed something that is not UTF-8".to_string())
}

fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        // Never start a file-system monitor daemon or take optional locks: read-only.
        .args(["-c", "core.fsmonitor=false"])
        .env("GIT_OPTIONAL_LOCKS", "0")
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
