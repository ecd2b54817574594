//! E0217: each `${VAR}` in a health check's header must be a variable of a `secrets` binding
//! that applies to the process probed (for a Provider, its backing process): the binding is
//! what says the secret exists and where it lives, and so what oslinker's environment is
//! expected to hold when it probes.

use super::Linked;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::health::headers::Header;
use crate::model::health::{HealthCheck, Probe};
use crate::model::{BindingConfig, Process, Provider, names};

/// A process's own health check.
pub fn check_process(linked: &Linked, process: &Process) -> Vec<Diagnostic> {
    let owner = format!("process `{}`", process.id.value);
    check(
        linked,
        process.health.as_ref(),
        Some(process),
        &owner,
        &owner,
    )
}

/// A provider's health check, against its backing process's bindings (a hosted provider has
/// none).
pub fn check_provider(linked: &Linked, provider: &Provider) -> Vec<Diagnostic> {
    let backing = (provider.process.as_ref()).and_then(|p| linked.processes.get(&p.value));
    let owner = format!("provider `{}`", provider.id.value);
    let whose = match backing {
        Some(process) => format!("its process `{}`", process.id.value),
        None => String::new(),
    };
    let backing = backing.map(|p| p.as_ref());
    check(linked, provider.health.as_ref(), backing, &owner, &whose)
}

fn check(
    linked: &Linked,
    health: Option<&HealthCheck>,
    process: Option<&Process>,
    owner: &str,
    whose: &str,
) -> Vec<Diagnostic> {
    let Some(Probe::Http { headers, .. }) = health.map(|h| &h.probe) else {
        return Vec::new();
    };
    let bound = process.map_or_else(Vec::new, |p| secret_variables(linked, p));
    let environment = process.and_then(|p| linked.process_environment(p));
    let mut found = Vec::new();
    for header in headers {
        for variable in header.value.variables() {
            if !bound.contains(&variable) {
                let diagnostic = unbound(header, variable, &bound, process, (owner, whose));
                found.push(diagnostic.in_environment(environment));
            }
        }
    }
    found
}

/// The variables of the `secrets` bindings of `process` in the environment it runs in.
fn secret_variables<'l>(linked: &'l Linked, process: &Process) -> Vec<&'l str> {
    let mut variables: Vec<&str> = (linked.bindings_of(&process.id.value))
        .flat_map(|binding| match &binding.config {
            BindingConfig::Secrets { secrets, .. } => secrets.as_slice(),
            _ => &[],
        })
        .map(|(name, _)| name.as_str())
        .collect();
    variables.sort_unstable();
    variables.dedup();
    variables
}

fn unbound(
    header: &Header,
    variable: &str,
    bound: &[&str],
    process: Option<&Process>,
    (owner, whose): (&str, &str),
) -> Diagnostic {
    let help = match (process, names::suggest(variable, bound.iter().copied())) {
        (_, Some(best)) => format!("did you mean `${{{best}}}`?"),
        (None, None) => "a provider without a `process` has no secrets binding: back it with \
                         a process, and bind the variable there"
            .to_string(),
        (Some(process), None) if bound.is_empty() => format!(
            "add a `secrets` Binding for process `{}` in its environment, with `{variable}` \
             in its `config.secrets`",
            process.id.value
        ),
        (Some(_), None) => format!(
            "variables of its secrets bindings: {}; or add `{variable}` to one",
            bound.join(", ")
        ),
    };
    Diagnostic::at(
        Code::UnknownHeaderSecret,
        header.at,
        match whose {
            "" => format!(
                "header `{}` of {owner}'s health check references `${{{variable}}}`, but {owner} \
                 has no process, so no secrets binding",
                header.name
            ),
            _ => format!(
                "header `{}` of {owner}'s health check references `${{{variable}}}`, which no \
                 secrets binding of {whose} has",
                header.name
            ),
        },
    )
    .with_label("not a variable of a secrets binding")
    .with_help(help)
}
