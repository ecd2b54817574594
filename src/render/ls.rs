//! `ls` output: one row per thing listed, as a table, JSON, or bare names.

use std::collections::BTreeSet;

use comfy_table::{Table, presets};
use serde_json::{Map, Value, json};

use crate::link::{Linked, routing};
use crate::model::Status;

/// What `ls` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    Processes,
    Capabilities,
    Providers,
    Platforms,
    Environments,
    Bindings,
}

impl Listed {
    pub fn as_str(self) -> &'static str {
        match self {
            Listed::Processes => "processes",
            Listed::Capabilities => "capabilities",
            Listed::Providers => "providers",
            Listed::Platforms => "platforms",
            Listed::Environments => "environments",
            Listed::Bindings => "bindings",
        }
    }
}

/// The filters given (each already checked against the tree).
#[derive(Debug, Default)]
pub struct Filters<'a> {
    /// An environment id.
    pub environment: Option<&'a str>,
    /// A platform id.
    pub platform: Option<&'a str>,
    pub status: Option<Status>,
}

impl Filters<'_> {
    /// Whether something running in `environment` on `platform` with `status` passes.
    fn pass(&self, environment: Option<&str>, platform: &str, status: Option<Status>) -> bool {
        self.environment.is_none_or(|e| environment == Some(e))
            && self.platform.is_none_or(|p| platform == p)
            && self.status.is_none_or(|s| status == Some(s))
    }
}

/// One object per row, its fields in column order; the first is the row's name.
pub struct Listing {
    pub rows: Vec<Map<String, Value>>,
    /// The fields, for the table's header even when there are no rows.
    pub columns: &'static [&'static str],
}

pub fn listing(linked: &Linked, listed: Listed, filters: &Filters) -> Listing {
    let (columns, rows): (&[&str], Vec<Value>) = match listed {
        Listed::Processes => (
            &["id", "name", "type", "platform", "status", "environment"],
            processes(linked, filters),
        ),
        Listed::Capabilities => (
            &["capability", "providers", "requirers", "matched", "chosen"],
            capabilities(linked, filters),
        ),
        Listed::Providers => (
            &[
                "id",
                "name",
                "platform",
                "process",
                "status",
                "environment",
                "capabilities",
            ],
            providers(linked, filters),
        ),
        Listed::Platforms => (
            &["id", "name", "builtin", "bindingTypes"],
            platforms(linked),
        ),
        Listed::Environments => (
            &["id", "name", "critical", "builtin", "processes"],
            environments(linked),
        ),
        Listed::Bindings => (
            &["id", "process", "environment", "type"],
            bindings(linked, filters),
        ),
    };
    let rows = rows
        .into_iter()
        .filter_map(|row| match row {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .collect();
    Listing { rows, columns }
}

fn processes(linked: &Linked, filters: &Filters) -> Vec<Value> {
    let mut rows = Vec::new();
    for process in linked.processes.values() {
        let environment = linked.process_environment(process);
        let (platform, status) = (&process.platform.value, process.status.value);
        if !filters.pass(environment, platform, Some(status)) {
            continue;
        }
        rows.push(json!({
            "id": process.id.value,
            "name": process.name,
            "type": process.process_type.as_str(),
            "platform": platform,
            "status": status.as_str(),
            // As written when it names no environment.
            "environment": environment.unwrap_or(&process.environment.value),
        }));
    }
    rows
}

/// Each capability the tree names (sorted): how many candidates its route has, how many
/// processes require it, the map key that matched and the provider chosen (in
/// `--env`'s environment, or with none chosen).
fn capabilities(linked: &Linked, filters: &Filters) -> Vec<Value> {
    let environment = filters.environment;
    let mut rows = Vec::new();
    for capability in linked.capabilities() {
        let resolution = routing::resolve(linked, capability, environment);
        let requirers = (linked.processes.values())
            .filter(|p| environment.is_none_or(|e| linked.process_environment(p) == Some(e)))
            .filter(|p| p.requires.iter().any(|r| r.value == capability))
            .count();
        rows.push(json!({
            "capability": capability,
            "providers": resolution.candidates.len(),
            "requirers": requirers,
            "matched": resolution.matched,
            "chosen": resolution.eligible().next().map(|c| c.id),
        }));
    }
    rows
}

fn providers(linked: &Linked, filters: &Filters) -> Vec<Value> {
    let mut rows = Vec::new();
    for provider in linked.providers.values() {
        let process = (provider.process.as_ref()).and_then(|p| linked.processes.get(&p.value));
        let environment = process.and_then(|p| linked.process_environment(p));
        let status = process.map(|p| p.status.value);
        let platform = &provider.platform.value;
        if !filters.pass(environment, platform, status) {
            continue;
        }
        let capabilities: Vec<&str> = (provider.capabilities.iter())
            .map(|c| c.value.as_str())
            .collect();
        rows.push(json!({
            "id": provider.id.value,
            "name": provider.name,
            "platform": platform,
            "process": provider.process.as_ref().map(|p| &p.value),
            "status": status.map(Status::as_str),
            "environment": environment,
            "capabilities": capabilities,
        }));
    }
    rows
}

fn platforms(linked: &Linked) -> Vec<Value> {
    (linked.platforms.values())
        .map(|platform| {
            let types: Vec<&str> = (platform.binding_types.iter())
                .map(|t| t.as_str())
                .collect();
            json!({
                "id": platform.id.value,
                "name": platform.name,
                "builtin": platform.builtin,
                "bindingTypes": types,
            })
        })
        .collect()
}

fn environments(linked: &Linked) -> Vec<Value> {
    (linked.environments.values())
        .map(|environment| {
            let id = environment.id.value.as_str();
            let processes = (linked.processes.values())
                .filter(|p| linked.process_environment(p) == Some(id))
                .count();
            json!({
                "id": id,
                "name": environment.name.value,
                "critical": environment.critical,
                "builtin": environment.builtin,
                "processes": processes,
            })
        })
        .collect()
}

/// Bindings, filtered by their own environment and their process's platform and status.
fn bindings(linked: &Linked, filters: &Filters) -> Vec<Value> {
    let mut rows = Vec::new();
    for binding in linked.bindings.values() {
        let environment = linked.environment_id(&binding.environment.value);
        let process = linked.processes.get(&binding.process.value);
        let platform = process.map_or("", |p| p.platform.value.as_str());
        if !filters.pass(environment, platform, process.map(|p| p.status.value)) {
            continue;
        }
        rows.push(json!({
            "id": binding.id.value,
            "process": binding.process.value,
            "environment": environment.unwrap_or(&binding.environment.value),
            "type": binding.binding_type.value.as_str(),
        }));
    }
    rows
}

/// A table with a header in capitals (`bindingTypes` -> `BINDING TYPES`); an empty listing
/// prints nothing.
pub fn table(listing: &Listing) -> String {
    if listing.rows.is_empty() {
        return String::new();
    }
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_header(listing.columns.iter().map(|c| header(c)));
    for row in &listing.rows {
        table.add_row(listing.columns.iter().map(|c| cell(row.get(*c))));
    }
    let mut out = String::new();
    for line in table.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn header(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "-".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        Some(Value::Array(items)) if items.is_empty() => "-".to_string(),
        Some(Value::Array(items)) => {
            let items: Vec<String> = items.iter().map(|i| cell(Some(i))).collect();
            items.join(",")
        }
        Some(other) => other.to_string(),
    }
}

/// `{"formatVersion":1, "listed", "treeErrors", "items":[...]}`.
pub fn json(listing: &Listing, listed: Listed, tree_errors: usize) -> String {
    crate::text::json(&json!({
        "formatVersion": 1,
        "listed": listed.as_str(),
        "treeErrors": tree_errors,
        "items": listing.rows,
    }))
}

/// The first field of each row (an id, or a capability), one per line, once each.
pub fn names(listing: &Listing) -> String {
    let first = listing.columns[0];
    let names: BTreeSet<&str> = (listing.rows.iter())
        .filter_map(|row| row.get(first).and_then(Value::as_str))
        .collect();
    names.into_iter().map(|n| format!("{n}\n")).collect()
}
