//! `oslinker man`: a roff manual page with every subcommand and the exit codes, that needs no
//! tree.

use std::io::Write;
use std::process::{Command, Stdio};

use clap::CommandFactory;

use crate::support::{Tree, oslinker};

fn man_page() -> String {
    let tree = Tree::empty();
    let out = oslinker(tree.parent()).args(["man"]).run();
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    out.stdout
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let roff = man_page();
    assert!(roff.starts_with(".TH OSLINKER 1 "), "{roff}");
    assert!(roff.contains("\n.SH SYNOPSIS\n"));
    assert!(roff.contains("\n.SH COMMANDS\n"));
    // Every subcommand of the clap definition, so that new ones are covered too.
    let cli = oslinker::cli::Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|s| s.get_name()).collect();
    assert!(names.contains(&"man"), "{names:?}");
    for name in names {
        assert!(
            roff.contains(&format!("\n.SS \"oslinker {name}\"\n")),
            "no section for `{name}`:\n{roff}"
        );
    }
    // Global options once, in OPTIONS, not again under each command.
    assert_eq!(roff.matches("\\-\\-follow\\-links").count(), 2, "{roff}");
}

#[test]
fn man_page_has_the_exit_codes_and_environment() {
    let roff = man_page();
    let status = roff
        .split("\n.SH \"EXIT STATUS\"\n")
        .nth(1)
        .expect("an EXIT STATUS section");
    let status = status.split("\n.SH ").next().unwrap();
    for code in ["0", "1", "2"] {
        assert!(
            status.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit code {code}:\n{status}"
        );
    }
    assert!(status.contains("oslinker could not do its job"));
    assert!(roff.contains("\n.SH ENVIRONMENT\n"));
    assert!(roff.contains("OSLINKER_DIR"));
}

/// groff reads it without a warning.
#[test]
#[ignore = "needs groff"]
fn man_page_renders_with_groff() {
    let roff = man_page();
    let Ok(mut child) = Command::new("groff")
        // Plain text: no bold or underline by overstriking or escape sequences.
        .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        panic!("groff must be on the PATH for this test (apt-get install groff-base)");
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stderr.is_empty(), "{stderr}");
    let text = String::from_utf8_lossy(&output.stdout);
    for heading in ["NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT"] {
        assert!(text.contains(heading), "{heading}:\n{text}");
    }
    assert!(text.contains("oslinker resolve"));
}
