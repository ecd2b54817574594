
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
            cand --color 'When to use colour on stderr'
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
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the manual page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'oslinker;validate'= {
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour on stderr'
            cand --strict 'Warnings fail the run too'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;resolve'= {
            cand --env 'Only processes running in this environment (id or name) count as eligible'
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour on stderr'
            cand --all 'Also list ineligible providers, with the reason'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;plan'= {
            cand --env 'Only processes in this environment (id or name)'
            cand --process 'Only this process'
            cand --format 'Output format'
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour on stderr'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;completions'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour on stderr'
            cand -q 'Print only what was asked for: no summary lines'
            cand --quiet 'Print only what was asked for: no summary lines'
            cand --follow-links 'Follow symbolic links to folders (loops are detected and reported)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'oslinker;man'= {
            cand -d 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --dir 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]'
            cand --color 'When to use colour on stderr'
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
        &'oslinker;help;completions'= {
        }
        &'oslinker;help;man'= {
        }
        &'oslinker;help;help'= {
        }
    ]
    $completions[$command]
}
