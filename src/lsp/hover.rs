use super::state::State;
pub fn hover(_: &State, _: lsp_types::HoverParams) -> Option<()> {
    None
}
