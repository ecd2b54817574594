//! Checks of how processes run: isolation against platforms (E0215) and environments
//! (E0216), replicas on platforms that scale by themselves (W0306), the alternative
//! runtimes' versions (E0207), and environment quotas (E0214).

use super::Linked;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::resources::{Isolation, Quantity, Resources, show_cpu, show_memory};
use crate::model::{Binding, Environment, Located, Platform, Process};

/// One process's isolation, replicas and alternative runtimes.
pub fn check_process(linked: &Linked, process: &Process) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let main = linked.platforms.get(&process.platform.value);
    if let Some(platform) = main {
        found.extend(isolation_not_available(
            process,
            platform,
            &process.platform,
        ));
        found.extend(replicas_on_self_scaling(process, platform));
    }
    for alternative in &process.alternatives {
        let Some(platform) = linked.platforms.get(&alternative.platform.value) else {
            continue; // E0204 says so.
        };
        found.extend(isolation_not_available(
            process,
            platform,
            &alternative.platform,
        ));
        if let Some(version) = &alternative.version {
            found.extend(super::checks::version_mismatch(platform, version));
        }
    }
    let environment = linked.process_environment(process);
    if let Some(env) = environment.and_then(|id| linked.environments.get(id)) {
        found.extend(isolation_below_minimum(process, env));
    }
    found
        .into_iter()
        .map(|d| d.in_environment(environment))
        .collect()
}

/// E0206 for a binding whose type an alternative platform of its process cannot have: the
/// process could not move there with it.
pub fn binding_on_alternatives(
    linked: &Linked,
    binding: &Binding,
    process: &Process,
) -> Vec<Diagnostic> {
    let binding_type = binding.binding_type.value;
    (process.alternatives.iter())
        .filter_map(|alternative| {
            let platform = linked.platforms.get(&alternative.platform.value)?;
            if platform.binding_types.contains(&binding_type) {
                return None;
            }
            let allowed: Vec<&str> = platform.binding_types.iter().map(|t| t.as_str()).collect();
            Some(
                Diagnostic::at(
                    Code::BindingTypeNotSupported,
                    binding.binding_type.span,
                    format!(
                        "process `{}` may also run on platform `{}`, which cannot have \
                         {binding_type} bindings",
                        process.id.value, platform.id.value
                    ),
                )
                .with_label(format!("not supported on {}", platform.id.value))
                .with_related(alternative.platform.span, "the alternative platform")
                .with_help(format!(
                    "platform `{}` supports: {}; drop the alternative, or this binding",
                    platform.id.value,
                    allowed.join(", ")
                ))
                .in_environment(linked.process_environment(process)),
            )
        })
        .collect()
}

/// E0215: the process asks for a level `platform` (its own, or an alternative written at
/// `written`) cannot give.
fn isolation_not_available(
    process: &Process,
    platform: &Platform,
    written: &Located<String>,
) -> Option<Diagnostic> {
    let asked = process.isolation.as_ref()?;
    if platform.isolation.contains(&asked.value) {
        return None;
    }
    let levels: Vec<&str> = platform.isolation.iter().map(|i| i.as_str()).collect();
    let can = if levels.is_empty() {
        "none at all".to_string()
    } else {
        levels.join(", ")
    };
    let alternative = written.span != process.platform.span;
    let which = if alternative {
        format!("its alternative platform `{}`", platform.id.value)
    } else {
        format!("its platform `{}`", platform.id.value)
    };
    Some(
        Diagnostic::at(
            Code::IsolationNotAvailable,
            asked.span,
            format!(
                "process `{}` asks for `{}` isolation, which {which} cannot give",
                process.id.value, asked.value
            ),
        )
        .with_label(format!("not available on {}", platform.id.value))
        .with_related(written.span, "the platform")
        .with_help(format!(
            "platform `{}` can give: {can}; choose one of those, or another platform",
            platform.id.value
        )),
    )
}

/// W0306: `replicas` on a platform that scales by itself.
fn replicas_on_self_scaling(process: &Process, platform: &Platform) -> Option<Diagnostic> {
    let replicas = process.replicas.as_ref()?;
    platform.scales.then(|| {
        Diagnostic::at(
            Code::ReplicasOnSelfScalingPlatform,
            replicas.span,
            format!(
                "process `{}` declares `replicas`, but platform `{}` scales by itself",
                process.id.value, platform.id.value
            ),
        )
        .with_label("ignored by the platform")
        .with_related(process.platform.span, "the platform")
        .with_help("remove `replicas`: the platform decides how many copies run")
    })
}

/// E0216: weaker than the environment's `minimumIsolation` (or none said).
fn isolation_below_minimum(process: &Process, environment: &Environment) -> Option<Diagnostic> {
    let minimum = environment.minimum_isolation.as_ref()?;
    let (span, message) = match &process.isolation {
        Some(asked) if asked.value.rank() >= minimum.value.rank() => return None,
        Some(asked) => (
            asked.span,
            format!(
                "process `{}` has `{}` isolation, weaker than {}'s minimum `{}`",
                process.id.value, asked.value, environment.id.value, minimum.value
            ),
        ),
        None => (
            process.id.span,
            format!(
                "process `{}` says no `isolation`, but {} requires at least `{}`",
                process.id.value, environment.id.value, minimum.value
            ),
        ),
    };
    let stronger: Vec<&str> = (Isolation::VALUES.iter())
        .filter(|i| i.rank() >= minimum.value.rank())
        .map(|i| i.as_str())
        .collect();
    Some(
        Diagnostic::at(Code::IsolationBelowMinimum, span, message)
            .with_label(format!("below `{}`", minimum.value))
            .with_related(minimum.span, "the environment's minimum")
            .with_help(format!(
                "set `isolation` to one of: {}",
                stronger.join(", ")
            )),
    )
}

use crate::model::Choice;

/// One resource a quota bounds.
#[derive(Clone, Copy)]
enum Resource {
    Cpu,
    Memory,
    Gpu,
}

impl Resource {
    fn name(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
            Resource::Gpu => "gpu",
        }
    }

    /// The amount in base units, and where it is written.
    fn of(self, resources: &Resources) -> Option<(u128, crate::source::Span)> {
        let quantity = |q: &Option<Quantity>| q.as_ref().map(|q| (q.value, q.written.span));
        match self {
            Resource::Cpu => quantity(&resources.cpu),
            Resource::Memory => quantity(&resources.memory),
            Resource::Gpu => resources
                .gpu
                .as_ref()
                .map(|g| (u128::from(g.value), g.span)),
        }
    }

    fn show(self, amount: u128) -> String {
        match self {
            Resource::Cpu => show_cpu(amount),
            Resource::Memory => show_memory(amount),
            Resource::Gpu => amount.to_string(),
        }
    }
}

/// E0214, for each environment with a quota and each resource its processes need more of:
/// at the quota's value, with every process that counts (its share: resources times its
/// most replicas, 1 without `replicas`).
pub fn check_quotas(linked: &Linked) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (id, environment) in &linked.environments {
        let Some(quota) = &environment.quota else {
            continue;
        };
        let processes: Vec<&Process> = (linked.processes.values())
            .filter(|p| p.complete && linked.process_environment(p) == Some(id.as_str()))
            .map(|p| p.as_ref())
            .collect();
        for resource in [Resource::Cpu, Resource::Memory, Resource::Gpu] {
            found.extend(quota_exceeded(id, quota, &processes, resource));
        }
    }
    found
}

fn quota_exceeded(
    environment: &str,
    quota: &Resources,
    processes: &[&Process],
    resource: Resource,
) -> Option<Diagnostic> {
    let (limit, at) = resource.of(quota)?;
    let shares: Vec<Share> = processes
        .iter()
        .filter_map(|p| {
            let (each, span) = resource.of(p.resources.as_ref()?)?;
            let copies = p.replicas.as_ref().map_or(1, |r| r.max.value);
            let total = each.saturating_mul(u128::from(copies));
            (total > 0).then_some(Share {
                process: p,
                each,
                copies,
                span,
                total,
            })
        })
        .collect();
    let total = (shares.iter()).fold(0u128, |sum, share| sum.saturating_add(share.total));
    if total <= limit {
        return None;
    }
    let name = resource.name();
    let mut diagnostic = Diagnostic::at(
        Code::QuotaExceeded,
        at,
        format!(
            "{environment}'s processes need {} {name} together, over its quota of {}",
            resource.show(total),
            resource.show(limit)
        ),
    )
    .with_label(format!("quota: {}", resource.show(limit)))
    .with_help(format!(
        "raise the quota, or lower the processes' `resources.{name}` or `replicas.max`"
    ))
    .in_environment(Some(environment));
    for share in shares {
        let amount = if share.copies == 1 {
            resource.show(share.total)
        } else {
            format!(
                "{} x {} replicas = {}",
                resource.show(share.each),
                share.copies,
                resource.show(share.total)
            )
        };
        let label = format!("process `{}`: {amount}", share.process.id.value);
        diagnostic = diagnostic.with_related(share.span, label);
    }
    Some(diagnostic)
}

/// What one process counts against a quota.
struct Share<'p> {
    process: &'p Process,
    /// For one copy.
    each: u128,
    /// `replicas.max`, or 1.
    copies: u64,
    /// Where its amount is written.
    span: crate::source::Span,
    total: u128,
}
