//! `kind: Binding`: how a process binds to its environment: secrets, files or network.

use super::read::{Obj, Reader};
use super::{Located, choice};
use crate::load::node::{Node, Value};
use crate::load::source::Span;

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
    pub complete: bool,
}

/// The fields a Binding manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "id",
    "processId",
    "environmentId",
    "type",
    "config",
    "metadata",
];

/// The fields of a secrets binding's `config` (besides `x-` extensions).
pub(crate) const SECRETS_CONFIG_FIELDS: &[&str] = &["store", "secrets"];
/// The fields of a files binding's `config` (besides `x-` extensions).
pub(crate) const FILES_CONFIG_FIELDS: &[&str] = &["mounts"];
/// The fields of a network binding's `config` (besides `x-` extensions).
pub(crate) const NETWORK_CONFIG_FIELDS: &[&str] = &["ingress", "egress"];
/// The fields of one of `mounts` (besides `x-` extensions).
pub(crate) const MOUNT_FIELDS: &[&str] = &["source", "target", "readOnly"];
/// The fields of one of `ingress` (besides `x-` extensions).
pub(crate) const INGRESS_FIELDS: &[&str] = &["port", "protocol"];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<Binding> {
    let obj = r.object(document, anchor, "Binding", FIELDS)?;
    let id = r.req_id(obj, "id");
    let process = r.req_id(obj, "processId");
    let environment = r.req_id(obj, "environmentId");
    let binding_type = r.req_choice::<BindingType>(obj, "type");
    r.opt_any_map(obj, "metadata");
    let config_anchor = obj.entry("config").map_or(anchor, |e| e.key_span);
    let config = match (r.required(obj, "config"), &binding_type) {
        (Some(node), Some(t)) => read_config(r, node, config_anchor, t.value),
        (Some(node), None) => {
            if node.as_map().is_none() {
                r.wrong_type(node, "`config`", "a mapping");
            }
            BindingConfig::Invalid
        }
        (None, _) => BindingConfig::Invalid,
    };
    let missing = || Located::new(String::new(), anchor);
    Some(Binding {
        id: id?,
        process: process.unwrap_or_else(missing),
        environment: environment.unwrap_or_else(missing),
        binding_type: binding_type.unwrap_or(Located::new(BindingType::Secrets, anchor)),
        config,
        complete: r.complete,
    })
}

fn read_config(r: &mut Reader, node: &Node, anchor: Span, t: BindingType) -> BindingConfig {
    let (what, fields): (&str, &[&str]) = match t {
        BindingType::Secrets => ("`config` of a secrets binding", SECRETS_CONFIG_FIELDS),
        BindingType::Files => ("`config` of a files binding", FILES_CONFIG_FIELDS),
        BindingType::Network => ("`config` of a network binding", NETWORK_CONFIG_FIELDS),
    };
    let Some(config) = r.object(node, anchor, what, fields) else {
        return BindingConfig::Invalid;
    };
    match t {
        BindingType::Secrets => read_secrets(r, config),
        BindingType::Files => read_files(r, config),
        BindingType::Network => read_network(r, config),
    }
}

fn read_secrets(r: &mut Reader, config: Obj) -> BindingConfig {
    let store = r.req_choice::<SecretStore>(config, "store");
    let mut secrets = Vec::new();
    if let Some(node) = r.required(config, "secrets") {
        match node.as_map() {
            None => r.wrong_type(
                node,
                "`secrets`",
                "a mapping of variable names to references",
            ),
            Some(entries) => {
                for entry in entries {
                    if !is_env_var_name(&entry.key) {
                        r.invalid_value(
                            entry.key_span,
                            format!("`{}` is not a valid environment variable name", entry.key),
                            "use letters, digits and `_`, starting with a letter or `_`",
                        );
                    }
                    let what = format!("the reference of `{}`", entry.key);
                    if let Some(reference) = r.string(&entry.value, &what) {
                        if reference.value.trim().is_empty() {
                            r.invalid_value(
                                reference.span,
                                format!("the reference of `{}` is empty", entry.key),
                                "name where the secret lives, e.g. `kv/data/app#api-key`",
                            );
                        }
                        secrets.push((entry.key.clone(), reference.value));
                    }
                }
            }
        }
    }
    match store {
        Some(store) => BindingConfig::Secrets {
            store: store.value,
            secrets,
        },
        None => BindingConfig::Invalid,
    }
}

/// [`is_env_var_name`] as a regular expression, for the JSON Schema (a test checks they agree).
pub(crate) const ENV_VAR_NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";

pub(crate) fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_files(r: &mut Reader, config: Obj) -> BindingConfig {
    let Some(node) = r.required(config, "mounts") else {
        return BindingConfig::Invalid;
    };
    let anchor = config.entry("mounts").map_or(config.anchor, |e| e.key_span);
    let mounts = r.list(node, "`mounts`", |r, item| {
        let mount = r.object(item, anchor, "a mount", MOUNT_FIELDS)?;
        let source = r.req_string(mount, "source");
        let target = r.req_string(mount, "target");
        let read_only = r.opt_bool(mount, "readOnly").unwrap_or(true);
        for path in [&source, &target].into_iter().flatten() {
            check_mount_path(r, path);
        }
        Some(Mount {
            source: source?.value,
            target: target?.value,
            read_only,
        })
    });
    BindingConfig::Files { mounts }
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

fn read_network(r: &mut Reader, config: Obj) -> BindingConfig {
    let anchor = config
        .entry("ingress")
        .map_or(config.anchor, |e| e.key_span);
    let ingress = match r.optional(config, "ingress") {
        Some(node) => r.list(node, "`ingress`", |r, item| {
            let rule = r.object(item, anchor, "an ingress rule", INGRESS_FIELDS)?;
            let port = r.required(rule, "port").and_then(|n| read_port(r, n));
            let protocol = r.opt_choice::<Protocol>(rule, "protocol");
            Some(Ingress {
                port: port?,
                protocol: protocol.map_or(Protocol::Tcp, |p| p.value),
            })
        }),
        None => Vec::new(),
    };
    let egress = match r.optional(config, "egress") {
        Some(node) => r.list(node, "`egress`", |r, item| {
            let target = r.string(item, "an egress target")?;
            check_host_port(r, &target).then_some(target.value)
        }),
        None => Vec::new(),
    };
    BindingConfig::Network { ingress, egress }
}

fn read_port(r: &mut Reader, node: &Node) -> Option<u16> {
    let port = match &node.value {
        Value::Int(port) => *port,
        Value::BigInt(digits) => {
            let message = format!("port {digits} is out of range 1-65535");
            r.invalid_value(node.span, message, "use a port from 1 to 65535");
            return None;
        }
        _ => {
            r.wrong_type(node, "`port`", "an integer from 1 to 65535");
            return None;
        }
    };
    match u16::try_from(port) {
        Ok(port) if port > 0 => Some(port),
        _ => {
            r.invalid_value(
                node.span,
                format!("port {port} is out of range 1-65535"),
                "use a port from 1 to 65535",
            );
            None
        }
    }
}

/// Egress targets are `host:port`.
fn check_host_port(r: &mut Reader, target: &Located<String>) -> bool {
    let valid = target.value.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !host.contains(char::is_whitespace)
            && port.parse::<u16>().is_ok_and(|p| p > 0)
    });
    if !valid {
        r.invalid_value(
            target.span,
            format!("egress target `{}` is not `host:port`", target.value),
            "write a host and a port, e.g. `api.openai.com:443`",
        );
    }
    valid
}
