//! `kind: Binding`: how a process binds to its environment: secrets, files or network.

use super::describe::{
    API_VERSION_FIELD, Default, FREE_METADATA, Field, Object, Presence, Ref, Rest, Type, kind_field,
};
use super::kind::Kind;
use super::process::ENVIRONMENT_REF;
use super::read::{Fields, Reader, Reference};
use super::{Choice, Located, choice};

choice! {
    pub enum BindingType { Secrets = "secrets", Files = "files", Network = "network" }
}

choice! {
    pub enum SecretStore {
        Vault = "vault",
        AwsSecretsManager = "aws-secrets-manager",
        GcpSecretManager = "gcp-secret-manager",
        AzureKeyVault = "azure-key-vault",
        Env = "env",
        File = "file",
    }
}

choice! {
    pub enum Protocol { Tcp = "tcp", Udp = "udp" }
}

pub const OBJECT: Object = Object {
    name: "Binding",
    what: "Binding",
    doc: "How a process binds to its environment: secrets, files or network.",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a Binding."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The binding's id, unique among Bindings.",
        },
        Field {
            name: "processId",
            ty: Type::Ref(Ref {
                to: Kind::Process,
                help: "define a Process with this id, or bind an existing one",
            }),
            presence: Presence::Required,
            doc: "The Process it binds.",
        },
        Field {
            name: "environmentId",
            ty: Type::Ref(ENVIRONMENT_REF),
            presence: Presence::Required,
            doc: "The Environment it applies in, by id or by name: the one its process runs in.",
        },
        Field {
            name: "type",
            ty: Type::Choice(BindingType::NAMES),
            presence: Presence::Required,
            doc: "What it binds; decides what `config` holds. The process's platform must \
                  support it.",
        },
        Field {
            name: "config",
            ty: Type::Config {
                by: "type",
                cases: &[
                    ("secrets", &SECRETS_CONFIG),
                    ("files", &FILES_CONFIG),
                    ("network", &NETWORK_CONFIG),
                ],
            },
            presence: Presence::Required,
            doc: "What is bound: for `secrets`, `store` and `secrets`; for `files`, `mounts`; \
                  for `network`, `ingress` and `egress`.",
        },
        FREE_METADATA,
    ],
};

const SECRETS_CONFIG: Object = Object {
    name: "SecretsConfig",
    what: "`config` of a secrets binding",
    doc: "The `config` of a `secrets` binding: which variables come from which secrets.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "store",
            ty: Type::Choice(SecretStore::NAMES),
            presence: Presence::Required,
            doc: "Where the secrets are kept.",
        },
        Field {
            name: "secrets",
            ty: Type::SecretRefs,
            presence: Presence::Required,
            doc: "Variable name -> where its secret lives in the store, e.g. \
                  `OPENAI_API_KEY: kv/data/lucid#openai`. Never the secret itself.",
        },
    ],
};

const FILES_CONFIG: Object = Object {
    name: "FilesConfig",
    what: "`config` of a files binding",
    doc: "The `config` of a `files` binding.",
    rest: Rest::Closed,
    fields: &[Field {
        name: "mounts",
        ty: Type::List {
            item: &Type::Object(&MOUNT),
            what: "a mount",
        },
        presence: Presence::Required,
        doc: "Host paths mounted into the process.",
    }],
};

/// Mount paths, as the JSON Schema checks them (the reader also refuses `..`).
const MOUNT_PATH: Type = Type::Checked { pattern: "^/" };

const MOUNT: Object = Object {
    name: "Mount",
    what: "a mount",
    doc: "One mount of a `files` binding.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "source",
            ty: MOUNT_PATH,
            presence: Presence::Required,
            doc: "The host path: absolute, without `..`.",
        },
        Field {
            name: "target",
            ty: MOUNT_PATH,
            presence: Presence::Required,
            doc: "Where the process sees it: absolute, without `..`.",
        },
        Field {
            name: "readOnly",
            ty: Type::Bool,
            presence: Presence::Default(Default::Bool(true)),
            doc: "Whether the process can only read it.",
        },
    ],
};

const NETWORK_CONFIG: Object = Object {
    name: "NetworkConfig",
    what: "`config` of a network binding",
    doc: "The `config` of a `network` binding.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "ingress",
            ty: Type::List {
                item: &Type::Object(&INGRESS_RULE),
                what: "an ingress rule",
            },
            presence: Presence::Optional,
            doc: "Ports the process listens on.",
        },
        Field {
            name: "egress",
            ty: Type::List {
                item: &Type::Checked {
                    pattern: "^\\S+:\\+?[0-9]+$",
                },
                what: "an egress target",
            },
            presence: Presence::Optional,
            doc: "Where the process may connect, as `host:port`, e.g. `api.openai.com:443`.",
        },
    ],
};

const INGRESS_RULE: Object = Object {
    name: "IngressRule",
    what: "an ingress rule",
    doc: "One port a process listens on.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "port",
            ty: Type::Port,
            presence: Presence::Required,
            doc: "The port, 1-65535.",
        },
        Field {
            name: "protocol",
            ty: Type::Choice(Protocol::NAMES),
            presence: Presence::Default(Default::Name("tcp")),
            doc: "The protocol.",
        },
    ],
};

#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub port: u16,
    pub protocol: Protocol,
}

/// `config`, typed by the binding's `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum BindingConfig {
    Secrets {
        store: SecretStore,
        /// Variable name -> reference to where the secret lives (never the value).
        secrets: Vec<(String, String)>,
    },
    Files {
        mounts: Vec<Mount>,
    },
    Network {
        ingress: Vec<Ingress>,
        egress: Vec<String>,
    },
    /// The config could not be read; the problems have been reported.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub id: Located<String>,
    pub process: Located<String>,
    /// An Environment's id or name.
    pub environment: Located<String>,
    pub binding_type: Located<BindingType>,
    pub config: BindingConfig,
    /// The ids it names: its process and environment.
    pub references: Vec<Reference>,
    pub complete: bool,
}

/// Builds a Binding from its checked fields; the values that need more than their type
/// (mount paths, egress targets) are checked here.
pub fn build(r: &mut Reader, fields: Fields) -> Option<Binding> {
    let anchor = fields.anchor;
    let missing = || Located::new(String::new(), anchor);
    let binding_type = fields.choice::<BindingType>("type");
    let config = match (&binding_type, fields.object("config")) {
        (Some(t), Some(config)) => build_config(r, t.value, config),
        _ => BindingConfig::Invalid,
    };
    Some(Binding {
        id: fields.id("id")?,
        process: fields.id("processId").unwrap_or_else(missing),
        environment: fields.id("environmentId").unwrap_or_else(missing),
        binding_type: binding_type.unwrap_or(Located::new(BindingType::Secrets, anchor)),
        config,
        references: fields.references(),
        complete: r.complete,
    })
}

fn build_config(r: &mut Reader, t: BindingType, config: Fields) -> BindingConfig {
    match t {
        BindingType::Secrets => match config.choice::<SecretStore>("store") {
            Some(store) => BindingConfig::Secrets {
                store: store.value,
                secrets: config.secret_refs("secrets"),
            },
            None => BindingConfig::Invalid,
        },
        BindingType::Files if config.entry("mounts").is_none() => BindingConfig::Invalid,
        BindingType::Files => BindingConfig::Files {
            mounts: config
                .objects("mounts")
                .into_iter()
                .filter_map(|mount| build_mount(r, mount))
                .collect(),
        },
        BindingType::Network => BindingConfig::Network {
            ingress: config
                .objects("ingress")
                .into_iter()
                .filter_map(|rule| {
                    Some(Ingress {
                        port: rule.port("port")?,
                        protocol: rule.choice("protocol").map_or(Protocol::Tcp, |p| p.value),
                    })
                })
                .collect(),
            egress: config
                .texts("egress")
                .into_iter()
                .filter(|target| check_host_port(r, target))
                .map(|target| target.value)
                .collect(),
        },
    }
}

fn build_mount(r: &mut Reader, mount: Fields) -> Option<Mount> {
    let source = mount.text("source");
    let target = mount.text("target");
    for path in [&source, &target].into_iter().flatten() {
        check_mount_path(r, path);
    }
    Some(Mount {
        source: source?.value,
        target: target?.value,
        read_only: mount.bool("readOnly").unwrap_or(true),
    })
}

/// Mount paths are absolute and never climb with `..`.
fn check_mount_path(r: &mut Reader, path: &Located<String>) {
    let help = "write an absolute path such as `/srv/data` without `..`";
    if !path.value.starts_with('/') {
        r.invalid_value(
            path.span,
            format!("mount path `{}` is not absolute", path.value),
            help,
        );
    } else if path.value.split('/').any(|part| part == "..") {
        r.invalid_value(
            path.span,
            format!("mount path `{}` contains `..`", path.value),
            help,
        );
    }
}

/// Egress targets are `host:port`, the port from 1 to 65535.
fn check_host_port(r: &mut Reader, target: &Located<String>) -> bool {
    let shaped = target.value.rsplit_once(':').filter(|(host, port)| {
        !host.is_empty()
            && !host.contains(char::is_whitespace)
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
    });
    let Some((_, port)) = shaped else {
        r.invalid_value(
            target.span,
            format!("egress target `{}` is not `host:port`", target.value),
            "write a host and a port, e.g. `api.openai.com:443`",
        );
        return false;
    };
    // A port of the right shape but out of range says so, as an ingress port does.
    if !port.parse::<u16>().is_ok_and(|p| p > 0) {
        r.invalid_value(
            target.span,
            format!(
                "egress port {port} in `{}` is out of range 1-65535",
                target.value
            ),
            "use a port from 1 to 65535",
        );
        return false;
    }
    true
}
