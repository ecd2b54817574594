//! `oslinker watch`: validate and plan once, then after every change print the plan diff
//! (or the diagnostics), as text or as CloudEvents, one JSON object per line (the events
//! `serve` streams, from the same `crate::watch::emitter`). The loop lives here; what each
//! event says is `render::watch`, and every line goes out through the `Ui`.

use std::path::Path;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use crate::error::{CommandResult, Failure};
use crate::events::CloudEvent;
use crate::exit::{Exit, ExitCodes};
use crate::health::monitor::{Change, Monitor};
use crate::health::{Observation, State};
use crate::load::{LoadError, display_path};
use crate::render;
use crate::render::watch::TreeState;
use crate::report;
use crate::text;
use crate::ui::Ui;
use crate::watch::emitter::Emitter;
use crate::watch::events::{self, Batch, Events};
use crate::watch::exec;
use crate::watch::{Relinked, Rerouted, Session, Update};

use super::Context;

/// What the exit codes mean for this command (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["stopped by Ctrl-C (SIGINT) or SIGTERM, or stdout was closed"],
        ),
        (
            2,
            &[
                "could not start: missing root, or the platform cannot watch files; or stopped by",
                "a signal while stuck (it could not end cleanly within 3 seconds)",
            ],
        ),
    ],
    note: "Bad manifests never end a watch; neither does the root disappearing.",
};

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Wait until the tree has been quiet this long before re-linking (milliseconds)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub debounce: u64,

    /// After each valid re-link that changed the plan, run CMD through the shell with the
    /// plan's JSON on its stdin (its output goes to stderr)
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,

    /// Also probe every health check at its interval, and route around what is down: print
    /// each change of state (after its thresholds) and each route it changes
    #[arg(long)]
    pub health: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = WatchFormat::Text)]
    pub format: WatchFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// The plan diff after each change, as `diff` prints it
    Text,
    /// One CloudEvent per line, the events `serve` streams (`tree.loaded`, then
    /// `tree.relinked` per change, ...)
    Json,
}

pub fn run(ui: &mut Ui, context: &Context, args: &WatchArgs) -> CommandResult {
    let root = context.root()?;
    let root = std::path::absolute(&root)
        .map_err(|e| Failure::new(format!("cannot resolve `{}`: {e}", root.display())))?;
    // Signals are taken over and the tree watched before the first load: a change made
    // while it loads is not lost, and Ctrl-C during it still ends cleanly.
    let mut events = Events::new(&root, Duration::from_millis(args.debounce))?;
    let (mut session, ready) = Session::start(&root, context.follow_links)
        .map_err(|e| Failure::new(e.to_string()).help(super::ROOT_HELP))?;
    let mut printer = Printer {
        ui,
        args,
        root: &root,
        emitter: (args.format == WatchFormat::Json).then(|| Emitter::new(&root)),
        last_report: String::new(),
    };
    let mut open = !events::stopping() && printer.ready(&ready);
    // Let go of the first state, so that the session can link the next edit into it.
    drop(ready);
    let mut monitor = match args.health {
        true => Some(start_monitor(&mut session)?),
        false => None,
    };
    while open {
        let due = monitor.as_ref().and_then(Monitor::next_due);
        let (paths, errors) = match events.next_batch_until(due) {
            Batch::Stop => break, // SIGINT or SIGTERM
            Batch::Due => {
                if let Some(monitor) = &mut monitor {
                    open &= probe_round(&mut printer, &mut session, monitor);
                }
                continue;
            }
            Batch::Changed { paths, errors } => (paths, errors),
        };
        for error in &errors {
            open &= printer.watch_error(error);
        }
        if paths.iter().any(|p| events.is_above_root(p)) {
            events.rewatch(); // the root, or a folder above it, came or went
        }
        open &= match session.update(&paths) {
            Update::Quiet => true,
            Update::RootMissing(error) => {
                events.rewatch();
                printer.root_missing(&error)
            }
            Update::Relinked(relinked) => printer.relinked(&relinked),
        };
        if let Some(monitor) = &mut monitor {
            // Checks added, changed or removed by the edit are probed from now on.
            monitor.retarget(session.health_targets(), Instant::now());
        }
    }
    Ok(Exit::Success)
}

/// How many probes `watch --health` runs at once.
const HEALTH_CONCURRENCY: usize = 32;

fn start_monitor(session: &mut Session) -> Result<Monitor, Failure> {
    session.follow_health();
    let mut monitor = Monitor::new(HEALTH_CONCURRENCY)
        .map_err(|e| Failure::new(format!("cannot start probing: {e}")))?;
    monitor.retarget(session.health_targets(), Instant::now());
    Ok(monitor)
}

/// Probes what is due, prints each change of state, and the routes and plan they change.
fn probe_round(printer: &mut Printer, session: &mut Session, monitor: &mut Monitor) -> bool {
    let changes = monitor.probe_due(Instant::now(), events::stopping);
    if changes.is_empty() || events::stopping() {
        return true;
    }
    let open = printer.health(&changes);
    let rerouted = session.health_changed(monitor.states());
    open && printer.rerouted(&rerouted)
}

/// Writes each event as it happens. Every method returns false once stdout is closed, which
/// ends the watch quietly.
struct Printer<'a> {
    ui: &'a mut Ui,
    args: &'a WatchArgs,
    root: &'a Path,
    /// With `--format json`: makes the events, as `serve` does.
    emitter: Option<Emitter>,
    /// The last diagnostics report printed (text mode).
    last_report: String,
}

impl Printer<'_> {
    fn root(&self) -> String {
        display_path(self.root)
    }

    fn ready(&mut self, ready: &Relinked) -> bool {
        if let Some(emitter) = &mut self.emitter {
            let loaded = emitter.loaded(ready);
            return self.events([loaded]);
        }
        self.diagnostics(ready);
        self.ui
            .note(&render::watch::ready_text(&self.root(), &tree_state(ready)));
        true
    }

    /// Each target whose state changed; on a target's first probe, only trouble (and, in
    /// text, one line for the whole first round).
    fn health(&mut self, changes: &[Change]) -> bool {
        if let Some(emitter) = &self.emitter {
            let events = emitter.health(changes);
            return self.events(events);
        }
        let first: Vec<Observation> = (changes.iter())
            .filter(|c| c.from.is_none())
            .map(|c| c.now.clone())
            .collect();
        if !first.is_empty() {
            self.ui
                .note(&format!("health: {}", render::health::summary(&first)));
        }
        let text: String = (changes.iter())
            .filter(|c| c.from.is_some() || c.now.state != State::Healthy)
            .map(|c| render::watch::health_text(c.from, &c.now))
            .collect();
        text.is_empty() || self.ui.out(&text)
    }

    /// What a change of health did: the routes it moved, then the plan diff it made (and
    /// `--exec` after it). A route no process takes changes no plan: its line says it all.
    fn rerouted(&mut self, rerouted: &Rerouted) -> bool {
        let Some(relinked) = &rerouted.relinked else {
            return true;
        };
        let plan_changed = relinked.diff.as_ref().is_some_and(|d| !d.is_empty());
        let open = match &mut self.emitter {
            Some(emitter) => {
                let events = emitter.rerouted(rerouted);
                self.events(events)
            }
            None => {
                let routes = rerouted.changes();
                let text: String = routes.iter().map(render::watch::route_text).collect();
                let open = text.is_empty() || self.ui.out(&text);
                match plan_changed {
                    true => open && self.relinked_text(relinked),
                    false => open,
                }
            }
        };
        match plan_changed {
            true => self.exec_after(relinked, open),
            false => open,
        }
    }

    fn relinked(&mut self, relinked: &Relinked) -> bool {
        let open = match &mut self.emitter {
            Some(emitter) => {
                let events = emitter.relinked(relinked);
                self.events(events)
            }
            None => self.relinked_text(relinked),
        };
        self.exec_after(relinked, open)
    }

    /// The plan diff as `diff` prints it (or the tree's state), and the diagnostics.
    fn relinked_text(&mut self, relinked: &Relinked) -> bool {
        let text = render::watch::relinked_text(
            &self.root(),
            &tree_state(relinked),
            self.ui.color_stdout(),
            !self.ui.quiet(),
        );
        let open = self.ui.out(&text);
        self.diagnostics(relinked);
        open
    }

    /// Runs `--exec` after a valid re-link that changed the plan.
    fn exec_after(&mut self, relinked: &Relinked, open: bool) -> bool {
        match (&relinked.plan, &relinked.diff) {
            (Some(plan), Some(diff)) if open && !diff.is_empty() => match &self.args.exec {
                Some(command) => self.exec(command, &text::json(plan)),
                None => true,
            },
            _ => open,
        }
    }

    /// Human diagnostics on stderr: errors and warnings with snippets. The same problems as
    /// last time (warnings nobody touched, say) get one line instead of the whole report.
    fn diagnostics(&mut self, relinked: &Relinked) {
        let checked = &relinked.checked;
        if checked.diagnostics.is_empty() {
            self.last_report.clear();
            return;
        }
        let summary = (!self.ui.quiet()).then(|| {
            report::summary_line(
                checked.files,
                checked.manifests,
                checked.errors(),
                checked.warnings(),
            )
        });
        let text = report::human(
            &checked.sources,
            &checked.diagnostics,
            summary.as_deref(),
            &super::human_options(self.ui),
        );
        if text == self.last_report {
            self.ui.note(&format!(
                "(the same {} as before)",
                text::plural(checked.diagnostics.len(), "problem")
            ));
            return;
        }
        self.ui.err(&text);
        self.last_report = text;
    }

    fn root_missing(&mut self, error: &LoadError) -> bool {
        if let Some(emitter) = &self.emitter {
            let unreadable = emitter.unreadable(error);
            return self.events([unreadable]);
        }
        self.ui
            .note(&format!("{error}; waiting for it to come back"));
        true
    }

    fn watch_error(&mut self, message: &str) -> bool {
        if let Some(emitter) = &self.emitter {
            let error = emitter.watch_error(message);
            return self.events([error]);
        }
        self.ui
            .error(&format!("watching: {message}; watching goes on"));
        true
    }

    /// Runs the `--exec` command with the plan on its stdin. Its output goes to stderr, so
    /// stdout stays oslinker's events.
    fn exec(&mut self, command: &str, plan: &str) -> bool {
        let result = exec::run_shell(command, plan);
        if events::stopping() {
            return false; // the command was stopped with the watch
        }
        if let Some(emitter) = &self.emitter {
            let finished = emitter.exec_finished(command, &result);
            return self.events([finished]);
        }
        if let Some(failure) = render::watch::exec_failure(command, &result) {
            self.ui.error(&failure);
        }
        true
    }

    /// One JSON object per line; all of them in one write, so that a reader never sees a
    /// re-link without the events it makes.
    fn events(&mut self, events: impl IntoIterator<Item = CloudEvent>) -> bool {
        let mut lines = String::new();
        for event in events {
            // Cannot fail: string keys, and `data` is already JSON.
            if let Ok(line) = serde_json::to_string(&event) {
                lines += &line;
                lines.push('\n');
            }
        }
        lines.is_empty() || self.ui.out(&lines)
    }
}

/// What the text says about the tree, from the session's re-link.
fn tree_state(relinked: &Relinked) -> TreeState<'_> {
    let checked = &relinked.checked;
    TreeState {
        changed: &relinked.files,
        files: checked.files,
        manifests: checked.manifests,
        errors: checked.errors(),
        plan: relinked.plan.as_ref(),
        diff: relinked.diff.as_ref(),
        rerouted: relinked.rerouted,
    }
}
