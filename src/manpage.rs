//! `oslinker man`: one manual page in roff, built with clap_mangen from the clap definition.
//!
//! clap_mangen writes one page per command and points from the top page to `oslinker-SUB(1)`
//! pages. One page is easier to ship and to print, so this renders the top page's sections,
//! then a COMMANDS section with each subcommand (synopsis, description, its own options), then
//! EXIT STATUS (from the same text as `--help`), ENVIRONMENT and VERSION.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::exit::ALL_EXIT_CODES;

/// The manual page, in section 1, of the whole command line (`cli`).
pub fn render(mut cli: clap::Command) -> String {
    cli.build();
    let top = Man::new(cli.clone()).title("OSLINKER");
    let mut out = Vec::new();
    // Writing to a Vec cannot fail: the results are ignored.
    let _ = top.render_title(&mut out);
    let _ = top.render_name_section(&mut out);
    let _ = top.render_synopsis_section(&mut out);
    let _ = top.render_description_section(&mut out);
    let _ = top.render_options_section(&mut out);
    out.extend(commands(&cli).into_bytes());
    out.extend(exit_status().into_bytes());
    out.extend(environment().into_bytes());
    let _ = top.render_version_section(&mut out);
    once_preamble(&String::from_utf8_lossy(&out))
}

/// Each rendered piece starts with the same two-line preamble (it defines the apostrophe
/// string); one is enough, just after the `.TH` line so that the page starts with `.TH`.
fn once_preamble(roff: &str) -> String {
    let is_preamble =
        |line: &str| line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
    let preamble: Vec<&str> = roff.lines().filter(|l| is_preamble(l)).take(2).collect();
    let mut out = String::with_capacity(roff.len());
    for line in roff.lines().filter(|l| !is_preamble(l)) {
        out.push_str(line);
        out.push('\n');
        if line.starts_with(".TH ") {
            for line in &preamble {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `.SH COMMANDS`: for each subcommand a `.SS` heading, its synopsis and description, and
/// its own options (the global ones are described once, above).
fn commands(cli: &clap::Command) -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    let mut out = roff.render();
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let own: Vec<clap::Id> = sub
            .get_arguments()
            .filter(|a| a.is_global_set() || a.get_id() == "help")
            .map(|a| a.get_id().clone())
            .collect();
        let mut sub = sub.clone();
        for id in own {
            sub = sub.mut_arg(id, |a| a.hide(true));
        }
        let mut heading = Roff::new();
        heading.control("SS", [format!("{BIN} {}", sub.get_name()).as_str()]);
        out.push_str(&heading.render());
        let man = Man::new(sub);
        let mut section = Vec::new();
        let _ = man.render_synopsis_section(&mut section);
        let _ = man.render_description_section(&mut section);
        let _ = man.render_options_section(&mut section);
        // Within a command, clap_mangen's section headings become paragraph breaks.
        for line in String::from_utf8_lossy(&section).lines() {
            if line.starts_with(".SH ") {
                out.push_str(".PP\n");
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

const BIN: &str = "oslinker";

/// `.SH EXIT STATUS`: the whole exit-code table, one entry per code.
fn exit_status() -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, lines) in ALL_EXIT_CODES.codes {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(lines.join(" "))]);
    }
    roff.render()
}

fn environment() -> String {
    let variables = [
        ("OSLINKER_DIR", "The manifest directory, as --dir."),
        (
            "NO_COLOR",
            "When set and not empty, no colour with --color auto (the default).",
        ),
        ("COLUMNS", "The width human output wraps at (at least 40)."),
        (
            "OSLINKER_POLICY_BUDGET",
            "The most judging the tree's Policy rules may take (default 10s; e.g. 30s).",
        ),
        (
            "HTTPS_PROXY, HTTP_PROXY, NO_PROXY",
            "The proxies health probes go through (oslinker health).",
        ),
        (
            "COMPLETE",
            "Set by the shell's dynamic completion script (COMPLETE=bash oslinker prints it); \
             oslinker then prints completions instead of running.",
        ),
    ];
    let mut roff = Roff::new();
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in variables {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([roman(meaning)]);
    }
    roff.render()
}
