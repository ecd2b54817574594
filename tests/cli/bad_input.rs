//! Files oslinker must survive (issue section 5, "Bad input never panics and never hangs"),
//! and the file-level diagnostics E0001-E0006. Every run goes through `support::Run::run`,
//! which also fails the test if stderr mentions a panic or the process died by a signal.

use std::io::Read;
use std::process::Stdio;

use crate::support::{Tree, at, process_yaml};

const VALID_ENV: &str = "kind: Environment\nid: e\nname: e\n";

// ---------------------------------------------------------------------------------------------
// E0002 unreadable files.

/// Makes a FIFO (named pipe) at `path`.
pub fn mkfifo(path: &std::path::Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo only reads the NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Runs to completion, or fails the test (killing oslinker) if it has not exited after a
/// long while: for input that used to make it block forever.
#[track_caller]
pub fn run_or_fail_if_stuck(run: crate::support::Run) -> crate::support::Output {
    let child = run
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (done, waiting) = std::sync::mpsc::channel::<()>();
    let guard = std::thread::spawn(move || {
        if waiting
            .recv_timeout(std::time::Duration::from_secs(60))
            .is_err()
        {
            // Still running: it is stuck. Killing it lets the test fail instead of hanging.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
        }
    });
    let output = child.wait_with_output().unwrap();
    let _ = done.send(());
    guard.join().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("oslinker was stuck (killed): {stderr}"));
    assert!(!stderr.contains("panicked"), "{stderr}");
    crate::support::Output {
        code,
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr,
    }
}

/// What toml-test calls invalid and the `toml` crate alone rejects: numbers without digits
/// or with digits of another script, and a second byte-order mark (the loader skips the
/// first, `toml` would skip the next).
#[test]
fn e0001_toml_numbers_without_ascii_digits_and_a_second_byte_order_mark() {
    let tree = Tree::new(&[
        ("a.toml", "kind = \"Environment\"\nid = 0x\n"),
        ("b.toml", "kind = \"Environment\"\nid = 0b\n"),
        ("c.toml", "kind = \"Environment\"\nid = 1_0\u{660}\n"),
        ("d.toml", "\u{feff}\u{feff}kind = \"Environment\"\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0001", "tree/a.toml", 2, 6),
            at("E0001", "tree/b.toml", 2, 6),
            at("E0001", "tree/c.toml", 2, 6),
            at("E0001", "tree/d.toml", 1, 1),
        ]
    );
}

#[test]
fn e0002_a_fifo_named_like_a_manifest_is_refused_without_blocking() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    mkfifo(&tree.root().join("x.yaml"));
    // And through a link: the walk lists a link, and opening a FIFO waits for a writer.
    mkfifo(&tree.root().join("pipe"));
    tree.symlink("pipe", "y.yaml");
    let out = run_or_fail_if_stuck(tree.cmd(["validate", "--format", "json"]));
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0002", "tree/x.yaml", 0, 0),
            at("E0002", "tree/y.yaml", 0, 0)
        ]
    );
    let json = out.json();
    let x = &json["diagnostics"][0];
    assert_eq!(
        x["message"],
        "cannot read: it is a FIFO (named pipe), not a regular file"
    );
    assert_eq!(
        x["help"],
        "manifests are regular files; remove it, or rename it so it does not end in .yaml, .yml, .toml or .json"
    );
    assert_eq!(
        json["diagnostics"][1]["help"],
        "manifests are regular files; point the link at one, or remove it"
    );
}

#[test]
fn e0002_a_link_to_a_device_is_refused_not_read_without_end() {
    // `/dev/zero` says it holds 0 bytes and never ends: a size check on metadata let it in.
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    tree.symlink("/dev/zero", "dev.yaml");
    tree.symlink("/dev/null", "null.toml");
    let out = run_or_fail_if_stuck(tree.cmd(["validate", "--format", "json"]));
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0002", "tree/dev.yaml", 0, 0),
            at("E0002", "tree/null.toml", 0, 0)
        ]
    );
    assert_eq!(
        out.json()["diagnostics"][0]["message"],
        "cannot read: it is a character device, not a regular file"
    );
}

#[test]
fn broken_symlink_not_named_like_a_manifest_is_ignored() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    tree.symlink("nowhere", "notes.txt");
    tree.symlink("nowhere", "folder");
    tree.validate().assert_code(0);
}

#[test]
fn e0002_unreadable_file_when_permissions_apply() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new(&[("a.yaml", &process_yaml("a")), ("b.yaml", VALID_ENV)]);
    let path = tree.root().join("b.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reading (the broken-link test covers E0002).
        return;
    }
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0002", "tree/b.yaml", 0, 0)]);
    assert!(
        out.diagnostic("E0002")["message"]
            .as_str()
            .unwrap()
            .contains("permission denied")
    );
}

// ---------------------------------------------------------------------------------------------
// E0003 not text.

#[test]
fn binary_file_named_like_a_manifest() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let tree = Tree::new(&[("a.yaml", VALID_ENV)]);
    tree.write("x.yaml", &bytes);
    tree.write("y.toml", &bytes);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0003", "E0003"]);
    // The human report survives the binary prefix too.
    tree.run(["validate"]).assert_code(1);
}

// ---------------------------------------------------------------------------------------------
// E0004 limits.

#[test]
fn e0004_file_over_16_mib() {
    let tree = Tree::new(&[("a.yaml", VALID_ENV)]);
    let file = std::fs::File::create(tree.root().join("huge.yaml")).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0004", "tree/huge.yaml", 0, 0)]);
    assert_eq!(
        out.diagnostic("E0004")["message"],
        "file is 16777217 bytes, more than the limit of 16777216 bytes"
    );
}

/// 10,000 levels: no crash, no hang, one clear limit error per file and the rest still checked.
#[test]
fn ten_thousand_levels_of_nesting_in_yaml_and_toml() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            &format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        (
            "b.toml",
            &format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        (
            "c.toml",
            &format!("a = {}1{}\n", "{b = ".repeat(10_000), "}".repeat(10_000)),
        ),
        ("d.yaml", &"[".repeat(10_000)),
        ("e.yaml", &format!("{}x\n", "- ".repeat(10_000))),
        ("f.yaml", "kind: Proces\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    let found: Vec<(String, String)> = out
        .positions()
        .into_iter()
        .map(|(code, file, ..)| (code, file))
        .collect();
    let expected: Vec<(String, String)> = [
        ("E0004", "tree/a.yaml"),
        ("E0004", "tree/b.toml"),
        ("E0004", "tree/c.toml"),
        ("E0004", "tree/d.yaml"),
        ("E0004", "tree/e.yaml"),
        ("E0102", "tree/f.yaml"),
    ]
    .iter()
    .map(|(c, f)| (c.to_string(), f.to_string()))
    .collect();
    assert_eq!(found, expected);
    tree.run(["validate"]).assert_code(1);
}

#[test]
fn deep_toml_table_headers_are_a_limit_error() {
    let headers: String = (1..100)
        .map(|i| format!("[{}]\n", vec!["k"; i].join(".")))
        .collect();
    let tree = Tree::new(&[
        ("a.toml", &format!("[{}]\n", vec!["k"; 10_000].join("."))),
        ("b.toml", &headers),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0004", "E0004"], "{}", out.stdout);
    // The TOML parser reports this limit without a position: the whole file is named
    // (line null), never a misleading 1:1.
    let positions = out.positions();
    assert!(positions.iter().all(|p| p.2 == 0), "{positions:?}");
}

// ---------------------------------------------------------------------------------------------
// E0005, E0006 and the walk.

#[test]
fn e0005_tree_of_only_empty_or_ignored_files() {
    let tree = Tree::new(&[
        ("a.yaml", ""),
        ("b.toml", ""),
        ("c.yaml", "# nothing\n---\n...\n"),
        ("notes.txt", "kind: Proces\n"),
        ("data.ini", "kind = Proces\n"),
        (".hidden.yaml", "kind: Proces\n"),
        (".git/config.yaml", "kind: Proces\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0005", "tree", 0, 0)]);
    // Three files are named like manifests; none holds one.
    let message = out.diagnostic("E0005")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with("no manifests found under `tree` (3 "),
        "{message}"
    );
}

#[test]
fn empty_files_are_not_errors_by_themselves() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        ("empty.yaml", ""),
        ("empty.yml", "\n"),
        ("empty.toml", ""),
        ("comment.toml", "# just a comment\n"),
        ("null.yaml", "~\n"),
    ]);
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    let human = tree.run(["validate"]);
    assert!(
        human
            .stderr
            .ends_with("checked 6 files, 1 manifest: no problems\n"),
        "{}",
        human.stderr
    );
}

#[test]
fn hidden_and_foreign_files_are_skipped_and_yml_is_read() {
    let tree = Tree::new(&[
        ("a.yml", "kind: Proces\n"),
        (".b.yaml", "kind: Proces\n"),
        (".hidden/c.yaml", "kind: Proces\n"),
        ("d.ini", "kind: Proces\n"),
        ("README.md", "kind: Proces\n"),
    ]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0102", "tree/a.yml", 1, 7)]);
}

#[test]
fn symlinked_folders_are_followed_only_with_follow_links() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    let outside = tree.parent().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("bad.yaml"), "kind: Proces\n").unwrap();
    tree.symlink("../outside", "linked");

    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());

    let out = tree.run(["--follow-links", "validate", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0102", "tree/linked/bad.yaml", 1, 7)]);
}

#[test]
fn symlinked_file_is_read() {
    let tree = Tree::new(&[("a.yaml", &process_yaml("a"))]);
    std::fs::write(tree.parent().join("elsewhere.yaml"), "kind: Proces\n").unwrap();
    tree.symlink("../elsewhere.yaml", "b.yaml");
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0102", "tree/b.yaml", 1, 7)]);
}

#[test]
fn e0006_symlink_loop_is_detected_with_follow_links() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        ("sub/b.yaml", "kind: Proces\n"),
    ]);
    tree.symlink("..", "sub/loop");

    // Not followed: no loop, and `sub/b.yaml` is still checked once.
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0102", "tree/sub/b.yaml", 1, 7)]);

    let out = tree.run(["--follow-links", "validate", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0102", "tree/sub/b.yaml", 1, 7),
            at("E0006", "tree/sub/loop", 0, 0)
        ]
    );
    assert_eq!(
        out.diagnostic("E0006")["message"],
        "symbolic link loops back to `tree`; not followed"
    );
}

// ---------------------------------------------------------------------------------------------
// Text encodings.

#[test]
fn utf8_bom_files_are_valid() {
    let tree = Tree::empty();
    tree.write("a.yaml", format!("\u{feff}{}", process_yaml("a")));
    tree.write(
        "b.toml",
        "\u{feff}kind = \"Environment\"\nid = \"e\"\nname = \"e\"\n",
    );
    let out = tree.validate();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
    let plan = tree.run(["plan", "--format", "json"]).json();
    assert_eq!(plan["processes"][0]["id"], "a");
}

#[test]
fn utf8_bom_keeps_line_numbers() {
    let tree = Tree::empty();
    tree.write(
        "a.yaml",
        "\u{feff}kind: Environment\nid: e\nname: e\ncolour: x\n",
    );
    tree.write(
        "b.toml",
        "\u{feff}kind = \"Environment\"\nid = \"f\"\nname = \"f\"\ncolour = \"x\"\n",
    );
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0104", "tree/a.yaml", 4, 1),
            at("E0104", "tree/b.toml", 4, 1)
        ]
    );
}

#[test]
fn utf8_bom_is_not_a_column() {
    let tree = Tree::empty();
    tree.write("a.yaml", "\u{feff}kind: Proces\n");
    tree.write("b.toml", "\u{feff}kind = \"Proces\"\n");
    let out = tree.validate();
    assert_eq!(
        out.positions(),
        [
            at("E0102", "tree/a.yaml", 1, 7),
            at("E0102", "tree/b.toml", 1, 8)
        ]
    );
}

#[test]
fn crlf_line_endings_are_valid_and_keep_positions() {
    let tree = Tree::empty();
    tree.write("a.yaml", process_yaml("a").replace('\n', "\r\n"));
    tree.write(
        "b.toml",
        "kind = \"Environment\"\r\nid = \"e\"\r\nname = \"e\"\r\n",
    );
    tree.validate().assert_code(0);

    tree.write(
        "c.yaml",
        "kind: Environment\r\nid: f\r\nname: f\r\ncolour: x\r\nenv:\r\n  A_TOKEN: t\r\n",
    );
    tree.write(
        "d.toml",
        "kind = \"Environment\"\r\nid = \"g\"\r\nname = \"g\"\r\n\r\n[env]\r\nA_TOKEN = \"t\"\r\n",
    );
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(
        out.positions(),
        [
            at("E0104", "tree/c.yaml", 4, 1),
            at("W0303", "tree/c.yaml", 6, 12),
            at("W0303", "tree/d.toml", 6, 11),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Output to a closed pipe.

#[test]
fn plan_to_a_closed_pipe_exits_quietly() {
    // Enough processes that the plan is far larger than a pipe buffer.
    let docs: String = (0..1500)
        .map(|i| format!("{}---\n", process_yaml(&format!("p{i:04}"))))
        .collect();
    let tree = Tree::new(&[("a.yaml", &docs)]);
    let mut child = tree
        .cmd(["plan"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    assert_eq!(&byte, b"p");
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_an_invalid_tree() {
    // Many diagnostics, so the JSON report is far larger than a pipe buffer.
    let docs: String = (0..1500)
        .map(|i| format!("kind: Process\nid: p{i}\n---\n"))
        .collect();
    let tree = Tree::new(&[("a.yaml", &docs)]);
    let mut child = tree
        .cmd(["-q", "validate", "--format", "json"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}

#[test]
fn a_megabyte_long_unknown_field_gets_no_suggestion_and_no_stall() {
    // YAML caps implicit keys at 1024 characters; TOML has no such cap.
    let long = "k".repeat(1 << 20);
    let text = format!("kind = \"Environment\"\nid = \"e\"\nname = \"e\"\n{long} = 1\n");
    let tree = Tree::new(&[("a.toml", &text)]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0104"]);
    let help = out.diagnostic("E0104")["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.starts_with("allowed fields:"), "{help}");
}

#[test]
fn a_large_mapping_is_checked_for_duplicate_keys() {
    let mut env: String = (0..20_000).map(|i| format!("    V{i}: x\n")).collect();
    env.push_str("    V7: again\n");
    let text = format!("{}  env:\n{env}", process_yaml("a"));
    let tree = Tree::new(&[("a.yaml", &text)]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0111", "tree/a.yaml", 20_010, 5)]);
}

#[test]
fn yaml_merge_keys_bring_in_defaults() {
    let text = "\
x-defaults: &defaults
  environment: production
  env: {LOG_LEVEL: info, REGION: eu}
kind: Process
id: a
name: A
status: running
metadata: {platform: custom}
runtimeContext:
  <<: *defaults
  env: {LOG_LEVEL: debug}
";
    let tree = Tree::new(&[("a.yaml", text)]);
    tree.validate().assert_code(0);
    let plan = tree.run(["plan", "--format", "json"]);
    plan.assert_code(0);
    let process = &plan.json()["processes"][0];
    assert_eq!(process["environment"], "env-production");
    // An explicit key wins over the merged one, whole.
    assert_eq!(process["env"]["LOG_LEVEL"], "debug");
    assert!(process["env"].get("REGION").is_none(), "{process}");
}

#[test]
fn a_complex_key_does_not_hide_the_rest_of_the_file() {
    let text = format!("{}? [a, b]\n: 1\nnmae: x\n", process_yaml("a"));
    let tree = Tree::new(&[("a.yaml", &text)]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0106", "E0104"]);
}

#[test]
fn aliases_cannot_nest_past_the_depth_limit() {
    let mut text = String::from("x-a0: &a0 [x]\n");
    for i in 1..70 {
        text.push_str(&format!("x-a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let tree = Tree::new(&[("a.yaml", &text)]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.codes(), ["E0004"]);
}

#[test]
fn integers_past_64_bits_are_values_not_file_errors() {
    let toml = "\
[[manifest]]
kind = \"Binding\"
id = \"b\"
processId = \"a\"
environmentId = \"production\"
type = \"network\"
config = { ingress = [{ port = 99999999999999999999 }] }
";
    let yaml = format!(
        "{}  env:\n    BIG: 123456789012345678901234567890\n",
        process_yaml("a")
    );
    let tree = Tree::new(&[("a.yaml", &yaml), ("b.toml", toml)]);
    let out = tree.validate();
    out.assert_code(1);
    assert_eq!(out.positions(), [at("E0110", "tree/b.toml", 7, 32)]);
    let message = out.diagnostic("E0110")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(message, "port 99999999999999999999 is out of range 1-65535");
    // In an env map it is just text.
    tree.write("b.toml", "");
    let plan = tree.run(["plan", "--format", "json"]);
    plan.assert_code(0);
    assert_eq!(
        plan.json()["processes"][0]["env"]["BIG"],
        "123456789012345678901234567890"
    );
}
