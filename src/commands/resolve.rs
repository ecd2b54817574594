//! `oslinker resolve <CAPABILITY>`

use crate::cli::{ResolveArgs, ResolveFormat};
use crate::link::routing;
use crate::model::names;
use crate::render;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &ResolveArgs) -> Outcome {
    if let Err(why) = names::check_capability(&args.capability) {
        return Outcome::trouble(format!(
            "`{}` is not a capability name: {why}\nhelp: capabilities are lowercase dotted segments, e.g. `code.generation`",
            args.capability
        ));
    }
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
    let resolution = routing::resolve(&checked.linked, &args.capability, environment.as_deref());
    let found = resolution.eligible().next().is_some();
    let mut outcome = Outcome::new(if found { Exit::Success } else { Exit::No });
    outcome.stderr = note;
    outcome.stdout = match args.format {
        ResolveFormat::Table => render::resolve::table(&resolution, args.all),
        ResolveFormat::Json => render::resolve::json(&resolution, args.all),
        ResolveFormat::Name => render::resolve::names(&resolution),
    };
    if !found {
        let scope = environment.map(|e| format!(" in {e}")).unwrap_or_default();
        let why = if resolution.candidates.is_empty() {
            "no provider serves it (nothing mapped, nothing advertises it)".to_string()
        } else {
            format!(
                "{} known, none eligible (see --all)",
                crate::report::plural(resolution.candidates.len(), "candidate")
            )
        };
        outcome.stderr.push_str(&format!(
            "no eligible provider for `{}`{scope}: {why}\n",
            args.capability
        ));
    }
    outcome
}
