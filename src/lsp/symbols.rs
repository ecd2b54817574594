use super::state::State;
pub fn document_symbols(_: &State, _: lsp_types::DocumentSymbolParams) -> Option<()> {
    None
}
pub fn workspace_symbols(_: &State, _: lsp_types::WorkspaceSymbolParams) -> Option<()> {
    None
}
