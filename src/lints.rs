//! Lint levels and suppressions, applied once to everything the pipeline found: a
//! `Settings` manifest sets the level of link-level codes (for the whole tree, or per
//! environment), and `metadata.suppress` silences one code's findings inside one manifest,
//! with a reason. What is silenced is kept aside (`validate --show-suppressed` lists it); a
//! suppression that silences nothing is a warning (W0305), as clippy's unfulfilled `expect`.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::link::Linked;
use crate::model::settings::{Level, Lint, LintCode};
use crate::model::{Settings, Suppression, names};

/// A finding a suppression silenced, with the suppression's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

/// The tree's lint levels and suppressions, ready to apply.
#[derive(Debug, Clone, Default)]
pub struct Lints {
    /// For every environment.
    tree: Vec<Lint>,
    /// Environment id -> its own levels, over the tree's.
    environments: Vec<(String, Vec<Lint>)>,
    suppressions: Vec<Suppression>,
    /// What was wrong with the settings themselves (a second Settings, an unknown
    /// environment): reported with the rest, every time they are applied.
    pub problems: Vec<Diagnostic>,
}

impl Lints {
    /// Reads the tree's Settings (the first; a second is E0201) against the linked tree.
    pub fn new(
        linked: &Linked,
        settings: &[Arc<Settings>],
        suppressions: Vec<Suppression>,
    ) -> Lints {
        let mut lints = Lints {
            suppressions,
            ..Lints::default()
        };
        let Some((first, again)) = settings.split_first() else {
            return lints;
        };
        for second in again {
            lints.problems.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    second.at,
                    "the tree has a second Settings",
                )
                .with_label("second Settings")
                .with_related(first.at, "first Settings")
                .with_help("a tree has at most one Settings: merge the two"),
            );
        }
        lints.tree = first.lints.clone();
        let all_lints = first
            .lints
            .iter()
            .chain(first.environments.iter().flat_map(|(_, l)| l));
        lints
            .problems
            .extend(all_lints.filter_map(|lint| unknown_rule(linked, lint)));
        for (written, levels) in &first.environments {
            match linked.environment_id(&written.value) {
                Some(id) => lints.environments.push((id.to_string(), levels.clone())),
                None => lints.problems.push(unknown_environment(linked, written)),
            }
        }
        lints
    }

    /// The level `settings` give `code` in `environment` (an id): the environment's own,
    /// else the tree's, else `None` (the code's own severity). A later entry for the same
    /// code wins.
    pub fn level(&self, code: &LintCode, environment: Option<&str>) -> Option<Level> {
        let find = |lints: &[Lint]| {
            lints
                .iter()
                .rev()
                .find(|l| l.code == *code)
                .map(|l| l.level.value)
        };
        let own = environment
            .and_then(|env| self.environments.iter().find(|(e, _)| e == env))
            .and_then(|(_, lints)| find(lints));
        own.or_else(|| find(&self.tree))
    }

    /// Applies levels and suppressions to `diagnostics`: returns what is kept (with W0305 for
    /// each suppression that silenced nothing) and what was silenced.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Suppressed>) {
        let mut used = vec![false; self.suppressions.len()];
        let mut kept = Vec::with_capacity(diagnostics.len());
        let mut suppressed = Vec::new();
        for mut diagnostic in diagnostics.into_iter().chain(self.problems.iter().cloned()) {
            // A Policy rule's findings are configured by the rule's code.
            if !diagnostic.code.configurable() && diagnostic.rule.is_none() {
                kept.push(diagnostic);
                continue;
            }
            let code = LintCode::of(&diagnostic);
            let level = self.level(&code, diagnostic.environment.as_deref());
            if let Some(level) = level {
                diagnostic.severity = match level {
                    Level::Error => Severity::Error,
                    Level::Warn | Level::Allow => Severity::Warning,
                };
            }
            let silenced_by = self
                .suppressions
                .iter()
                .position(|s| silences(s, &code, &diagnostic));
            if let Some(index) = silenced_by {
                used[index] = true;
            }
            match (level, silenced_by) {
                (Some(Level::Allow), _) => {}
                (_, Some(index)) => suppressed.push(Suppressed {
                    diagnostic,
                    reason: self.suppressions[index].reason.clone(),
                }),
                _ => kept.push(diagnostic),
            }
        }
        for (suppression, _) in self.suppressions.iter().zip(used).filter(|(_, used)| !used) {
            let mut unused = unused_suppression(suppression);
            match self.level(&LintCode::Code(Code::UnusedSuppression), None) {
                Some(Level::Allow) => continue,
                Some(Level::Error) => unused.severity = Severity::Error,
                _ => {}
            }
            kept.push(unused);
        }
        (kept, suppressed)
    }
}

/// Whether `suppression` silences `diagnostic`: the same code, located inside its manifest.
fn silences(suppression: &Suppression, code: &LintCode, diagnostic: &Diagnostic) -> bool {
    let scope = suppression.scope;
    suppression.code == *code
        && diagnostic
            .span
            .is_some_and(|s| s.file == scope.file && s.start >= scope.start && s.end <= scope.end)
}

fn unused_suppression(suppression: &Suppression) -> Diagnostic {
    Diagnostic::at(
        Code::UnusedSuppression,
        suppression.at,
        format!(
            "this suppression of {} silences nothing in its manifest",
            suppression.code.shown()
        ),
    )
    .with_label("silences nothing")
    .with_help("remove it: the finding it was for is gone (or is reported elsewhere)")
}

/// A lint naming a Policy rule the tree does not have (a typo would otherwise configure
/// nothing, silently): E0110 at the name, with a did-you-mean.
fn unknown_rule(linked: &Linked, lint: &Lint) -> Option<Diagnostic> {
    let LintCode::Rule(code) = &lint.code else {
        return None;
    };
    let (policy, rule) = code.split_once('/')?;
    let exists =
        (linked.policies.get(policy)).is_some_and(|p| p.rules.iter().any(|r| r.id.value == rule));
    if exists {
        return None;
    }
    let known: Vec<String> = (linked.policies.values())
        .flat_map(|p| {
            p.rules
                .iter()
                .map(|r| format!("{}/{}", p.id.value, r.id.value))
        })
        .collect();
    let help = match names::suggest(code, known.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            "name a rule as `<policy id>/<rule id>`, as the tree's Policies define them".to_string()
        }
    };
    Some(
        Diagnostic::at(
            Code::InvalidValue,
            lint.at,
            format!("Settings name `{code}`, but no Policy has this rule"),
        )
        .with_label("no such Policy rule")
        .with_help(help),
    )
}

fn unknown_environment(linked: &Linked, written: &crate::model::Located<String>) -> Diagnostic {
    let known =
        (linked.environments.values()).flat_map(|e| [e.id.value.as_str(), e.name.value.as_str()]);
    let help = match names::suggest(&written.value, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "name an Environment by id or name".to_string(),
    };
    Diagnostic::at(
        Code::UnknownEnvironment,
        written.span,
        format!("Settings name an unknown environment `{}`", written.value),
    )
    .with_label("no environment has this id or name")
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Located;
    use crate::source::{FileId, Span};

    fn span(start: u32, end: u32) -> Span {
        Span {
            file: FileId(1),
            start,
            end,
        }
    }

    fn lint(code: Code, level: Level) -> Lint {
        Lint {
            code: LintCode::Code(code),
            at: span(0, 0),
            level: Located::new(level, span(0, 0)),
        }
    }

    fn lints(tree: Vec<Lint>, environments: Vec<(&str, Vec<Lint>)>) -> Lints {
        Lints {
            tree,
            environments: (environments.into_iter())
                .map(|(e, l)| (e.to_string(), l))
                .collect(),
            ..Lints::default()
        }
    }

    #[test]
    fn the_environment_level_wins_then_the_tree_level_then_the_code_default() {
        let lints = lints(
            vec![lint(Code::RequirementNotRunning, Level::Error)],
            vec![(
                "staging",
                vec![lint(Code::RequirementNotRunning, Level::Allow)],
            )],
        );
        let code = Code::RequirementNotRunning;
        assert_eq!(
            lints.level(&LintCode::Code(code), Some("staging")),
            Some(Level::Allow)
        );
        assert_eq!(
            lints.level(&LintCode::Code(code), Some("production")),
            Some(Level::Error)
        );
        assert_eq!(lints.level(&LintCode::Code(code), None), Some(Level::Error));
        assert_eq!(
            lints.level(&LintCode::Code(Code::SelfLink), Some("staging")),
            None
        );
    }

    #[test]
    fn an_environment_without_its_own_level_for_a_code_takes_the_tree_level() {
        let lints = lints(
            vec![lint(Code::SelfLink, Level::Warn)],
            vec![(
                "staging",
                vec![lint(Code::RequirementNotRunning, Level::Allow)],
            )],
        );
        assert_eq!(
            lints.level(&LintCode::Code(Code::SelfLink), Some("staging")),
            Some(Level::Warn)
        );
    }

    #[test]
    fn a_later_entry_for_the_same_code_wins() {
        let lints = lints(
            vec![
                lint(Code::SelfLink, Level::Allow),
                lint(Code::SelfLink, Level::Error),
            ],
            vec![],
        );
        assert_eq!(
            lints.level(&LintCode::Code(Code::SelfLink), None),
            Some(Level::Error)
        );
    }

    fn finding(code: Code, at: Span, environment: Option<&str>) -> Diagnostic {
        Diagnostic::at(code, at, "finding").in_environment(environment)
    }

    #[test]
    fn apply_sets_levels_drops_allowed_and_leaves_unconfigurable_codes_alone() {
        let lints = lints(
            vec![
                lint(Code::SelfLink, Level::Warn),
                lint(Code::RequirementNotRunning, Level::Allow),
            ],
            vec![],
        );
        let found = vec![
            finding(Code::SelfLink, span(1, 2), Some("production")),
            finding(Code::RequirementNotRunning, span(3, 4), None),
            finding(Code::Syntax, span(5, 6), None),
        ];
        let (kept, suppressed) = lints.apply(found);
        let shown: Vec<(Code, Severity)> = kept.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            shown,
            [
                (Code::SelfLink, Severity::Warning),
                (Code::Syntax, Severity::Error)
            ]
        );
        assert!(suppressed.is_empty());
    }

    #[test]
    fn a_suppression_silences_only_its_code_inside_its_manifest() {
        let suppression = Suppression {
            code: LintCode::Code(Code::SelfLink),
            at: span(12, 14),
            reason: "on purpose".to_string(),
            scope: span(10, 20),
        };
        let lints = Lints {
            suppressions: vec![suppression],
            ..Lints::default()
        };
        let found = vec![
            finding(Code::SelfLink, span(15, 16), None),
            finding(Code::SelfLink, span(25, 26), None),
            finding(Code::RequirementNotRunning, span(15, 16), None),
        ];
        let (kept, suppressed) = lints.apply(found);
        let kept: Vec<(Code, u32)> = kept
            .iter()
            .map(|d| (d.code, d.span.unwrap().start))
            .collect();
        assert_eq!(
            kept,
            [(Code::SelfLink, 25), (Code::RequirementNotRunning, 15)]
        );
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0].reason, "on purpose");
        assert_eq!(suppressed[0].diagnostic.span, Some(span(15, 16)));
    }

    #[test]
    fn an_unused_suppression_is_a_warning_at_its_entry_unless_allowed() {
        let suppression = Suppression {
            code: LintCode::Code(Code::SelfLink),
            at: span(12, 14),
            reason: "stale".to_string(),
            scope: span(10, 20),
        };
        let mut lints = Lints {
            suppressions: vec![suppression],
            ..Lints::default()
        };
        let (kept, _) = lints.apply(Vec::new());
        let kept: Vec<(Code, Option<Span>)> = kept.iter().map(|d| (d.code, d.span)).collect();
        assert_eq!(kept, [(Code::UnusedSuppression, Some(span(12, 14)))]);
        lints.tree = vec![lint(Code::UnusedSuppression, Level::Allow)];
        assert!(lints.apply(Vec::new()).0.is_empty());
    }
}
