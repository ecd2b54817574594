//! `kind: Environment`: where processes run, with default variables for all of them.

use super::describe::{
    API_VERSION_FIELD, FREE_METADATA, Field, Object, Presence, Rest, Type, kind_field,
};
use super::read::{Fields, Reader};
use super::resources::{self, ISOLATION, Isolation, RESOURCES, Resources};
use super::{EnvVar, Located};

pub const OBJECT: Object = Object {
    name: "Environment",
    what: "Environment",
    doc: "Where processes run, with default variables for every process in it. \
          `env-development`, `env-staging` and `env-production` are built in; a manifest with \
          the same id replaces the built-in one.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is an Environment."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The environment's id, unique among Environments.",
        },
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "Its name: processes and bindings may name the environment by id or by name.",
        },
        Field {
            name: "env",
            ty: Type::Env,
            presence: Presence::Optional,
            doc: "Default variables for every process in this environment.",
        },
        Field {
            name: "critical",
            ty: Type::Bool,
            presence: Presence::Optional,
            doc: "Whether a `requires` with no eligible provider here is an error (E0211) \
                  rather than a warning. Left out: true for `production` and the built-in \
                  `env-production`, false otherwise.",
        },
        Field {
            name: "quota",
            ty: Type::Object(&RESOURCES),
            presence: Presence::Optional,
            doc: "The most its processes may use together: each process's `resources` times \
                  its `replicas.max` (1 without `replicas`), summed (E0214 when over).",
        },
        Field {
            name: "minimumIsolation",
            ty: ISOLATION,
            presence: Presence::Optional,
            doc: "The weakest `isolation` its processes may have (none < process < container \
                  = wasm < vm); a process below it, or without `isolation`, is an error (E0216).",
        },
        FREE_METADATA,
    ],
};

/// Production (by its id, or the built-in one's) is critical unless it says otherwise.
pub fn critical_by_default(id: &str) -> bool {
    matches!(id, "production" | "env-production")
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub id: Located<String>,
    pub name: Located<String>,
    /// Default variables for every process in this environment.
    pub env: Vec<EnvVar>,
    /// A requirement left without an eligible provider here is an error (E0211).
    pub critical: bool,
    /// `quota`: the most its processes may use together.
    pub quota: Option<Resources>,
    pub minimum_isolation: Option<Located<Isolation>>,
    /// Defined by oslinker itself rather than by a manifest.
    pub builtin: bool,
}

pub fn build(r: &mut Reader, fields: Fields) -> Option<Environment> {
    let id = fields.id("id")?;
    Some(Environment {
        quota: (fields.object("quota")).map(|f| resources::build_resources(r, f)),
        minimum_isolation: fields.choice("minimumIsolation"),
        name: fields.text("name").unwrap_or_else(|| id.clone()),
        env: fields.env("env"),
        critical: fields
            .bool("critical")
            .unwrap_or_else(|| critical_by_default(&id.value)),
        builtin: false,
        id,
    })
}
