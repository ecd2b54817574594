-- Used by tests/cli/lsp.rs (neovim_jumps_to_a_definition_in_another_file): open
-- bindings.yaml of the tree $TREE, start `$OSLINKER lsp` with Neovim's own client, go to the
-- definition of `processId: writer`, print where the cursor landed (path:line:column), quit.
local root, bin = vim.env.TREE, vim.env.OSLINKER
vim.cmd('edit ' .. root .. '/bindings.yaml')
local id = vim.lsp.start_client({
  name = 'oslinker',
  cmd = { bin, 'lsp' },
  root_dir = root,
  init_options = { root = root },
})
vim.lsp.buf_attach_client(0, id)
vim.wait(20000, function()
  local client = vim.lsp.get_client_by_id(id)
  return client ~= nil and client.initialized
end)
vim.fn.search('processId: \\zswriter')
local params = vim.lsp.util.make_position_params()
local results = vim.lsp.buf_request_sync(0, 'textDocument/definition', params, 20000)
for _, response in pairs(results or {}) do
  if response.result and response.result[1] then
    vim.lsp.util.jump_to_location(response.result[1], 'utf-16')
  end
end
io.stdout:write(vim.fn.expand('%:p') .. ':' .. vim.fn.line('.') .. ':' .. vim.fn.col('.') .. '\n')
vim.cmd('qa!')
