
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
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
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff) on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'oslinker;validate' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings fail the run too')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;resolve' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes running in this environment (id or name) count as eligible')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list ineligible providers, with the reason')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only what was asked for: no summary lines')
            [CompletionResult]::new('--follow-links', '--follow-links', [CompletionResultType]::ParameterName, 'Follow symbolic links to folders (loops are detected and reported)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'oslinker;plan' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Only processes in this environment (id or name)')
            [CompletionResult]::new('--process', '--process', [CompletionResultType]::ParameterName, 'Only this process')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Manifest directory [default: `linker.d` in the current directory or the nearest parent that has one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
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
