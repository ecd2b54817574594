//! The one diagnostic type every stage produces. Stages collect diagnostics and never stop at
//! the first problem; the reporters in `report` turn the collected list into each format.

use crate::source::{FileId, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Stable diagnostic codes. People search for them and CI scripts filter on them:
/// never renumber one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // Files and syntax.
    Syntax,
    UnreadableFile,
    NotText,
    LimitExceeded,
    NoManifests,
    SymlinkLoop,
    // Schema: the shape of one document.
    MissingKind,
    UnknownKind,
    BadApiVersion,
    UnknownField,
    MissingField,
    WrongType,
    InvalidEnumValue,
    InvalidId,
    InvalidCapability,
    InvalidValue,
    DuplicateKey,
    SecretValue,
    InvalidPolicyRule,
    PolicyRuleFailedToRun,
    // Links between documents.
    DuplicateId,
    UnknownProcess,
    UnknownEnvironment,
    UnknownPlatform,
    UnknownProvider,
    BindingTypeNotSupported,
    VersionMismatch,
    CapabilityConflict,
    UnservedRequirement,
    // Routes that work.
    MappedCapabilityUnserved,
    CriticalRequirementUnresolved,
    PlatformMismatch,
    SelfLink,
    QuotaExceeded,
    IsolationNotAvailable,
    IsolationBelowMinimum,
    UnknownHeaderSecret,
    // A tree's own rules (`kind: Policy`).
    PolicyRule,
    // Warnings.
    RequirementNotRunning,
    BindingEnvironmentMismatch,
    LiteralSecret,
    FirstChoiceDown,
    UnusedSuppression,
    ReplicasOnSelfScalingPlatform,
}

impl Code {
    /// Every code, in the order of their ids (the README's table, SARIF's rules).
    pub const ALL: [Code; 44] = [
        Code::Syntax,
        Code::UnreadableFile,
        Code::NotText,
        Code::LimitExceeded,
        Code::NoManifests,
        Code::SymlinkLoop,
        Code::MissingKind,
        Code::UnknownKind,
        Code::BadApiVersion,
        Code::UnknownField,
        Code::MissingField,
        Code::WrongType,
        Code::InvalidEnumValue,
        Code::InvalidId,
        Code::InvalidCapability,
        Code::InvalidValue,
        Code::DuplicateKey,
        Code::SecretValue,
        Code::InvalidPolicyRule,
        Code::PolicyRuleFailedToRun,
        Code::DuplicateId,
        Code::UnknownProcess,
        Code::UnknownEnvironment,
        Code::UnknownPlatform,
        Code::UnknownProvider,
        Code::BindingTypeNotSupported,
        Code::VersionMismatch,
        Code::CapabilityConflict,
        Code::UnservedRequirement,
        Code::MappedCapabilityUnserved,
        Code::CriticalRequirementUnresolved,
        Code::PlatformMismatch,
        Code::SelfLink,
        Code::QuotaExceeded,
        Code::IsolationNotAvailable,
        Code::IsolationBelowMinimum,
        Code::UnknownHeaderSecret,
        Code::PolicyRule,
        Code::RequirementNotRunning,
        Code::BindingEnvironmentMismatch,
        Code::LiteralSecret,
        Code::FirstChoiceDown,
        Code::UnusedSuppression,
        Code::ReplicasOnSelfScalingPlatform,
    ];

    /// The stable code, e.g. `E0202`.
    pub fn id(self) -> &'static str {
        self.info().0
    }

    /// A short kebab-case name, e.g. `unknown-process`.
    pub fn name(self) -> &'static str {
        self.info().1
    }

    /// One line saying what the rule checks (used as the SARIF rule description).
    pub fn summary(self) -> &'static str {
        self.info().2
    }

    /// What the rule checks, in full: the "what" column of the README's table of codes
    /// (a test keeps the two the same), used as the SARIF rule's full description and help.
    pub fn description(self) -> &'static str {
        self.info().3
    }

    /// Whether `Settings` may change its level and `metadata.suppress` may silence it: the
    /// link-level codes (E02xx, W03xx), not the file, syntax and schema ones.
    pub fn configurable(self) -> bool {
        let id = self.id();
        id.starts_with("E02") || id.starts_with("W03")
    }

    /// The code with this id (`E0209`) or name (`unserved-requirement`).
    pub fn find(written: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.id().eq_ignore_ascii_case(written) || c.name() == written)
    }

    pub fn severity(self) -> Severity {
        if self.id().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Each code's id, name, one-line summary and full description: the one table of codes.
    fn info(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Code::Syntax => (
                "E0001",
                "syntax",
                "the file is not valid YAML or TOML",
                "the file is not valid YAML or TOML",
            ),
            Code::UnreadableFile => (
                "E0002",
                "unreadable-file",
                "the file could not be read",
                "the file could not be read (permissions, broken link, not a regular file)",
            ),
            Code::NotText => (
                "E0003",
                "not-text",
                "the file is not UTF-8 text",
                "the file is not UTF-8 text",
            ),
            Code::LimitExceeded => (
                "E0004",
                "limit-exceeded",
                "the file is too large, too deeply nested or expands too many aliases",
                "too large, too deeply nested, or too many alias expansions",
            ),
            Code::NoManifests => (
                "E0005",
                "no-manifests",
                "the tree holds no manifests",
                "the tree holds no manifests (reported when no other error already explains it, such as every file failing to parse)",
            ),
            Code::SymlinkLoop => (
                "E0006",
                "symlink-loop",
                "a symbolic link loops back",
                "a symbolic link loops back (with `--follow-links`)",
            ),
            Code::MissingKind => (
                "E0101",
                "missing-kind",
                "a manifest has no `kind`",
                "a manifest has no `kind`",
            ),
            Code::UnknownKind => (
                "E0102",
                "unknown-kind",
                "a manifest's `kind` is not known",
                "`kind` is not one of the seven kinds (with a suggestion)",
            ),
            Code::BadApiVersion => (
                "E0103",
                "bad-api-version",
                "`apiVersion` is not `oslinker/v1`",
                "`apiVersion` is not `oslinker/v1`",
            ),
            Code::UnknownField => (
                "E0104",
                "unknown-field",
                "a field is not known",
                "a field is not known (with a suggestion)",
            ),
            Code::MissingField => (
                "E0105",
                "missing-field",
                "a required field is missing",
                "a required field is missing",
            ),
            Code::WrongType => (
                "E0106",
                "wrong-type",
                "a value has the wrong type",
                "a value has the wrong type",
            ),
            Code::InvalidEnumValue => (
                "E0107",
                "invalid-enum-value",
                "a value is not one of the allowed ones",
                "a value is not one of the allowed ones (listed)",
            ),
            Code::InvalidId => (
                "E0108",
                "invalid-id",
                "an id has invalid syntax",
                "an id has invalid syntax",
            ),
            Code::InvalidCapability => (
                "E0109",
                "invalid-capability",
                "a capability name has invalid syntax",
                "a capability name has invalid syntax",
            ),
            Code::InvalidValue => (
                "E0110",
                "invalid-value",
                "a value is out of its range",
                "out of range or malformed: port, mount path, egress target, endpoint URL, version pattern, variable name",
            ),
            Code::DuplicateKey => (
                "E0111",
                "duplicate-key",
                "a mapping has the same key twice",
                "a YAML mapping or JSON object has the same key twice (TOML: a parse error, E0001)",
            ),
            Code::SecretValue => (
                "E0112",
                "secret-value",
                "a value holds a recognised secret: a known token format or a URL password",
                "a value holds a recognised secret, wherever it sits (any field, label or key): a token of a known format (OpenAI, Anthropic, GitHub, GitLab, AWS, Google, Slack, Stripe and others, a JSON Web Token, a PEM private key), a password in a URL or a token as a URL's user; it is never shown (`<redacted>`)",
            ),
            Code::InvalidPolicyRule => (
                "E0113",
                "invalid-policy-rule",
                "a Policy rule's expression or message does not compile",
                "a Policy rule's CEL `expression`, or an expression inside its `message`, does not compile (with where and why)",
            ),
            Code::PolicyRuleFailedToRun => (
                "E0114",
                "policy-rule-failed-to-run",
                "a Policy rule could not judge a manifest",
                "a Policy rule's expression failed on a manifest (an unknown field, a wrong type) or gave no boolean; reported at the rule, with the manifest",
            ),
            Code::DuplicateId => (
                "E0201",
                "duplicate-id",
                "two manifests of a kind share an id",
                "two manifests of a kind share an id (both places)",
            ),
            Code::UnknownProcess => (
                "E0202",
                "unknown-process",
                "a process id is not defined",
                "a binding's `processId` or a provider's `process` names no Process",
            ),
            Code::UnknownEnvironment => (
                "E0203",
                "unknown-environment",
                "an environment is not defined",
                "a process's or binding's environment is not defined",
            ),
            Code::UnknownPlatform => (
                "E0204",
                "unknown-platform",
                "a platform is not defined",
                "a process's or provider's platform is not defined",
            ),
            Code::UnknownProvider => (
                "E0205",
                "unknown-provider",
                "a provider is not defined",
                "a capability map names no Provider or Process",
            ),
            Code::BindingTypeNotSupported => (
                "E0206",
                "binding-type-not-supported",
                "the process's platform (or one of its `runtimeContext.alternatives`) cannot have this binding type",
                "the process's platform (or one of its `runtimeContext.alternatives`) cannot have this binding type",
            ),
            Code::VersionMismatch => (
                "E0207",
                "version-mismatch",
                "the runtime version does not fit the platform",
                "`runtimeContext.version` does not match the platform's pattern",
            ),
            Code::CapabilityConflict => (
                "E0208",
                "capability-conflict",
                "a capability is mapped in two capability maps that apply to the same environment",
                "a capability is mapped in two capability maps that apply to the same environment (both places)",
            ),
            Code::UnservedRequirement => (
                "E0209",
                "unserved-requirement",
                "no provider can serve a required capability",
                "a `requires` capability that no provider serves",
            ),
            Code::PolicyRule => (
                "E0300",
                "policy-rule",
                "a rule of the tree's own Policy does not hold",
                "a rule of a `kind: Policy` manifest does not hold for a manifest; shown with the rule's own code, `<policy id>/<rule id>`, and the rule's severity",
            ),
            Code::RequirementNotRunning => (
                "W0301",
                "requirement-not-running",
                "only providers that are not running (here) serve a required capability",
                "a `requires` capability whose providers are all not running, or not in the process's environment",
            ),
            Code::BindingEnvironmentMismatch => (
                "W0302",
                "binding-environment-mismatch",
                "a binding is for an environment its process does not run in",
                "a binding for an environment its process does not run in",
            ),
            Code::LiteralSecret => (
                "W0303",
                "literal-secret",
                "a literal value under a secret-looking variable or label name, or a credential in an endpoint",
                "a literal value under a secret-looking variable or label name (or another variable repeating it), or a credential in a URL (a provider `endpoint`, an env value or a label: a password or a secret-looking parameter); it is never shown (`<redacted>`)",
            ),
            Code::MappedCapabilityUnserved => (
                "E0210",
                "mapped-capability-unserved",
                "a required capability is mapped, but none of its providers is eligible in the process's environment",
                "a `requires` capability routed by a capability map whose candidates are all stopped, in error, or in another environment (in an environment that is not critical)",
            ),
            Code::CriticalRequirementUnresolved => (
                "E0211",
                "critical-requirement-unresolved",
                "a required capability has no eligible provider in a critical environment",
                "a `requires` capability with candidates, none of them eligible, in a critical environment (`critical: true`; production by default)",
            ),
            Code::PlatformMismatch => (
                "E0212",
                "platform-mismatch",
                "a provider's platform differs from its backing process's",
                "a Provider whose `platform` is not the platform of the Process behind it (`process`)",
            ),
            Code::SelfLink => (
                "E0213",
                "self-link",
                "a process requires a capability it would serve to itself",
                "a `requires` capability whose chosen provider is the process itself (or a Provider it backs)",
            ),
            Code::QuotaExceeded => (
                "E0214",
                "quota-exceeded",
                "an environment's processes together need more than its quota",
                "an Environment whose `quota` (cpu, memory or gpu) is less than the sum, over its processes, of `resources` times `replicas.max`; each process that counts is listed",
            ),
            Code::IsolationNotAvailable => (
                "E0215",
                "isolation-not-available",
                "a process asks for an isolation level its platform cannot give",
                "a Process whose `isolation` is not among the levels its platform (or one of its `runtimeContext.alternatives`) can give",
            ),
            Code::IsolationBelowMinimum => (
                "E0216",
                "isolation-below-minimum",
                "a process's isolation is weaker than its environment's minimum",
                "a Process whose `isolation` is weaker than its Environment's `minimumIsolation`, or that has none when the environment sets one",
            ),
            Code::UnknownHeaderSecret => (
                "E0217",
                "unknown-header-secret",
                "a health check's header references a variable no secrets binding of its process has",
                "a `health.http.headers` value whose `${VAR}` is not a variable of a `secrets` Binding of its Process (for a Provider, of its backing process) in that process's environment",
            ),
            Code::FirstChoiceDown => (
                "W0304",
                "first-choice-down",
                "a process in `error` or `stopped` is the first choice of a route that falls through to another candidate",
                "a Process in `error` or `stopped` (or a Provider it backs) ranked first for a capability a process requires, which falls through to a later candidate",
            ),
            Code::UnusedSuppression => (
                "W0305",
                "unused-suppression",
                "a `metadata.suppress` entry silences nothing",
                "a `metadata.suppress` entry that silences no finding in its manifest",
            ),
            Code::ReplicasOnSelfScalingPlatform => (
                "W0306",
                "replicas-on-self-scaling-platform",
                "a process declares `replicas` on a platform that scales by itself",
                "a Process with `replicas` on a platform that scales its processes by itself (`scales: true`, such as `openai-agents`): the platform decides, not the manifest",
            ),
        }
    }
}

/// A second place involved in a problem (the first definition of a duplicate, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The file the problem is in (for tree-level problems, the root folder).
    pub file: FileId,
    /// The offending key or value; `None` for whole-file problems such as an unreadable file.
    pub span: Option<Span>,
    /// A short text for the snippet label.
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// The environment (id) the finding is about, when a link check knows it: what
    /// per-environment lint levels in `Settings` go by.
    pub environment: Option<String>,
    /// For a Policy rule's finding (`Code::PolicyRule`): its code, `<policy id>/<rule id>`.
    pub rule: Option<String>,
}

impl Diagnostic {
    /// Points the diagnostic and all its places at `file` (for problems found in one file
    /// loaded on its own).
    pub fn set_file(&mut self, file: FileId) {
        self.file = file;
        if let Some(span) = &mut self.span {
            span.file = file;
        }
        for related in &mut self.related {
            related.span.file = file;
        }
    }

    /// A diagnostic at a span, with the code's own severity.
    pub fn at(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file: span.file,
            span: Some(span),
            label: None,
            help: None,
            related: Vec::new(),
            environment: None,
            rule: None,
        }
    }

    /// A diagnostic about a whole file.
    pub fn in_file(code: Code, file: FileId, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            file,
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
            environment: None,
            rule: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    pub fn in_environment(mut self, environment: Option<&str>) -> Self {
        self.environment = environment.map(str::to_string);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The code shown: a Policy rule's own (`team/owner-label`), else the stable one (`E0202`).
    pub fn code_id(&self) -> &str {
        self.rule.as_deref().unwrap_or(self.code.id())
    }

    /// The code's name, shown beside it (`unknown-process`, `policy-rule`).
    pub fn code_name(&self) -> &'static str {
        self.code.name()
    }
}

/// Sort diagnostics by file, position and code so every run prints them in the same order.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.file, a.span.map(|s| (s.start, s.end)), a.code, &a.message).cmp(&(
            b.file,
            b.span.map(|s| (s.start, s.end)),
            b.code,
            &b.message,
        ))
    });
    // Two rules may meet at one place with the same words (a YAML alias repeats its anchor's
    // spans); one report is enough.
    diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let ids: HashSet<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(ids.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn all_lists_every_code_in_declaration_order() {
        // `Code::ReplicasOnSelfScalingPlatform` is declared last: ALL must reach it, in order,
        // with no gap.
        for (index, code) in Code::ALL.iter().enumerate() {
            assert_eq!(*code as usize, index, "{code:?}");
        }
        assert_eq!(
            Code::ALL.len(),
            Code::ReplicasOnSelfScalingPlatform as usize + 1
        );
    }

    /// The README's table of codes is the same data as [`Code`]: one row per code, in order,
    /// with its name, severity and description.
    #[test]
    fn the_readme_table_of_codes_matches_the_codes() {
        let readme = include_str!("../README.md");
        let rows: Vec<&str> = readme
            .lines()
            .filter(|l| l.starts_with("| E0") || l.starts_with("| W0"))
            .collect();
        let expected: Vec<String> = Code::ALL
            .iter()
            .map(|c| {
                let severity = c.severity().as_str();
                format!(
                    "| {} | {} | {severity} | {} |",
                    c.id(),
                    c.name(),
                    c.description()
                )
            })
            .collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn warnings_are_the_w_codes() {
        assert_eq!(Code::LiteralSecret.severity(), Severity::Warning);
        assert_eq!(Code::DuplicateId.severity(), Severity::Error);
    }
}
