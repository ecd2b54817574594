//! `kind: Environment`: where processes run, with default variables for all of them.

use super::read::Reader;
use super::{EnvVar, Located};
use crate::load::node::Node;
use crate::load::source::Span;

#[derive(Debug, Clone)]
pub struct Environment {
    pub id: Located<String>,
    pub name: Located<String>,
    /// Default variables for every process in this environment.
    pub env: Vec<EnvVar>,
    /// Defined by oslinker itself rather than by a manifest.
    pub builtin: bool,
}

/// The fields a Environment manifest may have (besides `x-` extensions).
pub(crate) const FIELDS: &[&str] = &["apiVersion", "kind", "id", "name", "env", "metadata"];

pub fn read(r: &mut Reader, document: &Node, anchor: Span) -> Option<Environment> {
    let obj = r.object(document, anchor, "Environment", FIELDS)?;
    let id = r.req_id(obj, "id");
    let name = r.req_string(obj, "name");
    let env = r.env_map(obj, "env");
    r.opt_any_map(obj, "metadata");
    let id = id?;
    let name = name.unwrap_or_else(|| id.clone());
    Some(Environment {
        id,
        name,
        env,
        builtin: false,
    })
}
