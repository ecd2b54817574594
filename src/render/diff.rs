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
    let mut rest = diff.changes.as_slice();
    while let Some(first) = rest.first() {
        let len = rest
            .iter()
            .take_while(|c| c.kind == first.kind && c.id == first.id)
            .count();
        let (group, tail) = rest.split_at(len);
        entity(&mut out, group, color);
        rest = tail;
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

/// One process or route: a whole addition or removal on one line, or a `~` heading with one
/// line per changed part.
fn entity(out: &mut String, group: &[Change], color: bool) {
    let first = &group[0];
    let noun = match first.kind {
        Kind::Process => "process",
        Kind::Route => "route",
    };
    let whole = group.len() == 1 && first.path.matches('/').count() == 1;
    if whole && first.op != Op::Change {
        let detail = match first.kind {
            Kind::Process => process_summary(if first.op == Op::Add {
                &first.new
            } else {
                &first.old
            }),
            Kind::Route => route_list(if first.op == Op::Add {
                &first.new
            } else {
                &first.old
            }),
        };
        line(
            out,
            first.op,
            color,
            0,
            &format!("{noun} {}{detail}", first.id),
        );
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
    }
}

fn line(out: &mut String, op: Op, color: bool, indent: usize, text: &str) {
    let (sign, paint) = match op {
        Op::Add => ('+', GREEN),
        Op::Remove => ('-', RED),
        Op::Change => ('~', YELLOW),
    };
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

/// What follows an added or removed part's path: `: value` for a plain value, ` (type)` for
/// a binding, nothing for anything larger.
fn value_suffix(part: &str, v: &Value) -> String {
    match v {
        Value::Object(map) => map
            .get("type")
            .and_then(Value::as_str)
            .map(|t| format!(" ({t})"))
            .unwrap_or_default(),
        Value::Array(_) => String::new(),
        _ => format!(": {}", value_at(part, v)),
    }
}

/// A value at a part of a process: a link with no provider is `unresolved`.
fn value_at(part: &str, v: &Value) -> String {
    if v.is_null() && part.starts_with("links/") {
        "unresolved".to_string()
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
