//! `kind: Settings`: the tree's lint levels (per code, and per environment), and
//! `metadata.suppress`, the annotation that silences one finding where it stands.
//!
//! Only link-level codes (E02xx, W03xx) can be configured or suppressed: the file, syntax and
//! schema ones say the tree could not be read as written, and nothing downstream is sure.

use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Rest, Type, kind_field,
};
use super::read::{Fields, Reader};
use super::{Located, choice, names};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::node::{Node, Value};
use crate::source::Span;

choice! {
    /// What becomes of a finding: dropped, a warning, or an error.
    pub enum Level { Allow = "allow", Warn = "warn", Error = "error" }
}

const LEVELS: Type = Type::Map {
    value: &Type::Choice(<Level as super::Choice>::NAMES),
    what: "a lint level",
};

pub const OBJECT: Object = Object {
    name: "Settings",
    what: "Settings",
    doc: "The tree's lint levels, Cargo-style: `allow` drops a finding, `warn` makes it a \
          warning, `error` an error. At most one per tree. Only link-level codes (E02xx, \
          W03xx) can be configured.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is the tree's Settings."),
        Field {
            name: "spec",
            ty: Type::Object(&SPEC),
            presence: Presence::Required,
            doc: "The lint levels.",
        },
        FREE_METADATA,
    ],
};

const SPEC: Object = Object {
    name: "SettingsSpec",
    what: "`spec`",
    doc: "Settings' `spec`: lint levels for the whole tree, and per environment.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "lints",
            ty: LEVELS,
            presence: Presence::Optional,
            doc: "Code (`W0301`) or name (`requirement-not-running`) -> `allow`, `warn` or \
                  `error`, for every environment.",
        },
        Field {
            name: "environments",
            ty: Type::Map {
                value: &Type::Object(&ENVIRONMENT_LINTS),
                what: "an environment's lints",
            },
            presence: Presence::Optional,
            doc: "Environment id -> its own `lints`, over the tree's.",
        },
    ],
};

const ENVIRONMENT_LINTS: Object = Object {
    name: "EnvironmentLints",
    what: "an environment's settings",
    doc: "One environment's lint levels, over the tree's.",
    rest: Rest::Closed,
    fields: &[Field {
        name: "lints",
        ty: LEVELS,
        presence: Presence::Optional,
        doc: "Code or name -> `allow`, `warn` or `error`, for findings in this environment.",
    }],
};

/// `metadata.suppress`, on any manifest: a list of `{code, reason}`.
pub const SUPPRESS: Field = Field {
    name: "suppress",
    ty: Type::List {
        item: &Type::Object(&SUPPRESSION),
        what: "a suppression",
    },
    presence: Presence::Optional,
    doc: "Findings of these codes located in this manifest are silenced, each with its \
          reason (`validate --show-suppressed` lists them). An entry that silences nothing is \
          a warning (W0305). Allowed in every kind's `metadata`.",
};

const SUPPRESSION: Object = Object {
    name: "Suppression",
    what: "a suppression",
    doc: "One finding silenced where it stands.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "code",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "The code (`W0301`) or name of the findings to silence: a link-level code, \
                  or a Policy rule's `<policy id>/<rule id>`.",
        },
        Field {
            name: "reason",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "Why: required, and not empty.",
        },
    ],
};

/// What a lint level or a suppression names: a stable code, or a Policy rule by its code
/// (`team/owner`), whose findings are configured and silenced the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintCode {
    Code(Code),
    Rule(String),
}

impl LintCode {
    /// What a finding is configured by: its rule's code, else its own.
    pub fn of(diagnostic: &Diagnostic) -> LintCode {
        match &diagnostic.rule {
            Some(rule) => LintCode::Rule(rule.clone()),
            None => LintCode::Code(diagnostic.code),
        }
    }

    /// As messages show it: `W0301`, `team/owner`.
    pub fn shown(&self) -> &str {
        match self {
            LintCode::Code(code) => code.id(),
            LintCode::Rule(rule) => rule,
        }
    }
}

/// One lint level as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub code: LintCode,
    /// Where the code is named (a rule the tree lacks is reported there).
    pub at: Span,
    pub level: Located<Level>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where its `kind` is written (what a second Settings points back at).
    pub at: Span,
    pub lints: Vec<Lint>,
    /// Environment (id or name, as written) -> its own lints.
    pub environments: Vec<(Located<String>, Vec<Lint>)>,
}

/// One `metadata.suppress` entry and the manifest it stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub code: LintCode,
    /// The entry, for W0305.
    pub at: Span,
    pub reason: String,
    /// The manifest (document) it silences findings in.
    pub scope: Span,
}

pub fn build(r: &mut Reader, fields: Fields, at: Span) -> Option<Settings> {
    let spec = fields.object("spec")?;
    let environments = spec
        .named_objects("environments")
        .into_iter()
        .map(|(environment, fields)| (environment, lints(r, fields)))
        .collect();
    Some(Settings {
        at,
        lints: lints(r, spec),
        environments,
    })
}

fn lints(r: &mut Reader, fields: Fields) -> Vec<Lint> {
    fields
        .named_choices::<Level>("lints")
        .into_iter()
        .filter_map(|(written, level)| {
            let code = configurable(r, &written)?;
            Some(Lint {
                code,
                at: written.span,
                level,
            })
        })
        .collect()
}

/// The code a lint or a suppression names, if it is one that can be configured (a link-level
/// code, or a Policy rule's `<policy id>/<rule id>`); else E0110 at the name, with a
/// did-you-mean.
fn configurable(r: &mut Reader, written: &Located<String>) -> Option<LintCode> {
    if let Some((policy, rule)) = written.value.split_once('/')
        && names::check_id(policy).is_ok()
        && names::check_id(rule).is_ok()
    {
        return Some(LintCode::Rule(written.value.clone()));
    }
    match Code::find(&written.value) {
        Some(code) if code.configurable() => Some(LintCode::Code(code)),
        Some(code) => {
            r.invalid_value(
                written.span,
                format!(
                    "`{}` ({}) cannot be configured or suppressed",
                    written.value,
                    code.id()
                ),
                "only link-level codes (E02xx, W03xx) can be; file, syntax and schema problems \
                 (E00xx, E01xx) must be fixed",
            );
            None
        }
        None => {
            let known = Code::ALL
                .iter()
                .filter(|c| c.configurable())
                .flat_map(|c| [c.id(), c.name()]);
            let help = match names::suggest(&written.value, known) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "name a code such as `W0301` or `requirement-not-running` (see the \
                         README's table of codes), or a Policy rule as `<policy id>/<rule id>`"
                    .to_string(),
            };
            r.invalid_value(
                written.span,
                format!("`{}` is not a diagnostic code", written.value),
                &help,
            );
            None
        }
    }
}

/// The `metadata.suppress` entries of a document (already checked for shape by its kind's
/// description, or here when its `metadata` is free-form).
/// `scope` is the text the document covers in its file.
pub fn suppressions(
    r: &mut Reader,
    document: &Node,
    free_metadata: bool,
    scope: Span,
) -> Vec<Suppression> {
    let Some(metadata) = document.get("metadata") else {
        return Vec::new();
    };
    let Some(entry) = metadata.value.get("suppress") else {
        return Vec::new();
    };
    if free_metadata {
        let within = Fields {
            object: &SUPPRESS_HOLDER,
            entries: std::slice::from_ref(entry),
            anchor: entry.key_span,
        };
        r.field(&SUPPRESS, entry, within);
    }
    let items = match &entry.value.value {
        Value::Seq(items) => items.as_slice(),
        _ => &[],
    };
    items
        .iter()
        .filter_map(|node| {
            let item = Fields {
                object: &SUPPRESSION,
                entries: node.as_map()?,
                anchor: node.span,
            };
            let code = item.text("code")?;
            let reason = item.text("reason")?;
            let code = configurable(r, &code)?;
            if reason.value.trim().is_empty() {
                r.invalid_value(
                    reason.span,
                    "a suppression's `reason` is empty".to_string(),
                    "say why this finding is fine here: the reason is what reviewers read",
                );
                return None;
            }
            Some(Suppression {
                code,
                at: node.span,
                reason: reason.value,
                scope,
            })
        })
        .collect()
}

/// An object holding only `suppress`: how its entries are read.
const SUPPRESS_HOLDER: Object = Object {
    name: "SuppressHolder",
    what: "`metadata`",
    doc: "",
    rest: Rest::Closed,
    fields: &[SUPPRESS],
};
