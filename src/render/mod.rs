//! Rendering of results (plans, resolutions) as tables and data formats. Returns text; the
//! command decides where it goes.

pub mod diff;
pub mod explain;
pub mod graph;
pub mod init;
pub mod plan;
pub mod resolve;

use serde::Serialize;

/// Pretty JSON with a final newline.
pub fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

pub fn yaml(value: &impl Serialize) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(value)
}
