//! `kind: CapabilityMap`: capability -> ordered providers, most preferred first.

use super::Located;
use super::read::Reader;
use crate::load::node::Node;
use crate::load::source::Span;

#[derive(Debug, Clone)]
pub struct Mapping {
    pub capability: Located<String>,
    /// Provider or Process ids, most preferred first.
    pub providers: Vec<Located<String>>,
}

#[derive(Debug, Clone)]
pub struct CapabilityMap {
    pub mappings: Vec<Mapping>,
}

/// The fields a CapabilityMap manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &["apiVersion", "kind", "mappings", "metadata"];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<CapabilityMap> {
    let obj = r.object(document, anchor, "CapabilityMap", FIELDS)?;
    r.opt_any_map(obj, "metadata");
    let node = r.required(obj, "mappings")?;
    let Some(entries) = node.as_map() else {
        r.wrong_type(
            node,
            "`mappings`",
            "a mapping of capability to provider ids",
        );
        return None;
    };
    let mut mappings = Vec::new();
    for entry in entries {
        let key = Node {
            value: crate::load::node::Value::String(entry.key.clone()),
            span: entry.key_span,
        };
        let capability = r.capability(&key, "a mapped capability");
        let what = format!("the providers of `{}`", entry.key);
        let providers = r.list(&entry.value, &what, |r, n| r.id(n, "a provider id"));
        if let Some(capability) = capability {
            mappings.push(Mapping {
                capability,
                providers,
            });
        }
    }
    Some(CapabilityMap { mappings })
}
