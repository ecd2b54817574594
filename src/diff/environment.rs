//! `diff --env ENV`: both sides narrowed to one environment, named by id or name on either
//! side (an environment added or removed by the change is still one to ask about).

use std::collections::BTreeSet;

use crate::error::Failure;
use crate::model::names;
use crate::plan::{self, Plan, PlanFilter};

use super::sides::SidePlan;

/// The environment's id: the first side that knows `wanted` (as an id or a name) says which;
/// a plan file knows the ids its processes and routes name. Unknown on both sides: an error
/// with the closest name as the way out.
pub fn resolve(wanted: &str, sides: [&SidePlan; 2]) -> Result<String, Failure> {
    for side in sides {
        let found = match &side.tree {
            Some(tree) => tree.linked.environment_id(wanted).map(str::to_string),
            None => plan_file_environments(&side.plan)
                .contains(wanted)
                .then(|| wanted.to_string()),
        };
        if let Some(id) = found {
            return Ok(id);
        }
    }
    let known = known(sides);
    let help = match names::suggest(wanted, known.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`?"),
        None if known.is_empty() => "neither side has an environment".to_string(),
        None => format!(
            "environments: {}",
            known.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Failure::new(format!("unknown environment `{wanted}` (--env)")).help(help))
}

/// Every environment id and name either side knows.
fn known(sides: [&SidePlan; 2]) -> BTreeSet<String> {
    let mut known = BTreeSet::new();
    for side in sides {
        match &side.tree {
            Some(tree) => {
                for environment in tree.linked.environments.values() {
                    known.insert(environment.id.value.clone());
                    known.insert(environment.name.value.clone());
                }
            }
            None => known.extend(
                plan_file_environments(&side.plan)
                    .into_iter()
                    .map(String::from),
            ),
        }
    }
    known
}

/// The environment ids a plan names (a plan file has no list of them).
fn plan_file_environments(plan: &Plan) -> BTreeSet<&str> {
    plan.processes
        .iter()
        .map(|p| p.environment.as_str())
        .chain(plan.environment_routes.keys().map(String::as_str))
        .collect()
}

/// One side in `environment` only: its processes there and, when both sides are trees, the
/// routes as they resolve there (the same plan as `plan --env`). A plan file does not say how
/// its routes resolve in one environment, so when either side is one, `routes_too` is false
/// and no routes are compared.
pub fn narrow(side: &SidePlan, environment: &str, routes_too: bool) -> Plan {
    let mut plan = match &side.tree {
        Some(tree) => plan::build(
            &tree.linked,
            &PlanFilter {
                environment: Some(environment),
                process: None,
            },
        ),
        None => {
            let mut plan = side.plan.clone();
            plan.processes.retain(|p| p.environment == environment);
            plan
        }
    };
    if !routes_too {
        plan.routes = Default::default();
        plan.environment_routes = Default::default();
    }
    plan
}
