//! `kind: Platform`: an agent platform, what its runtime versions look like and which binding
//! types its processes can have.

use regex::Regex;

use super::Located;
use super::binding::BindingType;
use super::read::Reader;
use crate::load::node::Node;
use crate::load::source::Span;

#[derive(Debug, Clone)]
pub struct Platform {
    pub id: Located<String>,
    pub name: String,
    /// The text of `versionPattern` and the compiled regex (matched against the whole version).
    pub version_pattern: Option<(String, Regex)>,
    pub binding_types: Vec<BindingType>,
    pub builtin: bool,
}

/// The fields a Platform manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "id",
    "name",
    "versionPattern",
    "bindingTypes",
    "metadata",
];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<Platform> {
    let obj = r.object(document, anchor, "Platform", FIELDS)?;
    let id = r.req_id(obj, "id");
    let name = r.opt_string(obj, "name").map(|n| n.value);
    let version_pattern = r
        .opt_string(obj, "versionPattern")
        .and_then(|p| compile_pattern(r, p));
    let binding_types = match r.required(obj, "bindingTypes") {
        Some(node) => r
            .list(node, "`bindingTypes`", |r, n| {
                r.choice::<BindingType>(n, "a binding type")
            })
            .into_iter()
            .map(|t| t.value)
            .collect(),
        None => Vec::new(),
    };
    r.opt_any_map(obj, "metadata");
    let id = id?;
    Some(Platform {
        name: name.unwrap_or_else(|| id.value.clone()),
        id,
        version_pattern,
        binding_types,
        builtin: false,
    })
}

/// Compiles a version pattern anchored at both ends: it must match the whole version.
pub fn anchored(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{pattern})$"))
}

fn compile_pattern(r: &mut Reader, pattern: Located<String>) -> Option<(String, Regex)> {
    match anchored(&pattern.value) {
        Ok(regex) => Some((pattern.value, regex)),
        Err(error) => {
            let why = error.to_string();
            let last = why.lines().last().unwrap_or_default().trim().to_string();
            r.invalid_value(
                pattern.span,
                format!("`versionPattern` is not a valid regular expression: {last}"),
                "write a regular expression such as `nodejs-\\d+(\\.(\\d+|x))*`",
            );
            None
        }
    }
}
