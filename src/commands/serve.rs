//! `oslinker serve`: the linked tree behind a port. This thread follows the tree as `watch`
//! does and publishes each re-link; the HTTP server (`crate::serve`) runs on a thread of its
//! own and reads whatever was published last.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, ValueHint};
use tokio::sync::watch;

use crate::error::{CommandResult, Failure};
use crate::exit::{Exit, ExitCodes};
use crate::load::display_path;
use crate::serve::{self, Published, Shared, Snapshot, auth};
use crate::text;
use crate::ui::Ui;
use crate::watch::events::{self, Batch, Events};
use crate::watch::{Relinked, Session, Update};

use super::Context;

/// What the exit codes mean for this command (after `--help`).
pub const EXIT_CODES: ExitCodes = ExitCodes {
    heading: "",
    codes: &[
        (0, &["stopped by Ctrl-C (SIGINT) or SIGTERM"]),
        (
            2,
            &[
                "could not start: missing root, the address cannot be listened on, a",
                "non-loopback address without --token-file or --no-auth, or a bad token file",
            ],
        ),
    ],
    note: "Bad manifests never stop the server: it keeps serving the last valid tree.",
};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (`127.0.0.1:0` picks a free port); any address other than
    /// loopback needs --token-file or --no-auth
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub listen: SocketAddr,

    /// A file holding the bearer token every request (but /healthz) must carry, as
    /// `Authorization: Bearer TOKEN`; it must not be readable by every user
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with = "no_auth")]
    pub token_file: Option<PathBuf>,

    /// Serve a non-loopback address without a token: anyone who reaches the port may read
    /// the tree (never its secret values)
    #[arg(long)]
    pub no_auth: bool,

    /// At most this many /v1/events streams at once; past it, 503
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_streams: usize,

    /// Wait until the tree has been quiet this long before re-linking (milliseconds)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub debounce: u64,
}

pub fn run(ui: &mut Ui, context: &Context, args: &ServeArgs) -> CommandResult {
    let token = args
        .token_file
        .as_deref()
        .map(auth::read_token)
        .transpose()?;
    auth::check_listen(args.listen, token.is_some(), args.no_auth)?;
    let root = context.root()?;
    let root = std::path::absolute(&root)
        .map_err(|e| Failure::new(format!("cannot resolve `{}`: {e}", root.display())))?;
    // As `watch`: signals and the watch first, so nothing is lost during the first load.
    let mut events = Events::new(&root, Duration::from_millis(args.debounce))?;
    let (mut session, ready) = Session::start(&root, context.follow_links)
        .map_err(|e| Failure::new(e.to_string()).help(super::ROOT_HELP))?;
    let listener = listen(args.listen)?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::new(format!("cannot listen on {}: {e}", args.listen)))?;
    let mut follower = Follower::new(&root, &ready);
    drop(ready);
    let (stop, stopping) = watch::channel(false);
    let shared = Arc::new(Shared::new(
        follower.published(None),
        token,
        args.max_streams,
        stopping.clone(),
    ));
    let app = serve::app(serve::routes(), Arc::clone(&shared));
    let server = std::thread::Builder::new()
        .name("serve".to_string())
        .spawn(move || serve::run(listener, app, stopping))
        .map_err(|e| Failure::new(format!("cannot start the server: {e}")))?;
    ui.err(&format!("{}\n", follower.serving_line(address)));
    while !events::stopping() {
        let Batch::Changed { paths, errors } = events.next_batch() else {
            break; // SIGINT or SIGTERM
        };
        for error in &errors {
            ui.error(&format!("watching: {error}; watching goes on"));
        }
        if paths.iter().any(|p| events.is_above_root(p)) {
            events.rewatch();
        }
        let start = Instant::now();
        match session.update(&paths) {
            Update::Quiet => {}
            Update::RootMissing(error) => {
                events.rewatch();
                ui.note(&format!(
                    "{error}; serving the last good tree until it is back"
                ));
                shared.publish(
                    follower.published(Some(error.to_string())),
                    None,
                    Vec::new(),
                );
            }
            Update::Relinked(relinked) => {
                let took = start.elapsed();
                let events = follower.relinked(&relinked);
                drop(relinked);
                ui.note(&follower.relinked_line(took));
                shared.publish(follower.published(None), Some(took), events);
            }
        }
    }
    let _ = stop.send(true);
    match server.join() {
        Ok(Ok(())) => Ok(Exit::Success),
        Ok(Err(e)) => Err(Failure::new(format!("the server failed: {e}")).into()),
        Err(_) => Err(Failure::new("the server thread failed").into()),
    }
}

/// Binds the address before anything is printed, so the start line's port is real.
fn listen(address: SocketAddr) -> Result<std::net::TcpListener, Failure> {
    let listener = std::net::TcpListener::bind(address).map_err(|e| {
        Failure::new(format!("cannot listen on {address}: {e}"))
            .help("pick another address with --listen (`127.0.0.1:0` takes any free port)")
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Failure::new(format!("cannot listen on {address}: {e}")))?;
    Ok(listener)
}

/// The follower's side of the state: the last good tree and the latest one.
struct Follower {
    root: PathBuf,
    source: String,
    serving: Option<Arc<Snapshot>>,
    latest: Arc<Snapshot>,
}

impl Follower {
    fn new(root: &Path, ready: &Relinked) -> Follower {
        let first = Arc::new(snapshot(ready, 1));
        Follower {
            root: root.to_path_buf(),
            source: serve::events::source_of(root),
            serving: first.valid().then(|| Arc::clone(&first)),
            latest: first,
        }
    }

    /// Takes in a re-link; returns the events it makes.
    fn relinked(&mut self, relinked: &Relinked) -> Vec<serde_json::Value> {
        let new = Arc::new(snapshot(relinked, self.latest.generation + 1));
        let events = serve::events_of(&self.source, &self.latest, &new);
        if new.valid() {
            self.serving = Some(Arc::clone(&new));
        }
        self.latest = new;
        events
    }

    fn published(&self, trouble: Option<String>) -> Published {
        Published {
            serving: self.serving.clone(),
            latest: Arc::clone(&self.latest),
            trouble,
        }
    }

    /// `serving linker.d on http://127.0.0.1:7878 (10 processes, tree valid)`.
    fn serving_line(&self, address: SocketAddr) -> String {
        let processes = self
            .serving
            .as_ref()
            .map_or(0, |s| s.checked.linked.processes.len());
        format!(
            "serving {} on {} ({}, {})",
            display_path(&self.root),
            serve::url(address),
            text::plural(processes, "process"),
            self.validity()
        )
    }

    fn relinked_line(&self, took: Duration) -> String {
        format!(
            "relinked in {} ms (generation {}): {}",
            took.as_millis(),
            self.latest.generation,
            self.validity()
        )
    }

    fn validity(&self) -> String {
        let checked = &self.latest.checked;
        match (self.latest.valid(), &self.serving) {
            (true, _) => "tree valid".to_string(),
            (false, Some(serving)) => format!(
                "tree invalid ({}), serving generation {}",
                text::plural(checked.errors(), "error"),
                serving.generation
            ),
            (false, None) => format!(
                "tree invalid ({}), nothing to serve until it is fixed",
                text::plural(checked.errors(), "error")
            ),
        }
    }
}

/// A re-link as served. It holds the session's `Checked`, so the session links the next
/// edit afresh rather than in place (it links in place only what nobody else holds).
fn snapshot(relinked: &Relinked, generation: u64) -> Snapshot {
    Snapshot {
        checked: Arc::clone(&relinked.checked),
        plan: relinked.plan.clone().map(Arc::new),
        generation,
        relinked_at: SystemTime::now(),
        files: relinked.files.clone(),
    }
}
