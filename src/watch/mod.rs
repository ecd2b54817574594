//! `watch`: keep a tree loaded, re-read only the files that changed, re-link, and diff the
//! new plan against the last good one. The same loader and linker as every other command;
//! only the per-file cache is new. `events` turns file-system notifications into batches.

pub mod emitter;
pub mod events;
pub mod exec;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::health::{self, Observation, Target};
use crate::link::Linked;
use crate::link::routing::{self, RouteChange, RouteSummary};

use crate::diff::{self, PlanDiff};
use crate::load::{self, Limits, LoadError};
use crate::model::{Kind, Manifests};
use crate::pipeline::{self, Checked, ReadFile};
use crate::plan::{Plan, Planner};
use crate::source::{FileId, SourceFile};

/// What a file looked like when it was last read: a file whose size and modification time
/// are unchanged, and that no event named, is not read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

#[derive(Debug)]
struct Cached {
    stamp: Option<Stamp>,
    read: ReadFile,
}

/// Every file of the tree as last read. Holds only the files that exist now, so memory
/// follows the tree's size, not the number of edits.
#[derive(Debug)]
pub struct TreeCache {
    root: PathBuf,
    follow_links: bool,
    limits: Limits,
    files: HashMap<PathBuf, Cached>,
    /// The manifest files of the last walk, in order (file `i` is `FileId(i + 1)`).
    order: Vec<PathBuf>,
    /// Entries the last walk could not read, and why.
    problems: Vec<ReadFile>,
}

/// What a refresh found: which files differ from the last read (added, removed or
/// changed), and, when every file kept its place, how the changed ones did.
pub struct Refresh {
    pub root: SourceFile,
    pub changed: Vec<PathBuf>,
    pub edits: Option<Vec<Edit>>,
}

/// A file that changed in its place: its place, and what was read of it before and now.
pub struct Edit {
    pub place: usize,
    pub before: ReadFile,
    pub now: ReadFile,
}

impl TreeCache {
    pub fn new(root: &Path, follow_links: bool) -> Self {
        TreeCache {
            root: root.to_path_buf(),
            follow_links,
            limits: Limits::default(),
            files: HashMap::new(),
            order: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Re-reads what `touched` (paths from file-system events) changed. When they name
    /// only manifest files already known (an editor saving them) or things no walk would
    /// find (hidden files, other kinds of file), only those files are read again; anything
    /// else (a file or folder added or removed, the root moved) walks the tree again.
    pub fn refresh(&mut self, touched: &[PathBuf]) -> Result<Refresh, LoadError> {
        let root_source = load::open_root(&self.root)?;
        match self.edited(touched) {
            Some(paths) if !self.order.is_empty() => Ok(self.reread(root_source, &paths)),
            _ => Ok(self.rewalk(root_source, touched)),
        }
    }

    /// The known files that `touched` names, when that is all it names that a walk would
    /// see; `None` when the tree must be walked.
    fn edited(&self, touched: &[PathBuf]) -> Option<Vec<PathBuf>> {
        let mut edited = Vec::new();
        for path in touched {
            let relative = path.strip_prefix(&self.root).ok()?;
            if relative.as_os_str().is_empty() {
                return None;
            }
            let hidden = relative.components().any(|c| {
                c.as_os_str()
                    .to_str()
                    .is_some_and(|name| name.starts_with('.'))
            });
            if hidden {
                continue;
            }
            let now = std::fs::symlink_metadata(path).ok();
            if self.files.contains_key(path) {
                // Still a plain file: an edit. Gone, or now something else: walk.
                now.filter(|m| m.is_file())?;
                edited.push(path.clone());
            } else if self.problems.iter().any(|p| p.source.path == *path) {
                return None;
            } else {
                match now {
                    // A new folder or link, or a new manifest file.
                    Some(m) if m.is_dir() || m.is_symlink() => return None,
                    Some(_) if load::is_manifest_name(path) => return None,
                    Some(_) => {}
                    // Gone: a folder that held known files is a removal.
                    None if self.order.iter().any(|known| known.starts_with(path)) => return None,
                    None => {}
                }
            }
        }
        Some(edited)
    }

    /// Re-reads the edited files in their places; every other file is as it was.
    fn reread(&mut self, root: SourceFile, paths: &[PathBuf]) -> Refresh {
        let mut changed = Vec::new();
        let mut edits = Vec::new();
        for path in paths {
            let cached = self.files.get_mut(path).expect("an edited file is known");
            let file = cached.read.file;
            let read = pipeline::read_file(load::load_file(path, file, &self.limits));
            if !same(&cached.read, &read) {
                changed.push(path.clone());
                let before = std::mem::replace(&mut cached.read, read);
                edits.push(Edit {
                    place: file.0 - 1,
                    before,
                    now: cached.read.clone(),
                });
            }
            cached.stamp = Stamp::of(path);
        }
        Refresh {
            root,
            changed,
            edits: Some(edits),
        }
    }

    /// Every file as last read, in order (the walk's problems last).
    pub fn files_in_order(&self) -> Vec<ReadFile> {
        self.read_files().cloned().collect()
    }

    /// Every file as last read, in order (the walk's problems last), borrowed.
    pub fn read_files(&self) -> impl Iterator<Item = &ReadFile> {
        (self.order.iter())
            .map(|path| &self.files[path].read)
            .chain(&self.problems)
    }

    /// The manifest file at `path` as last read, when the last walk found it.
    pub fn read_of(&self, path: &Path) -> Option<&ReadFile> {
        self.files.get(path).map(|cached| &cached.read)
    }

    /// The problems found reading each file, in order.
    fn read_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.read_files().flat_map(|read| &read.diagnostics)
    }

    /// Walks the tree again and re-reads the files that `touched` names (or lies above)
    /// and those whose size or time changed; the rest come from the cache. Files are read
    /// in parallel.
    fn rewalk(&mut self, root: SourceFile, touched: &[PathBuf]) -> Refresh {
        let walk = load::walk(&self.root, self.follow_links);
        let mut previous = std::mem::take(&mut self.files);
        let same_order = walk.manifests == self.order;
        // Each file of the walk, with what was read of it before and whether that still holds
        // (same size and time, not named by an event, and read for the same place).
        let found: Vec<(PathBuf, Option<Stamp>, Option<Cached>, bool)> = walk
            .manifests
            .into_iter()
            .enumerate()
            .map(|(index, path)| {
                let stamp = Stamp::of(&path);
                let before = previous.remove(&path);
                let unchanged = before.as_ref().is_some_and(|cached| {
                    cached.stamp.is_some()
                        && cached.stamp == stamp
                        && cached.read.file == FileId(index + 1)
                        && !touched.iter().any(|t| path.starts_with(t))
                });
                (path, stamp, before, unchanged)
            })
            .collect();
        let limits = &self.limits;
        // Each file as read now, and, when it changed, what it was before (if it was).
        type Read = (PathBuf, Cached, Option<Option<ReadFile>>);
        let read: Vec<Read> = found
            .into_par_iter()
            .enumerate()
            .map(|(index, (path, stamp, before, unchanged))| match before {
                Some(cached) if unchanged => (path, cached, None),
                before => {
                    let file = FileId(index + 1);
                    let read = pipeline::read_file(load::load_file(&path, file, limits));
                    let changed = match before {
                        Some(b) if same(&b.read, &read) => None,
                        Some(b) => Some(Some(b.read)),
                        None => Some(None),
                    };
                    (path, Cached { stamp, read }, changed)
                }
            })
            .collect();
        let mut changed = Vec::new();
        let mut edits = Vec::new();
        let mut order = Vec::with_capacity(read.len());
        for (index, (path, cached, before)) in read.into_iter().enumerate() {
            if let Some(before) = before {
                changed.push(path.clone());
                edits.extend(before.map(|before| Edit {
                    place: index,
                    before,
                    now: cached.read.clone(),
                }));
            }
            order.push(path.clone());
            self.files.insert(path, cached);
        }
        self.order = order;
        // Entries that could not be walked are cheap to find again: never cached, but a
        // new or mended one is a change.
        // Placed after the manifest files, as the tree puts them together.
        let first = self.order.len() + 1;
        let problems: Vec<ReadFile> = (walk.problems.into_iter().enumerate())
            .map(|(index, problem)| {
                let mut read = pipeline::read_file(problem);
                read.file = FileId(first + index);
                for diagnostic in &mut read.diagnostics {
                    diagnostic.set_file(read.file);
                }
                read
            })
            .collect();
        // What a problem says, wherever it is placed.
        let key = |p: &ReadFile| {
            let said: Vec<_> = p
                .diagnostics
                .iter()
                .map(|d| (d.code, d.message.clone()))
                .collect();
            (p.source.path.clone(), said)
        };
        let (now, before): (Vec<_>, Vec<_>) = (
            problems.iter().map(key).collect(),
            self.problems.iter().map(key).collect(),
        );
        for problem in now.iter().filter(|p| !before.contains(p)) {
            changed.push(problem.0.clone());
        }
        for problem in before.iter().filter(|p| !now.contains(p)) {
            changed.push(problem.0.clone());
        }
        let same_problems = now == before;
        self.problems = problems;
        let removed = !previous.is_empty();
        changed.extend(previous.into_keys());
        changed.sort();
        changed.dedup();
        Refresh {
            root,
            changed,
            edits: (same_order && same_problems && !removed).then_some(edits),
        }
    }
}

/// Whether a re-read file says the same as before: the same text and problems (wherever the
/// file now sits in the tree).
pub fn same(a: &ReadFile, b: &ReadFile) -> bool {
    let problem = |d: &Diagnostic| (d.code, d.span.map(|s| s.range()), d.message.clone());
    a.source.text == b.source.text
        && a.diagnostics
            .iter()
            .map(problem)
            .eq(b.diagnostics.iter().map(problem))
}

/// A watched tree, as last linked, and the last good plan.
pub struct Session {
    cache: TreeCache,
    /// The tree as last linked: an edit that keeps every id is linked into it in place.
    current: Option<Arc<Checked>>,
    planner: Planner,
    /// The plan of the last valid state: what each change is compared with.
    baseline: Option<Plan>,
    root_missing: bool,
    /// How many edits were linked in place (rather than afresh): for tests.
    in_place: usize,
    /// With `--health`: each probed target's state (thresholds applied), by kind and id.
    /// Every link withdraws what is down from its routes.
    live: Option<HashMap<(Kind, String), Observation>>,
}

/// What a change of health did to the routes.
#[derive(Default)]
pub struct Rerouted {
    /// Every route before and after (empty when none changed).
    pub before: Vec<RouteSummary>,
    pub after: Vec<RouteSummary>,
    /// The tree relinked with the new routes (no files changed), when a route changed.
    pub relinked: Option<Relinked>,
}

impl Rerouted {
    /// Each route whose chosen provider changed.
    pub fn changes(&self) -> Vec<RouteChange<'_>> {
        routing::route_changes(&self.before, &self.after)
    }
}

/// What one batch of file-system events did.
pub enum Update {
    /// No manifest changed (e.g. only another kind of file was touched): nothing to say.
    Quiet,
    /// The root folder is gone; said once, until it is back.
    RootMissing(LoadError),
    Relinked(Box<Relinked>),
}

/// The tree after a re-link.
pub struct Relinked {
    /// Manifest files added, removed or changed since the last re-link.
    pub files: Vec<PathBuf>,
    pub checked: Arc<Checked>,
    /// The new plan, when the tree is valid (no errors).
    pub plan: Option<Plan>,
    /// The new plan against the last good one (an empty plan when there was none);
    /// `None` when the tree is invalid.
    pub diff: Option<PlanDiff>,
    /// Relinked because health changed the routes, not because a file changed.
    pub rerouted: bool,
    /// The changed files' manifests were linked into the last tree in place: every id, map,
    /// environment and platform is as it was, only the manifests of `files` changed.
    pub in_place: bool,
}

impl Relinked {
    pub fn valid(&self) -> bool {
        self.plan.is_some()
    }
}

impl Session {
    /// Loads, validates and plans the tree once.
    pub fn start(root: &Path, follow_links: bool) -> Result<(Session, Relinked), LoadError> {
        let mut session = Session {
            cache: TreeCache::new(root, follow_links),
            current: None,
            planner: Planner::default(),
            baseline: None,
            root_missing: false,
            in_place: 0,
            live: None,
        };
        let refresh = session.cache.refresh(&[])?;
        let relinked = session.relink(refresh);
        Ok((session, relinked))
    }

    /// Takes in a batch of changed paths (files or folders, existing or not).
    pub fn update(&mut self, touched: &[PathBuf]) -> Update {
        match self.cache.refresh(touched) {
            Err(_) if self.root_missing => Update::Quiet,
            Err(error) => {
                self.root_missing = true;
                Update::RootMissing(error)
            }
            Ok(refresh) => {
                let was_missing = std::mem::take(&mut self.root_missing);
                if refresh.changed.is_empty() && !was_missing {
                    return Update::Quiet;
                }
                Update::Relinked(Box::new(self.relink(refresh)))
            }
        }
    }

    fn relink(&mut self, refresh: Refresh) -> Relinked {
        let (mut checked, in_place) = match self.edit_in_place(&refresh) {
            Some(checked) => (checked, true),
            None => {
                let files = self.cache.files_in_order();
                (Arc::new(pipeline::check_files(refresh.root, files)), false)
            }
        };
        if let (Some(live), Some(checked)) = (&self.live, Arc::get_mut(&mut checked)) {
            withdraw_what_is_down(&mut checked.linked, live);
        }
        let mut relinked = self.relinked(refresh.changed, checked, false);
        relinked.in_place = in_place;
        relinked
    }

    /// Plans a newly linked tree and compares it with the last good plan.
    fn relinked(&mut self, files: Vec<PathBuf>, checked: Arc<Checked>, rerouted: bool) -> Relinked {
        self.current = Some(Arc::clone(&checked));
        let plan = (checked.errors() == 0).then(|| self.planner.plan(&checked.linked));
        let diff = plan.as_ref().map(|new| {
            let empty = Plan::empty();
            diff::diff(self.baseline.as_ref().unwrap_or(&empty), new)
        });
        if let Some(plan) = &plan {
            self.baseline = Some(plan.clone());
        }
        Relinked {
            files,
            checked,
            plan,
            diff,
            rerouted,
            in_place: false,
        }
    }

    /// From now on, every link routes around what is down (see `health_changed`).
    pub fn follow_health(&mut self) {
        self.live.get_or_insert_with(HashMap::new);
    }

    /// What to probe in the tree as last linked: every health check it declares.
    pub fn health_targets(&self) -> Vec<Target> {
        (self.current.as_ref())
            .map(|checked| health::all_targets(&checked.linked))
            .unwrap_or_default()
    }

    /// Takes in the targets' states (thresholds applied) and withdraws from the routes
    /// exactly what is down; says which routes changed and, if any did, relinks the plan.
    pub fn health_changed<'o>(
        &mut self,
        states: impl Iterator<Item = &'o Observation>,
    ) -> Rerouted {
        let live: HashMap<(Kind, String), Observation> = states
            .map(|o| ((kind_of(o), o.id.clone()), o.clone()))
            .collect();
        let unchanged = Rerouted::default();
        self.live = Some(live);
        let Some(mut checked) = self.current.take() else {
            return unchanged;
        };
        let before = routing::every_route(&checked.linked);
        let live = self.live.as_ref().expect("set above");
        // Someone may still hold this state (`serve` serves it): change a copy, never the
        // tree under them.
        let own = Arc::make_mut(&mut checked);
        if !withdraw_what_is_down(&mut own.linked, live) {
            self.current = Some(checked);
            return unchanged;
        }
        let after = routing::every_route(&checked.linked);
        let relinked = self.relinked(Vec::new(), checked, true);
        Rerouted {
            before,
            after,
            relinked: Some(relinked),
        }
    }

    /// The last linked tree with the edited files' manifests linked in, when the edit keeps
    /// every file in its place and is one `Linked::replace` can follow.
    fn edit_in_place(&mut self, refresh: &Refresh) -> Option<Arc<Checked>> {
        let edits = refresh.edits.as_ref()?;
        let mut current = self.current.take()?;
        // Someone may still hold this state (`serve` serves it): link into a copy, which
        // costs a fraction of a fresh link.
        let checked = Arc::make_mut(&mut current);
        if !link_in_place(checked, edits, self.cache.read_diagnostics()) {
            return None;
        }
        self.in_place += 1;
        Some(current)
    }
}

/// Links the edited files' manifests into `checked` in place, when the edit is one
/// `Linked::replace` can follow (every file in its place, every id kept; no Policy in the
/// tree), and puts the files' new text in their places. `read` is every problem found reading
/// the tree's files as they are now, in order. Returns `false`, leaving `checked` as it was,
/// when the edit must be linked afresh. What `watch` and the lsp both do with an edit.
pub fn link_in_place<'d>(
    checked: &mut Checked,
    edits: &[Edit],
    read: impl Iterator<Item = &'d Diagnostic>,
) -> bool {
    let mut old = Manifests::default();
    let mut new = Manifests::default();
    for edit in edits {
        old.extend(&edit.before.manifests);
        new.extend(&edit.now.manifests);
    }
    // A tree with a Policy is judged afresh: a rule may read any manifest.
    let policies = !checked.linked.policies.is_empty() || !new.policies.is_empty();
    if policies || old.documents != new.documents || !checked.linked.replace(&old, &new) {
        return false;
    }
    for edit in edits {
        checked
            .sources
            .replace(edit.now.file, Arc::clone(&edit.now.source));
    }
    let mut diagnostics: Vec<Diagnostic> = read.cloned().collect();
    let (root, documents, files) = (checked.root, checked.manifests, checked.files);
    let empty = pipeline::no_manifests(&checked.sources, root, documents, files, &diagnostics);
    diagnostics.extend(empty);
    diagnostics.extend(checked.linked.diagnostics().cloned());
    checked.apply_lints(diagnostics);
    true
}

/// Withdraws from the routes every server whose deciding health check is down in `live`.
/// Returns whether a route changed.
fn withdraw_what_is_down(linked: &mut Linked, live: &HashMap<(Kind, String), Observation>) -> bool {
    let targets = health::all_targets(linked);
    let deciding = health::live::deciding_targets(linked, &targets);
    let observed = (deciding.iter())
        .filter_map(|(server, t)| Some((*server, live.get(&(t.kind, t.id.clone()))?)));
    let withdrawn = health::live::withdrawals(linked, observed);
    linked.withdraw(withdrawn)
}

fn kind_of(observation: &Observation) -> Kind {
    match observation.kind == Kind::Provider.as_str() {
        true => Kind::Provider,
        false => Kind::Process,
    }
}

#[cfg(test)]
mod tests {
    //! An edit linked in place must give what a fresh run gives: every kind of edit, one
    //! after another, checked against `check_tree` and `plan::build` on the same files, and
    //! every route in every environment against `resolve` on a fresh tree.

    use super::*;
    use crate::link::routing;
    use crate::plan::{self, PlanFilter};
    use crate::report;

    const ENVIRONMENTS: [&str; 3] = ["development", "staging", "production"];

    /// Process `i`: the process, and the provider it backs.
    fn agent(i: usize, status: &str, env: &str, workers: usize, caps: &str) -> String {
        format!(
            "kind: Process\nid: agent-{i}\nname: Agent {i}\nstatus: {status}\n\
             metadata: {{platform: nodejs, team: t{i}}}\ncapabilities: [{caps}]\n\
             requires: [cap.c{}]\nruntimeContext:\n  environment: {env}\n  version: nodejs-20.x\n  \
             env: {{WORKERS: \"{workers}\"}}\n---\nkind: Provider\nid: provider-{i}\nplatform: nodejs\n\
             process: agent-{i}\ncapabilities: [{caps}]\n",
            (i + 1) % 6
        )
    }

    /// Process `i`'s binding, in a file of its own.
    fn binding(i: usize, env: &str) -> String {
        format!(
            "kind: Binding\nid: agent-{i}-net\nprocessId: agent-{i}\nenvironmentId: {env}\n\
             type: network\nconfig: {{egress: [\"api.example.com:443\"]}}\n"
        )
    }

    fn agent_file(i: usize) -> String {
        format!("agents/a{i:02}.yaml")
    }

    fn binding_file(i: usize) -> String {
        format!("bindings/b{i:02}.yaml")
    }

    fn write(root: &Path, file: &str, text: &str) -> PathBuf {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn write_tree(root: &Path) {
        for i in 0..12 {
            let env = ENVIRONMENTS[i % 3];
            write(
                root,
                &agent_file(i),
                &agent(i, "running", env, 4, &format!("cap.c{}", i % 6)),
            );
            write(root, &binding_file(i), &binding(i, env));
        }
        write(
            root,
            "maps.yaml",
            "kind: CapabilityMap\nmappings:\n  cap: [provider-0, provider-1]\n---\n\
             kind: CapabilityMap\nenvironments: [production]\nmappings:\n  cap.c2: [provider-8, provider-2]\n",
        );
        // Requirements left without a running provider are warnings here, as before E0210
        // and E0211 (so that most random trees stay valid and their plans are compared), and
        // edits linked in place go through the settings too.
        write(
            root,
            "settings.yaml",
            "kind: Settings\nspec:\n  lints: {E0210: warn, critical-requirement-unresolved: warn}\n",
        );
    }

    /// A capability, an environment (or none), and its candidates there: id, eligible, why.
    type Route = (String, Option<String>, Vec<(String, bool, String)>);

    /// Every capability's candidates, in every environment and none.
    fn routes(checked: &Checked) -> Vec<Route> {
        let linked = &checked.linked;
        let environments = std::iter::once(None).chain(linked.environments.keys().map(Some));
        let environments: Vec<Option<&String>> = environments.collect();
        let mut all = Vec::new();
        for capability in linked.capabilities() {
            for environment in &environments {
                let resolution =
                    routing::resolve(linked, capability, environment.map(|e| e.as_str()));
                let candidates = (resolution.candidates.iter())
                    .map(|c| (c.id.to_string(), c.eligible, c.reason.clone()))
                    .collect();
                all.push((capability.to_string(), environment.cloned(), candidates));
            }
        }
        all
    }

    #[test]
    fn edits_linked_in_place_match_a_fresh_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write_tree(&root);
        let (mut session, _) = Session::start(&root, false).unwrap();
        let agent_edit = |i: usize, text: String| (agent_file(i), text);
        // (file, new text): statuses, environments, variables, bindings moved, providers
        // re-pointed, versions; then edits that must be linked afresh (capabilities, ids,
        // syntax, duplicates).
        let edits: Vec<(String, String)> = vec![
            agent_edit(3, agent(3, "stopped", "development", 4, "cap.c3")),
            agent_edit(5, agent(5, "running", "staging", 9, "cap.c5")),
            agent_edit(5, agent(5, "running", "production", 9, "cap.c5")),
            (binding_file(5), binding(5, "staging")),
            agent_edit(8, agent(8, "error", "staging", 4, "cap.c2")),
            agent_edit(8, agent(8, "running", "production", 4, "cap.c2")),
            agent_edit(2, agent(2, "stopped", "production", 1, "cap.c2")),
            (binding_file(2), binding(2, "nowhere")),
            (
                binding_file(2),
                binding(2, "production").replace("agent-2\n", "agent-3\n"),
            ),
            agent_edit(2, agent(2, "running", "production", 1, "cap.c2")),
            agent_edit(0, agent(0, "running", "development", 4, "cap.c0, cap.c5")),
            agent_edit(4, agent(4, "pending", "development", 4, "cap.c4")),
            agent_edit(
                6,
                agent(6, "running", "production", 4, "cap.c0")
                    .replace("id: agent-6", "id: agent-66"),
            ),
            agent_edit(
                7,
                "kind: Process\nid: agent-7\nname: [unclosed\n".to_string(),
            ),
            agent_edit(7, agent(7, "running", "development", 4, "cap.c1")),
            agent_edit(
                9,
                agent(9, "running", "staging", 4, "cap.c3")
                    .replace("process: agent-9", "process: agent-1"),
            ),
            agent_edit(1, agent(1, "stopped", "development", 4, "cap.c1")),
            agent_edit(
                9,
                agent(9, "running", "staging", 4, "cap.c3").replace("nodejs-20.x", "python-3"),
            ),
            agent_edit(
                10,
                agent(10, "running", "production", 4, "cap.c4")
                    .replace("id: provider-10", "id: provider-1"),
            ),
            agent_edit(
                10,
                agent(10, "stopped", "production", 4, "cap.c4")
                    .replace("id: provider-10", "id: provider-1"),
            ),
        ];
        for (step, (file, text)) in edits.into_iter().enumerate() {
            let path = write(&root, &file, &text);
            let relinked = match session.update(std::slice::from_ref(&path)) {
                Update::Relinked(relinked) => relinked,
                _ => panic!("step {step}: no relink"),
            };
            let fresh = pipeline::check_tree(&root, false).unwrap();
            let checked = &relinked.checked;
            assert_eq!(
                report::json_diagnostics(&checked.sources, &checked.diagnostics),
                report::json_diagnostics(&fresh.sources, &fresh.diagnostics),
                "step {step}: diagnostics"
            );
            let plan =
                (fresh.errors() == 0).then(|| plan::build(&fresh.linked, &PlanFilter::default()));
            assert_eq!(relinked.plan, plan, "step {step}: plan");
            assert_eq!(routes(checked), routes(&fresh), "step {step}: routes");
        }
        // Statuses, environments, variables, bindings, providers re-pointed, a mended syntax
        // error, a version: in place; capabilities, ids, the syntax error, duplicates: afresh.
        assert_eq!(session.in_place, 14);
    }

    /// A small deterministic generator (xorshift), so that a failing sequence can be replayed
    /// from its seed; `wild` is the chance (percent) of each invalid choice.
    struct Rng {
        state: u64,
        wild: usize,
    }

    impl Rng {
        fn next(&mut self) -> u64 {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            self.state
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        /// One of `valid`, or (by the wild chance) `invalid`.
        fn choose<'a>(&mut self, valid: &[&'a str], invalid: &'a str) -> &'a str {
            if self.chance(self.wild) {
                invalid
            } else {
                self.pick(valid)
            }
        }
    }

    const STATUSES: [&str; 5] = ["running", "running", "running", "stopped", "error"];
    const PLACES: [&str; 5] = [
        "production",
        "env-production",
        "staging",
        "development",
        "production",
    ];
    const PROCESS_IDS: [&str; 4] = ["p0", "p1", "p2", "v0"];
    const CAPABILITIES: [&str; 5] = ["cap", "cap.a", "cap.a.x", "cap.b", "data"];

    /// A random Process `id`; its capabilities are usually those of its id (an edit that
    /// keeps them can be linked in place).
    fn random_process(rng: &mut Rng, id: &str) -> String {
        let status = match rng.choose(&STATUSES, "runing") {
            _ if rng.chance(rng.wild / 2) => String::new(),
            status => format!("status: {status}\n"),
        };
        let (platform, version) = match rng.choose(&["nodejs", "nodejs", "python"], "nowhere-os") {
            "nodejs" => ("nodejs", rng.choose(&["nodejs-20.x", "nodejs-22"], "weird")),
            "python" => ("python", rng.choose(&["python-3.12"], "weird")),
            other => (other, "any"),
        };
        let capabilities = if rng.chance(10) {
            rng.pick(&CAPABILITIES).to_string()
        } else {
            match id {
                "p0" => "cap.a".to_string(),
                "p1" => "cap.b, data".to_string(),
                "p2" => "cap".to_string(),
                _ => "cap.a.x".to_string(),
            }
        };
        let requires = [
            rng.pick(&["cap.a", "cap.b", "data", "cap.a.x"]),
            rng.pick(&["cap", "cap.a.x"]),
        ];
        format!(
            "kind: Process\nid: {id}\nname: {id}\n{status}metadata: {{platform: {platform}}}\n\
             capabilities: [{capabilities}]\nrequires: [{}]\nruntimeContext:\n  \
             environment: {}\n  version: {version}\n  env: {{N: \"{}\"}}\n",
            requires.join(", "),
            rng.choose(&PLACES, "nowhere"),
            rng.below(3),
        )
    }

    fn random_provider(rng: &mut Rng, id: &str) -> String {
        let process = match rng.below(5) {
            0 => String::new(),
            _ => format!("process: {}\n", rng.choose(&PROCESS_IDS, "ghost")),
        };
        let capabilities = if id == "v0" { "cap.a, data" } else { "cap.b" };
        format!(
            "kind: Provider\nid: {id}\nplatform: {}\n{process}capabilities: [{capabilities}]\n",
            rng.pick(&["nodejs", "python", "openai-agents"])
        )
    }

    fn random_binding(rng: &mut Rng, id: &str) -> String {
        let config = match rng.choose(&["secrets", "network"], "files") {
            "secrets" => "type: secrets\nconfig: {store: vault, secrets: {API_KEY: kv/x}}\n",
            "files" => "type: files\nconfig: {mounts: [{source: /a, target: /b}]}\n",
            _ => "type: network\nconfig: {egress: [\"h:443\"]}\n",
        };
        let process = match rng.choose(&PROCESS_IDS, "ghost") {
            _ if rng.chance(rng.wild / 2) => String::new(),
            process => format!("processId: {process}\n"),
        };
        format!(
            "kind: Binding\nid: {id}\n{process}environmentId: {}\n{config}",
            rng.choose(&PLACES, "nowhere")
        )
    }

    /// The documents of file `f`: its own ids, sometimes with a syntax error, a duplicate
    /// or an id of another file. Provider `v0` lives in file 0, or in file 1 once `moved`.
    fn random_file(rng: &mut Rng, f: usize, moved: bool) -> String {
        let mut documents: Vec<String> = match f {
            0 if moved => vec![random_process(rng, "p0")],
            0 => vec![random_process(rng, "p0"), random_provider(rng, "v0")],
            1 if moved => vec![
                random_process(rng, "p1"),
                random_binding(rng, "b0"),
                random_provider(rng, "v0"),
            ],
            1 => vec![random_process(rng, "p1"), random_binding(rng, "b0")],
            2 => vec![random_process(rng, "p2"), random_provider(rng, "v1")],
            3 => vec![random_process(rng, "v0"), random_binding(rng, "b1")],
            _ => vec![random_binding(rng, "b2"), random_provider(rng, "v2")],
        };
        if rng.chance(rng.wild) {
            match rng.below(3) {
                0 => documents.push("kind: Process\nid: p9\nname: [unclosed\n".to_string()),
                1 => {
                    let id = rng.pick(&PROCESS_IDS);
                    documents.push(random_process(rng, id));
                }
                _ => documents.push(random_binding(rng, "b0")),
            }
        }
        if rng.chance(3) {
            documents.pop();
        }
        documents.join("---\n")
    }

    const FILES: [&str; 5] = [
        "f0.yaml",
        "f1.yaml",
        "sub/f2.yaml",
        "sub/f3.yaml",
        "z/f4.yaml",
    ];

    const MAPS: &str = "kind: CapabilityMap\nmappings:\n  cap: [v1, p2]\n  cap.a: [v0, p0]\n---\n\
                        kind: CapabilityMap\nenvironments: [production]\nmappings:\n  \
                        cap.a: [v2, p1]\n  data: [v1]\n";

    /// Random edits of one or two files at a time, each compared with a fresh run: how many
    /// were linked in place, and how many left a valid tree.
    fn random_edits(seed: u64, steps: usize) -> (usize, usize) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let mut rng = Rng {
            state: seed,
            wild: [0, 1, 3, 10][seed as usize % 4],
        };
        write(&root, "maps.yaml", MAPS);
        // The route checks that came after this test was written are warnings here, so that
        // most random trees stay valid (and their plans are compared); edits linked in place
        // go through the settings too.
        write(
            &root,
            "settings.yaml",
            "kind: Settings\nspec:\n  lints: {E0210: warn, E0211: warn, E0212: warn, E0213: warn}\n",
        );
        for (f, file) in FILES.iter().enumerate() {
            let mut text = random_file(&mut rng, f, false);
            while text.contains("[unclosed") {
                text = random_file(&mut rng, f, false);
            }
            write(&root, file, &text);
        }
        let (mut session, _) = Session::start(&root, false).unwrap();
        let mut history = Vec::new();
        let mut valid = 0;
        let mut moved = false;
        for step in 0..steps {
            // One file, two, or provider `v0` moved between files 0 and 1 in one batch.
            let files = match rng.below(20) {
                0 => {
                    moved = !moved;
                    vec![0, 1]
                }
                1..5 => vec![rng.below(FILES.len()), rng.below(FILES.len())],
                _ => vec![rng.below(FILES.len())],
            };
            let mut paths = Vec::new();
            for f in files {
                let text = random_file(&mut rng, f, moved);
                history.push(format!("step {step}: {}\n{text}", FILES[f]));
                paths.push(write(&root, FILES[f], &text));
            }
            let Update::Relinked(relinked) = session.update(&paths) else {
                continue;
            };
            let fresh = pipeline::check_tree(&root, false).unwrap();
            let checked = &relinked.checked;
            let context = || format!("seed {seed}, step {step}; edits:\n{}", history.join("\n"));
            assert_eq!(
                report::json_diagnostics(&checked.sources, &checked.diagnostics),
                report::json_diagnostics(&fresh.sources, &fresh.diagnostics),
                "diagnostics, {}",
                context()
            );
            let plan =
                (fresh.errors() == 0).then(|| plan::build(&fresh.linked, &PlanFilter::default()));
            assert_eq!(relinked.plan, plan, "plan, {}", context());
            assert_eq!(routes(checked), routes(&fresh), "routes, {}", context());
            valid += usize::from(fresh.errors() == 0);
        }
        (session.in_place, valid)
    }

    #[test]
    fn random_edits_linked_in_place_match_a_fresh_run() {
        let (mut in_place, mut valid) = (0, 0);
        for seed in 1..=24 {
            let (linked, planned) = random_edits(seed * 7919, 50);
            in_place += linked;
            valid += planned;
        }
        // Most edits keep their ids, and most trees are valid (so plans are compared too).
        assert!(in_place > 600, "only {in_place} edits linked in place");
        assert!(valid > 400, "only {valid} valid trees");
    }

    /// Relinks after `paths` were written and asserts what a fresh run of the same files
    /// says: the diagnostics (with their places) and the plan.
    #[track_caller]
    fn assert_relinked_as_fresh(session: &mut Session, root: &Path, paths: &[PathBuf]) {
        let Update::Relinked(relinked) = session.update(paths) else {
            panic!("no relink");
        };
        let fresh = pipeline::check_tree(root, session.cache.follow_links).unwrap();
        let checked = &relinked.checked;
        assert_eq!(
            report::json_diagnostics(&checked.sources, &checked.diagnostics),
            report::json_diagnostics(&fresh.sources, &fresh.diagnostics),
            "diagnostics"
        );
        let plan =
            (fresh.errors() == 0).then(|| plan::build(&fresh.linked, &PlanFilter::default()));
        assert_eq!(relinked.plan, plan, "plan");
    }

    #[test]
    fn a_tree_someone_else_holds_is_linked_in_place_into_a_copy() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write_tree(&root);
        let (mut session, ready) = Session::start(&root, false).unwrap();
        // `serve` keeps serving the tree it published while the next edit is linked.
        let served = Arc::clone(&ready.checked);
        drop(ready);
        let served_plan = plan::build(&served.linked, &PlanFilter::default());
        let path = write(
            &root,
            &agent_file(4),
            &agent(4, "running", ENVIRONMENTS[1], 9, "cap.c4"),
        );
        assert_relinked_as_fresh(&mut session, &root, std::slice::from_ref(&path));
        assert_eq!(session.in_place, 1, "linked in place, not afresh");
        // What readers hold is untouched.
        assert_eq!(
            plan::build(&served.linked, &PlanFilter::default()),
            served_plan
        );
    }

    #[test]
    fn a_quota_is_rechecked_when_a_process_is_edited_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write(
            &root,
            "env.yaml",
            "kind: Environment\nid: shared\nname: shared\nquota: {cpu: 2}\n",
        );
        let process = |id: &str, cpu: &str| {
            format!(
                "kind: Process\nid: {id}\nname: {id}\nstatus: running\n\
                 metadata: {{platform: nodejs}}\nruntimeContext: {{environment: shared}}\n\
                 resources: {{cpu: {cpu}}}\n"
            )
        };
        write(&root, "a.yaml", &process("a", "1"));
        let b = write(&root, "b.yaml", &process("b", "500m"));
        let (mut session, _) = Session::start(&root, false).unwrap();
        // Over the quota by an edit to another process than the one that stays: E0214 rests
        // on every process in the environment, not on the one edited alone.
        write(&root, "b.yaml", &process("b", "1500m"));
        assert_relinked_as_fresh(&mut session, &root, std::slice::from_ref(&b));
        write(&root, "b.yaml", &process("b", "1"));
        assert_relinked_as_fresh(&mut session, &root, std::slice::from_ref(&b));
        assert_eq!(session.in_place, 2);
    }

    #[test]
    fn a_tree_without_manifests_stays_invalid_after_an_edit_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        // A file that does not parse: E0001 explains the empty tree, so no E0005 yet.
        let path = write(&root, "a.yaml", "kind: [\n");
        let (mut session, _) = Session::start(&root, false).unwrap();
        // Mended into a comment: still no manifest. A fresh run says E0005 (an error); the
        // edit, linked in place (0 documents before and after), says nothing: a valid tree.
        write(&root, "a.yaml", "# nothing here yet\n");
        assert_relinked_as_fresh(&mut session, &root, std::slice::from_ref(&path));
    }

    #[test]
    fn an_edit_in_place_beside_a_symbolic_link_loop_keeps_the_loop_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        let path = write(
            &root,
            "a.yaml",
            &agent(1, "running", "production", 4, "cap.c1"),
        );
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::os::unix::fs::symlink("..", root.join("sub/loop")).unwrap();
        let (mut session, ready) = Session::start(&root, true).unwrap();
        let codes: Vec<_> = ready.checked.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            codes.contains(&crate::diagnostic::Code::SymlinkLoop),
            "{codes:?}"
        );
        drop(ready);
        // A status edit keeps every id: linked in place. The walk's E0006 is chained in
        // without being placed (`read_diagnostics`), so its file is FileId::PENDING, and
        // rendering it indexes past the sources.
        write(
            &root,
            "a.yaml",
            &agent(1, "stopped", "production", 4, "cap.c1"),
        );
        assert_relinked_as_fresh(&mut session, &root, std::slice::from_ref(&path));
    }
}
