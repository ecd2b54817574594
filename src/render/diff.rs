//! A plan diff as text (grouped by entity: `+` added, `-` removed, `~` changed) and its
//! closing summary.

use serde::Serialize;
use serde_json::Value;

use crate::diff::{Change, Counts, Kind, Op, PlanDiff, Summary, escape};
use crate::text::plural;

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// `--stat --format json`: the summary alone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatJson<'a> {
    format_version: u32,
    summary: &'a Summary,
}

impl<'a> StatJson<'a> {
    pub fn of(diff: &'a PlanDiff) -> Self {
        StatJson {
            format_version: diff.format_version,
            summary: &diff.summary,
        }
    }
}

/// Every change, grouped by process and route, then (unless `with_summary` is false) the
/// summary line.
pub fn text(diff: &PlanDiff, color: bool, with_summary: bool) -> String {
    let mut out = String::new();
    for group in groups(diff) {
        entity(&mut out, group, color);
    }
    if with_summary {
        if !diff.is_empty() {
            out.push('\n');
        }
        out.push_str(&summary(&diff.summary));
        out.push('\n');
    }
    out
}

/// `2 processes changed, 1 route added`, or `no changes to the plan`.
pub fn summary(summary: &Summary) -> String {
    if summary.is_empty() {
        return "no changes to the plan".to_string();
    }
    let mut parts = Vec::new();
    counts(&mut parts, &summary.processes, "process");
    counts(&mut parts, &summary.routes, "route");
    parts.join(", ")
}

fn counts(parts: &mut Vec<String>, counts: &Counts, noun: &str) {
    for (n, what) in [
        (counts.changed, "changed"),
        (counts.added, "added"),
        (counts.removed, "removed"),
    ] {
        if n > 0 {
            parts.push(format!("{} {what}", plural(n, noun)));
        }
    }
}

/// One process or route: a whole addition or removal with its whole plan entry indented
/// under it, or a `~` heading with one line per changed part.
fn entity(out: &mut String, group: &[Change], color: bool) {
    let first = &group[0];
    let noun = match first.kind {
        Kind::Process => "process",
        Kind::Route => "route",
    };
    let whole = group.len() == 1 && first.path.matches('/').count() == 1;
    if whole && first.op != Op::Change {
        let value = if first.op == Op::Add {
            &first.new
        } else {
            &first.old
        };
        let detail = match first.kind {
            Kind::Process => process_summary(value),
            Kind::Route => route_list(value),
        };
        line(
            out,
            first.op,
            color,
            0,
            &format!("{noun} {}{detail}", first.id),
        );
        if first.kind == Kind::Process {
            for part in entry_lines(value) {
                line(out, first.op, color, 4 + part.depth * 4, &part.text);
            }
        }
        return;
    }
    if first.kind == Kind::Route {
        let detail = route_change(&first.old, &first.new);
        line(
            out,
            Op::Change,
            color,
            0,
            &format!("{noun} {}{detail}", first.id),
        );
        return;
    }
    line(out, Op::Change, color, 0, &format!("{noun} {}", first.id));
    let prefix = format!("processes/{}/", escape(&first.id));
    for change in group {
        let part = change.path.strip_prefix(&prefix).unwrap_or(&change.path);
        let text = match change.op {
            Op::Add => format!("{part}{}", value_suffix(part, &change.new)),
            Op::Remove => format!("{part}{}", value_suffix(part, &change.old)),
            Op::Change => format!(
                "{part}: {} -> {}",
                value_at(part, &change.old),
                value_at(part, &change.new)
            ),
        };
        line(out, change.op, color, 4, &text);
        // A binding added or removed whole shows what it holds, as in a whole process.
        if change.op != Op::Change && is_binding(part) {
            let binding = if change.op == Op::Add {
                &change.new
            } else {
                &change.old
            };
            for part in binding_lines(binding, 0) {
                line(out, change.op, color, 8, &part.text);
            }
        }
    }
}

/// `bindings/ID`: a whole binding (its parts have one more segment).
fn is_binding(part: &str) -> bool {
    part.strip_prefix("bindings/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// One line of a whole plan entry, `depth` levels under its heading.
pub struct EntryLine {
    pub depth: usize,
    pub text: String,
}

/// A process's plan entry as lines, in plan field order, with the same `part: value`
/// wording as a change: scalars, each key of a map (`env/NAME: value`), each element of a
/// list, each binding as a heading with its parts under it, each link with its provider.
/// `id` is in the heading and the platform, environment and status in its summary, so they
/// are not repeated; absent (null) fields are left out.
pub fn entry_lines(process: &Value) -> Vec<EntryLine> {
    let mut lines = Vec::new();
    let Some(fields) = process.as_object() else {
        return lines;
    };
    for (field, v) in fields {
        match (field.as_str(), v) {
            ("id" | "platform" | "environment" | "status", _) | (_, Value::Null) => {}
            ("bindings", Value::Array(bindings)) => {
                for binding in bindings {
                    let id = binding.get("id").and_then(Value::as_str).unwrap_or("?");
                    lines.push(EntryLine {
                        depth: 0,
                        text: format!("bindings/{}{}", escape(id), value_suffix("", binding)),
                    });
                    lines.extend(binding_lines(binding, 1));
                }
            }
            ("links", Value::Array(links)) => {
                for link in links {
                    let capability = link.get("capability").and_then(Value::as_str);
                    let part = format!("links/{}", escape(capability.unwrap_or("?")));
                    let provider = link.get("provider").unwrap_or(&Value::Null);
                    lines.push(EntryLine {
                        depth: 0,
                        text: format!("{part}: {}", value_at(&part, provider)),
                    });
                }
            }
            _ => lines.extend(part_lines(field, v, 0)),
        }
    }
    lines
}

/// A binding's parts (its `id` and `type` are in its heading): `store: vault`,
/// `secrets/OPENAI_API_KEY: kv/...`, one line per egress, ingress and mount.
fn binding_lines(binding: &Value, depth: usize) -> Vec<EntryLine> {
    let Some(fields) = binding.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(field, _)| !matches!(field.as_str(), "id" | "type"))
        .flat_map(|(field, v)| part_lines(field, v, depth))
        .collect()
}

/// `part: value`, one line per key of a map (`part/KEY: value`) and per element of a list.
fn part_lines(part: &str, v: &Value, depth: usize) -> Vec<EntryLine> {
    let at = |text: String| EntryLine { depth, text };
    match v {
        Value::Null => Vec::new(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, v)| part_lines(&format!("{part}/{}", escape(key)), v, depth))
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| at(format!("{part}: {}", element(item))))
            .collect(),
        _ => vec![at(format!("{part}: {}", value_at(part, v)))],
    }
}

fn line(out: &mut String, op: Op, color: bool, indent: usize, text: &str) {
    let (sign, paint) = sign(op);
    let pad = " ".repeat(indent);
    // Every change is one line: a line break in a value or a label's name is shown escaped.
    let text = crate::text::one_line(text);
    if color {
        out.push_str(&format!("{pad}{paint}{sign} {text}{RESET}\n"));
    } else {
        out.push_str(&format!("{pad}{sign} {text}\n"));
    }
}

/// `(nodejs, production, running)` for a process added or removed whole.
fn process_summary(process: &Value) -> String {
    let field = |name| process.get(name).and_then(Value::as_str).unwrap_or("?");
    format!(
        " ({}, {}, {})",
        field("platform"),
        field("environment"),
        field("status")
    )
}

fn route_list(providers: &Value) -> String {
    format!(": {}", providers_text(providers))
}

/// `a, b -> b, a (reordered)` or `a -> a, c (+c)`.
fn route_change(old: &Value, new: &Value) -> String {
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (ids(old), ids(new));
    let added: Vec<String> = after
        .iter()
        .filter(|p| !before.contains(p))
        .map(|p| format!("+{p}"))
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|p| !after.contains(p))
        .map(|p| format!("-{p}"))
        .collect();
    let note = if added.is_empty() && removed.is_empty() {
        "reordered".to_string()
    } else {
        added
            .into_iter()
            .chain(removed)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        ": {} -> {} ({note})",
        providers_text(old),
        providers_text(new)
    )
}

fn providers_text(providers: &Value) -> String {
    match providers.as_array() {
        Some(list) if list.is_empty() => "(no eligible provider)".to_string(),
        Some(list) => list.iter().map(value).collect::<Vec<_>>().join(", "),
        None => value(providers),
    }
}

/// What follows an added or removed part's path: ` (type)` for a binding, `: element` for
/// anything else (an element of a list, or a plain value).
fn value_suffix(part: &str, v: &Value) -> String {
    match v.get("type").and_then(Value::as_str) {
        Some(t) if v.get("id").is_some() => format!(" ({t})"),
        _ => format!(": {}", value_at(part, v)),
    }
}

/// An element of a list, on one line: an ingress rule as `8080/tcp`, a mount as
/// `SOURCE:TARGET` with `:ro` when read-only (as `docker run -v` writes them), anything else
/// as a value.
fn element(v: &Value) -> String {
    let text = |key: &str| v.get(key).map(value);
    if let (Some(port), Some(protocol)) = (text("port"), text("protocol")) {
        return format!("{port}/{protocol}");
    }
    if let (Some(source), Some(target)) = (text("source"), text("target")) {
        let read_only = v.get("readOnly").and_then(Value::as_bool) == Some(true);
        return format!("{source}:{target}{}", if read_only { ":ro" } else { "" });
    }
    value(v)
}

/// A value at a part of a process: a link with no provider is `unresolved`.
fn value_at(part: &str, v: &Value) -> String {
    if v.is_null() && part.starts_with("links/") {
        "unresolved".to_string()
    } else if v.is_object() {
        element(v)
    } else {
        value(v)
    }
}

/// A value as shown: a plain word as is, anything else as JSON (so an empty string or one
/// with spaces stays visible); `null` is `none`.
fn value(v: &Value) -> String {
    match v {
        Value::String(s)
            if !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains('"') =>
        {
            s.clone()
        }
        Value::Null => "none".to_string(),
        other => other.to_string(),
    }
}

/// `--format markdown`, for a pull-request comment: a heading with the summary, a table with
/// one row per process and route changed, then per process a collapsed `<details>` section
/// with its lines as in the text diff (in a `diff` code block, so GitHub colours them).
/// Whatever a manifest holds is escaped for where it lands: table cells for Markdown and
/// HTML, `<summary>` for HTML, code blocks by a fence longer than any backtick run in them.
pub fn markdown(diff: &PlanDiff) -> String {
    let mut out = format!("### Plan diff: {}\n", summary(&diff.summary));
    if diff.is_empty() {
        return out;
    }
    out.push_str("\n| | Kind | Id | Detail |\n|---|---|---|---|\n");
    let groups = groups(diff);
    for group in &groups {
        let first = &group[0];
        let (sign, _) = sign(group_op(group));
        let detail = match (first.kind, group_op(group)) {
            (Kind::Process, Op::Change) => plural(group.len(), "change"),
            (Kind::Process, _) => process_summary(whole_value(first))
                .trim_start()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string(),
            (Kind::Route, Op::Change) => route_change(&first.old, &first.new)[2..].to_string(),
            (Kind::Route, _) => route_list(whole_value(first))[2..].to_string(),
        };
        out.push_str(&format!(
            "| {sign} | {} | {} | {} |\n",
            kind_noun(first.kind),
            table_cell(&first.id),
            table_cell(&detail)
        ));
    }
    for group in groups.iter().filter(|g| g[0].kind == Kind::Process) {
        details(&mut out, group);
    }
    out
}

/// One process's `<details>` section: its heading line as the summary, the rest as a
/// `diff` block with the sign first on each line.
fn details(out: &mut String, group: &[Change]) {
    let mut text = String::new();
    entity(&mut text, group, false);
    let mut lines = text.lines();
    let heading = lines.next().unwrap_or_default();
    let body: Vec<String> = lines
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let (sign, rest) = l.trim_start().split_at(1);
            format!("{sign}{}{rest}", " ".repeat(indent.saturating_sub(4)))
        })
        .collect();
    let body = body.join("\n");
    let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
    out.push_str(&format!(
        "\n<details><summary>{}</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>\n",
        html(heading)
    ));
}

/// The changes grouped by entity (process or route), in order.
fn groups(diff: &PlanDiff) -> Vec<&[Change]> {
    let mut groups = Vec::new();
    let mut rest = diff.changes.as_slice();
    while let Some(first) = rest.first() {
        let len = rest
            .iter()
            .take_while(|c| c.kind == first.kind && c.id == first.id)
            .count();
        let (group, tail) = rest.split_at(len);
        groups.push(group);
        rest = tail;
    }
    groups
}

/// Added or removed whole, or changed.
fn group_op(group: &[Change]) -> Op {
    let first = &group[0];
    let whole = group.len() == 1 && first.path.matches('/').count() == 1;
    if whole { first.op } else { Op::Change }
}

fn whole_value(change: &Change) -> &Value {
    if change.op == Op::Add {
        &change.new
    } else {
        &change.old
    }
}

fn kind_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Process => "process",
        Kind::Route => "route",
    }
}

fn sign(op: Op) -> (char, &'static str) {
    match op {
        Op::Add => ('+', GREEN),
        Op::Remove => ('-', RED),
        Op::Change => ('~', YELLOW),
    }
}

/// Text for HTML: `&`, `<`, `>` and `"` as entities (and on one line).
fn html(text: &str) -> String {
    crate::text::one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for a GFM table cell: HTML-escaped, then each character that Markdown reads as
/// inline syntax in a cell backslash-escaped (`|` would end the cell, `*` and `_` start
/// emphasis, `~` strike through, `[` a link, a backtick code), so an id or a value shows as
/// it is.
fn table_cell(text: &str) -> String {
    let mut cell = String::new();
    for c in html(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~') {
            cell.push('\\');
        }
        cell.push(c);
    }
    cell
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
