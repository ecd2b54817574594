//! Exit codes: the values (`Exit`) and what each means per command (`ExitCodes`), one table
//! that renders `--help` and the manual page's EXIT STATUS.

use std::process::ExitCode;

/// Exit codes: stable, documented in the README and in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The tree is valid, a provider was found, the plan was printed.
    Success = 0,
    /// The answer is "no": validation errors, no eligible provider.
    No = 1,
    /// oslinker could not do its job: usage error, missing root, I/O error.
    Trouble = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// What a command's exit codes mean: one table per command (and the whole one), rendered
/// after `--help` and, the whole one, as the manual page's EXIT STATUS section.
pub struct ExitCodes {
    /// The heading's words after "Exit codes".
    pub heading: &'static str,
    /// Each code with its meaning, as lines wrapped for the help text.
    pub codes: &'static [(u8, &'static [&'static str])],
    /// A closing line, if any.
    pub note: &'static str,
}

impl ExitCodes {
    /// `Exit codes:` and one `  N  meaning` entry per code, continued lines indented.
    pub fn help(&self) -> String {
        let mut text = format!("Exit codes{}:", self.heading);
        for (code, lines) in self.codes {
            for (i, line) in lines.iter().enumerate() {
                let lead = if i == 0 {
                    format!("  {code}  ")
                } else {
                    "     ".into()
                };
                text.push_str(&format!("\n{lead}{line}"));
            }
        }
        if !self.note.is_empty() {
            text.push('\n');
            text.push_str(self.note);
        }
        text
    }

    /// `text` (a paragraph of help), a blank line, then the table.
    pub fn after(&self, text: &str) -> String {
        format!("{text}\n\n{}", self.help())
    }
}

/// What most commands' exit codes mean.
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &["success (the tree is valid, a provider was found, the plan was printed)"],
        ),
        (
            1,
            &[
                "the answer is \"no\": validation errors (or warnings with --strict), no eligible provider",
            ],
        ),
        (
            2,
            &["oslinker could not do its job: usage error, missing or unreadable root, I/O error"],
        ),
    ],
    note: "",
};

/// The whole table, for `oslinker --help` and the man page.
pub const ALL_EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (
            0,
            &[
                "success: the tree is valid, a provider was found, the output was printed; `diff`: no",
                "differences; `watch`: stopped by Ctrl-C or SIGTERM",
            ],
        ),
        (
            1,
            &[
                "the answer is \"no\": validation errors (or warnings with --strict), no eligible provider,",
                "a command that needs a valid tree on an invalid one; `diff`: the plans differ",
            ],
        ),
        (
            2,
            &[
                "oslinker could not do its job: usage error, missing or unreadable root, I/O error, `init`",
                "refusing to overwrite a file; `diff`: a side that cannot be read or does not validate;",
                "`watch`: stopped by a signal while stuck",
            ],
        ),
    ],
    note: "",
};
