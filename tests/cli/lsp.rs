//! `oslinker lsp`: the real binary driven over stdio with JSON-RPC (Content-Length framing),
//! as an editor drives it, on temporary trees.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Tree, process_yaml};

/// How long to wait for one message before deciding the server is stuck (a safety net so a
/// broken server fails the test instead of hanging it; never what a test asserts).
const STUCK: Duration = Duration::from_secs(60);

/// One editor session with the server.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    root: PathBuf,
}

impl Client {
    /// Starts `oslinker lsp` for the tree and initializes it with the tree's parent as the
    /// workspace folder (so the root is found as `linker.d` would be, or given with -d).
    fn start(tree: &Tree) -> Client {
        Client::spawn(tree.cmd(["lsp"]).command(), tree.parent(), &tree.root())
    }

    /// Starts the server with `command`, `workspace` as the editor's folder; `root` is the
    /// tree the server should find.
    fn spawn(mut command: std::process::Command, workspace: &Path, root: &Path) -> Client {
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = command.spawn().expect("oslinker lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let root = root.canonicalize().unwrap();
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 1,
            root,
        };
        let workspace = uri(workspace);
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": workspace,
                "capabilities": {},
                "workspaceFolders": [{"uri": workspace, "name": "w"}],
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "oslinker");
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, path: &str) -> String {
        uri(&self.root.join(path))
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (`result`, or the whole response when it is
    /// an error), skipping the notifications that come before it.
    fn respond(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id {
                return message;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.respond(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(STUCK)
            .expect("the server answers (it did not: stuck or dead)")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.next();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &str, version: i64, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `{textDocument, position}` for a request at `line`/`character` of `path`.
    fn at(&self, path: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(path)}, "position": {"line": line, "character": character}})
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "lsp exits 0 after shutdown: {status:?}");
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", path.display())
}

/// The line and UTF-16 column of the first `needle` in `text` (ASCII text before it).
fn find(text: &str, needle: &str) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in {text}"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u32, column as u32)
}

fn environment_yaml(id: &str) -> String {
    format!("kind: Environment\nid: {id}\nname: {id}\n")
}

#[test]
fn diagnostics_follow_an_unsaved_buffer_and_clear_when_fixed() {
    let tree = Tree::new(&[
        ("envs.yaml", &environment_yaml("staging")),
        ("a.yaml", &process_yaml("a")),
    ]);
    let mut client = Client::start(&tree);
    let broken = process_yaml("b").replace("environment: production", "environment: nowhere");
    client.open("b.yaml", &broken);
    let b = client.uri("b.yaml");
    let found = client.diagnostics_for(&b);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "E0203");
    assert_eq!(found[0]["source"], "oslinker");
    let (line, column) = find(&broken, "nowhere");
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": line, "character": column})
    );
    assert_eq!(
        found[0]["range"]["end"],
        json!({"line": line, "character": column + "nowhere".len() as u32})
    );
    // The file on disk is untouched: the buffer is what was linked.
    assert!(!tree.root().join("b.yaml").exists());
    client.change(
        "b.yaml",
        2,
        &process_yaml("b").replace("production", "staging"),
    );
    assert_eq!(client.diagnostics_for(&b), Vec::<Value>::new());
    client.shutdown();
}

/// A tree where ids cross files: process `writer` (requires `code.review`) in `staging`,
/// provider `reviewer` backed by process `critic`, a capability map and a binding.
fn linked_tree() -> Tree {
    let writer = "kind: Process\nid: writer\nname: Writer\nstatus: running\nmetadata:\n  platform: nodejs\nrequires: [code.review]\nruntimeContext:\n  environment: staging\n";
    let critic = "kind: Process\nid: critic\nname: Critic\nstatus: running\nmetadata:\n  platform: nodejs\ncapabilities: [code.review]\nruntimeContext:\n  environment: staging\n";
    let provider = "kind: Provider\nid: reviewer\nplatform: nodejs\nprocess: critic\ncapabilities: [code.review]\n";
    let map = "kind: CapabilityMap\nmappings:\n  code.review: [reviewer]\n";
    let binding = "kind: Binding\nid: writer-net\nprocessId: writer\nenvironmentId: staging\ntype: network\nconfig:\n  ingress:\n    - port: 8080\n";
    let tree = Tree::new(&[
        ("envs.yaml", &environment_yaml("staging")),
        ("processes/writer.yaml", writer),
        ("processes/critic.yaml", critic),
        ("providers.yaml", provider),
        ("map.yaml", map),
        ("bindings.yaml", binding),
    ]);
    let report = tree.validate();
    assert_eq!(report.code, 0, "the fixture is valid: {}", report.all());
    tree
}

fn text_of(tree: &Tree, path: &str) -> String {
    std::fs::read_to_string(tree.root().join(path)).unwrap()
}

/// `(uri, line, character)` of each location, sorted.
fn places(locations: &Value) -> Vec<(String, u64, u64)> {
    let mut found: Vec<_> = (locations.as_array().expect("locations").iter())
        .map(|l| {
            let start = &l["range"]["start"];
            let uri = l["uri"].as_str().unwrap().to_string();
            (
                uri,
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

fn place(client: &Client, tree: &Tree, path: &str, needle: &str) -> (String, u64, u64) {
    let (line, column) = find(&text_of(tree, path), needle);
    (client.uri(path), line.into(), column.into())
}

#[test]
fn definition_jumps_across_files() {
    let tree = linked_tree();
    let mut client = Client::start(&tree);
    // `processId: writer` in the binding -> the process's `id`.
    let (line, column) = find(&text_of(&tree, "bindings.yaml"), "writer\n");
    let found = client.request(
        "textDocument/definition",
        client.at("bindings.yaml", line, column + 2),
    );
    let writer = place(&client, &tree, "processes/writer.yaml", "writer");
    assert_eq!(places(&found), vec![writer]);
    // `reviewer` in the capability map -> the provider.
    let (line, column) = find(&text_of(&tree, "map.yaml"), "reviewer");
    let found = client.request(
        "textDocument/definition",
        client.at("map.yaml", line, column),
    );
    assert_eq!(
        places(&found),
        vec![place(&client, &tree, "providers.yaml", "reviewer")]
    );
    // A requirement -> the provider chosen for it.
    let (line, column) = find(&text_of(&tree, "processes/writer.yaml"), "code.review");
    let found = client.request(
        "textDocument/definition",
        client.at("processes/writer.yaml", line, column + 1),
    );
    assert_eq!(
        places(&found),
        vec![place(&client, &tree, "providers.yaml", "reviewer")]
    );
    // The environment, from the process.
    let (line, column) = find(&text_of(&tree, "processes/writer.yaml"), "staging");
    let found = client.request(
        "textDocument/definition",
        client.at("processes/writer.yaml", line, column),
    );
    assert_eq!(
        places(&found),
        vec![place(&client, &tree, "envs.yaml", "staging")]
    );
    client.shutdown();
}

#[test]
fn references_list_every_file_that_names_an_id() {
    let tree = linked_tree();
    let mut client = Client::start(&tree);
    let (line, column) = find(&text_of(&tree, "envs.yaml"), "staging");
    let mut params = client.at("envs.yaml", line, column);
    params["context"] = json!({"includeDeclaration": true});
    let found = client.request("textDocument/references", params);
    let mut expected = vec![
        place(&client, &tree, "envs.yaml", "staging"),
        place(&client, &tree, "processes/writer.yaml", "staging"),
        place(&client, &tree, "processes/critic.yaml", "staging"),
        place(&client, &tree, "bindings.yaml", "staging"),
    ];
    expected.sort();
    assert_eq!(places(&found), expected);
    client.shutdown();
}

#[test]
fn rename_edits_the_definition_and_every_reference() {
    let tree = linked_tree();
    let mut client = Client::start(&tree);
    let (line, column) = find(&text_of(&tree, "processes/critic.yaml"), "critic");
    let mut params = client.at("processes/critic.yaml", line, column);
    params["newName"] = json!("judge");
    let edit = client.request("textDocument/rename", params.clone());
    let changes = edit["changes"].as_object().expect("changes by uri");
    let mut edited: Vec<(String, u64, u64, String)> = changes
        .iter()
        .flat_map(|(uri, edits)| {
            edits.as_array().unwrap().iter().map(move |e| {
                let start = &e["range"]["start"];
                let end = &e["range"]["end"];
                assert_eq!(
                    end["character"].as_u64().unwrap() - start["character"].as_u64().unwrap(),
                    6
                );
                (
                    uri.clone(),
                    start["line"].as_u64().unwrap(),
                    start["character"].as_u64().unwrap(),
                    e["newText"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    edited.sort();
    let at = |path, needle| {
        let (uri, line, column) = place(&client, &tree, path, needle);
        (uri, line, column, "judge".to_string())
    };
    let mut expected = vec![
        at("processes/critic.yaml", "critic"),
        at("providers.yaml", "critic"),
    ];
    expected.sort();
    assert_eq!(edited, expected);

    // Taken, or not an id: refused, with why.
    params["newName"] = json!("writer");
    let refused = client.respond("textDocument/rename", params.clone());
    let message = refused["error"]["message"].as_str().expect("an error");
    assert!(
        message.contains("Process `writer` already exists"),
        "{message}"
    );
    params["newName"] = json!("not an id");
    let refused = client.respond("textDocument/rename", params);
    let message = refused["error"]["message"].as_str().expect("an error");
    assert!(message.contains("not a valid id"), "{message}");
    client.shutdown();
}

fn hover_text(client: &mut Client, tree: &Tree, path: &str, needle: &str) -> String {
    let (line, column) = find(&text_of(tree, path), needle);
    let found = client.request("textDocument/hover", client.at(path, line, column));
    assert_eq!(found["contents"]["kind"], "markdown");
    found["contents"]["value"].as_str().unwrap().to_string()
}

#[test]
fn hover_tells_what_an_id_is_and_a_capabilitys_route() {
    let tree = linked_tree();
    let mut client = Client::start(&tree);
    let writer = hover_text(&mut client, &tree, "bindings.yaml", "writer\n");
    println!("{writer}");
    assert!(
        writer.starts_with("**Process** `writer`: Writer"),
        "{writer}"
    );
    assert!(
        writer.contains("defined at processes/writer.yaml:2"),
        "{writer}"
    );
    assert!(writer.contains("- `code.review` → `reviewer`"), "{writer}");
    let route = hover_text(&mut client, &tree, "processes/writer.yaml", "code.review");
    println!("{route}");
    assert!(
        route.starts_with("**Capability** `code.review` in `staging`"),
        "{route}"
    );
    assert!(route.contains("1. `reviewer` (Provider)"), "{route}");
    client.shutdown();
}

/// The labels offered at the end of `text` (opened as `path`, unsaved, then closed).
fn completions_at_end(client: &mut Client, path: &str, text: &str) -> Vec<String> {
    client.open(path, text);
    let line = text.matches('\n').count() as u32;
    let column = text.rsplit('\n').next().unwrap().len() as u32;
    let found = client.request("textDocument/completion", client.at(path, line, column));
    let mut labels: Vec<String> = (found.as_array().expect("a list of items").iter())
        .map(|item| item["label"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    let uri = client.uri(path);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    labels
}

#[test]
fn completion_offers_ids_capabilities_fields_and_choices() {
    let tree = linked_tree();
    let mut client = Client::start(&tree);
    let process = "kind: Process\nid: new\nruntimeContext:\n  environment: ";
    let labels = completions_at_end(&mut client, "new.yaml", process);
    assert!(labels.contains(&"staging".to_string()), "{labels:?}");
    assert!(
        labels.contains(&"production".to_string()),
        "built-ins too: {labels:?}"
    );
    assert!(!labels.contains(&"writer".to_string()), "{labels:?}");

    let binding = "kind: Binding\nid: b\nprocessId: ";
    let labels = completions_at_end(&mut client, "b.yaml", binding);
    assert_eq!(labels, ["critic", "writer"]);

    let map = "kind: CapabilityMap\nmappings:\n  code.review: [reviewer, ";
    let labels = completions_at_end(&mut client, "map2.yaml", map);
    assert_eq!(labels, ["critic", "reviewer", "writer"]);

    let requires = "kind: Process\nid: n2\nrequires:\n  - ";
    let labels = completions_at_end(&mut client, "n2.yaml", requires);
    assert_eq!(labels, ["code.review"]);

    let platform = "kind: Provider\nid: p2\nplatform: ";
    let labels = completions_at_end(&mut client, "p2.yaml", platform);
    assert!(labels.contains(&"nodejs".to_string()), "{labels:?}");

    let status = "kind: Process\nid: n3\nstatus: ";
    let labels = completions_at_end(&mut client, "n3.yaml", status);
    assert_eq!(labels, ["error", "pending", "running", "stopped"]);

    let field = "kind: Process\nid: n4\nruntimeContext:\n  ";
    let labels = completions_at_end(&mut client, "n4.yaml", field);
    assert!(labels.contains(&"environment".to_string()), "{labels:?}");
    assert!(!labels.contains(&"status".to_string()), "{labels:?}");

    let toml = "[[manifest]]\nkind = \"Binding\"\nid = \"t\"\nprocessId = \"";
    let labels = completions_at_end(&mut client, "t.toml", toml);
    assert_eq!(labels, ["critic", "writer"]);
    client.shutdown();
}

#[test]
fn symbols_list_a_documents_manifests_and_the_trees_ids() {
    let tree = linked_tree();
    tree.write(
        "more.yaml",
        format!("{}---\n{}", environment_yaml("qa"), process_yaml("tester")),
    );
    let mut client = Client::start(&tree);
    let uri = client.uri("more.yaml");
    let found = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols: Vec<(String, String, u64)> = (found.as_array().unwrap().iter())
        .map(|s| {
            let line = s["selectionRange"]["start"]["line"].as_u64().unwrap();
            (
                s["name"].as_str().unwrap().into(),
                s["detail"].as_str().unwrap().into(),
                line,
            )
        })
        .collect();
    assert_eq!(
        symbols,
        [
            ("qa".into(), "Environment".into(), 1),
            ("tester".into(), "Process".into(), 5)
        ]
    );
    let found = client.request("workspace/symbol", json!({"query": "WRI"}));
    let names: Vec<(&str, &str)> = (found.as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["containerName"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("writer", "Process"), ("writer-net", "Binding")]);
    assert_eq!(
        found[0]["location"]["uri"],
        json!(client.uri("processes/writer.yaml"))
    );
    client.shutdown();
}

#[test]
fn diagnostics_cover_files_not_open_with_related_places_and_follow_close() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("agent")),
        ("b.yaml", &process_yaml("agent")),
    ]);
    let mut client = Client::start(&tree);
    // Published at start for a file no editor opened, pointing at the first definition.
    let b = client.uri("b.yaml");
    let found = client.diagnostics_for(&b);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "E0201");
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], json!(client.uri("a.yaml")));
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 1, "character": 4})
    );
    assert_eq!(related["message"], "first defined here");
    // Fixed in the buffer: cleared; closed unsaved: the file on disk counts again.
    client.open("b.yaml", &process_yaml("other"));
    assert_eq!(client.diagnostics_for(&b), Vec::<Value>::new());
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": b}}));
    let found = client.diagnostics_for(&b);
    assert_eq!(found[0]["code"], "E0201");
    client.shutdown();
}

/// Neovim's own LSP client (`vim.lsp`) starts `oslinker lsp` for a YAML file, asks where
/// `processId: writer` is defined and jumps there (tests/cli/lsp_jump.lua prints where it
/// landed). Works with Neovim 0.7 and later.
#[test]
#[ignore = "needs nvim"]
fn neovim_jumps_to_a_definition_in_another_file() {
    let tree = linked_tree();
    let root = tree.root().canonicalize().unwrap();
    let state = tree.parent().join("nvim-state");
    let script = crate::support::repo().join("tests/cli/lsp_jump.lua");
    let output = std::process::Command::new("nvim")
        .current_dir(tree.parent())
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("TREE", &root)
        .env("OSLINKER", env!("CARGO_BIN_EXE_oslinker"))
        .env("XDG_STATE_HOME", &state)
        .env("XDG_CACHE_HOME", &state)
        .env("XDG_DATA_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let landed = format!("{}:2:5", root.join("processes/writer.yaml").display());
    assert_eq!(
        stdout.trim(),
        landed,
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_file_changed_on_disk_is_read_again_when_the_editor_says_so() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a")),
        ("b.yaml", &process_yaml("b")),
    ]);
    let mut client = Client::start(&tree);
    // Answered once the tree is linked: the edits below come after.
    client.request("workspace/symbol", json!({"query": ""}));
    tree.write("a.yaml", process_yaml("a").replace("production", "nowhere"));
    let a = client.uri("a.yaml");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 2}]}),
    );
    assert_eq!(client.diagnostics_for(&a)[0]["code"], "E0203");
    // Saved from a buffer: the same.
    tree.write("a.yaml", process_yaml("a"));
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": a}}));
    assert_eq!(client.diagnostics_for(&a), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn the_tree_is_the_workspace_folders_linker_d() {
    // No --dir, and run from elsewhere: the editor's workspace folder says where the tree is.
    let workspace = Tree::new(&[(
        "linker.d/a.yaml",
        &process_yaml("a").replace("production", "x"),
    )]);
    let elsewhere = Tree::empty();
    let command = crate::support::oslinker(elsewhere.parent())
        .args(["lsp"])
        .command();
    let root = workspace.root().join("linker.d");
    let mut client = Client::spawn(command, &workspace.root(), &root);
    let a = client.uri("a.yaml");
    assert_eq!(client.diagnostics_for(&a)[0]["code"], "E0203");
    client.shutdown();
}
