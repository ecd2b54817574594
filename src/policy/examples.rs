//! `oslinker policy test`: each Policy's examples, read and linked as trees of their own, and
//! judged by the policy's rules, like `opa test`.

use serde::Serialize;

use super::subject::subjects_of_documents;
use crate::diagnostic::{Diagnostic, Severity};
use crate::link::{self, Linked};
use crate::model::{self, Policy};
use crate::source::{SourceFile, Span};

/// What one example showed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExampleResult {
    pub policy: String,
    pub example: String,
    /// `file:line` of the example's name.
    pub at: String,
    pub passed: bool,
    /// The rules that must fail on it (ids within the policy), sorted.
    pub expected_to_fail: Vec<String>,
    /// The rules that did fail on it, sorted.
    pub failed: Vec<String>,
    /// What kept the example from being judged, or a rule from running on it: each a line.
    pub problems: Vec<String>,
}

/// Runs every example of `policy`, defined in `source`.
pub fn run(policy: &Policy, source: &SourceFile) -> Vec<ExampleResult> {
    (policy.examples.iter())
        .map(|example| {
            let mut read = Vec::new();
            let manifests = model::read_documents(&example.manifests, &mut read);
            let root = Span::new(example.name.span.file, 0..0);
            let mut linked_problems = Vec::new();
            let linked = link::link(manifests, root, &mut linked_problems);
            let mut problems: Vec<String> = (read.iter())
                .filter(|d| d.severity == Severity::Error)
                .map(|d| line(source, d))
                .collect();
            let (failed, mut rule_problems) = judge(policy, &linked, &example.manifests, source);
            problems.append(&mut rule_problems);
            let mut expected: Vec<String> = example.fail.iter().map(|f| f.value.clone()).collect();
            expected.sort();
            expected.dedup();
            ExampleResult {
                policy: policy.id.value.clone(),
                example: example.name.value.clone(),
                at: at(source, example.name.span),
                passed: problems.is_empty() && failed == expected,
                expected_to_fail: expected,
                failed,
                problems,
            }
        })
        .collect()
}

/// The ids of the rules that fail on the example, and the problems of rules that could not
/// be compiled or run.
fn judge(
    policy: &Policy,
    linked: &Linked,
    documents: &[crate::load::node::Node],
    source: &SourceFile,
) -> (Vec<String>, Vec<String>) {
    let subjects = subjects_of_documents(documents, source, linked);
    let environments = super::Environments::of(linked);
    let policies = vec![std::sync::Arc::new(policy.clone())];
    let diagnostics = match super::judge_within_budget(policies, subjects, environments) {
        Ok(diagnostics) => diagnostics,
        Err(why) => return (Vec::new(), vec![why]),
    };
    let prefix = format!("{}/", policy.id.value);
    let mut failed: Vec<String> = (diagnostics.iter())
        .filter_map(|d| d.rule.as_deref()?.strip_prefix(&prefix).map(str::to_string))
        .collect();
    failed.sort();
    failed.dedup();
    let problems = (diagnostics.iter())
        .filter(|d| d.rule.is_none())
        .map(|d| line(source, d))
        .collect();
    (failed, problems)
}

/// A diagnostic on one line: where, code, message.
fn line(source: &SourceFile, d: &Diagnostic) -> String {
    let place = d
        .span
        .map_or_else(|| source.display.clone(), |s| at(source, s));
    format!("{place}: {} {}: {}", d.code_id(), d.code_name(), d.message)
}

fn at(source: &SourceFile, span: Span) -> String {
    let (line, _) = source.line_col(span.start as usize);
    format!("{}:{line}", source.display)
}
