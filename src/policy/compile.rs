//! A rule compiled: its CEL expression, its message with `{{ expr }}` pieces, and what it
//! applies to. Compile errors are diagnostics at the rule (E0113); the CEL crate is never
//! trusted not to panic, so each compile and each run is caught.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cel::{Context, Program, Value};

use super::Environments;
use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Kind;
use crate::model::policy::{Policy, Rule};
use crate::source::Span;

/// The longest expression compiled (a rule is a line or two; this bounds the parser's work).
const MAX_EXPRESSION_BYTES: usize = 16 * 1024;

pub struct CompiledRule<'p> {
    pub policy: &'p Policy,
    pub rule: &'p Rule,
    program: Program,
    message: Vec<Piece>,
}

/// A piece of a rule's message: text as written, or an expression whose value is inserted.
enum Piece {
    Text(String),
    Value { source: String, program: Program },
}

/// The policy's rules that compile; the others are reported (E0113).
pub fn compile_policy<'p>(
    policy: &'p Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CompiledRule<'p>> {
    let mut compiled = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for rule in &policy.rules {
        if seen.contains(&rule.id.value.as_str()) {
            diagnostics.push(duplicate_rule(policy, rule));
            continue;
        }
        seen.push(&rule.id.value);
        let program = compile(&rule.expression.value)
            .map_err(|why| invalid(policy, rule, rule.expression.span, "expression", &why));
        let message = message_pieces(&rule.message.value)
            .map_err(|why| invalid(policy, rule, rule.message.span, "message", &why));
        match (program, message) {
            (Ok(program), Ok(message)) => compiled.push(CompiledRule {
                policy,
                rule,
                program,
                message,
            }),
            (program, message) => {
                diagnostics.extend(program.err().into_iter().chain(message.err()))
            }
        }
    }
    compiled
}

fn invalid(policy: &Policy, rule: &Rule, span: Span, what: &str, why: &str) -> Diagnostic {
    let code = format!("{}/{}", policy.id.value, rule.id.value);
    Diagnostic::at(
        Code::InvalidPolicyRule,
        span,
        format!("the {what} of the rule `{code}` does not compile: {why}"),
    )
    .with_label("not valid CEL")
    .with_help(
        "write a CEL expression over `object`, `environment`, `bindings`, `links` and `process`, \
         e.g. `'owner' in object.metadata` (see the README's Policy section)",
    )
}

fn duplicate_rule(policy: &Policy, rule: &Rule) -> Diagnostic {
    Diagnostic::at(
        Code::InvalidPolicyRule,
        rule.id.span,
        format!(
            "the policy `{}` has two rules with the id `{}`",
            policy.id.value, rule.id.value
        ),
    )
    .with_label("second rule with this id")
    .with_help("give each rule of a policy its own id: it is the code of its findings")
}

/// Compiles one CEL expression; the error is one line.
fn compile(source: &str) -> Result<Program, String> {
    if source.len() > MAX_EXPRESSION_BYTES {
        return Err(format!(
            "it is longer than {} KiB",
            MAX_EXPRESSION_BYTES / 1024
        ));
    }
    match catch_unwind(|| Program::compile(source)) {
        Ok(Ok(program)) => Ok(program),
        Ok(Err(errors)) => Err(one_line(&errors.to_string())),
        Err(_) => Err("the CEL parser could not read it".to_string()),
    }
}

/// The parser's report, on one line: `ERROR: <input>:1:5: Syntax error: ...` without the
/// source echo and caret lines that follow it.
fn one_line(report: &str) -> String {
    let first = report.lines().next().unwrap_or(report).trim();
    let first = first.strip_prefix("ERROR: ").unwrap_or(first);
    let first = first.strip_prefix("<input>:").unwrap_or(first);
    format!("at {}", without_debug_dump(first))
}

/// Some parser errors (the nesting limit) arrive as a Rust debug dump,
/// `Syntax error: OtherError(ParseError { ..., msg: "Recursion limit of 96 exceeded", ... })`:
/// the reader is given the `msg` alone.
fn without_debug_dump(line: &str) -> String {
    let Some(dump) = line.find("OtherError(") else {
        return line.to_string();
    };
    let inner = line[dump..]
        .split_once("msg: \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("the expression could not be read", |(msg, _)| msg);
    format!("{}{inner}", &line[..dump])
}

/// An expression as an error quotes it: whole when short, else its start (a message's
/// expression may be kilobytes long).
fn quoted(source: &str) -> String {
    const SHOWN: usize = 40;
    match source.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &source[..end]),
        None => source.to_string(),
    }
}

/// Splits a message into text and `{{ expr }}` pieces, each expression compiled.
fn message_pieces(message: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            return Err("a `{{` has no `}}` after it".to_string());
        };
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_string()));
        }
        let source = rest[open + 2..open + 2 + close].trim().to_string();
        let program =
            compile(&source).map_err(|why| format!("`{{{{ {} }}}}`: {why}", quoted(&source)))?;
        pieces.push(Piece::Value { source, program });
        rest = &rest[open + 2 + close + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Ok(pieces)
}

impl CompiledRule<'_> {
    /// The code of its findings: `<policy id>/<rule id>`.
    pub fn code(&self) -> String {
        format!("{}/{}", self.policy.id.value, self.rule.id.value)
    }

    /// Whether the rule applies to this manifest: its kind, environment and labels.
    pub fn applies_to(&self, subject: &Subject, environments: &Environments) -> bool {
        let rule = self.rule;
        // Without `kinds`, every kind but Policy: a rule about manifests is not about rules.
        let kind_ok = match rule.kinds.is_empty() {
            true => subject.kind != Kind::Policy,
            false => rule.kinds.contains(&subject.kind),
        };
        let environment_ok = rule.environments.is_empty()
            || subject.environment.as_deref().is_some_and(|here| {
                (rule.environments.iter()).any(|e| environments.id(e) == Some(here))
            });
        let labels_ok =
            (rule.labels.iter()).all(|(key, value)| subject.label(key) == Some(value.as_str()));
        kind_ok && environment_ok && labels_ok
    }

    /// True when the rule holds for the manifest; `Err` when it cannot say (it failed, or gave
    /// something other than a boolean).
    pub fn judge(&self, context: &Context) -> Result<bool, String> {
        match run(&self.program, context) {
            Ok(Value::Bool(holds)) => Ok(holds),
            Ok(other) => Err(format!("it gave {}, not true or false", type_name(&other))),
            Err(why) => Err(why),
        }
    }

    /// The message, each `{{ expr }}` replaced by its value on this manifest.
    pub fn message(&self, context: &Context) -> String {
        let mut text = String::new();
        for piece in &self.message {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Value { source, program } => match run(program, context) {
                    Ok(value) => text.push_str(&shown(&value)),
                    // What could not be worked out is shown as written.
                    Err(_) => text.push_str(&format!("{{{{ {source} }}}}")),
                },
            }
        }
        text
    }
}

/// Runs a program; an error or a panic in the interpreter is an error, one line.
fn run(program: &Program, context: &Context) -> Result<Value, String> {
    match catch_unwind(AssertUnwindSafe(|| program.execute(context))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the CEL interpreter could not run it".to_string()),
    }
}

/// A value as a message shows it: text as it is, anything else as CEL would write it.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        other => type_name(other).to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::Null => "null",
        _ => "a value of another type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pieces: &[Piece]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => format!("text:{t}"),
                Piece::Value { source, .. } => format!("value:{source}"),
            })
            .collect()
    }

    #[test]
    fn a_message_splits_into_text_and_expressions() {
        let pieces = message_pieces("process {{ id }} in {{environment}}.").unwrap();
        assert_eq!(
            texts(&pieces),
            [
                "text:process ",
                "value:id",
                "text: in ",
                "value:environment",
                "text:."
            ]
        );
        assert_eq!(texts(&message_pieces("plain").unwrap()), ["text:plain"]);
        assert!(message_pieces("").unwrap().is_empty());
    }

    #[test]
    fn a_message_with_an_unclosed_or_invalid_expression_is_refused() {
        let unclosed = message_pieces("a {{ id").err().unwrap();
        assert_eq!(unclosed, "a `{{` has no `}}` after it");
        let invalid = message_pieces("a {{ id + }}").err().unwrap();
        assert!(invalid.starts_with("`{{ id + }}`: at 1:"), "{invalid}");
    }

    #[test]
    fn the_parsers_report_is_one_line() {
        let why = compile("(true").err().unwrap();
        assert!(why.starts_with("at 1:"), "{why}");
        assert!(!why.contains('\n'), "{why}");
        assert!(compile(&"x".repeat(MAX_EXPRESSION_BYTES + 1)).is_err());
    }

    #[test]
    fn too_deep_an_expression_is_said_in_words_not_a_debug_dump() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        let why = crate::policy::on_a_large_stack(|| compile(&deep).err());
        let why = why.unwrap().unwrap();
        assert!(!why.contains("OtherError"), "{why}");
        assert!(why.contains("Recursion limit"), "{why}");
    }

    #[test]
    fn a_long_message_expression_is_quoted_by_its_start() {
        let deep = format!("{}1{}", "(".repeat(2000), ")".repeat(2000));
        // The parser recurses deeply: as in `check`, on a thread with room for it.
        let message = format!("x {{{{ {deep} }}}}");
        let parsed = crate::policy::on_a_large_stack(|| message_pieces(&message).err());
        let why = parsed.unwrap().unwrap();
        assert!(why.len() < 300, "{why}");
        assert!(
            why.starts_with(&format!("`{{{{ {}…", "(".repeat(40))),
            "{why}"
        );
    }

    #[test]
    fn values_are_shown_as_text() {
        let list = Value::List(std::sync::Arc::new(vec![
            Value::from("a"),
            Value::Int(2),
            Value::Bool(true),
        ]));
        assert_eq!(shown(&list), "[a, 2, true]");
        assert_eq!(shown(&Value::Null), "null");
    }
}
