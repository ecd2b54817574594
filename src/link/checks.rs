//! Cross-reference checks over the linked model, one manifest at a time, so that a relink
//! redoes only the manifests an edit touched (see `Problems`). Incomplete manifests (a
//! required field could not be read) are indexed so that references to them resolve, but
//! their own semantic checks are skipped: they would rest on values we could not read.

use super::references::{self, Written};
use super::routing::{self, Backing, Route, ServerId};
use super::{Link, Linked};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Binding, Kind, Located, Platform, Process, Provider, Status, names};
use rayon::prelude::*;

/// What link found wrong, by what each problem is about.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// Duplicate ids and capability map conflicts: about the tree as a whole.
    pub tree: Vec<Diagnostic>,
    /// The capability maps' references (their `environments` and entries).
    pub maps: Vec<Diagnostic>,
    /// Per process, in the order of `processes`: its references and its version.
    pub processes: Vec<Vec<Diagnostic>>,
    /// Per process: its requirements (E0209, W0301), which rest on every route.
    pub requirements: Vec<Vec<Diagnostic>>,
    /// Per binding: its references and how it fits its process.
    pub bindings: Vec<Vec<Diagnostic>>,
    /// Per provider: its references.
    pub providers: Vec<Vec<Diagnostic>>,
    /// Environment quotas (E0214), which rest on every process: redone on each relink.
    pub quotas: Vec<Diagnostic>,
}

impl Problems {
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        let per_item = (self.processes.iter())
            .chain(&self.requirements)
            .chain(&self.bindings)
            .chain(&self.providers)
            .flatten();
        (self.tree.iter().chain(&self.maps).chain(per_item)).chain(&self.quotas)
    }
}

/// Every check, on every manifest. `tree` holds what linking found already.
pub fn check(linked: &Linked, tree: Vec<Diagnostic>) -> Problems {
    let maps = references::of_maps(linked)
        .filter_map(|r| unresolved(linked, &r))
        .collect();
    // Each manifest on its own, on every core (in order).
    Problems {
        tree,
        maps,
        processes: (linked.processes.par_values())
            .map(|p| check_process(linked, p))
            .collect(),
        requirements: (linked.processes.par_values())
            .map(|p| check_requirements(linked, p))
            .collect(),
        bindings: (linked.bindings.par_values())
            .map(|b| check_binding(linked, b))
            .collect(),
        providers: (linked.providers.par_values())
            .map(|p| check_provider(linked, p))
            .collect(),
        quotas: super::running::check_quotas(linked),
    }
}

/// A provider's references, and its platform against its backing process's (E0212).
pub fn check_provider(linked: &Linked, provider: &Provider) -> Vec<Diagnostic> {
    let mut diagnostics = check_references(
        linked,
        Kind::Provider,
        &provider.id.value,
        &provider.references,
    );
    if provider.complete {
        diagnostics.extend(super::headers::check_provider(linked, provider));
    }
    let backing = (provider.process.as_ref()).and_then(|p| linked.processes.get(&p.value));
    let Some(process) = backing.filter(|p| p.complete && provider.complete) else {
        return diagnostics;
    };
    if process.platform.value != provider.platform.value {
        diagnostics.push(
            Diagnostic::at(
                Code::PlatformMismatch,
                provider.platform.span,
                format!(
                    "provider `{}` is on platform `{}`, but its process `{}` runs on `{}`",
                    provider.id.value,
                    provider.platform.value,
                    process.id.value,
                    process.platform.value
                ),
            )
            .with_label(format!("not `{}`", process.platform.value))
            .with_related(process.platform.span, "the process's platform")
            .with_help(format!(
                "write `platform: {}`, or back the provider with a process on `{}`",
                process.platform.value, provider.platform.value
            ))
            .in_environment(linked.process_environment(process)),
        );
    }
    diagnostics
}

/// E0202-E0205 for the references a manifest writes.
pub fn check_references(
    linked: &Linked,
    kind: Kind,
    id: &str,
    references: &[crate::model::read::Reference],
) -> Vec<Diagnostic> {
    references::of(kind, id, references)
        .filter_map(|r| unresolved(linked, &r))
        .collect()
}

/// "unknown X" for a reference that names nothing.
fn unresolved(linked: &Linked, reference: &Written) -> Option<Diagnostic> {
    let found = references::resolve(linked, reference.target, &reference.written.value);
    found.is_none().then(|| unknown(linked, reference))
}

/// "unknown X `id`" (E0202-E0205), with a did-you-mean over the ids that exist.
fn unknown(linked: &Linked, reference: &Written) -> Diagnostic {
    let (code, what) = match reference.target.to {
        Kind::Process => (Code::UnknownProcess, "process"),
        Kind::Environment => (Code::UnknownEnvironment, "environment"),
        Kind::Platform => (Code::UnknownPlatform, "platform"),
        _ => (Code::UnknownProvider, "provider"),
    };
    let written = reference.written;
    let diagnostic = Diagnostic::at(
        code,
        written.span,
        format!("unknown {what} `{}`", written.value),
    )
    .with_label(match reference.target.to {
        // Environments are referred to by id or by name; map entries name a Provider or else
        // a Process (as `references::resolve` reads them).
        Kind::Environment => "no environment has this id or name".to_string(),
        Kind::Provider => "no provider or process has this id".to_string(),
        _ => format!("no {what} has this id"),
    });
    let known: Vec<&str> = match reference.target.to {
        Kind::Process => linked.processes.keys().map(String::as_str).collect(),
        Kind::Environment => linked
            .environments
            .values()
            .flat_map(|e| [e.id.value.as_str(), e.name.value.as_str()])
            .collect(),
        Kind::Platform => linked.platforms.keys().map(String::as_str).collect(),
        _ => (linked.providers.keys())
            .chain(linked.processes.keys())
            .map(String::as_str)
            .collect(),
    };
    let listed: Vec<&str> = match reference.target.to {
        // By id: names would double the list.
        Kind::Environment => linked.environments.keys().map(String::as_str).collect(),
        _ => known.clone(),
    };
    let listed_as = match reference.target.to {
        Kind::Process => "processes",
        Kind::Environment => "environments",
        Kind::Platform => "platforms",
        _ => "providers and processes",
    };
    diagnostic.with_help(unknown_help(
        &written.value,
        known,
        listed,
        listed_as,
        reference.target.help,
    ))
}

/// At most this many choices are listed in an "unknown X" help: the nine built-in
/// platforms and a few of the tree's own fit on two lines.
const FEW_CHOICES: usize = 12;

/// The way out of an unknown reference: the closest name (a typo); else the names that have
/// it as a part (`bedrock`: `aws-bedrock`); else how to define one, with every valid choice
/// when there are few.
fn unknown_help(
    written: &str,
    known: Vec<&str>,
    mut listed: Vec<&str>,
    what: &str,
    help: &str,
) -> String {
    if let Some(best) = names::suggest(written, known.iter().copied()) {
        return format!("did you mean `{best}`?");
    }
    let parts = names::containing(written, known);
    if (1..=3).contains(&parts.len()) {
        let quoted: Vec<String> = parts.iter().map(|p| format!("`{p}`")).collect();
        return format!("did you mean {}?", quoted.join(" or "));
    }
    listed.sort_unstable();
    listed.dedup();
    if listed.is_empty() || listed.len() > FEW_CHOICES {
        return help.to_string();
    }
    format!("{help}; {what} in this tree: {}", listed.join(", "))
}

/// A process's references, and its runtime version against its platform.
pub fn check_process(linked: &Linked, process: &Process) -> Vec<Diagnostic> {
    let id = &process.id.value;
    let mut diagnostics = check_references(linked, Kind::Process, id, &process.references);
    let environment = linked.process_environment(process);
    for diagnostic in &mut diagnostics {
        diagnostic.environment = environment.map(str::to_string);
    }
    if !process.complete {
        return diagnostics;
    }
    let platform = linked.platforms.get(&process.platform.value);
    if let (Some(platform), Some(version)) = (platform, &process.runtime_version) {
        let mismatch = version_mismatch(platform, version);
        diagnostics.extend(mismatch.map(|d| d.in_environment(environment)));
    }
    diagnostics.extend(super::running::check_process(linked, process));
    diagnostics.extend(super::headers::check_process(linked, process));
    diagnostics
}

/// E0207: a runtime version that does not match its platform's `versionPattern`.
pub fn version_mismatch(platform: &Platform, version: &Located<String>) -> Option<Diagnostic> {
    let (pattern, regex) = platform.version_pattern.as_ref()?;
    if regex.is_match(&version.value) {
        return None;
    }
    Some(
        Diagnostic::at(
            Code::VersionMismatch,
            version.span,
            format!(
                "runtime version `{}` does not fit platform `{}`",
                version.value, platform.id.value
            ),
        )
        .with_label(format!("expected to match `{pattern}`"))
        .with_help(format!(
            "platform `{}` versions match `{pattern}`, e.g. `{}`",
            platform.id.value,
            example_version(&platform.id.value)
        )),
    )
}

/// A process's `requires`, each against the routes of its environment.
pub fn check_requirements(linked: &Linked, process: &Process) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if !process.complete {
        return diagnostics;
    }
    let Some(environment) = linked.environment_of(&process.id.value) else {
        return diagnostics;
    };
    for link in linked.links_of(&process.id.value) {
        check_requirement(linked, process, &link, environment, &mut diagnostics);
    }
    diagnostics
}

/// A `requires` capability must have a provider (E0209), and one eligible in the process's
/// environment: when none is, one finding says so, under the most telling code: E0211 in a
/// critical environment, else E0210 when a capability map routes it, else W0301. A resolved
/// one must not be the process itself (E0213), and a first choice that is down and falls
/// through is a warning (W0304). Nothing more when another diagnostic already explains why
/// the route is unknown.
fn check_requirement(
    linked: &Linked,
    process: &Process,
    link: &Link,
    environment: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let required = link.capability;
    let Some(route) = linked.routing.route(&required.value, Some(environment)) else {
        return;
    };
    // The map names ids that do not exist (E0205 says so there): what they would have
    // served is unknown, so say nothing more here. Nor when a candidate's process could not
    // be read: its status is not to be trusted.
    if route.names_unknown || route.unsure {
        return;
    }
    let found = match link.server {
        Some(server) => resolved(linked, process, link, server, route, environment),
        None if route.candidates.is_empty() => vec![unserved(process, required)],
        None => vec![not_eligible(linked, process, required, route, environment)],
    };
    diagnostics.extend(
        found
            .into_iter()
            .map(|d| d.in_environment(Some(environment))),
    );
}

fn unserved(process: &Process, required: &Located<String>) -> Diagnostic {
    Diagnostic::at(
        Code::UnservedRequirement,
        required.span,
        format!(
            "process `{}` requires `{}`, which no provider serves",
            process.id.value, required.value
        ),
    )
    .with_label("no provider")
    .with_help("map the capability in a CapabilityMap, or list it in a provider's `capabilities`")
}

/// A requirement with candidates, none of them eligible in `environment`.
fn not_eligible(
    linked: &Linked,
    process: &Process,
    required: &Located<String>,
    route: &Route,
    environment: &str,
) -> Diagnostic {
    let reasons: Vec<String> = route
        .candidates
        .iter()
        .map(|c| {
            let why = routing::reason(linked, c.server, Some(environment));
            format!("`{}`: {why}", linked.server_name(c.server))
        })
        .collect();
    let candidates = format!("candidates: {}", reasons.join("; "));
    let critical = linked
        .environments
        .get(environment)
        .is_some_and(|e| e.critical);
    let mapped = route.mapping(linked).is_some();
    let (code, message, label) = if critical {
        (
            Code::CriticalRequirementUnresolved,
            format!(
                "process `{}` requires `{}`, but no provider of it is eligible in {environment}, a critical environment",
                process.id.value, required.value
            ),
            "unresolved in a critical environment",
        )
    } else if mapped {
        (
            Code::MappedCapabilityUnserved,
            format!(
                "process `{}` requires `{}`, which is mapped, but none of its providers is eligible in {environment}",
                process.id.value, required.value
            ),
            "no eligible provider",
        )
    } else {
        (
            Code::RequirementNotRunning,
            format!(
                "process `{}` requires `{}`, but no provider of it is running in {environment}",
                process.id.value, required.value
            ),
            "no running provider",
        )
    };
    let help = if critical || mapped {
        format!(
            "start a candidate in {environment}, or map a provider that runs there ({candidates})"
        )
    } else {
        candidates
    };
    let mut diagnostic = Diagnostic::at(code, required.span, message)
        .with_label(label)
        .with_help(help);
    if let Some(mapping) = route.mapping(linked) {
        diagnostic = diagnostic.with_related(mapping.capability.span, "mapped here");
    }
    diagnostic
}

/// A requirement that resolved to `server`: not to the process itself (E0213), and not past
/// a first choice that is down (W0304).
fn resolved(
    linked: &Linked,
    process: &Process,
    link: &Link,
    server: ServerId,
    route: &Route,
    environment: &str,
) -> Vec<Diagnostic> {
    let required = link.capability;
    let mut found = Vec::new();
    if linked.server_process(server) == Some(process.id.value.as_str()) {
        let via = linked.server_name(server);
        let through = if via == process.id.value {
            String::new()
        } else {
            format!(" (through provider `{via}`, which it backs)")
        };
        found.push(
            Diagnostic::at(
                Code::SelfLink,
                required.span,
                format!(
                    "process `{}` requires `{}`, which resolves to itself{through}",
                    process.id.value, required.value
                ),
            )
            .with_label("links to itself")
            .with_help(
                "a process cannot serve its own requirement: map another provider first, or \
                 drop the capability from `requires`",
            ),
        );
    }
    if let Some(down) = first_choice_down(linked, &required.value, route, server, environment) {
        found.push(down);
    }
    found
}

/// W0304, at the status of the process behind the route's first candidate, when that process
/// is in `error` or `stopped` in `environment` and the route falls through to `chosen`.
fn first_choice_down(
    linked: &Linked,
    capability: &str,
    route: &Route,
    chosen: ServerId,
    environment: &str,
) -> Option<Diagnostic> {
    let first = route.candidates.first()?;
    if first.server == chosen {
        return None;
    }
    let Backing::Process {
        process,
        environment: runs_in,
        ..
    } = linked.routing.server(first.server).backing
    else {
        return None;
    };
    let (id, down) = linked.processes.get_index(process)?;
    let runs_in = runs_in.and_then(|e| linked.environments.get_index(e).map(|(id, _)| id));
    let status = down.status.value;
    if !matches!(status, Status::Error | Status::Stopped)
        || runs_in.map(String::as_str) != Some(environment)
    {
        return None;
    }
    let first_name = linked.server_name(first.server);
    let what = if first_name == id {
        format!("process `{id}`")
    } else {
        format!("provider `{first_name}` (backed by process `{id}`)")
    };
    Some(
        Diagnostic::at(
            Code::FirstChoiceDown,
            down.status.span,
            format!(
                "{what} is the first choice for `{capability}` in {environment}, but `{id}` has status `{status}`; requests fall through to `{}`",
                linked.server_name(chosen)
            ),
        )
        .with_label(format!("{status}"))
        .with_help(
            "fix and restart it, or move it down (or out of) the capability map so the route says what serves",
        ),
    )
}

fn example_version(platform: &str) -> &'static str {
    match platform {
        "nodejs" => "nodejs-20.x",
        "python" => "python-3.12",
        _ => "a version matching the pattern",
    }
}

/// A binding's references, its type against its process's platform, and its environment
/// against its process's.
pub fn check_binding(linked: &Linked, binding: &Binding) -> Vec<Diagnostic> {
    let id = &binding.id.value;
    let mut diagnostics = check_references(linked, Kind::Binding, id, &binding.references);
    let process = linked.processes.get(&binding.process.value);
    let Some(process) = process.filter(|p| p.complete && binding.complete) else {
        return diagnostics;
    };
    let process_env = linked.process_environment(process);
    if let Some(platform) = linked.platforms.get(&process.platform.value) {
        let binding_type = binding.binding_type.value;
        if !platform.binding_types.contains(&binding_type) {
            let allowed: Vec<&str> = platform.binding_types.iter().map(|t| t.as_str()).collect();
            diagnostics.push(
                Diagnostic::at(
                    Code::BindingTypeNotSupported,
                    binding.binding_type.span,
                    format!(
                        "process `{}` runs on platform `{}`, which cannot have {binding_type} bindings",
                        process.id.value, platform.id.value
                    ),
                )
                .with_label(format!("not supported on {}", platform.id.value))
                .with_related(process.platform.span, "the process's platform")
                .with_help(format!("platform `{}` supports: {}", platform.id.value, allowed.join(", ")))
                .in_environment(process_env),
            );
        }
    }
    diagnostics.extend(super::running::binding_on_alternatives(
        linked, binding, process,
    ));
    let bound_env = linked.environment_id(&binding.environment.value);
    if let (Some(bound), Some(runs)) = (bound_env, process_env)
        && bound != runs
    {
        diagnostics.push(
            Diagnostic::at(
                Code::BindingEnvironmentMismatch,
                binding.environment.span,
                format!(
                    "binding `{}` is for {bound}, but process `{}` runs in {runs}",
                    binding.id.value, process.id.value
                ),
            )
            .with_label("not the process's environment")
            .with_related(process.environment.span, "the process's environment")
            .with_help(
                "this binding never applies; fix `environmentId` or the process's environment",
            )
            .in_environment(process_env),
        );
    }
    diagnostics
}
