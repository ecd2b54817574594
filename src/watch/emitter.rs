//! A session's changes as CloudEvents (`crate::events`): what `watch --format json` prints
//! and what `serve` streams and publishes, made in one place so that both say the same
//! thing about the same edit. Keeps what lies between events: the generation (1 for the
//! first load, one more for each re-link), the last valid tree's generation and routes
//! (route changes are counted against the tree that was last served, so the invalid states
//! in between leave no trace), and whether the latest tree was valid.

use std::path::Path;
use std::process::ExitStatus;

use serde_json::Value;

use crate::events::{self, CloudEvent, Events, Loaded, Validity};
use crate::health::Observation;
use crate::health::monitor::Change;
use crate::link::routing::{self, RouteSummary};
use crate::load::{LoadError, display_path};
use crate::report;

use super::{Relinked, Rerouted};

/// Makes the events of one watched tree, in order.
pub struct Emitter {
    events: Events,
    /// The root as shown (`linker.d`), for `data.root`.
    root: String,
    /// The latest tree's generation (0 before the first load).
    generation: u64,
    /// Whether the latest tree was valid.
    valid: bool,
    /// The last valid tree: what `serve` answers from.
    serving: Option<Serving>,
}

struct Serving {
    generation: u64,
    routes: Vec<RouteSummary>,
}

impl Emitter {
    /// Events about the tree at `root` (absolute), on this host: `source` is
    /// `oslinker://HOST/ROOT`.
    pub fn new(root: &Path) -> Emitter {
        Emitter {
            events: Events::new(events::source_uri(&events::host_name(), root)),
            root: display_path(root),
            generation: 0,
            valid: false,
            serving: None,
        }
    }

    /// The latest tree's generation: 1 for the first load, one more for each re-link.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The generation of the last valid tree, if one has loaded.
    pub fn serving_generation(&self) -> Option<u64> {
        self.serving.as_ref().map(|s| s.generation)
    }

    /// `tree.loaded`, for the first load.
    pub fn loaded(&mut self, ready: &Relinked) -> CloudEvent {
        self.take_in(ready);
        let checked = &ready.checked;
        let diagnostics = report::json_diagnostics(&checked.sources, &checked.diagnostics);
        let mut event = self.events.loaded(&Loaded {
            root: &self.root,
            files: checked.files,
            manifests: checked.manifests,
            valid: ready.valid(),
            errors: checked.errors(),
            warnings: checked.warnings(),
            diagnostics: &diagnostics,
        });
        self.stamp(&mut event);
        event
    }

    /// A re-link after an edit: `tree.relinked`, then `tree.valid` or `tree.invalid` when
    /// that flipped, then a `route.changed` per route the new valid tree chooses differently
    /// from the last valid one.
    pub fn relinked(&mut self, relinked: &Relinked) -> Vec<CloudEvent> {
        let was_valid = self.valid;
        let old_routes = self.serving.as_ref().map(|s| s.routes.as_slice());
        let new_routes = relinked.valid().then(|| every_route(relinked));
        let mut events = self.tree_events(relinked, was_valid);
        if let (Some(old), Some(new)) = (old_routes, &new_routes) {
            events.extend(self.events.route_changes(old, new));
        }
        self.take_in_with(relinked, new_routes);
        self.stamp_all(&mut events);
        events
    }

    /// `health.changed` for each target whose state changed (thresholds applied).
    pub fn health(&self, changes: &[Change]) -> Vec<CloudEvent> {
        (changes.iter())
            .filter_map(|change| {
                let before = change.from.map(|from| Observation {
                    state: from,
                    ..change.now.clone()
                });
                self.events.health_changed(before.as_ref(), &change.now)
            })
            .collect()
    }

    /// What a change of health did to the tree (no file changed): when it re-linked, and a
    /// route or the plan moved, `tree.relinked` (`cause` `health`), and a `route.changed` per
    /// route that moved.
    pub fn rerouted(&mut self, rerouted: &Rerouted) -> Vec<CloudEvent> {
        let Some(relinked) = &rerouted.relinked else {
            return Vec::new();
        };
        let was_valid = self.valid;
        let routes = self.events.route_changes(&rerouted.before, &rerouted.after);
        let plan_changed = relinked.diff.as_ref().is_some_and(|d| !d.is_empty());
        let mut events = match plan_changed || !routes.is_empty() {
            true => self.tree_events(relinked, was_valid),
            false => Vec::new(),
        };
        events.extend(routes);
        let new_routes = relinked.valid().then(|| rerouted.after.clone());
        self.take_in_with(relinked, new_routes);
        self.stamp_all(&mut events);
        events
    }

    /// `tree.unreadable`: the root cannot be read; the last good tree is kept.
    pub fn unreadable(&self, error: &LoadError) -> CloudEvent {
        let mut event = self.events.unreadable(&self.root, &error.to_string());
        self.stamp(&mut event);
        event
    }

    /// `exec.finished`, about the plan of the latest generation.
    pub fn exec_finished(&self, command: &str, result: &Result<ExitStatus, String>) -> CloudEvent {
        let mut event = self.events.exec_finished(command, result);
        event.data["generation"] = self.generation.into();
        event
    }

    /// `watch.error`.
    pub fn watch_error(&self, message: &str) -> CloudEvent {
        self.events.watch_error(message)
    }

    /// `tree.relinked`, and `tree.valid` or `tree.invalid` if validity flipped.
    fn tree_events(&self, relinked: &Relinked, was_valid: bool) -> Vec<CloudEvent> {
        let checked = &relinked.checked;
        let diagnostics = report::json_diagnostics(&checked.sources, &checked.diagnostics);
        let mut events = vec![self.events.relinked(&events::Relinked {
            changed: &relinked.files,
            files: checked.files,
            manifests: checked.manifests,
            errors: checked.errors(),
            warnings: checked.warnings(),
            diff: relinked.diff.as_ref(),
            diagnostics: &diagnostics,
            rerouted: relinked.rerouted,
        })];
        let validity = Validity {
            errors: checked.errors(),
            warnings: checked.warnings(),
            diagnostics: &diagnostics,
        };
        events.extend(self.events.validity_flipped(was_valid, &validity));
        events
    }

    fn take_in(&mut self, relinked: &Relinked) {
        let routes = relinked.valid().then(|| every_route(relinked));
        self.take_in_with(relinked, routes);
    }

    /// The next generation is `relinked`; `routes` are its routes when it is valid.
    fn take_in_with(&mut self, relinked: &Relinked, routes: Option<Vec<RouteSummary>>) {
        self.generation += 1;
        self.valid = relinked.valid();
        if let Some(routes) = routes {
            self.serving = Some(Serving {
                generation: self.generation,
                routes,
            });
        }
    }

    fn stamp_all(&self, events: &mut [CloudEvent]) {
        for event in events {
            self.stamp(event);
        }
    }

    /// Which state an event is about, as `serve`'s `/readyz` names them: the latest
    /// generation, and the one served (the last valid; null before any).
    fn stamp(&self, event: &mut CloudEvent) {
        event.data["generation"] = self.generation.into();
        event.data["servingGeneration"] = match self.serving_generation() {
            Some(generation) => generation.into(),
            None => Value::Null,
        };
    }
}

fn every_route(relinked: &Relinked) -> Vec<RouteSummary> {
    routing::every_route(&relinked.checked.linked)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::*;
    use crate::events::EventType;
    use crate::watch::{Session, Update};

    const PROVIDERS: &str = "kind: Provider\nid: p1\nplatform: openai-agents\ncapabilities: [code.x]\n---\n\
         kind: Provider\nid: p2\nplatform: openai-agents\ncapabilities: [code.x]\n";

    fn write(root: &Path, name: &str, text: &str) -> PathBuf {
        std::fs::create_dir_all(root).unwrap();
        let path = root.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn relink(session: &mut Session, emitter: &mut Emitter, path: &Path) -> Vec<CloudEvent> {
        match session.update(&[path.to_path_buf()]) {
            Update::Relinked(relinked) => emitter.relinked(&relinked),
            _ => panic!("no re-link"),
        }
    }

    fn types(events: &[CloudEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_type.short()).collect()
    }

    fn generations(events: &[CloudEvent]) -> Vec<(Value, Value)> {
        (events.iter())
            .map(|e| {
                (
                    e.data["generation"].clone(),
                    e.data["servingGeneration"].clone(),
                )
            })
            .collect()
    }

    /// Routes are compared with the last valid tree: the invalid states between leave no
    /// trace, and the route that moved while the tree was broken is told once it is valid.
    #[test]
    fn routes_move_against_the_last_valid_tree_across_an_invalid_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let path = write(&root, "providers.yaml", PROVIDERS);
        let (mut session, ready) = Session::start(&root, false).unwrap();
        let mut emitter = Emitter::new(&root);
        let loaded = emitter.loaded(&ready);
        assert_eq!(loaded.event_type, EventType::TreeLoaded);
        assert_eq!(
            (emitter.generation(), emitter.serving_generation()),
            (1, Some(1))
        );
        let first = routing::every_route(&ready.checked.linked);
        drop(ready);
        let chosen = first[0].chosen.clone().expect("a provider is chosen");
        let other = if chosen == "p1" { "p2" } else { "p1" };

        write(&root, "providers.yaml", "kind: [\n");
        let broken = relink(&mut session, &mut emitter, &path);
        assert_eq!(types(&broken), ["tree.relinked", "tree.invalid"]);
        assert_eq!(generations(&broken), vec![(json!(2), json!(1)); 2]);

        // Back, without the provider that was chosen.
        let kept = PROVIDERS
            .split("---\n")
            .find(|doc| doc.contains(&format!("id: {other}\n")))
            .unwrap();
        write(&root, "providers.yaml", kept);
        let mended = relink(&mut session, &mut emitter, &path);
        // One route per environment (with none), each moved from the provider gone.
        let mut expected = vec!["tree.relinked", "tree.valid"];
        expected.extend(vec!["route.changed"; first.len()]);
        assert_eq!(types(&mended), expected);
        assert_eq!(
            generations(&mended),
            vec![(json!(3), json!(3)); expected.len()]
        );
        for route in &mended[2..] {
            assert_eq!(route.subject.as_deref(), Some("code.x"));
            assert_eq!(
                (&route.data["from"], &route.data["to"]),
                (&json!(chosen), &json!(other))
            );
        }
    }

    #[test]
    fn the_source_names_this_host_and_the_root() {
        let emitter = Emitter::new(Path::new("/srv/linker.d"));
        let event = emitter.watch_error("x");
        assert_eq!(
            event.source,
            format!("oslinker://{}/srv/linker.d", events::host_name())
        );
    }
}
