//! `oslinker init [DIR]`: a small, valid, commented tree, and never a file overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::schema::{errors, instances, printed_schema, validator};
use crate::support::{Output, Tree, oslinker, process_yaml};

const FILES: [&str; 5] = [
    "bindings.toml",
    "capabilities.yaml",
    "environment.yaml",
    "processes.yaml",
    "providers.toml",
];

/// `oslinker ARGS...` in `cwd`.
fn run(cwd: &Path, args: &[&str]) -> Output {
    oslinker(cwd).args(args).run()
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

fn listed(dir: &str) -> String {
    FILES.iter().map(|f| format!("{dir}/{f}\n")).collect()
}

#[test]
fn init_creates_a_tree_that_validates_cleanly() {
    let tmp = Tree::empty();
    let out = run(tmp.parent(), &["init"]);
    out.assert_code(0);
    assert_eq!(out.stdout, listed("linker.d"));
    assert_eq!(
        out.stderr,
        "created 5 files in `linker.d`\n\
         next: `oslinker validate` checks them, `oslinker plan` shows the plan;\n\
         then edit them to describe your agents (their comments explain each field)\n"
    );

    // `validate` finds ./linker.d by itself, as the hint says, and has nothing to say.
    let strict = run(tmp.parent(), &["validate", "--strict", "--format", "json"]);
    strict.assert_code(0);
    assert_eq!(strict.codes(), Vec::<String>::new());
    let human = run(tmp.parent(), &["validate", "--strict"]);
    human.assert_code(0);
    assert_eq!(human.stderr, "checked 5 files, 8 manifests: no problems\n");

    // It links: every requirement is served, and the plan shows each kind at work.
    let plan = run(tmp.parent(), &["plan", "--format", "json"]);
    plan.assert_code(0);
    assert_eq!(plan.stderr, "");
    let plan = plan.json();
    let processes = plan["processes"].as_array().unwrap();
    assert_eq!(processes.len(), 2);
    assert_eq!(processes[0]["links"][0]["provider"], "notes-search");
    assert_eq!(processes[0]["environment"], "env-development");
    assert_eq!(processes[0]["env"]["LOG_LEVEL"], "debug");
    assert_eq!(processes[0]["bindings"].as_array().unwrap().len(), 2);
    assert_eq!(
        plan["routes"]["text.summarization"],
        serde_json::json!(["hello-agent", "hosted-summarizer"])
    );

    // The files teach: comments in YAML and TOML, every kind it needs.
    let files = snapshot(&tmp.parent().join("linker.d"));
    let text = |name: &str| String::from_utf8(files[Path::new(name)].clone()).unwrap();
    for name in FILES {
        assert!(text(name).starts_with("# "), "{name}");
    }
    assert!(text("processes.yaml").contains("kind: Process"));
    assert!(text("processes.yaml").contains("\n---\n"));
    assert!(text("environment.yaml").contains("kind: Environment"));
    assert!(
        text("bindings.toml")
            .contains("[[manifest]]\napiVersion = \"oslinker/v1\"\nkind = \"Binding\"")
    );
    assert!(text("capabilities.yaml").contains("kind: CapabilityMap"));
    assert!(text("providers.toml").contains("kind = \"Provider\""));

    // And they match the JSON Schema, as an editor would check them.
    let validator = validator(&printed_schema(&[]));
    let found = instances(&tmp.parent().join("linker.d"));
    assert_eq!(found.len(), 5);
    for (path, instances) in found {
        for instance in instances {
            let errors = errors(&validator, &instance);
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
}

#[test]
fn a_second_init_changes_nothing_and_exits_2() {
    let tmp = Tree::empty();
    run(tmp.parent(), &["init"]).assert_code(0);
    let before = snapshot(tmp.parent());
    let out = run(tmp.parent(), &["init"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    let mut expected = String::from(
        "error: not creating anything: 5 files that init would write already exist:\n",
    );
    for file in FILES {
        expected.push_str(&format!("  linker.d/{file}\n"));
    }
    expected.push_str(
        "help: init never overwrites a file: run `oslinker init DIR` for a new folder, or move \
         these files away first\n",
    );
    assert_eq!(out.stderr, expected);
    assert_eq!(snapshot(tmp.parent()), before);
    // -q does not hide an error.
    let quiet = run(tmp.parent(), &["-q", "init"]);
    quiet.assert_code(2);
    assert_eq!(quiet.stderr, expected);
}

#[test]
fn one_existing_file_stops_it_and_stays_byte_for_byte() {
    let tree = Tree::empty();
    // Not UTF-8, no final newline: exactly these bytes must stay.
    let mine: &[u8] = b"kind: Process\r\nid: mine\xff";
    tree.write("processes.yaml", mine);
    tree.write("notes.txt", "unrelated");
    let before = snapshot(&tree.root());
    let out = run(tree.parent(), &["init", "tree"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with(
            "error: not creating anything: 1 file that init would write already exists:\n  \
             tree/processes.yaml\nhelp: "
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        snapshot(&tree.root()),
        before,
        "nothing written, nothing changed"
    );
    assert_eq!(
        std::fs::read(tree.root().join("processes.yaml")).unwrap(),
        mine
    );

    // A folder, a broken link, anything by one of the names counts.
    let other = Tree::empty();
    other.symlink("missing-target", "bindings.toml");
    std::fs::create_dir(other.root().join("providers.toml")).unwrap();
    let out = run(other.parent(), &["init", "tree"]);
    out.assert_code(2);
    assert!(out.stderr.contains("2 files"), "{}", out.stderr);
    assert!(!other.root().join("missing-target").exists());
    assert!(!other.root().join("capabilities.yaml").exists());
}

#[test]
fn an_empty_or_unrelated_folder_is_fine() {
    let tree = Tree::new(&[("README.md", "my agents\n"), ("docs/notes.yaml.txt", "x")]);
    let out = run(tree.parent(), &["init", "tree"]);
    out.assert_code(0);
    assert_eq!(out.stdout, listed("tree"));
    assert_eq!(
        std::fs::read_to_string(tree.root().join("README.md")).unwrap(),
        "my agents\n"
    );
    run(tree.parent(), &["-d", "tree", "validate", "--strict"]).assert_code(0);

    let empty = Tree::empty();
    run(empty.parent(), &["init", "tree"]).assert_code(0);
    assert_eq!(snapshot(&empty.root()).len(), 5);
}

#[test]
fn dir_argument_wins_over_dir_option_and_folders_are_created() {
    let tmp = Tree::empty();
    // DIR wins over --dir (and OSLINKER_DIR).
    let out = oslinker(tmp.parent())
        .args(["-d", "ignored", "init", "deep/new/agents"])
        .env("OSLINKER_DIR", "ignored-too")
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, listed("deep/new/agents"));
    assert!(
        out.stderr
            .contains("`oslinker -d deep/new/agents validate`"),
        "{}",
        out.stderr
    );
    assert!(!tmp.parent().join("ignored").exists());
    assert!(!tmp.parent().join("ignored-too").exists());
    run(
        tmp.parent(),
        &["-d", "deep/new/agents", "validate", "--strict"],
    )
    .assert_code(0);

    // Without DIR, --dir (or OSLINKER_DIR) says where: where validate would look.
    let out = oslinker(tmp.parent())
        .args(["init"])
        .env("OSLINKER_DIR", "from-env")
        .run();
    out.assert_code(0);
    assert_eq!(out.stdout, listed("from-env"));
    let out = run(tmp.parent(), &["--dir", "from-flag", "-q", "init"]);
    out.assert_code(0);
    assert_eq!(out.stdout, listed("from-flag"));
    assert_eq!(out.stderr, "", "-q drops the hint");
}

#[test]
fn init_does_not_look_for_a_tree_above() {
    // A linker.d above the current folder is someone else's tree: init creates ./linker.d.
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    let project = tree.parent().join("project");
    std::fs::create_dir(tree.parent().join("linker.d")).unwrap();
    std::fs::create_dir(&project).unwrap();
    let out = run(&project, &["init"]);
    out.assert_code(0);
    assert_eq!(out.stdout, listed("linker.d"));
    assert_eq!(snapshot(&project.join("linker.d")).len(), 5);
    assert_eq!(snapshot(&tree.parent().join("linker.d")).len(), 0);
}

#[test]
fn dir_that_is_a_file_is_exit_2() {
    let tmp = Tree::empty();
    std::fs::write(tmp.parent().join("agents"), "a file").unwrap();
    let out = run(tmp.parent(), &["init", "agents"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("error: `agents` exists and is not a folder; nothing was written\n"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(tmp.parent().join("agents")).unwrap(),
        "a file"
    );
}

// ---------------------------------------------------------------------------------------------
// A write that fails part way leaves nothing behind.

/// `oslinker init` in `cwd`, unable to write more than `limit` bytes to any one file: the
/// file-size resource limit makes a real `write` fail (`EFBIG`) without privileges, as a full
/// disk would (`SIGXFSZ` is ignored, so the write fails rather than the process dying).
fn init_with_file_size_limit(cwd: &Path, limit: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = oslinker(cwd).args(["init"]).command();
    // SAFETY: between fork and exec only async-signal-safe calls: setrlimit and signal.
    unsafe {
        command.pre_exec(move || {
            let rlimit = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let output = command.output().unwrap();
    Output {
        code: output.status.code().expect("init exits"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn init_that_cannot_write_a_file_leaves_nothing_and_can_run_again() {
    let tmp = Tree::empty();
    // bindings.toml, the first file, is larger than 1000 bytes.
    let out = init_with_file_size_limit(tmp.parent(), 1000);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("error: cannot create `linker.d/bindings.toml`: File too large")
            && out.stderr.ends_with("; nothing was written\n"),
        "{}",
        out.stderr
    );
    // Not even the folder it made, nor a temporary file.
    assert!(!tmp.parent().join("linker.d").exists());
    // The same in a folder that was there: it stays, empty.
    let dir = tmp.parent().join("tree");
    let out = init_with_file_size_limit(&dir, 1000);
    out.assert_code(2);
    assert_eq!(snapshot(&dir), BTreeMap::new());
    // Nothing refuses a second run.
    run(tmp.parent(), &["init"]).assert_code(0);
    assert_eq!(snapshot(&tmp.parent().join("linker.d")).len(), 5);
}

/// A tmpfs of 64 KiB mounted on a temporary folder, unmounted when dropped.
struct SmallDisk {
    tmp: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` where mounting is not allowed (not root).
    fn mount() -> Option<SmallDisk> {
        let tmp = tempfile::tempdir().unwrap();
        let target = std::ffi::CString::new(tmp.path().as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: plain C strings that outlive the call.
        let mounted = unsafe {
            libc::mount(
                c"tmpfs".as_ptr(),
                target.as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                c"size=64k".as_ptr().cast(),
            )
        };
        (mounted == 0).then_some(SmallDisk { tmp })
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes a file until the disk is full, then frees `free` bytes of it.
    fn fill(&self, free: u64) {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        while file.write_all(&[b'x'; 4096]).is_ok() {}
        let len = file.metadata().unwrap().len();
        file.set_len(len.saturating_sub(free)).unwrap();
    }

    fn empty(&self) {
        std::fs::remove_file(self.path().join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let target = std::ffi::CString::new(self.path().as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a plain C string.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    }
}

#[test]
fn init_on_a_full_disk_leaves_nothing_and_can_run_again() {
    let Some(disk) = SmallDisk::mount() else {
        // Not root: mounting a small disk is not allowed (the test above fails a write
        // without privileges).
        return;
    };
    let dir = disk.path().join("linker.d");
    std::fs::create_dir(&dir).unwrap();
    // A full disk: even the first file cannot be written.
    disk.fill(0);
    let out = run(disk.path(), &["init"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with("error: cannot create `linker.d/bindings.toml`: No space left on device")
            && out.stderr.ends_with("; nothing was written\n"),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(&dir), BTreeMap::new());
    // Room for one file: the first is written, the second is not; the first goes again.
    disk.empty();
    disk.fill(4096);
    let out = run(disk.path(), &["init"]);
    out.assert_code(2);
    assert!(
        out.stderr.starts_with(
            "error: cannot create `linker.d/capabilities.yaml`: No space left on device"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(&dir), BTreeMap::new());
    // With room, a second run does what the first could not.
    disk.empty();
    run(disk.path(), &["init"]).assert_code(0);
    assert_eq!(snapshot(&dir).len(), 5);
}
