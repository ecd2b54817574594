//! Cross-reference checks over the linked model. Incomplete manifests (a required field could
//! not be read) are indexed so that references to them resolve, but their own semantic checks
//! are skipped: they would rest on values we could not read.

use super::{Linked, routing};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Binding, Located, Process, Provider, names};

pub fn check(linked: &Linked, diagnostics: &mut Vec<Diagnostic>) {
    for process in linked.processes.values() {
        check_process(linked, process, diagnostics);
    }
    for binding in linked.bindings.values() {
        check_binding(linked, binding, diagnostics);
    }
    for provider in linked.providers.values() {
        check_provider(linked, provider, diagnostics);
    }
    for mapping in linked.routes.values() {
        for id in &mapping.providers {
            if !linked.is_provider(&id.value) {
                diagnostics.push(unknown(
                    Code::UnknownProvider,
                    id,
                    "provider",
                    linked.providers.keys().chain(linked.processes.keys()),
                    "define a Provider (or Process) with this id, or remove it from the map",
                ));
            }
        }
    }
}

/// "unknown X `id`", with a did-you-mean over the ids that exist.
fn unknown<'a>(
    code: Code,
    reference: &Located<String>,
    what: &str,
    known: impl Iterator<Item = &'a String>,
    help: &str,
) -> Diagnostic {
    let diagnostic = Diagnostic::at(
        code,
        reference.span,
        format!("unknown {what} `{}`", reference.value),
    )
    .with_label(format!("no {what} has this id"));
    match names::suggest(&reference.value, known.map(String::as_str)) {
        Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
        None => diagnostic.with_help(help.to_string()),
    }
}

fn known_environments(linked: &Linked) -> impl Iterator<Item = &String> {
    linked
        .environments
        .values()
        .flat_map(|e| [&e.id.value, &e.name.value])
}

fn check_environment_ref(
    linked: &Linked,
    env: &Located<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !env.value.is_empty() && linked.environment_id(&env.value).is_none() {
        diagnostics.push(unknown(
            Code::UnknownEnvironment,
            env,
            "environment",
            known_environments(linked),
            "define an Environment with this id or name (built in: development, staging, production)",
        ));
    }
}

fn check_platform_ref(
    linked: &Linked,
    platform: &Located<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !platform.value.is_empty() && !linked.platforms.contains_key(&platform.value) {
        diagnostics.push(unknown(
            Code::UnknownPlatform,
            platform,
            "platform",
            linked.platforms.keys(),
            "use a built-in platform or define a Platform with this id",
        ));
    }
}

fn check_process(linked: &Linked, process: &Process, diagnostics: &mut Vec<Diagnostic>) {
    check_environment_ref(linked, &process.environment, diagnostics);
    check_platform_ref(linked, &process.platform, diagnostics);
    if !process.complete {
        return;
    }
    let platform = linked.platforms.get(&process.platform.value);
    if let (Some(platform), Some(version)) = (platform, &process.runtime_version) {
        if let Some((pattern, regex)) = &platform.version_pattern {
            if !regex.is_match(&version.value) {
                diagnostics.push(
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
                );
            }
        }
    }
    let Some(environment) = linked.process_environment(process) else {
        return;
    };
    for required in &process.requires {
        check_requirement(linked, process, required, environment, diagnostics);
    }
}

/// A `requires` capability must have a provider (E0209), and one running in the process's
/// environment (W0301) — unless another diagnostic already explains why it may not.
fn check_requirement(
    linked: &Linked,
    process: &Process,
    required: &Located<String>,
    environment: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let resolution = routing::resolve(linked, &required.value, Some(environment));
    // The map names ids that do not exist (E0205 says so there): what they would have
    // served is unknown, so say nothing more here.
    let mapped_to_unknown = resolution.matched.as_ref().is_some_and(|key| {
        linked.routes[key]
            .providers
            .iter()
            .any(|id| !linked.is_provider(&id.value))
    });
    // A candidate whose process could not be read has no trustworthy status.
    let unsure = resolution.candidates.iter().any(|c| {
        c.process
            .as_ref()
            .and_then(|p| linked.processes.get(p))
            .is_some_and(|p| !p.complete)
    });
    if mapped_to_unknown || unsure {
        return;
    }
    if resolution.candidates.is_empty() {
        diagnostics.push(
            Diagnostic::at(
                Code::UnservedRequirement,
                required.span,
                format!(
                    "process `{}` requires `{}`, which no provider serves",
                    process.id.value, required.value
                ),
            )
            .with_label("no provider")
            .with_help(
                "map the capability in a CapabilityMap, or list it in a provider's `capabilities`",
            ),
        );
    } else if resolution.eligible().next().is_none() {
        let reasons: Vec<String> = resolution
            .candidates
            .iter()
            .map(|c| format!("`{}`: {}", c.id, c.reason))
            .collect();
        diagnostics.push(
            Diagnostic::at(
                Code::RequirementNotRunning,
                required.span,
                format!(
                    "process `{}` requires `{}`, but no provider of it is running in {environment}",
                    process.id.value, required.value
                ),
            )
            .with_label("no running provider")
            .with_help(format!("candidates: {}", reasons.join("; "))),
        );
    }
}

fn example_version(platform: &str) -> &'static str {
    match platform {
        "nodejs" => "nodejs-20.x",
        "python" => "python-3.12",
        _ => "a version matching the pattern",
    }
}

fn check_binding(linked: &Linked, binding: &Binding, diagnostics: &mut Vec<Diagnostic>) {
    let process = linked.processes.get(&binding.process.value);
    if process.is_none() && !binding.process.value.is_empty() {
        diagnostics.push(unknown(
            Code::UnknownProcess,
            &binding.process,
            "process",
            linked.processes.keys(),
            "define a Process with this id, or bind an existing one",
        ));
    }
    check_environment_ref(linked, &binding.environment, diagnostics);
    let Some(process) = process.filter(|p| p.complete && binding.complete) else {
        return;
    };
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
                .with_help(format!("platform `{}` supports: {}", platform.id.value, allowed.join(", "))),
            );
        }
    }
    let bound_env = linked.environment_id(&binding.environment.value);
    let process_env = linked.process_environment(process);
    if let (Some(bound), Some(runs)) = (bound_env, process_env) {
        if bound != runs {
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
                ),
            );
        }
    }
}

fn check_provider(linked: &Linked, provider: &Provider, diagnostics: &mut Vec<Diagnostic>) {
    check_platform_ref(linked, &provider.platform, diagnostics);
    if let Some(process) = &provider.process {
        if !linked.processes.contains_key(&process.value) {
            diagnostics.push(unknown(
                Code::UnknownProcess,
                process,
                "process",
                linked.processes.keys(),
                "define a Process with this id, or remove `process` for a hosted provider",
            ));
        }
    }
}
