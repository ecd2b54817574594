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

/// What a binding provides, one line per item (each mount; ingress and egress).
fn binding_details(b: &PlannedBinding) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(secrets) = &b.secrets {
        let names: Vec<&str> = secrets.keys().map(String::as_str).collect();
        lines.push(format!(
            "{}: {}",
            b.store.as_deref().unwrap_or_default(),
            names.join(", ")
        ));
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
    if !ingress.is_empty() {
        lines.push(format!("in {}", ingress.join(", ")));
    }
    let egress = b.egress.as_deref().unwrap_or_default();
    if !egress.is_empty() {
        lines.push(format!("out {}", egress.join(", ")));
    }
    if lines.is_empty() {
        lines.push("-".to_string());
    }
    lines
}

/// Binding rows: id and type in aligned columns, details below each other.
fn binding_lines(bindings: &[PlannedBinding]) -> Vec<String> {
    let id_width = bindings.iter().map(|b| b.id.len()).max().unwrap_or(0);
    let mut lines = Vec::new();
    for b in bindings {
        for (i, detail) in binding_details(b).into_iter().enumerate() {
            lines.push(if i == 0 {
                format!("{:<id_width$}  {:<7}  {detail}", b.id, b.binding_type)
            } else {
                format!("{:<id_width$}  {:<7}  {detail}", "", "")
            });
        }
    }
    lines
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
    fields(out, "bindings", &binding_lines(&p.bindings));
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
