//! Shared helpers: run the real `oslinker` binary, build fixture trees in temporary folders,
//! and read its JSON reports.

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// The repository root (where `linker.d/` and `examples/` are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/` in the repository.
pub fn examples() -> PathBuf {
    repo().join("examples")
}

/// `tests/fixtures/` in the repository.
pub fn fixtures() -> PathBuf {
    repo().join("tests").join("fixtures")
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// `(code, file, line, column)` of every diagnostic in a `validate --format json` report,
    /// in report order; a missing line or column is 0.
    pub fn positions(&self) -> Vec<(String, String, u64, u64)> {
        diagnostics(&self.json())
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap_or(0),
                    d["column"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    /// The codes of every diagnostic in a `validate --format json` report, in report order.
    pub fn codes(&self) -> Vec<String> {
        self.positions()
            .into_iter()
            .map(|(code, ..)| code)
            .collect()
    }

    /// The one diagnostic with this code (panics unless there is exactly one).
    pub fn diagnostic(&self, code: &str) -> Value {
        let json = self.json();
        let found: Vec<&Value> = diagnostics(&json)
            .iter()
            .filter(|d| d["code"] == code)
            .collect();
        assert_eq!(found.len(), 1, "expected one {code}, got: {}", self.stdout);
        found[0].clone()
    }

    /// Both streams, for "does X appear anywhere" checks.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The `diagnostics` array of a JSON report.
pub fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"]
        .as_array()
        .expect("`diagnostics` is an array")
}

/// Shorthand for an expected `(code, file, line, column)`.
pub fn at(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.to_string(), file.to_string(), line, column)
}

/// One invocation of the binary, built up before it runs.
pub struct Run {
    cwd: PathBuf,
    args: Vec<OsString>,
    env: Vec<(String, Option<String>)>,
}

/// `oslinker` run in `cwd` with a clean, stable environment: no `OSLINKER_DIR`, no `COMPLETE`
/// (which would ask for shell completions), `NO_COLOR=1`, `COLUMNS=100`.
pub fn oslinker(cwd: impl AsRef<Path>) -> Run {
    Run {
        cwd: cwd.as_ref().to_path_buf(),
        args: Vec::new(),
        env: Vec::new(),
    }
}

impl Run {
    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<str>) -> Self {
        self.env
            .push((key.to_string(), Some(value.as_ref().to_string())));
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.env.push((key.to_string(), None));
        self
    }

    /// The command, ready to spawn (for tests that drive the process themselves).
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oslinker"));
        command
            .current_dir(&self.cwd)
            .args(&self.args)
            .env_remove("OSLINKER_DIR")
            .env_remove("COMPLETE")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .stdin(Stdio::null());
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        command
    }

    /// Runs to completion. Whatever the input, oslinker must not panic or die by a signal.
    #[track_caller]
    pub fn run(self) -> Output {
        let output = self.command().output().expect("the oslinker binary runs");
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert!(
            !stderr.contains("panicked"),
            "oslinker panicked running {:?} in {}:\n{stderr}",
            self.args,
            self.cwd.display()
        );
        let code = output.status.code().unwrap_or_else(|| {
            panic!(
                "oslinker was killed by a signal: {:?}\n{stderr}",
                output.status
            )
        });
        Output {
            code,
            stdout,
            stderr,
        }
    }
}

/// A fixture tree: a temporary folder holding `tree/`, the manifest root. Runs happen in the
/// temporary folder with `-d tree`, so every path in the output reads `tree/...`.
pub struct Tree {
    tmp: TempDir,
}

impl Tree {
    /// An empty tree (the `tree/` folder exists).
    pub fn empty() -> Tree {
        let tmp = tempfile::Builder::new()
            .prefix("oslinker-test-")
            .tempdir()
            .expect("a temporary folder");
        std::fs::create_dir(tmp.path().join("tree")).unwrap();
        Tree { tmp }
    }

    /// A tree with these `(path under tree/, contents)` files.
    pub fn new(files: &[(&str, &str)]) -> Tree {
        let tree = Tree::empty();
        for (path, contents) in files {
            tree.write(path, contents);
        }
        tree
    }

    /// A copy of a folder of the repository, such as `examples/minimal`.
    pub fn copy_of(folder: impl AsRef<Path>) -> Tree {
        let tree = Tree::empty();
        copy_dir(folder.as_ref(), &tree.root());
        tree
    }

    /// The temporary folder that holds `tree/` (where commands run).
    pub fn parent(&self) -> &Path {
        self.tmp.path()
    }

    /// The manifest root, `tree/`.
    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("tree")
    }

    /// Writes a file under `tree/`, creating folders as needed.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
        self
    }

    /// A symbolic link at `link` (under `tree/`) pointing at `target` (as written).
    pub fn symlink(&self, target: impl AsRef<Path>, link: &str) -> &Self {
        let full = self.root().join(link);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, full).unwrap();
        self
    }

    /// `oslinker -d tree ARGS...`, run in the parent folder.
    pub fn cmd<S: AsRef<std::ffi::OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Run {
        oslinker(self.parent()).args(["-d", "tree"]).args(args)
    }

    /// `oslinker -d tree ARGS...`, run to completion.
    #[track_caller]
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Output {
        self.cmd(args).run()
    }

    /// `oslinker -d tree validate --format json`, run to completion.
    #[track_caller]
    pub fn validate(&self) -> Output {
        self.run(["validate", "--format", "json"])
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A valid, running Process in production on nodejs: the usual neighbour in fixture trees.
pub fn process_yaml(id: &str) -> String {
    format!(
        "kind: Process\nid: {id}\nname: {id}\nstatus: running\nmetadata:\n  platform: nodejs\nruntimeContext:\n  environment: production\n"
    )
}

/// An HTTP server on 127.0.0.1 answering every request with the status it holds now; its
/// port, and the status to change.
pub fn switchable_server(status: u16) -> (u16, std::sync::Arc<std::sync::atomic::AtomicU16>) {
    use std::io::{Read, Write};
    let status = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(status));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answering = std::sync::Arc::clone(&status);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let code = answering.load(std::sync::atomic::Ordering::SeqCst);
            let response =
                format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (port, status)
}
