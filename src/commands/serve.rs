//! `oslinker serve`: the linked tree behind a port. This thread follows the tree as `watch`
//! does and publishes each re-link; the HTTP server (`crate::serve`) runs on a thread of its
//! own and reads whatever was published last.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, ValueHint};
use tokio::sync::watch;

use crate::error::{CommandResult, Failure};
use crate::events::CloudEvent;
use crate::events::nats::NatsPublisher;
use crate::exit::{Exit, ExitCodes};
use crate::health::Observation;
use crate::health::monitor::Monitor;
use crate::load::display_path;
use crate::render;
use crate::serve::answers::Answers;
use crate::serve::{self, Published, Shared, Snapshot, auth};
use crate::source::FileId;
use crate::text;
use crate::ui::Ui;
use crate::watch::emitter::Emitter;
use crate::watch::events::{self, Batch, Events};
use crate::watch::{Relinked, Rerouted, Session, Update};

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

    /// At most this many connections open at once; one past it is closed when accepted
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Wait until the tree has been quiet this long before re-linking (milliseconds)
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub debounce: u64,

    /// Probe every health check at its interval, as `watch --health` does, and route by
    /// what is alive (/v1/health shows the states)
    #[arg(long)]
    pub health: bool,

    /// Also publish every event to NATS (`nats://HOST:PORT`), on subjects `oslinker.<type>`
    /// such as `oslinker.route.changed`
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub publish: Option<String>,
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the server: {e}")))?;
    let publisher = match &args.publish {
        Some(url) => Some(runtime.block_on(NatsPublisher::connect(url))?),
        None => None,
    };
    let (mut follower, loaded) = Follower::new(&root, &ready);
    drop(ready);
    let (stop, stopping) = watch::channel(false);
    let shared = Arc::new(Shared::new(
        follower.published(None),
        token,
        args.max_streams,
        stopping.clone(),
        serve::url(address),
    ));
    if let Some(publisher) = publisher {
        let events = shared.events.subscribe();
        // Off the Ui's thread: what cannot be published goes straight to stderr.
        let report = |trouble: String| eprintln!("error: NATS: {trouble}; serving goes on");
        runtime.spawn(serve::forward_to_nats(publisher, events, report));
    }
    // Only a subscriber already there (NATS) hears of the first load.
    shared.publish_events(vec![loaded]);
    let app = serve::app(serve::routes(), Arc::clone(&shared));
    let server = runtime.spawn(serve::run(
        listener,
        app,
        args.max_connections as usize,
        stopping,
    ));
    ui.err(&format!("{}\n", follower.serving_line(address)));
    let mut monitor = match args.health {
        true => {
            session.follow_health();
            let mut monitor = Monitor::new(HEALTH_CONCURRENCY)
                .map_err(|e| Failure::new(format!("cannot start probing: {e}")))?;
            monitor.retarget(session.health_targets(), Instant::now());
            follower.health = Some(Arc::new(Vec::new()));
            Some(monitor)
        }
        false => None,
    };
    while !events::stopping() {
        let due = monitor.as_ref().and_then(Monitor::next_due);
        let (paths, errors) = match events.next_batch_until(due) {
            Batch::Stop => break, // SIGINT or SIGTERM
            Batch::Due => {
                if let Some(monitor) = &mut monitor {
                    probe_round(ui, &shared, &mut follower, &mut session, monitor);
                }
                continue;
            }
            Batch::Changed { paths, errors } => (paths, errors),
        };
        for error in &errors {
            ui.error(&format!("watching: {error}; watching goes on"));
        }
        let troubles = errors.iter().map(|e| follower.emitter.watch_error(e));
        shared.publish_events(troubles.collect());
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
                let unreadable = follower.emitter.unreadable(&error);
                shared.publish(
                    follower.published(Some(error.to_string())),
                    None,
                    vec![unreadable],
                );
            }
            Update::Relinked(relinked) => {
                let took = start.elapsed();
                let events = follower.relinked(&relinked);
                drop(relinked);
                ui.note(&follower.relinked_line(took));
                shared.publish(follower.published(None), Some(took), events);
                if let Some(monitor) = &mut monitor {
                    monitor.retarget(session.health_targets(), Instant::now());
                }
            }
        }
    }
    let _ = stop.send(true);
    let result = runtime.block_on(server);
    // Whatever is left (a request stuck past the drain) is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(Ok(())) => Ok(Exit::Success),
        Ok(Err(e)) => Err(Failure::new(format!("the server failed: {e}")).into()),
        Err(_) => Err(Failure::new("the server task failed").into()),
    }
}

/// How many probes `serve --health` runs at once.
const HEALTH_CONCURRENCY: usize = 32;

/// Probes what is due; publishes each change of state, and the routes (and tree) it
/// changes.
fn probe_round(
    ui: &mut Ui,
    shared: &Shared,
    follower: &mut Follower,
    session: &mut Session,
    monitor: &mut Monitor,
) {
    let changes = monitor.probe_due(Instant::now(), events::stopping);
    if changes.is_empty() || events::stopping() {
        return;
    }
    let mut published = follower.emitter.health(&changes);
    for change in &changes {
        ui.note(render::watch::health_text(change.from, &change.now).trim_end());
    }
    follower.health = Some(Arc::new(monitor.states().cloned().collect()));
    let rerouted = session.health_changed(monitor.states());
    published.extend(follower.rerouted(&rerouted));
    shared.publish(follower.published(None), None, published);
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

/// The follower's side of the state: the last good tree and the latest one, and the events
/// (made as `watch --format json` makes them).
struct Follower {
    root: PathBuf,
    emitter: Emitter,
    serving: Option<Arc<Snapshot>>,
    latest: Arc<Snapshot>,
    /// With `--health`: every target's state as last probed.
    health: Option<Arc<Vec<Observation>>>,
}

impl Follower {
    /// Takes in the first load; returns its `tree.loaded` event too.
    fn new(root: &Path, ready: &Relinked) -> (Follower, CloudEvent) {
        let mut emitter = Emitter::new(root);
        let loaded = emitter.loaded(ready);
        let first = Arc::new(snapshot(ready, emitter.generation(), Answers::default()));
        let follower = Follower {
            root: root.to_path_buf(),
            emitter,
            serving: first.valid().then(|| Arc::clone(&first)),
            latest: first,
            health: None,
        };
        (follower, loaded)
    }

    /// Takes in a re-link; returns the events it makes: `tree.relinked`, `tree.valid` or
    /// `tree.invalid` when that flipped, and a `route.changed` per route the served tree
    /// now chooses differently.
    fn relinked(&mut self, relinked: &Relinked) -> Vec<CloudEvent> {
        let answers = self.answers_carried_over(relinked);
        let events = self.emitter.relinked(relinked);
        self.take_in(relinked, answers);
        events
    }

    /// The answers of the tree served until now that still hold in `relinked`: when it was
    /// linked in place into that very tree, all but those naming what the edited files
    /// define; none otherwise.
    fn answers_carried_over(&self, relinked: &Relinked) -> Answers {
        match &self.serving {
            Some(serving) if relinked.in_place && self.latest.valid() => {
                serving.answers.carried_over(&edited_ids(relinked))
            }
            _ => Answers::default(),
        }
    }

    /// A re-link health made (no file changed): the routes moved, and maybe the plan; every
    /// answer is worked out again.
    fn rerouted(&mut self, rerouted: &Rerouted) -> Vec<CloudEvent> {
        let events = self.emitter.rerouted(rerouted);
        if let Some(relinked) = &rerouted.relinked {
            self.take_in(relinked, Answers::default());
        }
        events
    }

    /// The emitter's latest generation becomes the latest snapshot (and the served one, when
    /// valid).
    fn take_in(&mut self, relinked: &Relinked, answers: Answers) {
        let new = Arc::new(snapshot(relinked, self.emitter.generation(), answers));
        if new.valid() {
            self.serving = Some(Arc::clone(&new));
        }
        self.latest = new;
    }

    fn published(&self, trouble: Option<String>) -> Published {
        Published {
            serving: self.serving.clone(),
            latest: Arc::clone(&self.latest),
            trouble,
            health: self.health.clone(),
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

/// A re-link as served. It shares the session's `Checked`: the session links the next edit
/// into a copy of it (`Arc::make_mut`), never into the tree readers hold.
fn snapshot(relinked: &Relinked, generation: u64, answers: Answers) -> Snapshot {
    Snapshot {
        checked: Arc::clone(&relinked.checked),
        plan: relinked.plan.clone().map(Arc::new),
        generation,
        relinked_at: SystemTime::now(),
        files: relinked.files.clone(),
        answers,
    }
}

/// The ids of the processes and providers that the re-linked files define.
fn edited_ids(relinked: &Relinked) -> HashSet<&str> {
    let checked = &relinked.checked;
    let files: HashSet<FileId> = (1..checked.sources.len())
        .map(FileId)
        .filter(|&file| relinked.files.contains(&checked.sources.get(file).path))
        .collect();
    let linked = &checked.linked;
    let processes = linked.processes.values().map(|p| &p.id);
    let providers = linked.providers.values().map(|p| &p.id);
    (processes.chain(providers))
        .filter(|id| files.contains(&id.span.file))
        .map(|id| id.value.as_str())
        .collect()
}
