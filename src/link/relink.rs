//! Relinking after an edit that keeps every id, as `watch` sees most edits (a status, a
//! variable, a binding's config): the manifests of the edited files replace those with the
//! same ids in place, and only what rests on them is redone. The result is what `link`
//! makes of the edited tree; an edit this cannot follow exactly (ids added, removed or
//! duplicated, a capability map, environment or platform touched, what processes advertise
//! or require changed) is left to a fresh `link`.

use std::sync::Arc;

use super::checks::{self, Problems};
use super::{ById, Linked, resolve_links, resolve_process};
use crate::model::{Kind, Located, Manifests};

impl Linked {
    /// Replaces `old` (manifests of the edited files, as last linked) with `new` (the same
    /// files read again). Returns false, changing nothing, when the edit is not one this can
    /// follow: then link the tree afresh.
    pub fn replace(&mut self, old: &Manifests, new: &Manifests) -> bool {
        if !self.can_replace(old, new) {
            return false;
        }
        let processes = replace_all(&mut self.processes, &new.processes, |p| &p.id);
        let bindings = replace_all(&mut self.bindings, &new.bindings, |b| &b.id);
        let providers = replace_all(&mut self.providers, &new.providers, |p| &p.id);

        let mut routing = std::mem::take(&mut self.routing);
        let routes_changed = routing.rebacked(self, &processes, &providers);
        self.routing = routing;

        // The processes whose bindings or links may differ: those edited, and those a binding
        // named before or names now.
        let mut touched = processes.clone();
        for (binding, before) in bindings.iter().zip(&old.bindings) {
            let (_, now) = self
                .bindings
                .get_index(*binding)
                .expect("replaced in place");
            for named in [&before.process.value, &now.process.value] {
                if let Some(process) = self.processes.get_index_of(named) {
                    touched.push(process);
                    let named_by = &mut self.resolved[process].named_by;
                    named_by.retain(|b| b != binding);
                    if *named == now.process.value {
                        let at = named_by.partition_point(|b| b < binding);
                        named_by.insert(at, *binding);
                    }
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let mut resolved = std::mem::take(&mut self.resolved);
        for &process in &touched {
            resolve_process(self, process, &mut resolved[process]);
        }
        if routes_changed {
            for (process, resolved) in self.processes.values().zip(&mut resolved) {
                resolve_links(self, process, resolved);
            }
        }
        self.resolved = resolved;

        let mut problems = std::mem::take(&mut self.problems);
        self.recheck(
            &mut problems,
            &touched,
            &bindings,
            &providers,
            routes_changed,
        );
        self.problems = problems;
        true
    }

    /// Whether the edit keeps every id, defines none twice, leaves capability maps,
    /// environments and platforms alone, and changes neither what anything advertises nor
    /// what any process requires beyond the capabilities the tree already routes.
    fn can_replace(&self, old: &Manifests, new: &Manifests) -> bool {
        // Settings and suppressions are applied after link, from what the last full link
        // read: an edit to either is linked afresh.
        let untouched = |m: &Manifests| {
            m.maps.is_empty()
                && m.environments.is_empty()
                && m.platforms.is_empty()
                && m.settings.is_empty()
                && m.suppressions.is_empty()
        };
        untouched(old)
            && untouched(new)
            && self.same_ids(
                Kind::Process,
                &self.processes,
                &old.processes,
                &new.processes,
                |p| &p.id,
            )
            && self.same_ids(
                Kind::Binding,
                &self.bindings,
                &old.bindings,
                &new.bindings,
                |b| &b.id,
            )
            && self.same_ids(
                Kind::Provider,
                &self.providers,
                &old.providers,
                &new.providers,
                |p| &p.id,
            )
            && (old.processes.iter().zip(&new.processes))
                .all(|(a, b)| same_names(&a.capabilities, &b.capabilities))
            && (old.providers.iter().zip(&new.providers))
                .all(|(a, b)| same_names(&a.capabilities, &b.capabilities))
            && (new.processes.iter())
                .flat_map(|p| &p.requires)
                .all(|c| self.routing.routes(&c.value))
    }

    /// `old` and `new` hold the same ids in the same order, and each of `old` is the
    /// manifest linked under its id (not a duplicate, nor one shadowing a duplicate).
    fn same_ids<T>(
        &self,
        kind: Kind,
        linked: &ById<T>,
        old: &[Arc<T>],
        new: &[Arc<T>],
        id: impl Fn(&T) -> &Located<String>,
    ) -> bool {
        old.len() == new.len()
            && old.iter().zip(new).all(|(a, b)| {
                let written = &id(a).value;
                *written == id(b).value
                    && linked.get(written).is_some_and(|l| Arc::ptr_eq(l, a))
                    && !self.duplicated.contains(&(kind, written.clone()))
            })
    }

    /// Redoes the checks of what the edit touched: the processes (and the bindings that
    /// name them), bindings and providers replaced, and every process's requirements when a
    /// route changed.
    fn recheck(
        &self,
        problems: &mut Problems,
        processes: &[usize],
        bindings: &[usize],
        providers: &[usize],
        routes_changed: bool,
    ) {
        let mut rebind: Vec<usize> = bindings.to_vec();
        for &process in processes {
            let (_, manifest) = self
                .processes
                .get_index(process)
                .expect("a process's place");
            problems.processes[process] = checks::check_process(self, manifest);
            problems.requirements[process] = checks::check_requirements(self, manifest);
            rebind.extend_from_slice(&self.resolved[process].named_by);
        }
        rebind.sort_unstable();
        rebind.dedup();
        for binding in rebind {
            let (_, manifest) = self.bindings.get_index(binding).expect("a binding's place");
            problems.bindings[binding] = checks::check_binding(self, manifest);
        }
        // A provider rests on its own manifest and on its process's platform.
        let edited: Vec<&str> = (processes.iter())
            .filter_map(|&p| self.processes.get_index(p).map(|(id, _)| id.as_str()))
            .collect();
        for (index, manifest) in self.providers.values().enumerate() {
            let backs_edited =
                (manifest.process.as_ref()).is_some_and(|p| edited.contains(&p.value.as_str()));
            if backs_edited || providers.contains(&index) {
                problems.providers[index] = checks::check_provider(self, manifest);
            }
        }
        if routes_changed {
            for (index, process) in self.processes.values().enumerate() {
                problems.requirements[index] = checks::check_requirements(self, process);
            }
        }
        problems.quotas = super::running::check_quotas(self);
    }
}

/// Puts each new manifest in the place of the one with its id; returns those places.
fn replace_all<T>(
    linked: &mut ById<T>,
    new: &[Arc<T>],
    id: impl Fn(&T) -> &Located<String>,
) -> Vec<usize> {
    new.iter()
        .map(|manifest| {
            let (index, _, slot) = linked
                .get_full_mut(&id(manifest).value)
                .expect("an id the tree has");
            *slot = Arc::clone(manifest);
            index
        })
        .collect()
}

/// The same capability names, in the same order.
fn same_names(a: &[Located<String>], b: &[Located<String>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
}
