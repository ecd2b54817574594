//! `oslinker export a2a DIR`: the tree's processes as files for others to read. `a2a` writes
//! an A2A agent card (`a2a`) for each process, at `DIR/<id>/agent-card.json`, for static
//! hosting.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueHint};

use crate::a2a;
use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::text;
use crate::ui::Ui;

use super::Context;
use super::args::EnvArg;

/// What the exit codes mean for `export a2a` (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["the cards were written"]),
        (1, &["the tree has errors: nothing was written"]),
        (
            2,
            &[
                "usage error, missing or unreadable root, DIR holds other files (without --force),",
                "a card could not be written",
            ],
        ),
    ],
    note: "",
};

pub const A2A_HELP: &str = "\
Writes DIR/<id>/agent-card.json for each process (A2A 1.0 `AgentCard`: its name, a
description, its interface URL, version, and a skill per capability). Never an env value, a
binding or a credential. DIR is created if missing; a DIR that holds anything but such cards
is refused unless --force, which writes beside the other files and leaves them as they are.";

/// The file each card is written to, in its process's folder.
pub const CARD_FILE: &str = "agent-card.json";

/// Where `serve` listens by default: where a process without an endpoint is described.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:7878";

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub command: ExportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write an A2A agent card for each process: DIR/<id>/agent-card.json
    #[command(after_long_help = EXIT_CODES.after(A2A_HELP))]
    A2a(A2aArgs),
}

#[derive(Debug, Args)]
#[command(mut_arg("env", |arg| arg.help("Only processes in this environment (id or name)")))]
pub struct A2aArgs {
    /// The folder to write the cards into (created if missing)
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out: PathBuf,

    #[command(flatten)]
    pub env: EnvArg,

    /// Where `oslinker serve` is reached: a process with no endpoint of its own is described
    /// at URL/v1/agents/ID
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL, value_hint = ValueHint::Url)]
    pub base_url: String,

    /// Write even when DIR holds other files (they are left as they are)
    #[arg(long)]
    pub force: bool,
}

pub fn run(ui: &mut Ui, context: &Context, args: &ExportArgs) -> CommandResult {
    match &args.command {
        ExportCommand::A2a(args) => run_a2a(ui, context, args),
    }
}

fn run_a2a(ui: &mut Ui, context: &Context, args: &A2aArgs) -> CommandResult {
    let checked = super::check(context)?;
    let note = super::require_valid(ui, checked)?;
    let environment = super::environment_arg(checked, args.env.as_deref())?;
    check_base_url(&args.base_url)?;
    let cards = a2a::cards(&checked.linked, environment.as_deref(), &args.base_url);
    // Everything is checked before the first file is written.
    let survey = survey(&args.out)?;
    if !args.force
        && let Some(first) = survey.foreign.first()
    {
        return Err(refused(&args.out, first, survey.foreign.len()).into());
    }
    let mut rendered = Vec::with_capacity(cards.len());
    for (id, card) in &cards {
        let target = card_path(&args.out, id)?;
        check_target(&target)?;
        rendered.push((target, text::json(card)));
    }
    if let Some(note) = note {
        ui.note(&note);
    }
    fs::create_dir_all(&args.out).map_err(|e| io_failure("cannot create", &args.out, &e))?;
    let mut written = String::new();
    for (target, json) in &rendered {
        write_card(target, json)?;
        written += &format!("{}\n", target.display());
    }
    ui.out(&written);
    // Cards of processes the tree no longer has (those of other environments are expected).
    let processes = &checked.linked.processes;
    for gone in survey
        .cards
        .iter()
        .filter(|id| !processes.contains_key(id.as_str()))
    {
        ui.note(&format!(
            "note: `{gone}` is not a process in this tree any more; its card was left as it was"
        ));
    }
    ui.note(&format!(
        "wrote {} to `{}`",
        text::plural(rendered.len(), "agent card"),
        args.out.display()
    ));
    Ok(Exit::Success)
}

/// A base URL is an absolute http(s) URL: it ends up in cards as it is.
fn check_base_url(base: &str) -> Result<(), Failure> {
    let parsed = url::Url::parse(base).ok();
    let ok = parsed.is_some_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.has_host() && u.username().is_empty()
    });
    if ok {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "--base-url `{}` is not an http(s) URL without credentials",
            crate::secrets::redact_url(base).unwrap_or_else(|| base.to_string())
        ))
        .help(format!("for example --base-url {DEFAULT_BASE_URL}")))
    }
}

/// What DIR holds already: the cards a previous export wrote (by process id), and
/// everything else.
#[derive(Debug, Default)]
struct Survey {
    cards: Vec<String>,
    foreign: Vec<PathBuf>,
}

/// Looks at DIR without changing it. Ours: `<name>/agent-card.json` regular files (and empty
/// `<name>/` folders). Anything else, symbolic links included, is someone else's.
fn survey(dir: &Path) -> Result<Survey, Failure> {
    let mut survey = Survey::default();
    let metadata = match fs::metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(survey),
        Err(e) => return Err(io_failure("cannot read", dir, &e)),
    };
    if !metadata.is_dir() {
        return Err(Failure::new(format!("`{}` is not a folder", dir.display()))
            .help("give a folder (new, or holding only agent cards) to write the cards into"));
    }
    for entry in sorted_entries(dir)? {
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| io_failure("cannot read", &path, &e))?;
        if !kind.is_dir() {
            survey.foreign.push(path);
            continue;
        }
        let mut holds_card = false;
        for inner in sorted_entries(&path)? {
            let is_file = inner.file_type().is_ok_and(|t| t.is_file());
            if is_file && inner.file_name() == CARD_FILE {
                holds_card = true;
            } else {
                survey.foreign.push(inner.path());
            }
        }
        if holds_card {
            survey
                .cards
                .push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(survey)
}

fn sorted_entries(dir: &Path) -> Result<Vec<fs::DirEntry>, Failure> {
    let entries = fs::read_dir(dir).map_err(|e| io_failure("cannot read", dir, &e))?;
    let mut entries: Vec<fs::DirEntry> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| io_failure("cannot read", dir, &e))?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

fn refused(dir: &Path, first: &Path, count: usize) -> Failure {
    let others = match count {
        1 => String::new(),
        n => format!(" and {} more", text::plural(n - 1, "entry")),
    };
    Failure::new(format!(
        "`{}` holds files that `export a2a` did not write (`{}`{others}); nothing was written",
        dir.display(),
        first.display()
    ))
    .help(
        "write into a new or empty folder, or pass --force to write the cards beside them \
         (they are left as they are)",
    )
}

/// `DIR/<id>/agent-card.json`. Ids are single path components (letters, digits, `.`, `-`,
/// `_`, starting with a letter or digit); anything else is refused rather than followed.
fn card_path(dir: &Path, id: &str) -> Result<PathBuf, Failure> {
    let mut components = Path::new(id).components();
    let single = matches!(
        (components.next(), components.next()),
        (Some(std::path::Component::Normal(_)), None)
    );
    if !single {
        return Err(Failure::new(format!(
            "process id `{id}` cannot name a folder"
        )));
    }
    Ok(dir.join(id).join(CARD_FILE))
}

/// Never written through a symbolic link, nor over a folder: even with --force, a card
/// only replaces a regular file.
fn check_target(target: &Path) -> Result<(), Failure> {
    let folder = target.parent().unwrap_or(target);
    for (path, want_dir) in [(folder, true), (target, false)] {
        let Ok(metadata) = fs::symlink_metadata(path) else {
            continue;
        };
        let fits = if want_dir {
            metadata.is_dir()
        } else {
            metadata.is_file()
        };
        if !fits {
            return Err(Failure::new(format!(
                "`{}` is in the way (a {} where the card goes); nothing was written",
                path.display(),
                if metadata.is_symlink() {
                    "symbolic link"
                } else if metadata.is_dir() {
                    "folder"
                } else {
                    "file"
                }
            ))
            .help("move it away, or write the cards to another folder"));
        }
    }
    Ok(())
}

/// Written to a temporary file beside it, then renamed: a card is whole or absent.
fn write_card(target: &Path, json: &str) -> Result<(), Failure> {
    let folder = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| io_failure("cannot create", folder, &e))?;
    let mut file = tempfile::NamedTempFile::new_in(folder)
        .map_err(|e| io_failure("cannot write", folder, &e))?;
    file.write_all(json.as_bytes())
        .and_then(|()| public(file.as_file()))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| io_failure("cannot write", target, &e))?;
    file.persist(target)
        .map_err(|e| io_failure("cannot write", target, &e.error))?;
    Ok(())
}

/// Cards are for anyone to read (a temporary file starts readable by its owner alone).
#[cfg(unix)]
fn public(file: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn public(_: &fs::File) -> std::io::Result<()> {
    Ok(())
}

fn io_failure(what: &str, path: &Path, error: &std::io::Error) -> Failure {
    Failure::new(format!("{what} `{}`: {error}", path.display()))
}
