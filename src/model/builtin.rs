//! The environments and platforms every tree has, unless it defines the same id itself.

use super::binding::BindingType::{self, Files, Network, Secrets};
use super::platform::anchored;
use super::resources::Isolation::{self, Container, None as Unisolated, Process, Vm, Wasm};
use super::{Environment, Located, Platform, environment};
use crate::source::Span;

/// (id, name) of the built-in environments.
pub const ENVIRONMENTS: [(&str, &str); 3] = [
    ("env-development", "development"),
    ("env-staging", "staging"),
    ("env-production", "production"),
];

/// A built-in platform: id, display name, version pattern, binding types.
pub struct BuiltinPlatform {
    pub id: &'static str,
    pub name: &'static str,
    pub version_pattern: Option<&'static str>,
    pub binding_types: &'static [BindingType],
    /// The isolation levels it can give a process.
    pub isolation: &'static [Isolation],
    /// It scales processes by itself (`replicas` there is W0306).
    pub scales: bool,
}

/// Hosted platforms run the agent for you: no files to mount, in their own containers, scaled
/// by them. IDE agents work on local files, as local processes. IDE agents work on local files
/// and take no inbound traffic. Runtimes you run yourself can have all three.
pub const PLATFORMS: [BuiltinPlatform; 9] = [
    BuiltinPlatform {
        id: "openai-agents",
        name: "OpenAI Agents",
        version_pattern: None,
        binding_types: &[Secrets, Network],
        isolation: &[Container],
        scales: true,
    },
    BuiltinPlatform {
        id: "vertex-agent-builder",
        name: "Vertex AI Agent Builder",
        version_pattern: None,
        binding_types: &[Secrets, Network],
        isolation: &[Container],
        scales: true,
    },
    BuiltinPlatform {
        id: "aws-bedrock",
        name: "AWS Bedrock Agents",
        version_pattern: None,
        binding_types: &[Secrets, Network],
        isolation: &[Container],
        scales: true,
    },
    BuiltinPlatform {
        id: "agentforce",
        name: "Salesforce Agentforce",
        version_pattern: None,
        binding_types: &[Secrets, Network],
        isolation: &[Container],
        scales: true,
    },
    BuiltinPlatform {
        id: "cursor",
        name: "Cursor Agents",
        version_pattern: None,
        binding_types: &[Secrets, Files],
        isolation: &[Unisolated, Process],
        scales: false,
    },
    BuiltinPlatform {
        id: "antigravity",
        name: "Antigravity Agents",
        version_pattern: None,
        binding_types: &[Secrets, Files],
        isolation: &[Unisolated, Process],
        scales: false,
    },
    BuiltinPlatform {
        id: "nodejs",
        name: "Node.js",
        version_pattern: Some(r"nodejs-\d+(\.(\d+|x))*"),
        binding_types: &[Secrets, Files, Network],
        isolation: &[Unisolated, Process, Container, Vm],
        scales: false,
    },
    BuiltinPlatform {
        id: "python",
        name: "Python",
        version_pattern: Some(r"python-\d+(\.(\d+|x))*"),
        binding_types: &[Secrets, Files, Network],
        isolation: &[Unisolated, Process, Container, Vm],
        scales: false,
    },
    BuiltinPlatform {
        id: "custom",
        name: "Custom runtime",
        version_pattern: None,
        binding_types: &[Secrets, Files, Network],
        isolation: &[Unisolated, Process, Container, Vm, Wasm],
        scales: false,
    },
];

/// The built-in environments, located at `at` (the tree's root) for diagnostics.
pub fn environments(at: Span) -> Vec<Environment> {
    ENVIRONMENTS
        .iter()
        .map(|(id, name)| Environment {
            id: Located::new(id.to_string(), at),
            name: Located::new(name.to_string(), at),
            env: Vec::new(),
            critical: environment::critical_by_default(id),
            quota: None,
            minimum_isolation: None,
            builtin: true,
        })
        .collect()
}

pub fn platforms(at: Span) -> Vec<Platform> {
    PLATFORMS
        .iter()
        .map(|p| Platform {
            id: Located::new(p.id.to_string(), at),
            name: p.name.to_string(),
            version_pattern: p.version_pattern.map(|pattern| {
                let regex = anchored(pattern).expect("built-in version patterns compile");
                (pattern.to_string(), regex)
            }),
            binding_types: p.binding_types.to_vec(),
            isolation: p.isolation.to_vec(),
            scales: p.scales,
            builtin: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn version_patterns_match_whole_versions() {
        let at = Span::new(FileId(0), 0..0);
        let platforms = platforms(at);
        let nodejs = platforms.iter().find(|p| p.id.value == "nodejs").unwrap();
        let (_, regex) = nodejs.version_pattern.as_ref().unwrap();
        assert!(regex.is_match("nodejs-20.x"));
        assert!(regex.is_match("nodejs-22.4.1"));
        assert!(!regex.is_match("node-20"));
        assert!(!regex.is_match("nodejs-20.x-beta"));
    }
}
