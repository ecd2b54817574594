//! Rendering of results (plans, resolutions) as tables and data formats. Returns text; the
//! command decides where it goes.

pub mod diff;
pub mod explain;
pub mod graph;
pub mod init;
pub mod plan;
pub mod resolve;
pub mod watch;

use serde::Serialize;

/// Pretty JSON with a final newline.
pub fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` as pretty JSON and a line break, written to `out` as it is made (the same bytes
/// as [`json`]).
pub fn json_to(out: &mut impl std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

pub fn yaml(value: &impl Serialize) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(value)
}

/// Text for a terminal, with control characters from manifests (an escape sequence in a
/// name, say) written as `\u{1b}`, so nothing a manifest holds can drive the terminal.
/// Line breaks stay. The one sanitising step is [`crate::output::printable`].
pub fn printable(text: &str) -> String {
    crate::output::printable(text).into_owned()
}
