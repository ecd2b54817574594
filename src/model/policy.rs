//! `kind: Policy`: a team's own rules, written in CEL (the Common Expression Language) over
//! each manifest and its linked view, with examples that `oslinker policy test` runs. The
//! rules are compiled and judged after linking (in `src/policy/`); here they are only read.

use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Rest, Type, kind_field,
};
use super::kind::Kind;
use super::read::Fields;
use super::{Choice, Located, choice};
use crate::load::node::{Node, Value};

pub const OBJECT: Object = Object {
    name: "Policy",
    what: "Policy",
    doc: "Rules of a team's own, written in CEL over each manifest (`object`) and its linked \
          view (`environment`, `bindings`, `links`, `process`). A rule whose expression is \
          false for a manifest it applies to is a diagnostic at that manifest, with the rule's \
          id as its code. `oslinker policy test` runs the policy's examples.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a Policy."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The policy's id; each finding's code is `<policy id>/<rule id>`.",
        },
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "A display name.",
        },
        Field {
            name: "rules",
            ty: Type::List {
                item: &Type::Object(&RULE),
                what: "a rule",
            },
            presence: Presence::Required,
            doc: "The rules, each judged on every manifest it applies to.",
        },
        Field {
            name: "examples",
            ty: Type::List {
                item: &Type::Object(&EXAMPLE),
                what: "an example",
            },
            presence: Presence::Optional,
            doc: "Small trees the rules must pass or fail, run by `oslinker policy test`.",
        },
        FREE_METADATA,
    ],
};

const RULE: Object = Object {
    name: "PolicyRule",
    what: "a rule",
    doc: "One rule: what it applies to, the CEL expression that must hold, and what to say \
          when it does not.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The rule's id, unique in its policy.",
        },
        Field {
            name: "match",
            ty: Type::Object(&MATCH),
            presence: Presence::Optional,
            doc: "Which manifests the rule applies to; every manifest but Policies when left out.",
        },
        Field {
            name: "expression",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "A CEL expression that must be true for every manifest the rule applies to, \
                  e.g. `'owner' in object.metadata`.",
        },
        Field {
            name: "message",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "What is wrong, shown when the expression is false; `{{ expr }}` inserts the \
                  value of a CEL expression, e.g. `{{ object.id }}`.",
        },
        Field {
            name: "severity",
            ty: Type::Choice(RuleSeverity::NAMES),
            presence: Presence::Default(super::describe::Default::Name("error")),
            doc: "`error` (fails `validate`) or `warning` (fails `validate --strict`).",
        },
        Field {
            name: "help",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "How to fix it.",
        },
    ],
};

const MATCH: Object = Object {
    name: "PolicyMatch",
    what: "`match`",
    doc: "Which manifests a rule applies to: all of the given conditions hold.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "kinds",
            ty: Type::List {
                item: &Type::Choice(Kind::NAMES),
                what: "a kind",
            },
            presence: Presence::Optional,
            doc: "Only manifests of these kinds [default: every kind but Policy].",
        },
        Field {
            name: "environments",
            ty: Type::List {
                item: &Type::Text,
                what: "an environment",
            },
            presence: Presence::Optional,
            doc: "Only processes and bindings in these environments (ids or names).",
        },
        Field {
            name: "labels",
            ty: Type::FreeForm,
            presence: Presence::Optional,
            doc: "Only manifests whose `metadata` has each of these labels with this value.",
        },
    ],
};

const EXAMPLE: Object = Object {
    name: "PolicyExample",
    what: "an example",
    doc: "A small tree and the rules that must fail on it (none: it must pass).",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "What the example shows.",
        },
        Field {
            name: "manifests",
            ty: Type::List {
                item: &Type::FreeForm,
                what: "a manifest",
            },
            presence: Presence::Required,
            doc: "The example's manifests, linked as a tree of their own.",
        },
        Field {
            name: "fail",
            ty: Type::List {
                item: &Type::Text,
                what: "a rule id",
            },
            presence: Presence::Optional,
            doc: "The ids of the rules that must fail on it; left out, every rule must pass.",
        },
    ],
};

choice! {
    /// How bad a failing rule is.
    pub enum RuleSeverity {
        Error = "error",
        Warning = "warning",
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub id: Located<String>,
    pub name: String,
    pub rules: Vec<Rule>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Located<String>,
    pub kinds: Vec<Kind>,
    pub environments: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub expression: Located<String>,
    pub message: Located<String>,
    pub severity: RuleSeverity,
    pub help: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub name: Located<String>,
    /// The manifests as written: read and linked as a tree of their own by `policy test`.
    pub manifests: Vec<Node>,
    pub fail: Vec<Located<String>>,
}

pub fn build(fields: Fields) -> Option<Policy> {
    let id = fields.id("id")?;
    let rules = fields.objects("rules").iter().filter_map(rule).collect();
    let examples = fields
        .objects("examples")
        .iter()
        .filter_map(example)
        .collect();
    Some(Policy {
        name: fields
            .text("name")
            .map_or_else(|| id.value.clone(), |n| n.value),
        id,
        rules,
        examples,
    })
}

fn rule(fields: &Fields) -> Option<Rule> {
    let matching = fields.object("match");
    let labels = matching
        .as_ref()
        .and_then(|m| m.entry("labels"))
        .map(|e| string_pairs(&e.value))
        .unwrap_or_default();
    Some(Rule {
        id: fields.id("id")?,
        kinds: matching
            .as_ref()
            .map(|m| m.choices("kinds"))
            .unwrap_or_default(),
        environments: (matching.as_ref().map(|m| m.texts("environments")))
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.value)
            .collect(),
        labels,
        expression: fields.text("expression")?,
        message: fields.text("message")?,
        severity: fields
            .choice("severity")
            .map_or(RuleSeverity::Error, |s| s.value),
        help: fields.text("help").map(|h| h.value),
    })
}

fn example(fields: &Fields) -> Option<Example> {
    let manifests = match fields.entry("manifests").map(|e| &e.value.value) {
        Some(Value::Seq(items)) => items.clone(),
        _ => return None,
    };
    Some(Example {
        name: fields.text("name")?,
        manifests,
        fail: fields.texts("fail"),
    })
}

/// A mapping's entries whose values are scalars, as text (a label selector).
fn string_pairs(node: &Node) -> Vec<(String, String)> {
    let Value::Map(entries) = &node.value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let value = match &e.value.value {
                Value::String(s) => s.clone(),
                Value::Int(i) => i.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Float(f) => f.to_string(),
                _ => return None,
            };
            Some((e.key.clone(), value))
        })
        .collect()
}
