//! `kind: Process`: an agent process and its runtime context.

use super::describe::{
    API_VERSION_FIELD, CAPABILITIES, Default, FREE_METADATA, Field, Object, Presence, Ref, Rest,
    Type, kind_field,
};
use super::health::HealthCheck;
use super::kind::Kind;
use super::read::{FieldPath, Fields, Labels, Reader, Reference};
use super::resources::{self, ISOLATION, Isolation, REPLICAS, RESOURCES, Replicas, Resources};
use super::{EnvVar, Located, choice};

choice! {
    pub enum Status { Running = "running", Stopped = "stopped", Error = "error", Pending = "pending" }
}

choice! {
    pub enum ProcessType { Agent = "agent", Service = "service", Tool = "tool" }
}

pub const OBJECT: Object = Object {
    name: "Process",
    what: "Process",
    doc: "An agent process: what it is, where it runs, what it provides and what it needs.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a Process."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The process's id, unique among Processes: letters, digits, `-`, `_`, `.`, \
                  starting with a letter or digit.",
        },
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Required,
            doc: "A display name.",
        },
        Field {
            name: "type",
            ty: Type::Choice(<ProcessType as super::Choice>::NAMES),
            presence: Presence::Default(Default::Name("agent")),
            doc: "What the process is.",
        },
        Field {
            name: "status",
            ty: Type::Choice(<Status as super::Choice>::NAMES),
            presence: Presence::Required,
            doc: "Only running processes serve capabilities.",
        },
        Field {
            name: "metadata",
            ty: Type::Object(&METADATA),
            presence: Presence::Required,
            doc: "The platform, the agent's version, and any other labels.",
        },
        Field {
            name: "capabilities",
            ty: CAPABILITIES,
            presence: Presence::Optional,
            doc: "Capabilities the process provides: lowercase dotted names such as \
                  `code.generation`.",
        },
        Field {
            name: "requires",
            ty: CAPABILITIES,
            presence: Presence::Optional,
            doc: "Capabilities the process needs from others; each must be served by some \
                  provider.",
        },
        Field {
            name: "runtimeContext",
            ty: Type::Object(&RUNTIME_CONTEXT),
            presence: Presence::Required,
            doc: "Where and how the process runs.",
        },
        Field {
            name: "endpoint",
            ty: super::provider::ENDPOINT,
            presence: Presence::Optional,
            doc: "Where the agent is reached: an http(s) URL, without credentials.",
        },
        Field {
            name: "resources",
            ty: Type::Object(&RESOURCES),
            presence: Presence::Optional,
            doc: "What one copy of the process needs: `cpu`, `memory`, `gpu`.",
        },
        Field {
            name: "replicas",
            ty: Type::Object(&REPLICAS),
            presence: Presence::Optional,
            doc: "How many copies run (`min`, `max`) and what scales them; a warning on a \
                  platform that scales by itself (W0306).",
        },
        Field {
            name: "isolation",
            ty: ISOLATION,
            presence: Presence::Optional,
            doc: "How it is kept apart: `none`, `process`, `container`, `vm` or `wasm`. Its \
                  platform must be able to give it (E0215), and it must meet its \
                  environment's `minimumIsolation` (E0216).",
        },
        super::health::HEALTH_FIELD,
    ],
};

/// A platform reference, as Processes and Providers write it.
pub const PLATFORM_REF: Ref = Ref {
    to: Kind::Platform,
    help: "use a built-in platform or define a Platform with this id",
};

/// An environment reference (by id or by name), as Processes and Bindings write it.
pub const ENVIRONMENT_REF: Ref = Ref {
    to: Kind::Environment,
    help: "define an Environment with this id or name",
};

const METADATA: Object = Object {
    name: "ProcessMetadata",
    what: "`metadata`",
    doc: "A Process's `metadata`: `platform`, `version`, and any other string labels.",
    rest: Rest::Labels,
    fields: &[
        Field {
            name: "platform",
            ty: Type::Ref(PLATFORM_REF),
            presence: Presence::Required,
            doc: "The platform it runs on: a built-in one (`openai-agents`, \
                  `vertex-agent-builder`, `aws-bedrock`, `agentforce`, `cursor`, `antigravity`, \
                  `nodejs`, `python`, `custom`) or the id of a Platform manifest.",
        },
        Field {
            name: "version",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "The agent's own version.",
        },
        super::settings::SUPPRESS,
    ],
};

const RUNTIME_CONTEXT: Object = Object {
    name: "RuntimeContext",
    what: "`runtimeContext`",
    doc: "A Process's `runtimeContext`.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "environment",
            ty: Type::Ref(ENVIRONMENT_REF),
            presence: Presence::Required,
            doc: "The Environment it runs in, by id or by name.",
        },
        Field {
            name: "version",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "The runtime's version, which must match the platform's `versionPattern`, \
                  e.g. `nodejs-20.x`.",
        },
        Field {
            name: "env",
            ty: Type::Env,
            presence: Presence::Optional,
            doc: "The process's own variables, over its environment's defaults.",
        },
        Field {
            name: "alternatives",
            ty: Type::List {
                item: &Type::Object(&ALTERNATIVE),
                what: "an alternative runtime",
            },
            presence: Presence::Optional,
            doc: "Other platforms (and versions) the process can also run on, each checked \
                  like the main one.",
        },
        FREE_METADATA,
    ],
};

const ALTERNATIVE: Object = Object {
    name: "AlternativeRuntime",
    what: "an alternative runtime",
    doc: "Another platform the process can run on.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "platform",
            ty: Type::Ref(PLATFORM_REF),
            presence: Presence::Required,
            doc: "A built-in platform or the id of a Platform manifest.",
        },
        Field {
            name: "version",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "The runtime's version there, which must match that platform's \
                  `versionPattern`.",
        },
    ],
};

/// A platform the process can also run on (`runtimeContext.alternatives`).
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub platform: Located<String>,
    pub version: Option<Located<String>>,
}

#[derive(Debug, Clone)]
pub struct Process {
    pub id: Located<String>,
    pub name: String,
    pub process_type: ProcessType,
    pub status: Located<Status>,
    /// `metadata.platform`: a Platform id.
    pub platform: Located<String>,
    /// `metadata.version`: the agent's own version.
    pub version: Option<String>,
    /// The other `metadata` entries.
    pub labels: Labels,
    pub capabilities: Vec<Located<String>>,
    pub requires: Vec<Located<String>>,
    /// `runtimeContext.environment`: an Environment's id or name.
    pub environment: Located<String>,
    /// `runtimeContext.version`, e.g. `nodejs-20.x`.
    pub runtime_version: Option<Located<String>>,
    pub env: Vec<EnvVar>,
    /// `runtimeContext.alternatives`: other platforms it can run on.
    pub alternatives: Vec<Alternative>,
    /// `endpoint`, its credentials hidden.
    pub endpoint: Option<String>,
    pub resources: Option<Resources>,
    pub replicas: Option<Replicas>,
    pub isolation: Option<Located<Isolation>>,
    pub health: Option<HealthCheck>,
    /// The ids it names: its platform and environment.
    pub references: Vec<Reference>,
    /// False when a required field could not be read: checks that need it are skipped.
    pub complete: bool,
}

/// Builds a Process from its checked fields. A process whose id could be read is kept even
/// when incomplete, so that references to it do not turn into a cascade of "unknown process"
/// errors.
pub fn build(r: &mut Reader, fields: Fields) -> Option<Process> {
    let anchor = fields.anchor;
    let missing = || Located::new(String::new(), anchor);
    let metadata = fields.object("metadata");
    let runtime = fields.object("runtimeContext");
    let status = fields
        .choice("status")
        .unwrap_or(Located::new(Status::Pending, anchor));
    let alternatives = runtime.map(|r| alternatives(&r)).unwrap_or_default();
    let mut references = fields.references();
    references.extend(alternatives.iter().map(|a| Reference {
        field: FieldPath {
            parent: Some("runtimeContext"),
            name: "alternatives",
        },
        target: &PLATFORM_REF,
        written: a.platform.clone(),
    }));
    let endpoint = super::provider::endpoint(r, &fields);
    let resources = (fields.object("resources")).map(|f| resources::build_resources(r, f));
    let stopped = status.value == Status::Stopped;
    let replicas =
        (fields.object("replicas")).and_then(|f| resources::build_replicas(r, f, stopped));
    Some(Process {
        id: fields.id("id")?,
        name: fields.text("name").map(|n| n.value).unwrap_or_default(),
        process_type: fields
            .choice("type")
            .map_or(ProcessType::Agent, |t| t.value),
        status,
        platform: metadata
            .and_then(|m| m.id("platform"))
            .unwrap_or_else(missing),
        version: metadata.and_then(|m| m.text("version")).map(|v| v.value),
        labels: metadata.map(|m| m.labels()).unwrap_or_default(),
        capabilities: fields.capabilities("capabilities"),
        requires: fields.capabilities("requires"),
        environment: runtime
            .and_then(|r| r.id("environment"))
            .unwrap_or_else(missing),
        runtime_version: runtime.and_then(|r| r.text("version")),
        env: runtime.map(|r| r.env("env")).unwrap_or_default(),
        alternatives,
        endpoint,
        resources,
        replicas,
        isolation: fields.choice("isolation"),
        health: super::health::build(r, &fields),
        references,
        complete: r.complete,
    })
}

fn alternatives(runtime: &Fields) -> Vec<Alternative> {
    runtime
        .objects("alternatives")
        .into_iter()
        .filter_map(|a| {
            Some(Alternative {
                platform: a.id("platform")?,
                version: a.text("version"),
            })
        })
        .collect()
}
