//! The kinds of manifest: one enumeration, used by the reader (dispatch on `kind`), the JSON
//! Schema, the link stage (what a reference names), explain, and the CLI (`schema --kind`).

use super::describe::Object;
use super::{
    binding, capability_map, choice, environment, platform, policy, process, provider, settings,
};

choice! {
    /// What a manifest describes, by the name written in `kind`. The order is the order of
    /// explanations and of the JSON Schema.
    pub enum Kind {
        Process = "Process",
        Environment = "Environment",
        Binding = "Binding",
        Provider = "Provider",
        CapabilityMap = "CapabilityMap",
        Platform = "Platform",
        Policy = "Policy",
        Settings = "Settings",
    }
}

impl Kind {
    /// Its description: fields, types, docs.
    pub fn object(self) -> &'static Object {
        match self {
            Kind::Process => &process::OBJECT,
            Kind::Environment => &environment::OBJECT,
            Kind::Binding => &binding::OBJECT,
            Kind::Provider => &provider::OBJECT,
            Kind::CapabilityMap => &capability_map::OBJECT,
            Kind::Platform => &platform::OBJECT,
            Kind::Policy => &policy::OBJECT,
            Kind::Settings => &settings::OBJECT,
        }
    }

    /// Whether its manifests have an `id` that others can name.
    pub fn has_id(self) -> bool {
        self.object().field("id").is_some()
    }

    /// The kinds whose manifests have an id, in order.
    pub fn with_ids() -> impl Iterator<Item = Kind> {
        <Kind as super::Choice>::VALUES
            .iter()
            .copied()
            .filter(|k| k.has_id())
    }
}
