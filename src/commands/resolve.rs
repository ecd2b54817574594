//! `oslinker resolve <CAPABILITY>`

use crate::cli::{ResolveArgs, ResolveFormat};
use crate::link::routing;
use crate::model::names;
use crate::render;
use crate::text;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &ResolveArgs) -> Outcome {
    resolve(context, args).unwrap_or_else(|stop| stop)
}

fn resolve(context: &Context, args: &ResolveArgs) -> Result<Outcome, Outcome> {
    if let Err(why) = names::check_capability(&args.capability) {
        return Err(Outcome::trouble(format!(
            "`{}` is not a capability name: {why}\nhelp: capabilities are lowercase dotted segments, e.g. `code.generation`",
            args.capability
        )));
    }
    let checked = super::check(context)?;
    let note = super::require_valid(context, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    let resolution = routing::resolve(&checked.linked, &args.capability, environment.as_deref());
    let found = resolution.eligible().next().is_some();
    let mut outcome = Outcome::new(if found { Exit::Success } else { Exit::No });
    outcome.stderr = note;
    outcome.stdout = match args.format {
        ResolveFormat::Table => {
            text::printable(&render::resolve::table(&resolution, args.all)).into_owned()
        }
        ResolveFormat::Json => render::resolve::json(&resolution, args.all),
        ResolveFormat::Name => render::resolve::names(&resolution),
    };
    if !found {
        outcome.stderr += &render::resolve::none_eligible(&resolution, environment.as_deref());
    }
    Ok(outcome)
}
