
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'oslinker' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'oslinker'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'oslinker' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check schema and every cross-reference; report all problems at once')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Show which providers serve a capability, in rank order')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show the linked plan: each process with its env, bindings and links, and the routes')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed between two plans: processes and routes added, removed or changed')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Validate and plan, then follow every change: print the plan diff or the diagnostics')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change')
            [CompletionResult]::new('lsp', 'lsp', [CompletionResultType]::ParameterValue, 'Serve the Language Server Protocol on stdin/stdout, for editors')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the linked system as a graph (Graphviz DOT or Mermaid)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the tree''s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Probe the declared health checks: what answers, what does not, what drifts from its status')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The tree''s own rules (`kind: Policy`): `policy test` runs their examples')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a small, valid, commented manifest tree to start from')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff) on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;validate' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings fail the run too')
            [CompletionResult]::new('--show-suppressed', '--show-suppressed', [CompletionResultType]::ParameterName, 'Also list the findings `metadata.suppress` silenced, with their reasons (they never count)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;resolve' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes running in this environment (id or name) count as eligible')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list ineligible providers, with the reason')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Probe the eligible candidates'' health checks first and withdraw those that are down (the only time `resolve` touches the network)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;plan' {
            [CompletionResult]::new('--process', '--process', [CompletionResultType]::ParameterName, 'Only this process')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes in this environment (id or name)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--live', '--live', [CompletionResultType]::ParameterName, 'Probe every health check first and route around what is down (the only time `plan` touches the network)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;diff' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes in this environment (id or name, on either side), and routes as they resolve there')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--stat', '--stat', [CompletionResultType]::ParameterName, 'Print only the summary line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;watch' {
            [CompletionResult]::new('--debounce', '--debounce', [CompletionResultType]::ParameterName, 'Wait until the tree has been quiet this long before re-linking (milliseconds)')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'After each valid re-link that changed the plan, run CMD through the shell with the plan''s JSON on its stdin (its output goes to stderr)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Also probe every health check at its interval, and route around what is down: print each change of state (after its thresholds) and each route it changes')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to listen on (`127.0.0.1:0` picks a free port); any address other than loopback needs --token-file or --no-auth')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'A file holding the bearer token every request (but /healthz) must carry, as `Authorization: Bearer TOKEN`; it must not be readable by every user')
            [CompletionResult]::new('--max-streams', '--max-streams', [CompletionResultType]::ParameterName, 'At most this many /v1/events streams at once; past it, 503')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'At most this many connections open at once; one past it is closed when accepted')
            [CompletionResult]::new('--debounce', '--debounce', [CompletionResultType]::ParameterName, 'Wait until the tree has been quiet this long before re-linking (milliseconds)')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Also publish every event to NATS (`nats://HOST:PORT`), on subjects `oslinker.<type>` such as `oslinker.route.changed`')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Serve a non-loopback address without a token: anyone who reaches the port may read the tree (never its secret values)')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'Probe every health check at its interval, as `watch --health` does, and route by what is alive (/v1/health shows the states)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;lsp' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--stdio', '--stdio', [CompletionResultType]::ParameterName, 'Accepted for clients that always pass it; stdin/stdout is the only transport')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;graph' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--capability', '--capability', [CompletionResultType]::ParameterName, 'Only this capability and those under it (`code` takes in `code.review`), with its candidates and the processes behind them or requiring it; may be repeated')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes in this environment (id or name), their bindings, and the providers they back or that are hosted; eligibility counts only processes running there')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;export' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('a2a', 'a2a', [CompletionResultType]::ParameterValue, 'Write an A2A agent card for each process: DIR/<id>/agent-card.json')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;export;a2a' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Where `oslinker serve` is reached: a process with no endpoint of its own is described at URL/v1/agents/ID')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes in this environment (id or name)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write even when DIR holds other files (they are left as they are)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;export;help' {
            [CompletionResult]::new('a2a', 'a2a', [CompletionResultType]::ParameterValue, 'Write an A2A agent card for each process: DIR/<id>/agent-card.json')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;export;help;a2a' {
            break
        }
        'oslinker;export;help;help' {
            break
        }
        'oslinker;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'For a capability: only processes running in this environment (id or name) count as eligible')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;ls' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Only processes, providers and bindings on this platform')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only processes (and the providers and bindings of processes) with this status')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only what runs in (or, for capabilities, is routed in) this environment (id or name)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;health' {
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many probes run at once')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'The most the whole run may take; what is still being probed then is reported unreachable (`500ms`, `10s`, `1m`)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;policy' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run each Policy''s examples: the rules that must fail on each, and those that must pass')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;policy;test' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;policy;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run each Policy''s examples: the rules that must fail on each, and those that must pass')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;policy;help;test' {
            break
        }
        'oslinker;policy;help;help' {
            break
        }
        'oslinker;schema' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only this kind of manifest (any case)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;init' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;completions' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;man' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (diagnostics on stderr, diffs on stdout)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check schema and every cross-reference; report all problems at once')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Show which providers serve a capability, in rank order')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show the linked plan: each process with its env, bindings and links, and the routes')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed between two plans: processes and routes added, removed or changed')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Validate and plan, then follow every change: print the plan diff or the diagnostics')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change')
            [CompletionResult]::new('lsp', 'lsp', [CompletionResultType]::ParameterValue, 'Serve the Language Server Protocol on stdin/stdout, for editors')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the linked system as a graph (Graphviz DOT or Mermaid)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the tree''s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Probe the declared health checks: what answers, what does not, what drifts from its status')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The tree''s own rules (`kind: Policy`): `policy test` runs their examples')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a small, valid, commented manifest tree to start from')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff) on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;help;validate' {
            break
        }
        'oslinker;help;resolve' {
            break
        }
        'oslinker;help;plan' {
            break
        }
        'oslinker;help;diff' {
            break
        }
        'oslinker;help;watch' {
            break
        }
        'oslinker;help;serve' {
            break
        }
        'oslinker;help;lsp' {
            break
        }
        'oslinker;help;graph' {
            break
        }
        'oslinker;help;export' {
            [CompletionResult]::new('a2a', 'a2a', [CompletionResultType]::ParameterValue, 'Write an A2A agent card for each process: DIR/<id>/agent-card.json')
            break
        }
        'oslinker;help;export;a2a' {
            break
        }
        'oslinker;help;explain' {
            break
        }
        'oslinker;help;ls' {
            break
        }
        'oslinker;help;health' {
            break
        }
        'oslinker;help;policy' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run each Policy''s examples: the rules that must fail on each, and those that must pass')
            break
        }
        'oslinker;help;policy;test' {
            break
        }
        'oslinker;help;schema' {
            break
        }
        'oslinker;help;init' {
            break
        }
        'oslinker;help;completions' {
            break
        }
        'oslinker;help;man' {
            break
        }
        'oslinker;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
