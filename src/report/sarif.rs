//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Position, position, position_of};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::lints::Suppressed;
use crate::source::{FileId, Sources};

/// Where the project lives (Cargo.toml's `repository`); rules link to the README's table.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The base that artifact URIs are relative to: the repository the command runs in.
const SRCROOT: &str = "%SRCROOT%";

/// The root artifact paths are given relative to: the git work tree around the working
/// directory, else the working directory itself.
fn source_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let root = cwd.ancestors().find(|dir| dir.join(".git").exists());
    Some(root.unwrap_or(&cwd).to_path_buf())
}

/// A file's location: relative to `root` with `uriBaseId`, or, outside it, a `file:` URI.
fn artifact(sources: &Sources, file: FileId, root: Option<&Path>) -> Value {
    let path = &sources.get(file).path;
    let absolute = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.clone());
    let absolute = normalised(&absolute);
    match root.and_then(|r| absolute.strip_prefix(r).ok()) {
        Some(relative) if !relative.as_os_str().is_empty() => {
            json!({ "uri": uri(&relative.to_string_lossy()), "uriBaseId": SRCROOT })
        }
        _ => json!({ "uri": format!("file://{}", uri(&absolute.to_string_lossy())) }),
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (a link stays as written).
fn normalised(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The README's table of codes, where each rule is explained.
fn help_uri() -> String {
    format!("{REPOSITORY}#diagnostic-codes")
}

fn rule(code: Code) -> Value {
    let help = format!(
        "{} {}: {}. See the table of diagnostic codes in the README.",
        code.id(),
        code.name(),
        code.description()
    );
    let markdown = format!(
        "**{} {}** ({}): {}.\n\nSee [the table of diagnostic codes]({}).",
        code.id(),
        code.name(),
        code.severity().as_str(),
        code.description(),
        help_uri()
    );
    json!({
        "id": code.id(),
        "name": code.name(),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": format!("{}.", code.description()) },
        "help": { "text": help, "markdown": markdown },
        "helpUri": help_uri(),
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

/// A Policy rule of the tree's own, as a SARIF rule: its id is the rule's code.
fn policy_rule(id: &str, severity: Severity) -> Value {
    let text =
        format!("a rule of the tree's own Policy ({id}); see the Policy manifest that defines it");
    json!({
        "id": id,
        "name": Code::PolicyRule.name(),
        "shortDescription": { "text": Code::PolicyRule.summary() },
        "fullDescription": { "text": format!("{text}.") },
        "help": { "text": text, "markdown": format!("{text}.") },
        "helpUri": help_uri(),
        "defaultConfiguration": { "level": level(severity) },
    })
}

/// A file path as a relative URI reference: `/` separators, other reserved bytes escaped.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn location(p: &Position, artifact: Value, message: Option<&str>) -> Value {
    let mut physical = json!({ "artifactLocation": artifact });
    if let (Some((line, column)), Some((end_line, end_column))) = (p.line_col, p.end) {
        // An empty span (a point such as a syntax error) still gets a one-column region.
        let end_column = if (end_line, end_column) <= (line, column) {
            column + 1
        } else {
            end_column
        };
        let end_line = end_line.max(line);
        physical["region"] = json!({
            "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column,
        });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(message) = message {
        location["message"] = json!({ "text": message });
    }
    location
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The log; `suppressed` findings are results too, each with an in-source suppression and
/// its reason as the justification (as SARIF viewers show silenced results).
pub fn sarif(sources: &Sources, diagnostics: &[Diagnostic], suppressed: &[Suppressed]) -> String {
    let mut rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    // The tree's own rules that were broken, each once, after the stable codes.
    let mut policy_rules: Vec<&str> = Vec::new();
    let all = diagnostics
        .iter()
        .chain(suppressed.iter().map(|s| &s.diagnostic));
    for d in all {
        if let Some(id) = d.rule.as_deref()
            && !policy_rules.contains(&id)
        {
            policy_rules.push(id);
            rules.push(policy_rule(id, d.severity));
        }
    }
    let root = source_root();
    let root = root.as_deref();
    let silenced = suppressed.iter().map(|s| {
        let mut result = result(sources, root, &policy_rules, &s.diagnostic);
        result["suppressions"] = json!([{ "kind": "inSource", "justification": s.reason }]);
        result
    });
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| result(sources, root, &policy_rules, d))
        .chain(silenced)
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "oslinker",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": REPOSITORY,
                "rules": rules,
            }},
            "originalUriBaseIds": original_uri_base_ids(root),
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    crate::text::json(&log)
}

/// One diagnostic as a SARIF result; a Policy rule's finding points at its rule after the
/// stable codes (`policy_rules`, in the order the rules list them).
fn result(sources: &Sources, root: Option<&Path>, policy_rules: &[&str], d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let index = match d.rule.as_deref() {
        Some(id) => Code::ALL.len() + policy_rules.iter().position(|r| *r == id).unwrap_or(0),
        None => Code::ALL
            .iter()
            .position(|c| *c == d.code)
            .unwrap_or_default(),
    };
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut l = location(
                &position_of(sources, r.span.file, Some(r.span)),
                artifact(sources, r.span.file, root),
                Some(&r.message),
            );
            l["id"] = json!(i + 1);
            l
        })
        .collect();
    let mut result = json!({
        "ruleId": d.code_id(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location(&position(sources, d), artifact(sources, d.file, root), None)],
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    result
}

/// Where `%SRCROOT%` is on this machine, as SARIF viewers may resolve it.
fn original_uri_base_ids(root: Option<&Path>) -> Value {
    match root {
        Some(root) => {
            let mut base = format!("file://{}", uri(&root.to_string_lossy()));
            if !base.ends_with('/') {
                base.push('/');
            }
            json!({ SRCROOT: { "uri": base } })
        }
        None => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_escaped() {
        assert_eq!(
            uri("linker.d/my agents/a.yaml"),
            "linker.d/my%20agents/a.yaml"
        );
    }
}
