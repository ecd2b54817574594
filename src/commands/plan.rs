//! `oslinker plan`

use crate::cli::{PlanArgs, PlanFormat};
use crate::model::names;
use crate::plan::{self, PlanFilter};
use crate::render;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &PlanArgs) -> Outcome {
    let checked = match super::check(context) {
        Ok(checked) => checked,
        Err(outcome) => return outcome,
    };
    let note = match super::require_valid(context, &checked) {
        Ok(note) => note,
        Err(outcome) => return outcome,
    };
    let environment = match super::environment_arg(&checked, args.env.as_deref()) {
        Ok(environment) => environment,
        Err(outcome) => return outcome,
    };
    if let Some(id) = &args.process {
        if !checked.linked.processes.contains_key(id) {
            let hint = names::suggest(id, checked.linked.processes.keys().map(String::as_str))
                .map(|best| format!("\nhelp: did you mean `{best}`?"))
                .unwrap_or_default();
            return Outcome::trouble(format!("no process `{id}` in this tree (--process){hint}"));
        }
    }
    let filter = PlanFilter {
        environment: environment.as_deref(),
        process: args.process.as_deref(),
    };
    let plan = plan::build(&checked.linked, &filter);
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stderr = note;
    outcome.stdout = match args.format {
        PlanFormat::Table => render::plan::table(&plan),
        PlanFormat::Json => render::json(&plan),
        PlanFormat::Yaml => match render::yaml(&plan) {
            Ok(text) => text,
            Err(e) => return Outcome::trouble(format!("cannot write YAML: {e}")),
        },
    };
    outcome
}
