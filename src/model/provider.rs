//! `kind: Provider`: something that serves capabilities, hosted or backed by a Process.

use super::read::Reader;
use super::{Located, names};
use crate::load::node::Node;
use crate::load::source::Span;

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: Located<String>,
    pub name: Option<String>,
    /// A Platform id.
    pub platform: Located<String>,
    /// The Process that implements this provider, if any.
    pub process: Option<Located<String>>,
    pub endpoint: Option<String>,
    pub capabilities: Vec<Located<String>>,
    pub complete: bool,
}

/// The fields a Provider manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "id",
    "name",
    "platform",
    "process",
    "endpoint",
    "capabilities",
    "metadata",
];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<Provider> {
    let obj = r.object(document, anchor, "Provider", FIELDS)?;
    let id = r.req_id(obj, "id");
    let name = r.opt_string(obj, "name").map(|n| n.value);
    let platform = r.req_id(obj, "platform");
    let process = r.opt_id(obj, "process");
    let mut endpoint = r.opt_string(obj, "endpoint");
    if let Some(url) = &mut endpoint {
        check_url(r, url);
        // Credentials in a URL are literal secrets: reported, and never shown.
        if let Some(redacted) = names::redact_url(&url.value) {
            r.literal_secret(
                url.span,
                "`endpoint` holds a credential (a password or a secret-looking query parameter)"
                    .to_string(),
            );
            url.value = redacted;
        }
    }
    let capabilities = r.capabilities(obj, "capabilities");
    r.opt_any_map(obj, "metadata");
    Some(Provider {
        id: id?,
        name,
        platform: platform.unwrap_or_else(|| Located::new(String::new(), anchor)),
        process,
        endpoint: endpoint.map(|e| e.value),
        capabilities,
        complete: r.complete,
    })
}

/// An endpoint is an absolute http(s) URL with a host.
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
