//! A2A (Agent2Agent protocol) agent cards: how a process introduces itself to other agents.
//! `serve` serves them at `/v1/agents/{id}/agent-card.json`; `export a2a DIR` writes them
//! as files for static hosting.
//!
//! The shape follows the A2A specification 1.0, `AgentCard` in `specification/a2a.proto`
//! (github.com/a2aproject/A2A, package `lf.a2a.v1`), in its JSON form (field names in
//! lowerCamelCase): `name`, `description`, `supportedInterfaces` (`url`, `protocolBinding`,
//! `protocolVersion`), `version`, `capabilities` (`streaming`, `pushNotifications`),
//! `defaultInputModes`, `defaultOutputModes` and `skills` (`id`, `name`, `description`,
//! `tags`). Since 1.0 the card has no top-level `url`, `protocolVersion` or
//! `preferredTransport` (0.3's): each interface carries its URL and protocol version. The
//! optional `provider` (an organization and its URL) is left out: the tree does not say it.
//!
//! A card is built from ids, names and capabilities only: never an env value, a binding or
//! a label, and an endpoint's credentials are removed, not just masked.

use serde::Serialize;

use crate::link::Linked;
use crate::model::Process;
use crate::secrets;

/// The A2A protocol version the cards follow.
pub const PROTOCOL_VERSION: &str = "1.0";

/// What a card says the agent takes and gives: oslinker knows nothing finer.
pub const MODES: &[&str] = &["application/json"];

/// `version` when the process declares none (`metadata.version`). Its
/// `runtimeContext.version` (`nodejs-20.x`) is the runtime's, not the agent's.
pub const UNVERSIONED: &str = "unversioned";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentCard {
    pub name: String,
    pub description: String,
    /// The first is preferred.
    pub supported_interfaces: Vec<AgentInterface>,
    pub version: String,
    pub capabilities: AgentCapabilities,
    pub default_input_modes: Vec<String>,
    pub default_output_modes: Vec<String>,
    pub skills: Vec<AgentSkill>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentInterface {
    pub url: String,
    /// `JSONRPC`, `GRPC` or `HTTP+JSON` (the spec's core bindings).
    pub protocol_binding: String,
    pub protocol_version: String,
}

/// What the agent supports of the protocol. oslinker cannot know: both are `false`, said
/// outright rather than left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentCapabilities {
    pub streaming: bool,
    pub push_notifications: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentSkill {
    /// The capability, e.g. `code.generation`.
    pub id: String,
    /// The capability for people: `Code generation`.
    pub name: String,
    pub description: String,
    /// The capability's dotted segments: `["code", "generation"]`.
    pub tags: Vec<String>,
}

/// The card of the process `process_id`; `None` when the tree has no such process.
///
/// Its interface is its own endpoint (or that of the first Provider, by id, that it backs
/// and that has one), credentials removed, as `JSONRPC` (A2A's usual binding: the tree does
/// not say which it speaks). With neither, it is `base_url` + `/v1/agents/{id}` (where
/// `serve` describes it), as `HTTP+JSON`.
pub fn card(linked: &Linked, process_id: &str, base_url: &str) -> Option<AgentCard> {
    let process = linked.processes.get(process_id)?;
    let backed: Vec<_> = (linked.providers.values())
        .filter(|p| p.process.as_ref().is_some_and(|id| id.value == process_id))
        .collect();
    let endpoint = (process.endpoint.iter())
        .chain(backed.iter().filter_map(|p| p.endpoint.as_ref()))
        .find_map(|e| public_url(e));
    let interface = match endpoint {
        Some(url) => interface(url, "JSONRPC"),
        None => interface(served_at(base_url, process_id), "HTTP+JSON"),
    };
    let mut capabilities: Vec<&str> = Vec::new();
    let all = (process.capabilities.iter()).chain(backed.iter().flat_map(|p| &p.capabilities));
    for capability in all {
        if !capabilities.contains(&capability.value.as_str()) {
            capabilities.push(&capability.value);
        }
    }
    Some(AgentCard {
        name: display_name(process),
        description: description(linked, process),
        supported_interfaces: vec![interface],
        version: (process.version.clone()).unwrap_or_else(|| UNVERSIONED.to_string()),
        capabilities: AgentCapabilities {
            streaming: false,
            push_notifications: false,
        },
        default_input_modes: modes(),
        default_output_modes: modes(),
        skills: capabilities.into_iter().map(skill).collect(),
    })
}

/// Every process's card (only those running in `environment`, when given), by process id in
/// id order.
pub fn cards<'l>(
    linked: &'l Linked,
    environment: Option<&str>,
    base_url: &str,
) -> Vec<(&'l str, AgentCard)> {
    (linked.processes.keys())
        .filter(|id| environment.is_none_or(|env| linked.environment_of(id) == Some(env)))
        .filter_map(|id| Some((id.as_str(), card(linked, id, base_url)?)))
        .collect()
}

/// Where `serve` at `base_url` describes the process.
pub fn served_at(base_url: &str, process_id: &str) -> String {
    format!("{}/v1/agents/{process_id}", base_url.trim_end_matches('/'))
}

fn interface(url: String, binding: &str) -> AgentInterface {
    AgentInterface {
        url,
        protocol_binding: binding.to_string(),
        protocol_version: PROTOCOL_VERSION.to_string(),
    }
}

fn modes() -> Vec<String> {
    MODES.iter().map(|m| m.to_string()).collect()
}

fn display_name(process: &Process) -> String {
    if process.name.trim().is_empty() {
        process.id.value.clone()
    } else {
        process.name.clone()
    }
}

/// `Support Triage Assistant: an agent on openai-agents, in production.`: the process's type,
/// platform and environment, which are ids the tree defines.
fn description(linked: &Linked, process: &Process) -> String {
    let kind = process.process_type.as_str();
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let mut text = format!(
        "{}: {article} {kind} on {}",
        display_name(process),
        process.platform.value
    );
    if let Some(environment) = linked.environment_of(&process.id.value) {
        text += &format!(", in {environment}");
    }
    text.push('.');
    text
}

fn skill(capability: &str) -> AgentSkill {
    AgentSkill {
        id: capability.to_string(),
        name: humanised(capability),
        description: format!("Serves the `{capability}` capability."),
        tags: capability.split('.').map(str::to_string).collect(),
    }
}

/// `code.generation` -> `Code generation`; `data-analysis_v2` -> `Data analysis v2`.
pub fn humanised(capability: &str) -> String {
    let words = capability.replace(['.', '-', '_'], " ");
    let mut chars = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = chars.get(..1) {
        let upper = first.to_ascii_uppercase();
        chars.replace_range(..1, &upper);
    }
    chars
}

/// The endpoint as a card may show it: no user or password, no parameter whose name looks
/// secret or whose value was hidden, no fragment. `None` when it is not a URL.
///
/// The model already masks credentials (`<redacted>`); a card must not carry the mask
/// either: the URL has to work as it is.
fn public_url(endpoint: &str) -> Option<String> {
    let mut url = url::Url::parse(endpoint).ok()?;
    if url.cannot_be_a_base() {
        return None;
    }
    // Neither fails on a URL with a host, which a base URL has.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = (url.query_pairs())
            .filter(|(name, value)| !secrets::looks_secret(name) && value != secrets::REDACTED)
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanised_names() {
        assert_eq!(humanised("code.generation"), "Code generation");
        assert_eq!(humanised("data-analysis_v2"), "Data analysis v2");
        assert_eq!(humanised("x"), "X");
        assert_eq!(humanised(""), "");
    }

    #[test]
    fn public_urls_lose_credentials_masks_and_fragments() {
        let cases = [
            (
                "https://agents.example.com/a2a",
                "https://agents.example.com/a2a",
            ),
            (
                "https://<redacted>@agents.example.com/a2a",
                "https://agents.example.com/a2a",
            ),
            (
                "https://bot:<redacted>@agents.example.com:8443/a2a",
                "https://agents.example.com:8443/a2a",
            ),
            (
                "https://h.example/a2a?region=eu&api_key=<redacted>#access_token=<redacted>",
                "https://h.example/a2a?region=eu",
            ),
            // Even a value the model did not mask, under a secret-looking name.
            ("https://h.example/?token=abc123", "https://h.example/"),
        ];
        for (endpoint, shown) in cases {
            assert_eq!(public_url(endpoint).as_deref(), Some(shown), "{endpoint}");
        }
        assert_eq!(public_url("not a url"), None);
        assert_eq!(public_url("mailto:a@b.example"), None);
    }

    #[test]
    fn served_at_joins_without_doubling_slashes() {
        assert_eq!(
            served_at("http://127.0.0.1:7878/", "coder"),
            "http://127.0.0.1:7878/v1/agents/coder"
        );
    }
}
