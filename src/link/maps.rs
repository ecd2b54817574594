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

#[derive(Debug, Clone, Default)]
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
            let mut environments: Vec<&str> = (map.environments.iter().flatten())
                .filter_map(|e| environment_id(&e.value))
                .collect();
            environments.sort_unstable();
            environments.dedup();
            let scoped = map.environments.is_some();
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
        if let MapScope::Environment(_) = scope
            && let Some(mapping) = self.mapping(scope, key)
        {
            return Some((mapping, scope));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{codes, link_yaml, process, span_of};
    use crate::model::Located;
    use crate::source::{FileId, Span};

    /// Where map `m`'s parts are "written": file `m`; the `i`-th capability at `100 * i`, its
    /// `j`-th provider at `100 * i + 10 + j`, its `k`-th environment at `1000 + k`.
    fn capability_span(m: usize, i: usize) -> Span {
        Span::new(FileId(m), 100 * i..100 * i + 1)
    }

    fn map(m: usize, environments: &[&str], mappings: &[(&str, &[&str])]) -> Arc<CapabilityMap> {
        let located = |text: &str, at: usize| {
            Located::new(text.to_string(), Span::new(FileId(m), at..at + 1))
        };
        Arc::new(CapabilityMap {
            at: Located::new((), Span::new(FileId(m), 0..0)),
            environments: (!environments.is_empty()).then(|| {
                (environments.iter().enumerate())
                    .map(|(k, e)| located(e, 1000 + k))
                    .collect()
            }),
            mappings: (mappings.iter().enumerate())
                .map(|(i, (capability, providers))| Mapping {
                    capability: Located::new(capability.to_string(), capability_span(m, i)),
                    providers: (providers.iter().enumerate())
                        .map(|(j, p)| located(p, 100 * i + 10 + j))
                        .collect(),
                })
                .collect(),
            references: Vec::new(),
        })
    }

    /// The built-in environments, by name or id; anything else is unknown.
    fn environment_id(name: &str) -> Option<&'static str> {
        match name {
            "production" | "env-production" => Some("env-production"),
            "staging" | "env-staging" => Some("env-staging"),
            "development" | "env-development" => Some("env-development"),
            _ => None,
        }
    }

    fn merge(maps: Vec<Arc<CapabilityMap>>) -> (CapabilityMaps, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let merged = CapabilityMaps::merge(maps, environment_id, &mut diagnostics);
        (merged, diagnostics)
    }

    fn ids(mapping: &Mapping) -> Vec<&str> {
        mapping.providers.iter().map(|p| p.value.as_str()).collect()
    }

    /// The providers and the scope of the mapping that routes `key` in `scope`.
    fn looked_up<'m>(
        maps: &'m CapabilityMaps,
        key: &str,
        scope: MapScope,
    ) -> Option<(Vec<&'m str>, MapScope)> {
        maps.lookup(key, scope).map(|(m, from)| (ids(m), from))
    }

    fn production(maps: &CapabilityMaps) -> MapScope {
        maps.scope_of(Some("env-production"))
    }

    fn kept(maps: &CapabilityMaps) -> Vec<(&str, Vec<&str>)> {
        maps.kept()
            .map(|m| (m.capability.value.as_str(), ids(m)))
            .collect()
    }

    fn conflict(again: Span, first: Span, message: &str, help: &str) -> Diagnostic {
        Diagnostic::at(Code::CapabilityConflict, again, message)
            .with_label("mapped again here")
            .with_related(first, "first mapped here")
            .with_help(help)
    }

    const UNSCOPED_HELP: &str = "merge the two provider lists into one mapping";
    const SCOPED_HELP: &str = "merge the two provider lists into one mapping, or limit the maps \
                               to different environments";

    #[test]
    fn maps_without_environments_route_everywhere() {
        let (maps, diagnostics) = merge(vec![
            map(0, &[], &[("code", &["a", "b"])]),
            map(1, &[], &[("data", &["c"])]),
        ]);
        assert_eq!(diagnostics, []);
        assert_eq!(maps.scopes(), [(None, MapScope::Everywhere)]);
        // No environment has maps of its own: every one reads the maps for every environment.
        assert_eq!(production(&maps), MapScope::Everywhere);
        assert_eq!(maps.scope_of(None), MapScope::Everywhere);
        assert_eq!(
            looked_up(&maps, "code", MapScope::Everywhere),
            Some((vec!["a", "b"], MapScope::Everywhere))
        );
        assert_eq!(looked_up(&maps, "code.review", MapScope::Everywhere), None);
        assert_eq!(
            maps.keys(MapScope::Everywhere),
            BTreeSet::from(["code", "data"])
        );
        assert_eq!(maps.own_keys(MapScope::Everywhere).count(), 0);
        assert_eq!(kept(&maps), [("code", vec!["a", "b"]), ("data", vec!["c"])]);
        assert_eq!(maps.maps.len(), 2);
    }

    #[test]
    fn a_scoped_map_overrides_in_its_environment_without_a_conflict() {
        let unscoped = || map(0, &[], &[("code.review", &["a"]), ("data", &["d"])]);
        let scoped = || {
            map(
                1,
                &["production"],
                &[("code.review", &["b"]), ("code", &["c"])],
            )
        };
        // Whichever is loaded first.
        for maps in [vec![unscoped(), scoped()], vec![scoped(), unscoped()]] {
            let (maps, diagnostics) = merge(maps);
            assert_eq!(diagnostics, []);
            let prod = production(&maps);
            assert_eq!(prod, MapScope::Environment(0));
            assert_eq!(
                maps.scopes(),
                [
                    (None, MapScope::Everywhere),
                    (Some("env-production"), MapScope::Environment(0))
                ]
            );
            // In production its own key wins; the other keys come from the maps for every
            // environment.
            assert_eq!(
                looked_up(&maps, "code.review", prod),
                Some((vec!["b"], prod))
            );
            assert_eq!(looked_up(&maps, "code", prod), Some((vec!["c"], prod)));
            assert_eq!(
                looked_up(&maps, "data", prod),
                Some((vec!["d"], MapScope::Everywhere))
            );
            // Elsewhere (and with no environment), the scoped map does not apply.
            for scope in [MapScope::Everywhere, maps.scope_of(Some("env-staging"))] {
                assert_eq!(
                    looked_up(&maps, "code.review", scope),
                    Some((vec!["a"], MapScope::Everywhere))
                );
                assert_eq!(looked_up(&maps, "code", scope), None);
            }
            // `mapping` reads one scope's own table only.
            assert!(maps.mapping(prod, "data").is_none());
            assert!(maps.mapping(MapScope::Everywhere, "code").is_none());
            assert_eq!(ids(maps.mapping(prod, "code").unwrap()), ["c"]);
            assert_eq!(
                maps.keys(prod),
                BTreeSet::from(["code", "code.review", "data"])
            );
            assert_eq!(
                maps.keys(MapScope::Everywhere),
                BTreeSet::from(["code.review", "data"])
            );
            assert_eq!(
                maps.own_keys(prod).collect::<Vec<_>>(),
                ["code", "code.review"]
            );
            assert_eq!(
                maps.all_keys().collect::<BTreeSet<_>>(),
                BTreeSet::from(["code", "code.review", "data"])
            );
            assert_eq!(maps.kept().count(), 4);
        }
    }

    #[test]
    fn two_maps_without_environments_on_one_capability_conflict_and_the_first_wins() {
        let (maps, diagnostics) = merge(vec![
            map(0, &[], &[("code", &["a"])]),
            map(1, &[], &[("data", &["d"]), ("code", &["b"])]),
        ]);
        assert_eq!(
            diagnostics,
            [conflict(
                capability_span(1, 1),
                capability_span(0, 0),
                "capability `code` is mapped twice",
                UNSCOPED_HELP
            )]
        );
        assert_eq!(
            looked_up(&maps, "code", MapScope::Everywhere),
            Some((vec!["a"], MapScope::Everywhere))
        );
        // The mapping lost to the conflict is not in use.
        assert_eq!(kept(&maps), [("code", vec!["a"]), ("data", vec!["d"])]);
    }

    #[test]
    fn two_maps_sharing_an_environment_conflict_there_only() {
        let (maps, diagnostics) = merge(vec![
            map(0, &["production"], &[("code", &["a"])]),
            map(1, &["env-production", "staging"], &[("code", &["b"])]),
        ]);
        assert_eq!(
            diagnostics,
            [conflict(
                capability_span(1, 0),
                capability_span(0, 0),
                "capability `code` is mapped twice for env-production",
                SCOPED_HELP
            )]
        );
        let prod = production(&maps);
        let staging = maps.scope_of(Some("env-staging"));
        assert_eq!(staging, MapScope::Environment(1));
        assert_eq!(looked_up(&maps, "code", prod), Some((vec!["a"], prod)));
        // In staging the second map is the only one: it is in use there.
        assert_eq!(
            looked_up(&maps, "code", staging),
            Some((vec!["b"], staging))
        );
        assert_eq!(kept(&maps), [("code", vec!["a"]), ("code", vec!["b"])]);
    }

    #[test]
    fn maps_for_different_environments_do_not_conflict() {
        let (maps, diagnostics) = merge(vec![
            map(0, &["production"], &[("code", &["a"])]),
            map(1, &["staging"], &[("code", &["b"])]),
        ]);
        assert_eq!(diagnostics, []);
        assert_eq!(
            maps.scopes(),
            [
                (None, MapScope::Everywhere),
                (Some("env-production"), MapScope::Environment(0)),
                (Some("env-staging"), MapScope::Environment(1)),
            ]
        );
        let staging = MapScope::Environment(1);
        assert_eq!(
            looked_up(&maps, "code", MapScope::Environment(0)),
            Some((vec!["a"], MapScope::Environment(0)))
        );
        assert_eq!(
            looked_up(&maps, "code", staging),
            Some((vec!["b"], staging))
        );
        assert_eq!(looked_up(&maps, "code", MapScope::Everywhere), None);
        assert_eq!(maps.scope_of(Some("env-development")), MapScope::Everywhere);
        assert_eq!(maps.keys(MapScope::Everywhere), BTreeSet::new());
    }

    #[test]
    fn unknown_environments_are_left_out() {
        // Only unknown ones: the map applies nowhere (E0203 is the reference check's).
        let (maps, diagnostics) = merge(vec![map(0, &["moon"], &[("code", &["a"])])]);
        assert_eq!(diagnostics, []);
        assert_eq!(maps.scopes(), [(None, MapScope::Everywhere)]);
        assert_eq!(looked_up(&maps, "code", MapScope::Everywhere), None);
        assert_eq!(maps.all_keys().count(), 0);
        assert_eq!(maps.kept().count(), 0);
        // With a known one too: only there.
        let (maps, diagnostics) = merge(vec![map(0, &["moon", "production"], &[("code", &["a"])])]);
        assert_eq!(diagnostics, []);
        assert_eq!(
            maps.scopes(),
            [
                (None, MapScope::Everywhere),
                (Some("env-production"), MapScope::Environment(0))
            ]
        );
        assert_eq!(looked_up(&maps, "code", MapScope::Everywhere), None);
    }

    #[test]
    fn one_environment_named_twice_in_a_row_is_one_environment() {
        let (maps, diagnostics) = merge(vec![map(
            0,
            &["production", "env-production"],
            &[("code", &["a"])],
        )]);
        assert_eq!(diagnostics, []);
        assert_eq!(maps.scopes().len(), 2);
        assert_eq!(kept(&maps), [("code", vec!["a"])]);
    }

    #[test]
    fn one_environment_named_twice_apart_is_one_environment() {
        let (maps, diagnostics) = merge(vec![map(
            0,
            &["production", "staging", "env-production"],
            &[("code", &["a"])],
        )]);
        assert_eq!(diagnostics, []);
        assert_eq!(maps.scopes().len(), 3);
    }

    #[test]
    fn link_merges_the_trees_maps_with_environments_by_name_or_id() {
        let text = [
            process("a", "running", "production", ""),
            "kind: CapabilityMap\nmappings:\n  code: [a]\n".to_string(),
            "kind: CapabilityMap\nenvironments: [production]\nmappings:\n  code: [a]\n".to_string(),
            "kind: CapabilityMap\nenvironments: [env-production]\nmappings:\n  code: [a]\n"
                .to_string(),
        ]
        .join("---\n");
        let (linked, diagnostics) = link_yaml(&text);
        assert_eq!(
            diagnostics,
            [conflict(
                span_of(&text, "code", 2),
                span_of(&text, "code", 1),
                "capability `code` is mapped twice for env-production",
                SCOPED_HELP
            )]
        );
        let prod = production(&linked.maps);
        assert_eq!(prod, MapScope::Environment(0));
        let (mapping, from) = linked.maps.lookup("code", prod).unwrap();
        assert_eq!(
            (mapping.capability.span, from),
            (span_of(&text, "code", 1), prod)
        );
        let (mapping, _) = linked.maps.lookup("code", MapScope::Everywhere).unwrap();
        assert_eq!(mapping.capability.span, span_of(&text, "code", 0));
    }

    #[test]
    fn a_map_whose_environments_are_invalid_ids_does_not_apply_everywhere() {
        let text = [
            process("a", "running", "production", ""),
            "kind: CapabilityMap\nmappings:\n  code: [a]\n".to_string(),
            "kind: CapabilityMap\nenvironments: [\"prod env\"]\nmappings:\n  code: [a]\n"
                .to_string(),
        ]
        .join("---\n");
        let (linked, diagnostics) = link_yaml(&text);
        // The invalid id is reported; the map it limits is not a second map for every
        // environment.
        assert_eq!(codes(&diagnostics), [Code::InvalidId]);
        let (mapping, _) = linked.maps.lookup("code", MapScope::Everywhere).unwrap();
        assert_eq!(mapping.capability.span, span_of(&text, "code", 0));
    }

    /// A key and the scope it is mapped in.
    type Matched = Option<(&'static str, MapScope)>;

    #[test]
    fn the_longest_mapped_prefix_wins_whichever_map_it_is_in() {
        let (maps, diagnostics) = merge(vec![
            map(0, &[], &[("code.review", &["a"]), ("data", &["d"])]),
            map(
                1,
                &["production"],
                &[("code", &["b"]), ("data.analysis.deep", &["e"])],
            ),
        ]);
        assert_eq!(diagnostics, []);
        let prod = production(&maps);
        let everywhere = MapScope::Everywhere;
        let cases: [(&str, MapScope, Matched); 12] = [
            ("code.review", everywhere, Some(("code.review", everywhere))),
            (
                "code.review.rust",
                everywhere,
                Some(("code.review", everywhere)),
            ),
            // A longer key for every environment beats a shorter key of production's own.
            ("code.review.rust", prod, Some(("code.review", everywhere))),
            ("code.generation", prod, Some(("code", prod))),
            ("code.generation", everywhere, None),
            ("code", prod, Some(("code", prod))),
            // Prefixes are whole dotted segments.
            ("code.reviewer", everywhere, None),
            ("code.reviewer", prod, Some(("code", prod))),
            ("data.analysis", prod, Some(("data", everywhere))),
            (
                "data.analysis.deep.x",
                prod,
                Some(("data.analysis.deep", prod)),
            ),
            (
                "data.analysis.deep.x",
                everywhere,
                Some(("data", everywhere)),
            ),
            ("quantum", prod, None),
        ];
        for (capability, scope, expected) in cases {
            assert_eq!(
                maps.matching_key(capability, scope),
                expected,
                "{capability} in {scope:?}"
            );
        }
        // A longer key of the environment's own beats a shorter one for every environment.
        let (maps, _) = merge(vec![
            map(0, &[], &[("code", &["a"])]),
            map(1, &["staging"], &[("code.review", &["b"])]),
        ]);
        let staging = maps.scope_of(Some("env-staging"));
        assert_eq!(
            maps.matching_key("code.review.rust", staging),
            Some(("code.review", staging))
        );
        assert_eq!(
            maps.matching_key("code.review.rust", everywhere),
            Some(("code", everywhere))
        );
    }
}
