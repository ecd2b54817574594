//! `kind: Provider`: something that serves capabilities, hosted or backed by a Process.

use super::Located;
use super::describe::{
    API_VERSION_FIELD, CAPABILITIES, FREE_METADATA, Field, Object, Presence, Ref, Rest, Type,
    kind_field,
};
use super::health::HealthCheck;
use super::kind::Kind;
use super::process::PLATFORM_REF;
use super::read::{Fields, Reader, Reference};
use crate::secrets;

pub const OBJECT: Object = Object {
    name: "Provider",
    what: "Provider",
    doc: "Something that serves capabilities: hosted (no `process`, always eligible) or backed \
          by a Process (eligible while it runs).",
    rest: Rest::Closed,
    fields: &[
        API_VERSION_FIELD,
        kind_field("This manifest is a Provider."),
        Field {
            name: "id",
            ty: Type::Id,
            presence: Presence::Required,
            doc: "The provider's id, unique among Providers.",
        },
        Field {
            name: "name",
            ty: Type::Text,
            presence: Presence::Optional,
            doc: "A display name.",
        },
        Field {
            name: "platform",
            ty: Type::Ref(PLATFORM_REF),
            presence: Presence::Required,
            doc: "The platform it runs on: a built-in one or the id of a Platform manifest.",
        },
        Field {
            name: "process",
            ty: Type::Ref(Ref {
                to: Kind::Process,
                help: "define a Process with this id, or remove `process` for a hosted provider",
            }),
            presence: Presence::Optional,
            doc: "The Process that implements it. Without one, the provider is hosted and \
                  always eligible.",
        },
        Field {
            name: "endpoint",
            ty: ENDPOINT,
            presence: Presence::Optional,
            doc: "Where to reach it: an http(s) URL.",
        },
        Field {
            name: "capabilities",
            ty: CAPABILITIES,
            presence: Presence::Optional,
            doc: "Capabilities it serves: lowercase dotted names such as `code.generation`.",
        },
        super::health::HEALTH_FIELD,
        FREE_METADATA,
    ],
};

/// An endpoint, as Providers and Processes write it.
pub const ENDPOINT: Type = Type::Checked {
    pattern: "^https?://[^/?#\\s]+([/?#]|$)",
};

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: Located<String>,
    pub name: Option<String>,
    /// A Platform id.
    pub platform: Located<String>,
    /// The Process that implements this provider, if any.
    pub process: Option<Located<String>>,
    pub endpoint: Option<String>,
    pub health: Option<HealthCheck>,
    pub capabilities: Vec<Located<String>>,
    /// The ids it names: its platform, and its process if it has one.
    pub references: Vec<Reference>,
    pub complete: bool,
}

/// Builds a Provider from its checked fields; the endpoint is checked here.
pub fn build(r: &mut Reader, fields: Fields) -> Option<Provider> {
    let endpoint = endpoint(r, &fields);
    Some(Provider {
        id: fields.id("id")?,
        name: fields.text("name").map(|n| n.value),
        platform: fields
            .id("platform")
            .unwrap_or_else(|| Located::new(String::new(), fields.anchor)),
        process: fields.id("process"),
        endpoint,
        health: super::health::build(r, &fields),
        capabilities: fields.capabilities("capabilities"),
        references: fields.references(),
        complete: r.complete,
    })
}

/// `endpoint` (of a Provider or a Process), checked, its credentials hidden.
pub fn endpoint(r: &mut Reader, fields: &Fields) -> Option<String> {
    let mut endpoint = fields.text("endpoint");
    if let Some(url) = &mut endpoint {
        // Credentials in a URL are literal secrets: reported, and never shown, not even in
        // the message that says the endpoint is not a URL (so they are hidden first).
        if let Some(redacted) = secrets::redact_url(&url.value) {
            r.literal_secret(
                url.span,
                "`endpoint` holds a credential (a password, a token or a secret-looking \
                 parameter)"
                    .to_string(),
            );
            url.value = redacted;
        }
        check_url(r, url);
    }
    endpoint.map(|e| e.value)
}

/// An endpoint is an absolute http(s) URL with a host. `url` has its credentials hidden
/// already: the message quotes it.
fn check_url(r: &mut Reader, url: &Located<String>) {
    let rest = url
        .value
        .strip_prefix("https://")
        .or_else(|| url.value.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.contains(char::is_whitespace)
    });
    if !host_ok {
        r.invalid_value(
            url.span,
            format!("`endpoint` `{}` is not an http(s) URL", url.value),
            "write a URL such as `https://api.example.com/v1`",
        );
    }
}
