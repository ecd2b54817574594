//! Secrets by value in parsed documents: every string (any field, any key) holding a token
//! of a known format or a URL password is reported (E0112) and redacted in the document
//! itself, before the model reads it, so that no later stage, command or format can show it;
//! its place is masked in the file's snippets.

use super::node::{Node, Value};
use crate::diagnostic::{Code, Diagnostic};
use crate::secrets::{Found, find_secrets, redact_secrets};
use crate::source::{SourceFile, Span};

/// Finds, reports and redacts the secret values of one file's documents.
pub fn redact_documents(
    documents: &mut [Node],
    source: &mut SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut walk = Walk {
        source,
        diagnostics,
        path: Vec::new(),
    };
    // Most documents hold no secret: a read-only look first, so that the walk (which keeps
    // the path of every value for its messages) runs only where there is one.
    for document in documents.iter_mut().filter(|d| holds_secret(d)) {
        walk.node(document);
    }
}

/// Whether any string or key in `node` holds a secret.
fn holds_secret(node: &Node) -> bool {
    match &node.value {
        Value::String(text) => !find_secrets(text).is_empty(),
        Value::Seq(items) => items.iter().any(holds_secret),
        Value::Map(entries) => {
            (entries.iter()).any(|e| !find_secrets(&e.key).is_empty() || holds_secret(&e.value))
        }
        _ => false,
    }
}

struct Walk<'w> {
    source: &'w mut SourceFile,
    diagnostics: &'w mut Vec<Diagnostic>,
    /// Where the walk is (`runtimeContext`, `env`, `OPENAI_KEY`), for messages.
    path: Vec<String>,
}

impl Walk<'_> {
    fn node(&mut self, node: &mut Node) {
        match &mut node.value {
            Value::String(text) => {
                if let Some((redacted, found)) = redact_secrets(text) {
                    *text = redacted;
                    let place = match self.path.is_empty() {
                        true => "a value".to_string(),
                        false => format!("`{}`", self.path.join(".")),
                    };
                    self.report(node.span, format!("{place} holds {}", kinds(&found)));
                }
            }
            Value::Seq(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.path.push(index.to_string());
                    self.node(item);
                    self.path.pop();
                }
            }
            Value::Map(entries) => {
                for entry in entries {
                    if let Some((redacted, found)) = redact_secrets(&entry.key) {
                        entry.key = redacted;
                        let place = match self.path.is_empty() {
                            true => "a top-level key".to_string(),
                            false => format!("a key in `{}`", self.path.join(".")),
                        };
                        self.report(entry.key_span, format!("{place} holds {}", kinds(&found)));
                    }
                    self.path.push(entry.key.clone());
                    self.node(&mut entry.value);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn report(&mut self, span: Span, message: String) {
        self.source.mask(span.range());
        self.diagnostics.push(
            Diagnostic::at(Code::SecretValue, span, message)
                .with_label("secret value (hidden)")
                .with_help(
                    "move it to a `secrets` binding (the variable's name and where the secret \
                     is stored), and rotate it: it has been written in this file",
                ),
        );
    }
}

/// What was found, as a message says it: "an OpenAI API key and a password in a URL".
fn kinds(found: &[Found]) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for f in found {
        if !kinds.contains(&f.kind) {
            kinds.push(f.kind);
        }
    }
    match kinds.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
