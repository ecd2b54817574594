//! `oslinker watch`: validate and plan once, then after every change print the plan diff
//! (or the diagnostics), as text or one JSON object per line. The loop and the writing live
//! here; what each event says is `render::watch`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::cli::{WatchArgs, WatchFormat};
use crate::load::{LoadError, display_path};
use crate::report;
use crate::text;
use crate::watch::events::{self, Batch, Events};
use crate::watch::exec;
use crate::watch::{Relinked, Session, Update};
use crate::{Context, Exit, Outcome, render};

pub fn run(context: &Context, args: &WatchArgs) -> Outcome {
    watch(context, args).unwrap_or_else(|stop| stop)
}

fn watch(context: &Context, args: &WatchArgs) -> Result<Outcome, Outcome> {
    let root = context.root()?;
    let root = std::path::absolute(&root)
        .map_err(|e| Outcome::trouble(format!("cannot resolve `{}`: {e}", root.display())))?;
    // Signals are taken over and the tree watched before the first load: a change made
    // while it loads is not lost, and Ctrl-C during it still ends cleanly.
    let mut events =
        Events::new(&root, Duration::from_millis(args.debounce)).map_err(Outcome::trouble)?;
    let (mut session, ready) = Session::start(&root, context.follow_links).map_err(|e| {
        Outcome::trouble(format!(
            "{e}\nhelp: pass --dir DIR (or set OSLINKER_DIR) to the folder that holds your manifests"
        ))
    })?;
    let mut printer = Printer {
        context,
        args,
        root: &root,
        last_report: String::new(),
    };
    let mut open = !events::stopping() && printer.ready(&ready);
    // Let go of the first state, so that the session can link the next edit into it.
    drop(ready);
    while open {
        let Batch::Changed { paths, errors } = events.next_batch() else {
            break; // SIGINT or SIGTERM
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
    }
    Ok(Outcome::new(Exit::Success))
}

/// Writes each event as it happens. Every method returns false once stdout is closed, which
/// ends the watch quietly.
struct Printer<'a> {
    context: &'a Context,
    args: &'a WatchArgs,
    root: &'a Path,
    /// The last diagnostics report printed (text mode).
    last_report: String,
}

impl Printer<'_> {
    fn json(&self) -> bool {
        self.args.format == WatchFormat::Json
    }

    fn root(&self) -> String {
        display_path(self.root)
    }

    fn ready(&mut self, ready: &Relinked) -> bool {
        if self.json() {
            return self.event(render::watch::ready_json(
                &self.root(),
                ready,
                diagnostics_json(ready),
            ));
        }
        self.diagnostics(ready);
        self.note(&render::watch::ready_text(&self.root(), ready));
        true
    }

    fn relinked(&mut self, relinked: &Relinked) -> bool {
        let open = if self.json() {
            self.event(render::watch::relinked_json(
                relinked,
                diagnostics_json(relinked),
            ))
        } else {
            let text = render::watch::relinked_text(
                &self.root(),
                relinked,
                self.context.color_stdout,
                !self.context.quiet,
            );
            let open = self.stdout(&text);
            self.diagnostics(relinked);
            open
        };
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
        let summary = (!self.context.quiet).then(|| {
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
            &super::human_options(self.context),
        );
        if text == self.last_report {
            self.note(&format!(
                "(the same {} as before)",
                text::plural(checked.diagnostics.len(), "problem")
            ));
            return;
        }
        let _ = std::io::stderr().write_all(text.as_bytes());
        self.last_report = text;
    }

    fn root_missing(&mut self, error: &LoadError) -> bool {
        if self.json() {
            return self.event(render::watch::root_missing_json(&self.root(), error));
        }
        self.note(&format!("{error}; waiting for it to come back"));
        true
    }

    fn watch_error(&mut self, message: &str) -> bool {
        if self.json() {
            return self.event(render::watch::error_json(message));
        }
        self.error(&format!("watching: {message}; watching goes on"));
        true
    }

    /// Runs the `--exec` command with the plan on its stdin. Its output goes to stderr, so
    /// stdout stays oslinker's events.
    fn exec(&mut self, command: &str, plan: &str) -> bool {
        let result = exec::run_shell(command, plan);
        if events::stopping() {
            return false; // the command was stopped with the watch
        }
        if self.json() {
            return self.event(render::watch::exec_json(command, &result));
        }
        if let Some(failure) = render::watch::exec_failure(command, &result) {
            self.error(&failure);
        }
        true
    }

    /// A line on stderr, unless `-q`.
    fn note(&self, text: &str) {
        if !self.context.quiet {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// An `error:` line on stderr, even with `-q`.
    fn error(&self, text: &str) {
        let _ = writeln!(std::io::stderr(), "error: {text}");
    }

    fn event(&mut self, event: serde_json::Value) -> bool {
        self.stdout(&format!("{event}\n"))
    }

    fn stdout(&mut self, text: &str) -> bool {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .is_ok()
    }
}

/// The tree's diagnostics as `validate --format json` has them, for a watch event.
fn diagnostics_json(relinked: &Relinked) -> serde_json::Value {
    let checked = &relinked.checked;
    report::json_diagnostics(&checked.sources, &checked.diagnostics)
}
