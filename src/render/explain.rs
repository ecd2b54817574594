//! `explain --format table`: one block per manifest with the id, then the capability.

use comfy_table::{Table, presets};
use serde_json::Value;

use crate::explain::{CapabilityExplanation, Explanation, IdExplanation, Location, Requirement};

const INDENT: &str = "  ";
const KEY_WIDTH: usize = 17;

/// `runtimeVersion` -> `runtime version`.
fn words(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "-".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "-".to_string(),
        // Objects (alternative runtimes) are told apart with `;`.
        Value::Array(items) if items.iter().any(Value::is_object) => {
            items.iter().map(value_text).collect::<Vec<_>>().join("; ")
        }
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        // `resources`, `replicas`: `cpu 500m, memory 512Mi`; an alternative runtime:
        // `platform python, runtime version python-3.12`.
        Value::Object(fields) => fields
            .iter()
            .map(|(key, value)| format!("{} {}", words(key), value_text(value)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn field(out: &mut String, key: &str, value: &str) {
    let value = crate::text::one_line(value);
    // A key as long as the column (`minimum isolation`) still gets a space.
    let width = KEY_WIDTH.max(key.len() + 1);
    out.push_str(&format!("{INDENT}{key:<width$}{value}\n"));
}

/// Rows padded to aligned columns (widths in characters), each line indented.
fn columns(out: &mut String, indent: &str, rows: &[Vec<String>]) {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = indent.to_string();
        for (cell, width) in row.iter().zip(&widths) {
            let pad = width - cell.chars().count();
            line.push_str(cell);
            line.push_str(&" ".repeat(pad + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn section(out: &mut String, title: &str, rows: &[Vec<String>]) {
    if rows.is_empty() {
        field(out, title, "-");
    } else {
        out.push_str(&format!("{INDENT}{title}\n"));
        columns(out, &INDENT.repeat(2), rows);
    }
}

fn defined(at: Option<&Location>, builtin: bool) -> String {
    match (at, builtin) {
        (Some(at), _) => at.to_string(),
        (None, true) => "built in".to_string(),
        (None, false) => "not defined".to_string(),
    }
}

fn requirement_row(r: &Requirement, show_process: bool) -> Vec<String> {
    let provider = r.provider.as_deref().unwrap_or("unresolved");
    let env = r.environment.as_deref().unwrap_or("an unknown environment");
    let head = if show_process {
        format!("{} requires {}", r.process, r.capability)
    } else {
        r.capability.clone()
    };
    vec![
        head,
        format!("-> {provider}"),
        format!("in {env}"),
        r.at.to_string(),
    ]
}

fn id_block(out: &mut String, e: &IdExplanation, query: &str) {
    // An environment may be asked for by its name.
    let named = if e.id == query {
        String::new()
    } else {
        format!(" (named `{query}`)")
    };
    out.push_str(&format!("{} {}{named}\n", e.kind, e.id));
    let mut at = defined(e.defined_at.as_ref(), e.builtin);
    if e.overrides_builtin {
        at.push_str(" (replaces the built-in one)");
    }
    field(out, "defined at", &at);
    for (key, value) in &e.details.0 {
        field(out, &words(key), &value_text(value));
    }
    let references: Vec<Vec<String>> = e
        .references
        .iter()
        .map(|r| {
            let mut target = defined(r.defined_at.as_ref(), r.builtin);
            if r.written != r.id {
                target.push_str(&format!(" (written `{}`)", r.written));
            }
            vec![r.field.to_string(), format!("{} {}", r.kind, r.id), target]
        })
        .collect();
    section(out, "references", &references);
    let referenced_by: Vec<Vec<String>> = e
        .referenced_by
        .iter()
        .map(|r| {
            let who = match (&r.id, &r.capability, r.position) {
                (Some(id), ..) => format!("{} {id}", r.kind),
                (None, Some(capability), Some(position)) => {
                    format!("{} {capability} #{position}", r.kind)
                }
                _ => r.kind.to_string(),
            };
            vec![who, r.field.to_string(), r.at.to_string()]
        })
        .collect();
    section(out, "referenced by", &referenced_by);
    if e.kind == crate::model::Kind::Process {
        let rows: Vec<Vec<String>> = e
            .requires
            .iter()
            .map(|r| requirement_row(r, false))
            .collect();
        section(out, "requires", &rows);
    }
    if matches!(
        e.kind,
        crate::model::Kind::Process | crate::model::Kind::Provider
    ) {
        let rows: Vec<Vec<String>> = e
            .chosen_by
            .iter()
            .map(|r| requirement_row(r, true))
            .collect();
        section(out, "chosen by", &rows);
    }
}

fn capability_block(out: &mut String, c: &CapabilityExplanation) {
    out.push_str(&format!("capability {}\n", c.capability));
    if !c.named {
        field(out, "note", "not named in the tree; routed by a map key");
    }
    let keys: Vec<String> = c
        .keys
        .iter()
        .map(|k| match &k.at {
            Some(at) => format!("{} (mapped at {at})", k.key),
            None => format!("{} (not mapped)", k.key),
        })
        .collect();
    field(out, "map keys", &keys.join(", "));
    field(out, "matched", c.matched.as_deref().unwrap_or("-"));
    if let Some(env) = &c.environment {
        field(out, "environment", &format!("{env} (--env)"));
    }
    let mapped = c.candidates.iter().filter(|c| c.position.is_some()).count();
    let order = match &c.matched {
        Some(key) => format!(
            "the {mapped} listed under map key `{key}` in map order, then those that advertise it, by id"
        ),
        None => "those that advertise it, by id".to_string(),
    };
    field(out, "ranking", &order);
    if c.candidates.is_empty() {
        field(out, "candidates", "-");
    } else {
        out.push_str(&format!("{INDENT}candidates\n"));
        let mut table = Table::new();
        table.load_preset(presets::NOTHING).set_header([
            "RANK",
            "CANDIDATE",
            "KIND",
            "VIA",
            "LISTED AT",
            "STATUS",
            "ENVIRONMENT",
            "WHY",
        ]);
        for candidate in &c.candidates {
            let via = match (candidate.position, candidate.of) {
                (Some(position), Some(of)) => format!("map #{position} of {of}"),
                _ => candidate.via.clone(),
            };
            let dash = || "-".to_string();
            table.add_row([
                candidate.rank.map_or_else(dash, |r| r.to_string()),
                candidate.id.clone(),
                candidate.kind.to_string(),
                via,
                candidate
                    .listed_at
                    .as_ref()
                    .map_or_else(dash, Location::to_string),
                candidate.status.clone().unwrap_or_else(dash),
                candidate.environment.clone().unwrap_or_else(dash),
                candidate.reason.clone(),
            ]);
        }
        // comfy-table pads each cell with one space: three more line the table up with the
        // other sections.
        for line in table.to_string().lines() {
            out.push_str("   ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let rows: Vec<Vec<String>> = c
        .required_by
        .iter()
        .map(|r| requirement_row(r, true))
        .collect();
    section(out, "required by", &rows);
}

pub fn table(explanation: &Explanation) -> String {
    let mut blocks = Vec::new();
    for id in &explanation.ids {
        let mut out = String::new();
        id_block(&mut out, id, &explanation.query);
        blocks.push(out);
    }
    if let Some(capability) = &explanation.capability {
        let mut out = String::new();
        capability_block(&mut out, capability);
        blocks.push(out);
    }
    blocks.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_words() {
        assert_eq!(words("runtimeVersion"), "runtime version");
        assert_eq!(words("name"), "name");
    }
}
