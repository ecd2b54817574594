
use builtin;
use str;

set edit:completion:arg-completer[oslinker] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'oslinker'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'oslinker'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check schema and every cross-reference; report all problems at once'
            cand resolve 'Show which providers serve a capability, in rank order'
            cand plan 'Show the linked plan: each process with its env, bindings and links, and the routes'
            cand diff 'Show what changed between two plans: processes and routes added, removed or changed'
            cand watch 'Validate and plan, then follow every change: print the plan diff or the diagnostics'
            cand serve 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change'
            cand lsp 'Serve the Language Server Protocol on stdin/stdout, for editors'
            cand graph 'Draw the linked system as a graph (Graphviz DOT or Mermaid)'
            cand export 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process'
            cand explain 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)'
            cand ls 'List the tree''s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)'
            cand health 'Probe the declared health checks: what answers, what does not, what drifts from its status'
            cand policy 'The tree''s own rules (`kind: Policy`): `policy test` runs their examples'
            cand schema 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks'
            cand init 'Create a small, valid, commented manifest tree to start from'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the manual page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;validate'= {
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --strict 'Warnings fail the run too'
            cand --show-suppressed 'Also list the findings `metadata.suppress` silenced, with their reasons (they never count)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;resolve'= {
            cand --format 'Output format'
            cand --env 'Only processes running in this environment (id or name) count as eligible'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --all 'Also list ineligible providers, with the reason'
            cand --live 'Probe the eligible candidates'' health checks first and withdraw those that are down (the only time `resolve` touches the network)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;plan'= {
            cand --process 'Only this process'
            cand --format 'Output format'
            cand --env 'Only processes in this environment (id or name)'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --live 'Probe every health check first and route around what is down (the only time `plan` touches the network)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;diff'= {
            cand --format 'Output format'
            cand --env 'Only processes in this environment (id or name, on either side), and routes as they resolve there'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --stat 'Print only the summary line'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;watch'= {
            cand --debounce 'Wait until the tree has been quiet this long before re-linking (milliseconds)'
            cand --exec 'After each valid re-link that changed the plan, run CMD through the shell with the plan''s JSON on its stdin (its output goes to stderr)'
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --health 'Also probe every health check at its interval, and route around what is down: print each change of state (after its thresholds) and each route it changes'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;serve'= {
            cand --listen 'The address to listen on (`127.0.0.1:0` picks a free port); any address other than loopback needs --token-file or --no-auth'
            cand --token-file 'A file holding the bearer token every request (but /healthz) must carry, as `Authorization: Bearer TOKEN`; it must not be readable by every user'
            cand --max-streams 'At most this many /v1/events streams at once; past it, 503'
            cand --max-connections 'At most this many connections open at once; one past it is closed when accepted'
            cand --debounce 'Wait until the tree has been quiet this long before re-linking (milliseconds)'
            cand --publish 'Also publish every event to NATS (`nats://HOST:PORT`), on subjects `oslinker.<type>` such as `oslinker.route.changed`'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --no-auth 'Serve a non-loopback address without a token: anyone who reaches the port may read the tree (never its secret values)'
            cand --health 'Probe every health check at its interval, as `watch --health` does, and route by what is alive (/v1/health shows the states)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;lsp'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --stdio 'Accepted for clients that always pass it; stdin/stdout is the only transport'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;graph'= {
            cand --format 'Output format'
            cand --capability 'Only this capability and those under it (`code` takes in `code.review`), with its candidates and the processes behind them or requiring it; may be repeated'
            cand --env 'Only processes in this environment (id or name), their bindings, and the providers they back or that are hosted; eligibility counts only processes running there'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;export'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand a2a 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;export;a2a'= {
            cand --base-url 'Where `oslinker serve` is reached: a process with no endpoint of its own is described at URL/v1/agents/ID'
            cand --env 'Only processes in this environment (id or name)'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand --force 'Write even when DIR holds other files (they are left as they are)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;export;help'= {
            cand a2a 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;export;help;a2a'= {
        }
        &'oslinker;export;help;help'= {
        }
        &'oslinker;explain'= {
            cand --format 'Output format'
            cand --env 'For a capability: only processes running in this environment (id or name) count as eligible'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;ls'= {
            cand --platform 'Only processes, providers and bindings on this platform'
            cand --status 'Only processes (and the providers and bindings of processes) with this status'
            cand --format 'Output format'
            cand --env 'Only what runs in (or, for capabilities, is routed in) this environment (id or name)'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;health'= {
            cand --concurrency 'How many probes run at once'
            cand --deadline 'The most the whole run may take; what is still being probed then is reported unreachable (`500ms`, `10s`, `1m`)'
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;policy'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand test 'Run each Policy''s examples: the rules that must fail on each, and those that must pass'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;policy;test'= {
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;policy;help'= {
            cand test 'Run each Policy''s examples: the rules that must fail on each, and those that must pass'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;policy;help;test'= {
        }
        &'oslinker;policy;help;help'= {
        }
        &'oslinker;schema'= {
            cand --kind 'Only this kind of manifest (any case)'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;init'= {
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;completions'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;man'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour (diagnostics on stderr, diffs on stdout)'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;help'= {
            cand validate 'Check schema and every cross-reference; report all problems at once'
            cand resolve 'Show which providers serve a capability, in rank order'
            cand plan 'Show the linked plan: each process with its env, bindings and links, and the routes'
            cand diff 'Show what changed between two plans: processes and routes added, removed or changed'
            cand watch 'Validate and plan, then follow every change: print the plan diff or the diagnostics'
            cand serve 'Serve the linked tree over HTTP (resolve, plan, routes, events), following every change'
            cand lsp 'Serve the Language Server Protocol on stdin/stdout, for editors'
            cand graph 'Draw the linked system as a graph (Graphviz DOT or Mermaid)'
            cand export 'Write the tree out for others to read: `export a2a DIR`, an A2A agent card per process'
            cand explain 'Explain an id (where it is defined, what it references, what references it) or a capability (every candidate and why it ranks where it does)'
            cand ls 'List the tree''s processes, capabilities, providers, platforms, environments or bindings (also when the tree has errors)'
            cand health 'Probe the declared health checks: what answers, what does not, what drifts from its status'
            cand policy 'The tree''s own rules (`kind: Policy`): `policy test` runs their examples'
            cand schema 'Print the JSON Schema (draft-07) of manifests, for editor completion and checks'
            cand init 'Create a small, valid, commented manifest tree to start from'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the manual page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;help;validate'= {
        }
        &'oslinker;help;resolve'= {
        }
        &'oslinker;help;plan'= {
        }
        &'oslinker;help;diff'= {
        }
        &'oslinker;help;watch'= {
        }
        &'oslinker;help;serve'= {
        }
        &'oslinker;help;lsp'= {
        }
        &'oslinker;help;graph'= {
        }
        &'oslinker;help;export'= {
            cand a2a 'Write an A2A agent card for each process: DIR/<id>/agent-card.json'
        }
        &'oslinker;help;export;a2a'= {
        }
        &'oslinker;help;explain'= {
        }
        &'oslinker;help;ls'= {
        }
        &'oslinker;help;health'= {
        }
        &'oslinker;help;policy'= {
            cand test 'Run each Policy''s examples: the rules that must fail on each, and those that must pass'
        }
        &'oslinker;help;policy;test'= {
        }
        &'oslinker;help;schema'= {
        }
        &'oslinker;help;init'= {
        }
        &'oslinker;help;completions'= {
        }
        &'oslinker;help;man'= {
        }
        &'oslinker;help;help'= {
        }
    ]
    $completions[$command]
}
