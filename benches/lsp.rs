//! `oslinker lsp` on a fleet-shaped tree (see `fleet.rs`): from a one-character edit of an
//! open buffer (`didChange`) to the fresh diagnostics of that file (`publishDiagnostics`),
//! median of 8 edits that alternately break and fix the file's environment reference.
//!
//! `cargo bench --bench lsp` runs 10,000 processes; `cargo bench --bench lsp -- 1000` picks
//! the size. Not a test: it prints figures, it checks no budget.

mod fleet;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_oslinker");

fn main() {
    let processes = (std::env::args().skip(1))
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("linker.d");
    fleet::write(&root, processes, true);
    let root = root.canonicalize().unwrap();
    let mut child = Command::new(BIN)
        .arg("--dir")
        .arg(&root)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        stdin: child.stdin.take().unwrap(),
        messages: reader(child.stdout.take().unwrap()),
    };
    let start = Instant::now();
    server.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    server.until(|m| m["id"] == 1);
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    // A request is answered after the first link.
    server.send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": "-"}}),
    );
    server.until(|m| m["id"] == 2);
    let first = start.elapsed();

    let file = (processes / 2..processes)
        .map(|i| fleet::process_file(&root, i))
        .find(|f| f.extension().is_some_and(|e| e == "yaml"))
        .expect("a YAML process file");
    let uri = format!("file://{}", file.display());
    let fixed = std::fs::read_to_string(&file).unwrap();
    let broken = broken(&fixed);
    server.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": fixed}}}),
    );
    let mut latencies = Vec::new();
    for edit in 0..8 {
        let (text, errors) = if edit % 2 == 0 {
            (&broken, true)
        } else {
            (&fixed, false)
        };
        let start = Instant::now();
        server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": edit + 2}, "contentChanges": [{"text": text}]}}));
        server.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.is_empty() != errors)
        });
        latencies.push(start.elapsed());
    }
    latencies.sort();
    println!(
        "lsp on {processes} processes: first link answered in {:.0} ms; fresh diagnostics {:.0} ms after a one-character edit (median of 8, min {:.0} ms, max {:.0} ms)",
        ms(first),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[0]),
        ms(latencies[latencies.len() - 1]),
    );
    server.send(json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}));
    server.until(|m| m["id"] == 3);
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
}

/// The file with one more character in its environment reference: an unknown environment.
fn broken(text: &str) -> String {
    let at = text
        .find("environment: ")
        .expect("an environment reference");
    let end = at + text[at..].find('\n').unwrap();
    format!("{}x{}", &text[..end], &text[end..])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Server {
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Server {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.messages.recv().expect("the server runs");
            if wanted(&message) {
                return message;
            }
        }
    }
}

fn reader(stdout: impl Read + Send + 'static) -> Receiver<Value> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                match line.trim_end() {
                    "" => break,
                    header => {
                        if let Some(n) = header.strip_prefix("Content-Length: ") {
                            length = n.parse().unwrap();
                        }
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    receiver
}
