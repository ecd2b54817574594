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

use std::collections::HashMap;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use cel::Env;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::link::Linked;
use crate::model::policy::{Policy, RuleSeverity};
use crate::source::Sources;

pub use compile::{CompiledRule, compile_policy};
pub use subject::{Subject, subjects};

/// CEL's parser recurses deeply (a few MiB for an expression at its nesting limit in a debug
/// build): rules are compiled and run on a thread with room for that, whatever thread asks.
const STACK: usize = 256 << 20;

/// The most judging a tree's rules may take, unless `OSLINKER_POLICY_BUDGET` says otherwise
/// (`500ms`, `30s`, `2m`). CEL's interpreter has no budget of its own and cannot be stopped: a
/// rule nesting `all` over long lists could run for hours, so past this the judging thread is
/// left behind (it ends with the process) and the rules are reported.
const JUDGING_BUDGET: Duration = Duration::from_secs(10);

fn judging_budget() -> Duration {
    std::env::var("OSLINKER_POLICY_BUDGET")
        .ok()
        .and_then(|b| crate::model::health::parse_duration(&b))
        .filter(|b| !b.is_zero())
        .unwrap_or(JUDGING_BUDGET)
}

/// The tree's environments by id and by name, as rules name them in `match.environments`.
#[derive(Debug, Clone, Default)]
pub struct Environments(HashMap<String, String>);

impl Environments {
    pub fn of(linked: &Linked) -> Environments {
        let mut ids = HashMap::new();
        for environment in linked.environments.values() {
            let id = environment.id.value.clone();
            ids.insert(environment.name.value.clone(), id.clone());
            ids.insert(id.clone(), id);
        }
        // An id wins over another environment's name, as `Linked::environment_id` has it.
        for environment in linked.environments.values() {
            let id = environment.id.value.clone();
            ids.insert(id.clone(), id);
        }
        Environments(ids)
    }

    pub fn id(&self, name_or_id: &str) -> Option<&str> {
        self.0.get(name_or_id).map(String::as_str)
    }
}

/// Every rule of every Policy, judged on the tree: the findings, and the rules that could not
/// be compiled or run. Nothing when the tree has no Policy.
pub fn check(linked: &Linked, sources: &Sources) -> Vec<Diagnostic> {
    if linked.policies.is_empty() {
        return Vec::new();
    }
    let subjects = subjects(linked, sources);
    let policies: Vec<Arc<Policy>> = linked.policies.values().cloned().collect();
    let at = policies[0].id.span;
    match judge_within_budget(policies, subjects, Environments::of(linked)) {
        Ok(diagnostics) => diagnostics,
        Err(why) => {
            vec![Diagnostic::at(Code::PolicyRuleFailedToRun, at, why).with_help(
            "a rule must do little work per manifest: avoid `all`, `exists` or `map` nested \
             inside one another over long lists",
        )]
        }
    }
}

/// Judges `policies` on `subjects` on a thread of its own with a large stack, waiting at most
/// [`JUDGING_BUDGET`]; `Err` says why nothing came back.
pub fn judge_within_budget(
    policies: Vec<Arc<Policy>>,
    subjects: Vec<Subject>,
    environments: Environments,
) -> Result<Vec<Diagnostic>, String> {
    let (send, receive) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("policy".into())
        .stack_size(STACK)
        .spawn(move || {
            let mut diagnostics = Vec::new();
            for policy in &policies {
                judge_policy(policy, &environments, &subjects, &mut diagnostics);
            }
            let _ = send.send(diagnostics);
        });
    if let Err(e) = spawned {
        return Err(format!(
            "the tree's policies were not judged: cannot start a thread: {e}"
        ));
    }
    let budget = judging_budget();
    match receive.recv_timeout(budget) {
        Ok(diagnostics) => Ok(diagnostics),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "the tree's policies were not judged: their rules took longer than {}",
            crate::model::health::format_duration(budget)
        )),
        // The thread ended without an answer: a rule made the interpreter panic.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err("the tree's policies were not judged: the CEL interpreter failed".to_string())
        }
    }
}

/// Compiles a policy's rules and judges each on the subjects it applies to.
pub fn judge_policy(
    policy: &Policy,
    environments: &Environments,
    subjects: &[Subject],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let rules = compile_policy(policy, diagnostics);
    if rules.is_empty() {
        return;
    }
    let env = Arc::new(Env::stdlib());
    let contexts: Vec<_> = subjects.iter().map(|s| s.context(&env)).collect();
    for rule in &rules {
        let mut failed_to_run: Vec<(&Subject, String)> = Vec::new();
        for (subject, context) in subjects.iter().zip(&contexts) {
            if !rule.applies_to(subject, environments) {
                continue;
            }
            match rule.judge(context) {
                Ok(true) => {}
                Ok(false) => diagnostics.push(finding(rule, subject, context)),
                Err(why) => failed_to_run.push((subject, why)),
            }
        }
        diagnostics.extend(failure_to_run(rule, &failed_to_run));
    }
}

/// A rule that does not hold for a manifest: at the manifest, with the rule's own code.
fn finding(rule: &CompiledRule, subject: &Subject, context: &cel::Context) -> Diagnostic {
    let code = rule.code();
    let mut diagnostic = Diagnostic::at(Code::PolicyRule, subject.span, rule.message(context))
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
