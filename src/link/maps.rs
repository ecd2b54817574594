//! The capability maps of a tree, merged: the maps for every environment, and the maps of
//! environments that have their own (`environments: [production]`), whose keys win there.
//! The same capability in two maps for every environment, or in two maps of one
//! environment, is a conflict (E0208): the first one wins.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::CapabilityMap;
use crate::model::capability_map::Mapping;

/// Which merged maps a route reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MapScope {
    /// The maps without `environments`.
    Everywhere,
    /// The maps of one environment (an index into [`CapabilityMaps::scoped`]), over the
    /// maps for every environment.
    Environment(usize),
}

/// Where a mapping is written: map, then mapping within it, both in load order.
type At = (usize, usize);

#[derive(Debug, Default)]
pub struct CapabilityMaps {
    /// Every map of the tree, in load order.
    pub maps: Vec<Arc<CapabilityMap>>,
    everywhere: BTreeMap<String, At>,
    /// Environment id -> capability -> mapping, for environments with maps of their own.
    scoped: Vec<(String, BTreeMap<String, At>)>,
    /// The mappings in use somewhere (not lost to a conflict).
    kept: BTreeSet<At>,
}

impl CapabilityMaps {
    /// Merges the maps. `environment_id` resolves a map's `environments` entries (unknown
    /// ones are reported as references, and ignored here).
    pub fn merge<'a>(
        maps: Vec<Arc<CapabilityMap>>,
        environment_id: impl Fn(&str) -> Option<&'a str>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> CapabilityMaps {
        let mut merged = CapabilityMaps::default();
        for (m, map) in maps.iter().enumerate() {
            let mut environments: Vec<&str> = map
                .environments
                .iter()
                .filter_map(|e| environment_id(&e.value))
                .collect();
            environments.dedup();
            let scoped = !map.environments.is_empty();
            for (i, mapping) in map.mappings.iter().enumerate() {
                if !scoped {
                    merged.insert(&maps, None, (m, i), mapping, diagnostics);
                }
                for environment in &environments {
                    merged.insert(&maps, Some(environment), (m, i), mapping, diagnostics);
                }
            }
        }
        merged.maps = maps;
        merged
    }

    fn insert(
        &mut self,
        maps: &[Arc<CapabilityMap>],
        environment: Option<&str>,
        at: At,
        mapping: &Mapping,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let table = match environment {
            None => &mut self.everywhere,
            Some(env) => {
                let index = match self.scoped.iter().position(|(e, _)| e == env) {
                    Some(index) => index,
                    None => {
                        self.scoped.push((env.to_string(), BTreeMap::new()));
                        self.scoped.len() - 1
                    }
                };
                &mut self.scoped[index].1
            }
        };
        let capability = &mapping.capability;
        match table.get(&capability.value) {
            None => {
                table.insert(capability.value.clone(), at);
                self.kept.insert(at);
            }
            Some(&(fm, fi)) => {
                let first = &maps[fm].mappings[fi].capability;
                let (message, help) = match environment {
                    None => (
                        format!("capability `{}` is mapped twice", capability.value),
                        "merge the two provider lists into one mapping",
                    ),
                    Some(env) => (
                        format!(
                            "capability `{}` is mapped twice for {env}",
                            capability.value
                        ),
                        "merge the two provider lists into one mapping, or limit the maps to \
                         different environments",
                    ),
                };
                diagnostics.push(
                    Diagnostic::at(Code::CapabilityConflict, capability.span, message)
                        .with_label("mapped again here")
                        .with_related(first.span, "first mapped here")
                        .with_help(help),
                );
            }
        }
    }

    fn table(&self, scope: MapScope) -> &BTreeMap<String, At> {
        match scope {
            MapScope::Everywhere => &self.everywhere,
            MapScope::Environment(index) => &self.scoped[index].1,
        }
    }

    fn at(&self, at: At) -> &Mapping {
        &self.maps[at.0].mappings[at.1]
    }

    /// The mapping of `key` that `scope` holds itself.
    pub fn mapping(&self, scope: MapScope, key: &str) -> Option<&Mapping> {
        self.table(scope).get(key).map(|&at| self.at(at))
    }

    /// The maps that apply in `environment` (an id; none: the maps for every environment).
    pub fn scope_of(&self, environment: Option<&str>) -> MapScope {
        environment
            .and_then(|env| self.scoped.iter().position(|(e, _)| e == env))
            .map_or(MapScope::Everywhere, MapScope::Environment)
    }

    /// Every scope: the maps for every environment, then each environment with its own.
    pub fn scopes(&self) -> Vec<(Option<&str>, MapScope)> {
        std::iter::once((None, MapScope::Everywhere))
            .chain(
                self.scoped
                    .iter()
                    .enumerate()
                    .map(|(i, (env, _))| (Some(env.as_str()), MapScope::Environment(i))),
            )
            .collect()
    }

    /// The mapping that routes `key` in `scope`: the environment's own, else the one for
    /// every environment; and which of the two it is.
    pub fn lookup(&self, key: &str, scope: MapScope) -> Option<(&Mapping, MapScope)> {
        if let MapScope::Environment(_) = scope {
            if let Some(mapping) = self.mapping(scope, key) {
                return Some((mapping, scope));
            }
        }
        self.mapping(MapScope::Everywhere, key)
            .map(|m| (m, MapScope::Everywhere))
    }

    /// The map key that routes `capability` in `scope`: itself, or its longest dotted
    /// prefix that is mapped there; and the scope of the mapping it comes from.
    pub fn matching_key<'a>(
        &self,
        capability: &'a str,
        scope: MapScope,
    ) -> Option<(&'a str, MapScope)> {
        let mut key = capability;
        loop {
            if let Some((_, from)) = self.lookup(key, scope) {
                return Some((key, from));
            }
            key = &key[..key.rfind('.')?];
        }
    }

    /// The keys mapped in `scope` (its own and those for every environment), sorted.
    pub fn keys(&self, scope: MapScope) -> BTreeSet<&str> {
        let own = match scope {
            MapScope::Everywhere => None,
            MapScope::Environment(_) => Some(self.table(scope)),
        };
        self.everywhere
            .keys()
            .chain(own.into_iter().flat_map(|t| t.keys()))
            .map(String::as_str)
            .collect()
    }

    /// The keys an environment's own maps route (none for the maps for every environment).
    pub fn own_keys(&self, scope: MapScope) -> impl Iterator<Item = &str> {
        let own = match scope {
            MapScope::Everywhere => None,
            MapScope::Environment(_) => Some(self.table(scope)),
        };
        own.into_iter().flat_map(|t| t.keys()).map(String::as_str)
    }

    /// Every key mapped anywhere.
    pub fn all_keys(&self) -> impl Iterator<Item = &str> {
        self.everywhere
            .keys()
            .chain(self.scoped.iter().flat_map(|(_, t)| t.keys()))
            .map(String::as_str)
    }

    /// The mappings in use (not lost to a conflict), in load order.
    pub fn kept(&self) -> impl Iterator<Item = &Mapping> {
        self.kept.iter().map(|&at| self.at(at))
    }
}
