//! `oslinker explain ID|CAPABILITY`

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::explain;
use crate::render;
use crate::text;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &ExplainArgs) -> Outcome {
    explain(context, args).unwrap_or_else(|stop| stop)
}

fn explain(context: &Context, args: &ExplainArgs) -> Result<Outcome, Outcome> {
    let checked = super::check(context)?;
    let note = super::require_valid(context, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    let linked = &checked.linked;
    let query = args.name.as_str();
    let Some(explanation) =
        explain::explain(linked, &checked.sources, query, environment.as_deref())
    else {
        let hint = explain::suggest(linked, query)
            .map(|best| format!("\nhelp: did you mean `{best}`?"))
            .unwrap_or_default();
        return Err(Outcome::trouble(format!(
            "`{query}` is neither an id nor a capability in this tree{hint}"
        )));
    };
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stderr = note;
    outcome.stdout = match args.format {
        ExplainFormat::Table => text::printable(&render::explain::table(&explanation)).into_owned(),
        ExplainFormat::Json => text::json(&explanation),
    };
    Ok(outcome)
}
