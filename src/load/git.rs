//! Loading the manifest directory as committed at a git revision (`diff git:REV`).
//!
//! Only plumbing commands run (`rev-parse`, `ls-tree`, `cat-file`), in a locked-down git
//! (see `git_command`): nothing from the repository's configuration runs, nothing is
//! fetched, no locks are taken and nothing is written. Blob sizes are asked first, so a blob
//! over the limit is never read; the others are read into memory and parsed by the same code
//! as files on disk.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{ChildStdout, Command, Stdio};

use super::read::ReadError;
use super::{Limits, LoadedFile, LoadedTree, SourceFile, display_path, is_hidden};
use crate::error::Failure;
use crate::source::FileId;

/// The tree at a revision, or `None` when the directory held no manifests there.
pub fn load_revision(
    root: &Path,
    rev: &str,
    limits: &Limits,
) -> Result<Option<LoadedTree>, Failure> {
    if rev.is_empty() || rev.starts_with('-') {
        let message = format!("`{}` is not a revision", crate::text::one_line(rev));
        let help = "write a branch, tag or commit after `git:`, e.g. `git:HEAD~1`";
        return Err(Failure::new(message).help(help));
    }
    let root = std::path::absolute(root)
        .map_err(|e| Failure::new(format!("cannot resolve `{}`: {e}", root.display())))?;
    let (top, prefix) = locate(&root).map_err(Failure::new)?;
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
        Failure::new(format!(
            "unknown revision `{}` in the git repository at `{}`",
            crate::text::one_line(rev),
            display_path(&top)
        ))
    })?;
    let blobs = list_manifests(&top, &commit, &prefix).map_err(Failure::new)?;
    if blobs.is_empty() {
        return Ok(None);
    }
    let contents = read_blobs(&top, rev, &blobs, limits.max_file_bytes)
        .map_err(|e| e.context(format!("cannot read `{}`", crate::text::one_line(rev))))?;
    let shown_prefix = slash_path(&prefix);
    // What was read, or why not; links to folders are skipped, as on disk.
    let found: Vec<(&Blob, Result<Vec<u8>, Unread>)> = blobs
        .iter()
        .zip(contents)
        .filter_map(|(blob, content)| match content {
            Content::Bytes(bytes) => Some((blob, Ok(bytes))),
            Content::Unreadable(problem) => Some((blob, Err(Unread::Unreadable(problem)))),
            Content::TooLarge(size) => Some((blob, Err(Unread::TooLarge(size)))),
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
                Err(Unread::Unreadable(problem)) => {
                    super::unreadable_at(&path, display, file, problem)
                }
                Err(Unread::TooLarge(len)) => {
                    let error = ReadError::TooLarge {
                        limit: limits.max_file_bytes,
                        len: Some(len),
                    };
                    super::too_large_at(&path, display, file, &error)
                }
            }
        })
        .collect::<Vec<LoadedFile>>();
    let root_source = SourceFile::new(root.clone(), format!("{rev}:{shown_prefix}"), String::new());
    Ok(Some(LoadedTree {
        root: root_source,
        files,
    }))
}

/// Why a blob was not read.
enum Unread {
    Unreadable(String),
    TooLarge(u64),
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
    /// It is larger than the limit (its size, as git says): never read.
    TooLarge(u64),
}

/// What `git cat-file --batch-check --follow-symlinks` says of one request.
#[derive(Debug, PartialEq)]
enum Header {
    /// `<oid> blob <size>`
    Blob(u64),
    /// `<oid> <tree|commit|tag> <size>`: a link to a folder.
    NotABlob,
    /// `<symlink|dangling|loop|notdir> <size>`: a link git could not follow, and why.
    Link(String),
    /// `<object> missing`: not in the repository's object store (a partial clone).
    Missing,
    /// Anything else (`ambiguous`, say).
    Unknown,
}

impl Header {
    fn parse(line: &str) -> Header {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size.parse().map_or(Header::Unknown, Header::Blob),
            [_, _, size] if size.parse::<u64>().is_ok() => Header::NotABlob,
            [what, size] if size.parse::<u64>().is_ok() => Header::Link((*what).to_string()),
            [_, "missing"] => Header::Missing,
            _ => Header::Unknown,
        }
    }

    /// The bytes that follow this header in either batch mode (a link's details), besides a
    /// blob's content in `--batch`.
    fn details(line: &str) -> u64 {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [_, size] => size.parse::<u64>().map_or(0, |n| n.saturating_add(1)),
            _ => 0,
        }
    }
}

/// Every blob's bytes (or why it cannot be read). Sizes are asked first (`--batch-check`),
/// so that a blob over the limit is never read; then the others are read in one `--batch`,
/// each checked against the size announced before it. A blob missing from the object store
/// (a partial clone) is an error for the whole revision: nothing is ever fetched.
fn read_blobs(top: &Path, rev: &str, blobs: &[Blob], limit: u64) -> Result<Vec<Content>, Failure> {
    let asked: Vec<&[u8]> = blobs.iter().filter_map(|b| b.request.as_deref()).collect();
    let headers = batch(top, "--batch-check", &asked, |stdout| {
        let line = read_header(stdout)?;
        skip(stdout, Header::details(&line))?;
        Ok(Header::parse(&line))
    })?;
    refuse_missing(rev, blobs, &headers)?;
    let wanted: Vec<&[u8]> = (asked.iter().zip(&headers))
        .filter(|(_, header)| matches!(header, Header::Blob(size) if *size <= limit))
        .map(|(request, _)| *request)
        .collect();
    let mut bodies = batch(top, "--batch", &wanted, |stdout| read_blob(stdout, limit))?.into_iter();
    let mut headers = headers.into_iter();
    let contents = blobs
        .iter()
        .map(|blob| {
            if blob.request.is_none() {
                return Content::Unreadable(
                    "a symbolic link whose name holds a line break".to_string(),
                );
            }
            match headers.next() {
                Some(Header::Blob(size)) if size > limit => Content::TooLarge(size),
                Some(Header::Blob(_)) => bodies.next().unwrap_or_else(|| {
                    Content::Unreadable("git did not give its content".to_string())
                }),
                Some(Header::NotABlob) => Content::Skip,
                Some(Header::Link(what)) => Content::Unreadable(link_problem(&what)),
                Some(Header::Missing | Header::Unknown) | None => {
                    Content::Unreadable("git cannot read it at this revision".to_string())
                }
            }
        })
        .collect();
    Ok(contents)
}

/// Objects missing from the repository would have to be fetched: refused, naming them.
fn refuse_missing(rev: &str, blobs: &[Blob], headers: &[Header]) -> Result<(), Failure> {
    let asked = blobs.iter().filter(|b| b.request.is_some());
    let missing: Vec<String> = (asked.zip(headers))
        .filter(|(_, header)| **header == Header::Missing)
        .map(|(blob, _)| slash_path(&blob.path))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let (these, them) = match missing.len() {
        1 => ("this file is", "it"),
        _ => ("these files are", "them"),
    };
    let listed: Vec<String> = (missing.iter())
        .map(|path| format!("  {}", crate::text::one_line(path)))
        .collect();
    Err(Failure::new(format!(
        "{these} not in the local repository (a partial clone?), and oslinker never fetches:\n{}",
        listed.join("\n")
    ))
    .help(format!(
        "let git fetch {them} (git fetches what a command such as `git show {rev}:{}` reads), or diff against a revision whose files are all present",
        missing[0]
    )))
}

/// One answer of `cat-file --batch`, asked only for blobs within the limit: `<oid> blob
/// <size>`, the content and a newline. The size is checked again before reading, so nothing
/// larger than the limit is ever held.
fn read_blob(stdout: &mut impl BufRead, limit: u64) -> Result<Content, String> {
    let line = read_header(stdout)?;
    let Header::Blob(size) = Header::parse(&line) else {
        skip(stdout, Header::details(&line))?;
        return Ok(Content::Unreadable(
            "git cannot read it at this revision".to_string(),
        ));
    };
    if size > limit {
        skip(stdout, size.saturating_add(1))?;
        return Ok(Content::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let read = (&mut *stdout)
        .take(size)
        .read_to_end(&mut bytes)
        .map_err(broken)?;
    if read as u64 != size {
        return Err("git stopped part way through a file".to_string());
    }
    skip(stdout, 1)?; // the newline after the content
    Ok(Content::Bytes(bytes))
}

fn read_header(stdout: &mut impl BufRead) -> Result<String, String> {
    let mut line = Vec::new();
    // A header is one short line: bounded, so a confused stream cannot fill memory.
    (&mut *stdout)
        .take(4096)
        .read_until(b'\n', &mut line)
        .map_err(broken)?;
    if line.is_empty() {
        return Err("git stopped answering".to_string());
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Reads past `count` bytes without keeping them.
fn skip(stdout: &mut impl BufRead, count: u64) -> Result<(), String> {
    let skipped =
        std::io::copy(&mut (&mut *stdout).take(count), &mut std::io::sink()).map_err(broken)?;
    if skipped != count {
        return Err("git stopped answering".to_string());
    }
    Ok(())
}

fn broken(error: std::io::Error) -> String {
    format!("cannot read from git: {error}")
}

/// Asks one `git cat-file` batch (`mode`) for each request, in order, and reads each answer
/// with `answer`. git's own words are added to any failure.
fn batch<T>(
    top: &Path,
    mode: &str,
    requests: &[&[u8]],
    mut answer: impl FnMut(&mut BufReader<ChildStdout>) -> Result<T, String>,
) -> Result<Vec<T>, Failure> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = git_command(top)
        .args(["cat-file", mode, "--follow-symlinks"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::new(format!("cannot run git: {e}")))?;
    let mut stdin = (child.stdin.take()).ok_or_else(|| Failure::new("cannot write to git"))?;
    let request: Vec<u8> = (requests.iter())
        .flat_map(|r| r.iter().copied().chain([b'\n']))
        .collect();
    // Written from a thread, so a large answer cannot block git while we are still asking.
    let writer = std::thread::spawn(move || stdin.write_all(&request));
    // Read from a thread too, so that git never waits on a full stderr.
    let mut stderr = (child.stderr.take()).ok_or_else(|| Failure::new("cannot read from git"))?;
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_string(&mut text);
        text
    });
    let stdout = child.stdout.take();
    let mut stdout = BufReader::new(stdout.ok_or_else(|| Failure::new("cannot read from git"))?);
    let answers: Result<Vec<T>, String> = requests.iter().map(|_| answer(&mut stdout)).collect();
    drop(stdout);
    let _ = writer.join();
    let _ = child.wait();
    let said = said.join().unwrap_or_default();
    answers.map_err(|e| match said.trim() {
        "" => Failure::new(e),
        // A git older than 2.45 tries to fetch a missing object (and is refused a protocol).
        said if said.contains("promisor remote") => Failure::new(format!("{e}:\n{said}")).help(
            "files at this revision are missing from this partial clone, and oslinker never fetches: let git fetch them first",
        ),
        said => Failure::new(format!("{e}:\n{said}")),
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

/// git locked down to reading what is in the repository: nothing from any configuration
/// runs and nothing is fetched. The repository's own configuration cannot be skipped (git
/// always reads it), so every setting that could start a program is overridden on the
/// command line, which wins over every file, and the mechanisms themselves are switched off
/// through the environment:
/// - no lazy fetch of a partial clone's missing objects (which would run the configured
///   `uploadpack`, `core.sshCommand`, a credential helper...): `GIT_NO_LAZY_FETCH` (git
///   2.45+), and, for older git, no transport protocol at all (`GIT_ALLOW_PROTOCOL` empty,
///   `protocol.allow=never`);
/// - no hooks, no file-system monitor, no prompts or askpass programs;
/// - no system or global configuration (only the user's `safe.directory` entries are kept,
///   so that git's ownership check works as the user set it up);
/// - the commands are plumbing (`rev-parse`, `ls-tree`, `cat-file` without `--filters` or
///   `--textconv`, and `--no-pager`): no filters, no textconv, no pager, no locks.
fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("--no-pager").arg("-C").arg(dir);
    for (key, value) in LOCKED_DOWN_CONFIG {
        command.arg("-c").arg(format!("{key}={value}"));
    }
    for directory in trusted_safe_directories() {
        command.arg("-c").arg(format!("safe.directory={directory}"));
    }
    for name in IGNORED_ENVIRONMENT {
        command.env_remove(name);
    }
    command
        .envs(LOCKED_DOWN_ENVIRONMENT)
        .env("GIT_CONFIG_GLOBAL", NULL_DEVICE);
    command
}

/// Settings given on the command line, over whatever the repository's configuration says.
const LOCKED_DOWN_CONFIG: [(&str, &str); 7] = [
    ("core.fsmonitor", "false"),
    ("core.hooksPath", NULL_DEVICE),
    ("protocol.allow", "never"),
    ("credential.helper", ""),
    ("core.askPass", ""),
    ("core.sshCommand", "false"),
    // Never set up a bare repository found inside a working tree (where it could be planted).
    ("safe.bareRepository", "explicit"),
];

const LOCKED_DOWN_ENVIRONMENT: [(&str, &str); 7] = [
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_NO_LAZY_FETCH", "1"),
    // Set and empty: no protocol is allowed (git 2.12+), whatever the configuration says.
    ("GIT_ALLOW_PROTOCOL", ""),
    ("GIT_PROTOCOL_FROM_USER", "0"),
    ("GIT_TERMINAL_PROMPT", "0"),
    // Never take optional locks: read-only.
    ("GIT_OPTIONAL_LOCKS", "0"),
    // A folder named `:x` is a folder, not pathspec magic.
    ("GIT_LITERAL_PATHSPECS", "1"),
];

/// Variables that would bring settings or programs back in: configuration given through
/// the environment (it could undo the locked-down settings) and programs to run; and those
/// that choose another repository than the one around the tree (a hook exports some).
const IGNORED_ENVIRONMENT: [&str; 15] = [
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_SYSTEM",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_PROXY_COMMAND",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
];

#[cfg(unix)]
const NULL_DEVICE: &str = "/dev/null";
#[cfg(not(unix))]
const NULL_DEVICE: &str = "NUL";

/// The `safe.directory` entries of the user's system and global configuration (git honours
/// them on the command line too), read once. Reading configuration runs nothing.
fn trusted_safe_directories() -> &'static [String] {
    static FOUND: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let scopes: &[&str] = if std::env::var_os("GIT_CONFIG_NOSYSTEM").is_some() {
            &["--global"]
        } else {
            &["--system", "--global"]
        };
        scopes
            .iter()
            .flat_map(|scope| {
                let output = Command::new("git")
                    .args(["config", scope, "--includes", "-z", "--get-all"])
                    .arg("safe.directory")
                    .current_dir(std::env::temp_dir())
                    .stdin(Stdio::null())
                    .stderr(Stdio::null())
                    .output();
                let text = output.map(|o| o.stdout).unwrap_or_default();
                // Each value ends in a NUL; an empty value (which resets the list) counts.
                let text = String::from_utf8_lossy(&text);
                match text.strip_suffix('\0') {
                    Some(values) => values.split('\0').map(str::to_string).collect(),
                    None => Vec::new(),
                }
            })
            .collect()
    });
    &FOUND
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_every_kind() {
        assert_eq!(Header::parse("abc blob 12\n"), Header::Blob(12));
        assert_eq!(Header::parse("abc tree 35\n"), Header::NotABlob);
        assert_eq!(
            Header::parse("dangling 23\n"),
            Header::Link("dangling".into())
        );
        assert_eq!(Header::parse("abc missing\n"), Header::Missing);
        assert_eq!(Header::parse("abc ambiguous\n"), Header::Unknown);
        assert_eq!(Header::details("dangling 23\n"), 24);
        assert_eq!(Header::details("abc blob 12\n"), 0);
    }

    #[test]
    fn a_blob_over_the_limit_is_never_held_and_the_stream_stays_in_step() {
        let mut stream: &[u8] = b"a blob 20\n01234567890123456789\nb blob 3\nabc\n";
        assert!(matches!(
            read_blob(&mut stream, 10),
            Ok(Content::TooLarge(20))
        ));
        assert!(matches!(read_blob(&mut stream, 10), Ok(Content::Bytes(b)) if b == b"abc"));
        // A size no memory could hold is refused, not allocated.
        let mut stream: &[u8] = b"a blob 18446744073709551615\nabc";
        assert!(read_blob(&mut stream, 10).is_err());
    }
}
