# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_oslinker_global_optspecs
    string join \n d/dir= color= q/quiet follow-links h/help V/version
end

function __fish_oslinker_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_oslinker_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_oslinker_using_subcommand
    set -l cmd (__fish_oslinker_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c oslinker -n "__fish_oslinker_needs_command" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_needs_command" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_needs_command" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_needs_command" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_needs_command" -s V -l version -d 'Print version'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "validate" -d 'Check schema and every cross-reference; report all problems at once'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "resolve" -d 'Show which providers serve a capability, in rank order'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "plan" -d 'Show the linked plan: each process with its env, bindings and links, and the routes'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "diff" -d 'Show what changed between two plans: processes and routes added, removed or changed'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "watch" -d 'Validate and plan, then follow every change: print the plan diff or the diagnostics'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "serve" -d 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "lsp" -d 'Serve the Language Server Protocol on stdin/stdout, for editors'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "graph" -d 'Draw the linked system as a graph (Graphviz DOT or Mermaid)'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "export" -d 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "explain" -d 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "ls" -d 'List the tree\'s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "health" -d 'Probe the declared health checks: what answers, what does not, what drifts from its status'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "policy" -d 'The tree\'s own rules (`kind: Policy`): `policy test` runs their examples'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "schema" -d 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "init" -d 'Create a small, valid, commented manifest tree to start from'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "man" -d 'Print the manual page (roff) on stdout'
complete -c oslinker -n "__fish_oslinker_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -l format -d 'Output format' -r -f -a "human\t'Snippets with labels, and a summary (stderr)'
json\t'The versioned JSON report (stdout)'
github\t'GitHub Actions annotations (stdout)'
sarif\t'SARIF 2.1.0 for code scanning (stdout)'
junit\t'JUnit XML, one test case per file (stdout)'"
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -l strict -d 'Warnings fail the run too'
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -l show-suppressed -d 'Also list the findings `metadata.suppress` silenced, with their reasons (they never count)'
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l format -d 'Output format' -r -f -a "table\t''
json\t''
name\t'Eligible provider ids, one per line'"
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l env -d 'Only processes running in this environment (id or name) count as eligible' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l all -d 'Also list ineligible providers, with the reason'
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l live -d 'Probe the eligible candidates\' health checks first and withdraw those that are down (the only time `resolve` touches the network)'
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l process -d 'Only this process' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l format -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l env -d 'Only processes in this environment (id or name)' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l live -d 'Probe every health check first and route around what is down (the only time `plan` touches the network)'
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -l format -d 'Output format' -r -f -a "text\t'Grouped by process and route: `+` added, `-` removed, `~` changed'
json\t'`{"formatVersion":1, "changes":[...], "summary":{...}}`'
markdown\t'For a pull-request comment: a table of what changed, then each process in a collapsed section'"
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -l env -d 'Only processes in this environment (id or name, on either side), and routes as they resolve there' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -l stat -d 'Print only the summary line'
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l debounce -d 'Wait until the tree has been quiet this long before re-linking (milliseconds)' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l exec -d 'After each valid re-link that changed the plan, run CMD through the shell with the plan\'s JSON on its stdin (its output goes to stderr)' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l format -d 'Output format' -r -f -a "text\t'The plan diff after each change, as `diff` prints it'
json\t'One CloudEvent per line, the events `serve` streams (`tree.loaded`, then `tree.relinked` per change, ...)'"
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l health -d 'Also probe every health check at its interval, and route around what is down: print each change of state (after its thresholds) and each route it changes'
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l listen -d 'The address to listen on (`127.0.0.1:0` picks a free port); any address other than loopback needs --token-file or --no-auth' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l token-file -d 'A file holding the bearer token every request (but /healthz) must carry, as `Authorization: Bearer TOKEN`; it must not be readable by every user' -r -F
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l max-streams -d 'At most this many /v1/events streams at once; past it, 503' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l max-connections -d 'At most this many connections open at once; one past it is closed when accepted' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l debounce -d 'Wait until the tree has been quiet this long before re-linking (milliseconds)' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l publish -d 'Also publish every event to NATS (`nats://HOST:PORT`), on subjects `oslinker.<type>` such as `oslinker.route.changed`' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l no-auth -d 'Serve a non-loopback address without a token: anyone who reaches the port may read the tree (never its secret values)'
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l health -d 'Probe every health check at its interval, as `watch --health` does, and route by what is alive (/v1/health shows the states)'
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -l stdio -d 'Accepted for clients that always pass it; stdin/stdout is the only transport'
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand lsp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -l format -d 'Output format' -r -f -a "dot\t'Graphviz DOT (`dot -Tsvg`)'
mermaid\t'A Mermaid flowchart (renders in GitHub Markdown)'"
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -l capability -d 'Only this capability and those under it (`code` takes in `code.review`), with its candidates and the processes behind them or requiring it; may be repeated' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -l env -d 'Only processes in this environment (id or name), their bindings, and the providers they back or that are hosted; eligibility counts only processes running there' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -f -a "a2a" -d 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and not __fish_seen_subcommand_from a2a help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -l base-url -d 'Where `oslinker serve` is reached: a process with no endpoint of its own is described at URL/v1/agents/ID' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -l env -d 'Only processes in this environment (id or name)' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -l force -d 'Write even when DIR holds other files (they are left as they are)'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from a2a" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "a2a" -d 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
complete -c oslinker -n "__fish_oslinker_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -l format -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -l env -d 'For a capability: only processes running in this environment (id or name) count as eligible' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l platform -d 'Only processes, providers and bindings on this platform' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l status -d 'Only processes (and the providers and bindings of processes) with this status' -r -f -a "running\t''
stopped\t''
error\t''
pending\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l format -d 'Output format' -r -f -a "table\t''
json\t''
name\t'The ids (for capabilities: the names), one per line'"
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l env -d 'Only what runs in (or, for capabilities, is routed in) this environment (id or name)' -r -f
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -l concurrency -d 'How many probes run at once' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -l deadline -d 'The most the whole run may take; what is still being probed then is reported unreachable (`500ms`, `10s`, `1m`)' -r
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -l format -d 'Output format' -r -f -a "table\t'A row per target and a summary'
json\t'`{"formatVersion":1, "targets":[...], "summary":{...}}`'
prometheus\t'Prometheus text exposition (node_exporter\'s textfile collector)'"
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Run each Policy\'s examples: the rules that must fail on each, and those that must pass'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -l format -d 'Output format' -r -f -a "text\t'One line per example, the failures explained, and a summary'
json\t'`{"formatVersion":1, "results":[...], "passed":N, "failed":N}`'"
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "test" -d 'Run each Policy\'s examples: the rules that must fail on each, and those that must pass'
complete -c oslinker -n "__fish_oslinker_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -l kind -d 'Only this kind of manifest (any case)' -r -f -a "Process\t''
Environment\t''
Binding\t''
Provider\t''
CapabilityMap\t''
Platform\t''
Policy\t''
Settings\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand init" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand init" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand init" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand completions" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand completions" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand completions" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand completions" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand man" -s d -l dir -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]' -r -f -a "(__fish_complete_directories)"
complete -c oslinker -n "__fish_oslinker_using_subcommand man" -l color -d 'When to use colour (diagnostics on stderr, diffs on stdout)' -r -f -a "auto\t'Colour on a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c oslinker -n "__fish_oslinker_using_subcommand man" -s q -l quiet -d 'Print only what was asked for: no summary lines'
complete -c oslinker -n "__fish_oslinker_using_subcommand man" -l follow-links -d 'Follow symbolic links to folders (loops are detected and reported)'
complete -c oslinker -n "__fish_oslinker_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "validate" -d 'Check schema and every cross-reference; report all problems at once'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "resolve" -d 'Show which providers serve a capability, in rank order'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "plan" -d 'Show the linked plan: each process with its env, bindings and links, and the routes'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "diff" -d 'Show what changed between two plans: processes and routes added, removed or changed'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "watch" -d 'Validate and plan, then follow every change: print the plan diff or the diagnostics'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "serve" -d 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "lsp" -d 'Serve the Language Server Protocol on stdin/stdout, for editors'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "graph" -d 'Draw the linked system as a graph (Graphviz DOT or Mermaid)'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "export" -d 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "explain" -d 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "ls" -d 'List the tree\'s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "health" -d 'Probe the declared health checks: what answers, what does not, what drifts from its status'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "policy" -d 'The tree\'s own rules (`kind: Policy`): `policy test` runs their examples'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "schema" -d 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "init" -d 'Create a small, valid, commented manifest tree to start from'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "man" -d 'Print the manual page (roff) on stdout'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and not __fish_seen_subcommand_from validate resolve plan diff watch serve lsp graph export explain ls health policy schema init completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "a2a" -d 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
complete -c oslinker -n "__fish_oslinker_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "test" -d 'Run each Policy\'s examples: the rules that must fail on each, and those that must pass'
