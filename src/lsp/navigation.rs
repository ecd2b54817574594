use super::state::State;
pub fn definition(_: &State, _: lsp_types::GotoDefinitionParams) -> Option<()> {
    None
}
pub fn references(_: &State, _: lsp_types::ReferenceParams) -> Option<()> {
    None
}
pub fn rename(_: &State, _: lsp_types::RenameParams) -> Result<Option<()>, String> {
    Ok(None)
}
