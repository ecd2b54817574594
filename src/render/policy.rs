//! What `oslinker policy test` says: a line per example, each failure explained, a summary.

use serde_json::json;

use crate::policy::examples::ExampleResult;
use crate::text;

/// `ok    team-rules: a process with an owner  (policies/team.yaml:31)`, the failures
/// explained under theirs, then `3 examples: 2 passed, 1 failed`.
pub fn text(results: &[ExampleResult]) -> String {
    let mut out = String::new();
    for r in results {
        let verdict = if r.passed { "ok  " } else { "FAIL" };
        out.push_str(&format!(
            "{verdict}  {}: {}  ({})\n",
            r.policy,
            text::one_line(&r.example),
            r.at
        ));
        if r.passed {
            continue;
        }
        if r.failed != r.expected_to_fail {
            out.push_str(&format!("      must fail: {}\n", list(&r.expected_to_fail)));
            out.push_str(&format!("      failed:    {}\n", list(&r.failed)));
        }
        for problem in &r.problems {
            out.push_str(&format!("      {}\n", text::one_line(problem)));
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    out.push_str(&format!(
        "{}: {passed} passed, {} failed\n",
        text::plural(results.len(), "example"),
        results.len() - passed
    ));
    out
}

fn list(ids: &[String]) -> String {
    match ids.is_empty() {
        true => "(none)".to_string(),
        false => ids.join(", "),
    }
}

/// `{"formatVersion": 1, "results": [...], "passed": N, "failed": N}`.
pub fn json(results: &[ExampleResult]) -> String {
    let passed = results.iter().filter(|r| r.passed).count();
    text::json(&json!({
        "formatVersion": 1,
        "results": results,
        "passed": passed,
        "failed": results.len() - passed,
    }))
}
