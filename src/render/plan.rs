//! `plan --format table`: one block per process, then the routes, wrapped to 80 columns.
//! Lists wrap between items and `NAME=value` pairs after the `=`; a single item longer than
//! a line (a long secret reference, say) is never cut.

use std::collections::BTreeMap;

use crate::plan::{Plan, PlannedBinding, PlannedProcess};
use crate::text::one_line;

const WIDTH: usize = 80;
const INDENT: &str = "  ";
const KEY_WIDTH: usize = 13;

/// Packs `items` into lines of at most `width` columns (a trailing comma included), joined
/// by `, `.
fn pack(items: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for item in items {
        match lines.last_mut() {
            // One column is kept for the comma that ends a line when the next item wraps.
            Some(line) if line.len() + 2 + item.len() < width => {
                line.push_str(", ");
                line.push_str(item);
            }
            Some(line) => {
                line.push(',');
                lines.push(item.clone());
            }
            None => lines.push(item.clone()),
        }
    }
    lines
}

/// `NAME=value`, or `NAME=` with the value on the next line (indented) when too long.
fn pair(name: &str, value: &str, width: usize) -> Vec<String> {
    if name.len() + 1 + value.len() <= width {
        vec![format!("{name}={value}")]
    } else {
        vec![format!("{name}="), format!("  {value}")]
    }
}

/// Writes `key` beside the first line and the rest aligned below it; `-` for none.
fn field(out: &mut String, key: &str, lines: &[String]) {
    if lines.is_empty() {
        out.push_str(&format!("{INDENT}{key:<KEY_WIDTH$}-\n"));
    }
    for (i, line) in lines.iter().enumerate() {
        let label = if i == 0 { key } else { "" };
        let line = one_line(line);
        out.push_str(&format!("{INDENT}{label:<KEY_WIDTH$}{line}\n"));
    }
}

/// What a binding provides: the secret names, each mount, ingress and egress.
fn binding_details(b: &PlannedBinding, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(secrets) = &b.secrets {
        let names: Vec<String> = secrets.keys().cloned().collect();
        let store = b.store.as_deref().unwrap_or_default();
        lines.extend(
            pack(&names, width - store.len() - 2)
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let lead = if i == 0 {
                        format!("{store}: ")
                    } else {
                        " ".repeat(store.len() + 2)
                    };
                    format!("{lead}{line}")
                }),
        );
    }
    for m in b.mounts.iter().flatten() {
        let mode = if m.read_only { "ro" } else { "rw" };
        lines.push(format!("{} -> {} ({mode})", m.source, m.target));
    }
    let ingress: Vec<String> = b
        .ingress
        .iter()
        .flatten()
        .map(|i| format!("{}/{}", i.port, i.protocol))
        .collect();
    let egress = b.egress.clone().unwrap_or_default();
    for (direction, items) in [("in ", ingress), ("out", egress)] {
        for (i, line) in pack(&items, width - 4).into_iter().enumerate() {
            let lead = if i == 0 { direction } else { "   " };
            lines.push(format!("{lead} {line}"));
        }
    }
    lines
}

fn binding_lines(bindings: &[PlannedBinding], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for b in bindings {
        lines.push(format!("{} ({})", b.id, b.binding_type));
        lines.extend(
            binding_details(b, width - 2)
                .into_iter()
                .map(|d| format!("  {d}")),
        );
    }
    lines
}

fn process_block(out: &mut String, p: &PlannedProcess) {
    let width = WIDTH - INDENT.len() - KEY_WIDTH;
    out.push_str(&format!("{}  {}\n", p.id, one_line(&p.name)));
    field(out, "status", std::slice::from_ref(&p.status));
    field(out, "type", std::slice::from_ref(&p.process_type));
    let platform = match &p.runtime_version {
        Some(version) => format!("{} ({version})", p.platform),
        None => p.platform.clone(),
    };
    field(out, "platform", &[platform]);
    running(out, p, width);
    field(out, "environment", std::slice::from_ref(&p.environment));
    let env: Vec<String> = p.env.iter().flat_map(|(k, v)| pair(k, v, width)).collect();
    field(out, "env", &env);
    field(out, "bindings", &binding_lines(&p.bindings, width));
    field(out, "provides", &pack(&p.provides, width));
    let links: Vec<String> = p
        .links
        .iter()
        .map(|l| {
            format!(
                "{} -> {}",
                l.capability,
                l.provider.as_deref().unwrap_or("unresolved")
            )
        })
        .collect();
    field(out, "links", &links);
}

/// How it runs: each line only when the process says it, so plans of trees that do not are
/// as they were.
fn running(out: &mut String, p: &PlannedProcess, width: usize) {
    if !p.alternatives.is_empty() {
        let alternatives: Vec<String> = p.alternatives.iter().map(|a| a.to_string()).collect();
        field(out, "alternatives", &pack(&alternatives, width));
    }
    if let Some(endpoint) = &p.endpoint {
        field(out, "endpoint", std::slice::from_ref(endpoint));
    }
    if let Some(isolation) = &p.isolation {
        field(out, "isolation", std::slice::from_ref(isolation));
    }
    if let Some(resources) = &p.resources {
        field(out, "resources", &[resources.to_string()]);
    }
    if let Some(replicas) = &p.replicas {
        field(out, "replicas", &[replicas.to_string()]);
    }
    if let Some(health) = &p.health {
        field(out, "health", &health.lines());
    }
}

pub fn table(plan: &Plan) -> String {
    let mut out = String::new();
    for process in &plan.processes {
        process_block(&mut out, process);
        out.push('\n');
    }
    if plan.processes.is_empty() {
        out.push_str("no processes\n\n");
    }
    out.push_str("routes\n");
    routes(&mut out, &plan.routes);
    if plan.routes.is_empty() {
        let none = match plan.environment_routes.is_empty() {
            true => "(no capability map)",
            false => "(no capability map for every environment)",
        };
        out.push_str(&format!("{INDENT}{none}\n"));
    }
    for (environment, own) in plan.environment_routes.iter() {
        out.push_str(&format!("\nroutes in {environment} (its own maps)\n"));
        routes(&mut out, own);
    }
    out
}

/// One line per route (more where the providers wrap), keys aligned.
fn routes(out: &mut String, routes: &BTreeMap<String, Vec<String>>) {
    let key_width = routes.keys().map(String::len).max().unwrap_or(0);
    let width = WIDTH.saturating_sub(INDENT.len() + key_width + 2).max(20);
    for (capability, providers) in routes {
        let lines = if providers.is_empty() {
            vec!["(none eligible)".to_string()]
        } else {
            pack(providers, width)
        };
        for (i, line) in lines.iter().enumerate() {
            let label = if i == 0 { capability.as_str() } else { "" };
            out.push_str(&format!("{INDENT}{label:<key_width$}  {line}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_wraps_between_items() {
        let items: Vec<String> = ["alpha", "beta", "gamma"].map(String::from).into();
        assert_eq!(pack(&items, 12), ["alpha, beta,", "gamma"]);
        assert_eq!(pack(&items, 80), ["alpha, beta, gamma"]);
        assert_eq!(pack(&["much-too-long".to_string()], 4), ["much-too-long"]);
    }

    #[test]
    fn pairs_break_after_the_equals_sign() {
        assert_eq!(pair("A", "b", 10), ["A=b"]);
        assert_eq!(
            pair("LONG_NAME", "long-value", 10),
            ["LONG_NAME=", "  long-value"]
        );
    }
}
