//! What `oslinker init` says: the files it created (stdout), what to do next, and why it
//! wrote nothing (stderr).

use std::path::{Path, PathBuf};

use crate::error::Failure;
use crate::init::InitError;
use crate::load::display_path;

/// The files created, one path a line.
pub fn created(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| format!("{}\n", display_path(f)))
        .collect()
}

/// The next step, on stderr: how to check and see the new tree.
pub fn next_steps(dir: &Path, files: usize) -> String {
    let shown = display_path(dir);
    // `oslinker` finds ./linker.d by itself; any other folder needs -d.
    let dir_flag = if shown == "linker.d" {
        String::new()
    } else {
        format!(" -d {}", shell_word(&shown))
    };
    format!(
        "created {files} files in `{shown}`\n\
         next: `oslinker{dir_flag} validate` checks them, `oslinker{dir_flag} plan` shows the plan;\n\
         then edit them to describe your agents (their comments explain each field)\n"
    )
}

/// Why nothing (or not everything) was written, and what to do about it.
pub fn error(error: &InitError) -> Failure {
    match error {
        InitError::Exists(paths) => {
            let (count, verb) = match paths.len() {
                1 => ("1 file".to_string(), "exists"),
                n => (format!("{n} files"), "exist"),
            };
            let list: Vec<String> = (paths.iter())
                .map(|p| format!("  {}", display_path(p)))
                .collect();
            Failure::new(format!(
                "not creating anything: {count} that init would write already {verb}:\n{}",
                list.join("\n")
            ))
            .help(
                "init never overwrites a file: run `oslinker init DIR` for a new folder, \
                 or move these files away first",
            )
        }
        InitError::NotAFolder(dir) => Failure::new(format!(
            "`{}` exists and is not a folder; nothing was written",
            display_path(dir)
        ))
        .help("run `oslinker init DIR` with a folder (it is created if need be)"),
        InitError::Folder(dir, e) => Failure::new(format!(
            "cannot create the folder `{}`: {e}; nothing was written",
            display_path(dir)
        )),
        InitError::File { path, error, left } => {
            let mut text = format!("cannot create `{}`: {error}", display_path(path));
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                text.push_str(" (it appeared while init was writing; it was left as it is)");
            }
            if left.is_empty() {
                text.push_str("; nothing was written");
            } else {
                let list: Vec<String> = left.iter().map(|p| display_path(p)).collect();
                text.push_str(&format!(
                    "\nnote: these files were created and could not be removed again: {}",
                    list.join(", ")
                ));
            }
            Failure::new(text)
        }
    }
}

/// A path as one shell word: quoted when it holds anything but the usual path characters.
fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_name_the_folder_unless_it_is_found_by_default() {
        assert!(next_steps(Path::new("linker.d"), 5).contains("`oslinker validate`"));
        assert!(next_steps(Path::new("./linker.d"), 5).contains("`oslinker validate`"));
        assert!(next_steps(Path::new("agents"), 5).contains("`oslinker -d agents validate`"));
        assert!(next_steps(Path::new("my agents"), 5).contains("`oslinker -d 'my agents' plan`"));
    }
}
