//! `oslinker plan`

use crate::cli::{PlanArgs, PlanFormat};
use crate::model::names;
use crate::plan::{self, PlanFilter};
use crate::render;
use crate::text;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &PlanArgs) -> Outcome {
    plan(context, args).unwrap_or_else(|stop| stop)
}

fn plan(context: &Context, args: &PlanArgs) -> Result<Outcome, Outcome> {
    let checked = super::check(context)?;
    let note = super::require_valid(context, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    if let Some(id) = &args.process
        && !checked.linked.processes.contains_key(id)
    {
        let hint = names::suggest(id, checked.linked.processes.keys().map(String::as_str))
            .map(|best| format!("\nhelp: did you mean `{best}`?"))
            .unwrap_or_default();
        return Err(Outcome::trouble(format!(
            "no process `{id}` in this tree (--process){hint}"
        )));
    }
    let filter = PlanFilter {
        environment: environment.as_deref(),
        process: args.process.as_deref(),
    };
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stderr = note;
    match args.format {
        PlanFormat::Table => {
            let plan = plan::build(&checked.linked, &filter);
            outcome.stdout = text::printable(&render::plan::table(&plan)).into_owned();
        }
        // Written as it is made: a large tree's plan is never whole in memory.
        PlanFormat::Json => {
            let (environment, process) = (environment.clone(), args.process.clone());
            outcome.stream = Some(Box::new(move |out| {
                let filter = PlanFilter {
                    environment: environment.as_deref(),
                    process: process.as_deref(),
                };
                text::json_to(out, &plan::build_lazily(&checked.linked, &filter))
            }));
        }
        PlanFormat::Yaml => {
            let plan = plan::build(&checked.linked, &filter);
            outcome.stdout = text::yaml(&plan)
                .map_err(|e| Outcome::trouble(format!("cannot write YAML: {e}")))?;
        }
    }
    Ok(outcome)
}
