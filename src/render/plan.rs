//! `plan --format table`: one block per process, then the routes; fits 80 columns.

use crate::plan::{Plan, PlannedBinding, PlannedProcess};

const INDENT: &str = "  ";
const KEY_WIDTH: usize = 13;

/// Writes `key` and its value.
fn field(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!("{INDENT}{key:<KEY_WIDTH$}{value}\n"));
}

/// Writes `key` and the first of `values`, and the rest aligned below it; `-` for none.
fn fields(out: &mut String, key: &str, values: &[String]) {
    let pad = " ".repeat(KEY_WIDTH);
    for (i, value) in values.iter().enumerate() {
        let label = if i == 0 {
            format!("{key:<KEY_WIDTH$}")
        } else {
            pad.clone()
        };
        out.push_str(&format!("{INDENT}{label}{value}\n"));
    }
    if values.is_empty() {
        out.push_str(&format!("{INDENT}{key:<KEY_WIDTH$}-\n"));
    }
}

fn binding_line(b: &PlannedBinding) -> String {
    let detail = match b.binding_type.as_str() {
        "secrets" => {
            let names: Vec<&str> = b
                .secrets
                .iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect();
            format!(
                "{}: {}",
                b.store.as_deref().unwrap_or_default(),
                names.join(", ")
            )
        }
        "files" => b
            .mounts
            .iter()
            .flatten()
            .map(|m| {
                format!(
                    "{} -> {} ({})",
                    m.source,
                    m.target,
                    if m.read_only { "ro" } else { "rw" }
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => {
            let ingress = b
                .ingress
                .iter()
                .flatten()
                .map(|i| format!("{}/{}", i.port, i.protocol));
            let egress = b.egress.iter().flatten().cloned();
            let mut parts = Vec::new();
            let ingress: Vec<String> = ingress.collect();
            let egress: Vec<String> = egress.collect();
            if !ingress.is_empty() {
                parts.push(format!("in {}", ingress.join(", ")));
            }
            if !egress.is_empty() {
                parts.push(format!("out {}", egress.join(", ")));
            }
            parts.join("; ")
        }
    };
    format!("{}  {:<7}  {detail}", b.id, b.binding_type)
}

fn process_block(out: &mut String, p: &PlannedProcess) {
    out.push_str(&format!("{}  {}\n", p.id, p.name));
    field(out, "status", &p.status);
    field(out, "type", &p.process_type);
    let platform = match &p.runtime_version {
        Some(version) => format!("{} ({version})", p.platform),
        None => p.platform.clone(),
    };
    field(out, "platform", &platform);
    field(out, "environment", &p.environment);
    let env: Vec<String> = p.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    fields(out, "env", &env);
    let bindings: Vec<String> = p.bindings.iter().map(binding_line).collect();
    fields(out, "bindings", &bindings);
    let provides = if p.provides.is_empty() {
        Vec::new()
    } else {
        vec![p.provides.join(", ")]
    };
    fields(out, "provides", &provides);
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
    fields(out, "links", &links);
}

pub fn table(plan: &Plan, _width: usize) -> String {
    let mut out = String::new();
    for process in &plan.processes {
        process_block(&mut out, process);
        out.push('\n');
    }
    if plan.processes.is_empty() {
        out.push_str("no processes\n\n");
    }
    out.push_str("routes\n");
    let key_width = plan.routes.keys().map(String::len).max().unwrap_or(0);
    for (capability, providers) in &plan.routes {
        let shown = if providers.is_empty() {
            "(none eligible)".to_string()
        } else {
            providers.join(", ")
        };
        out.push_str(&format!("{INDENT}{capability:<key_width$}  {shown}\n"));
    }
    if plan.routes.is_empty() {
        out.push_str(&format!("{INDENT}(no capability map)\n"));
    }
    out
}
