//! The tree's own rules: `kind: Policy` manifests hold rules in CEL, judged after linking on
//! every manifest they apply to (`check`), and examples that `oslinker policy test` runs
//! (`examples`).
//!
//! A rule sees each manifest as written (`object`, secrets redacted) and its linked view
//! (`environment`, `bindings`, `links`, `process`): see `subject`. A rule that does not
//! compile, or fails on a manifest, is a diagnostic at the rule; nothing a rule does can end
//! the run.

mod compile;
pub mod examples;
mod subject;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::link::Linked;
use crate::model::policy::{Policy, RuleSeverity};
use crate::source::Sources;

pub use compile::{CompiledRule, compile_policy};
pub use subject::{Subject, subjects};

/// CEL's parser recurses deeply (a few MiB for an expression at its nesting limit in a debug
/// build): rules are compiled and run on a thread with room for that, whatever thread asks.
const STACK: usize = 256 << 20;

/// Every rule of every Policy, judged on the tree: the findings, and the rules that could not
/// be compiled or run. Nothing when the tree has no Policy.
pub fn check(linked: &Linked, sources: &Sources) -> Vec<Diagnostic> {
    if linked.policies.is_empty() {
        return Vec::new();
    }
    let judged = on_a_large_stack(|| {
        let subjects = subjects(linked, sources);
        let mut diagnostics = Vec::new();
        for policy in linked.policies.values() {
            judge_policy(policy, linked, &subjects, &mut diagnostics);
        }
        diagnostics
    });
    judged.unwrap_or_else(|e| {
        let policy = linked.policies.values().next().map(|p| p.id.span);
        let message = format!("the tree's policies were not judged: cannot start a thread: {e}");
        policy
            .map(|span| Diagnostic::at(Code::PolicyRuleFailedToRun, span, message))
            .into_iter()
            .collect()
    })
}

/// Compiles a policy's rules and judges each on the subjects it applies to.
pub fn judge_policy(
    policy: &Policy,
    linked: &Linked,
    subjects: &[Subject],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let rules = compile_policy(policy, diagnostics);
    for rule in &rules {
        let mut failed_to_run: Vec<(&Subject, String)> = Vec::new();
        for subject in subjects.iter().filter(|s| rule.applies_to(s, linked)) {
            match rule.judge(subject) {
                Ok(true) => {}
                Ok(false) => diagnostics.push(finding(rule, subject)),
                Err(why) => failed_to_run.push((subject, why)),
            }
        }
        diagnostics.extend(failure_to_run(rule, &failed_to_run));
    }
}

/// A rule that does not hold for a manifest: at the manifest, with the rule's own code.
fn finding(rule: &CompiledRule, subject: &Subject) -> Diagnostic {
    let code = rule.code();
    let mut diagnostic = Diagnostic::at(Code::PolicyRule, subject.span, rule.message(subject))
        .with_label(format!("`{code}` does not hold"))
        .with_related(rule.rule.id.span, format!("the rule `{code}`"));
    if let Some(help) = &rule.rule.help {
        diagnostic = diagnostic.with_help(help.clone());
    }
    diagnostic.severity = match rule.rule.severity {
        RuleSeverity::Error => Severity::Error,
        RuleSeverity::Warning => Severity::Warning,
    };
    diagnostic.rule = Some(code);
    diagnostic
}

/// A rule that failed on some manifests: one diagnostic at the rule, with the first manifest
/// and how many others.
fn failure_to_run(rule: &CompiledRule, failed: &[(&Subject, String)]) -> Option<Diagnostic> {
    let ((first, why), others) = failed.split_first()?;
    let more = match others.len() {
        0 => String::new(),
        n => format!(" (and on {})", crate::text::plural(n, "other manifest")),
    };
    let message = format!(
        "the rule `{}` failed on {} `{}`: {why}{more}",
        rule.code(),
        first.kind,
        first.id
    );
    Some(
        Diagnostic::at(
            Code::PolicyRuleFailedToRun,
            rule.rule.expression.span,
            message,
        )
        .with_label("this expression")
        .with_related(first.span, "on this manifest")
        .with_help(
            "a rule must give true or false on every manifest it applies to: narrow it with \
                 `match`, or guard a field that may be missing with `has(...)`",
        ),
    )
}

/// Runs `work` on a thread of its own with a stack of [`STACK`] bytes (reserved, not used:
/// only the pages touched are committed); `Err` when no thread can be started.
pub fn on_a_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("policy".into())
            .stack_size(STACK)
            .spawn_scoped(scope, work)?;
        match handle.join() {
            Ok(value) => Ok(value),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
