//! `oslinker graph`

use crate::cli::{GraphArgs, GraphFormat};
use crate::graph::{self, GraphFilter};
use crate::render;
use crate::{Context, Exit, Outcome};

pub fn run(context: &Context, args: &GraphArgs) -> Outcome {
    draw(context, args).unwrap_or_else(|stop| stop)
}

fn draw(context: &Context, args: &GraphArgs) -> Result<Outcome, Outcome> {
    let checked = super::check(context)?;
    let note = super::require_valid(context, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    if let Some((wanted, best)) = graph::unknown_focus(&checked.linked, &args.capability) {
        let hint = best
            .map(|best| format!("\nhelp: did you mean `{best}`?"))
            .unwrap_or_default();
        return Err(Outcome::trouble(format!(
            "no capability `{wanted}` in this tree (--capability){hint}"
        )));
    }
    let filter = GraphFilter {
        environment: environment.as_deref(),
        capabilities: &args.capability,
    };
    let graph = graph::build(&checked.linked, &filter);
    let mut outcome = Outcome::new(Exit::Success);
    outcome.stderr = note;
    outcome.stdout = match args.format {
        GraphFormat::Dot => render::graph::dot(&graph),
        GraphFormat::Mermaid => render::graph::mermaid(&graph),
    };
    Ok(outcome)
}
