//! File-system events, debounced into batches, and the signals that end a watch.
//!
//! The main thread blocks on a channel: no polling loop and no timer while nothing changes
//! (inotify on Linux). After the first event it gathers more until the tree has been quiet
//! for the debounce time, so an editor's save (write a temporary file, rename it over the
//! old one) arrives as one batch; comparing file contents then folds it into one change.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::error::Failure;

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// Set once SIGINT or SIGTERM arrived: work in progress (an `--exec` command) stops too.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether SIGINT or SIGTERM has arrived.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// What the next batch is.
pub enum Batch {
    /// Paths that changed (files or folders, under the root or above it; they may no
    /// longer exist), and problems the watcher reported meanwhile (e.g. too many watches).
    Changed {
        paths: Vec<PathBuf>,
        errors: Vec<String>,
    },
    /// SIGINT or SIGTERM: end the watch.
    Stop,
    /// Nothing happened before the time asked for (see `next_batch_until`).
    Due,
}

pub struct Events {
    watcher: RecommendedWatcher,
    receiver: Receiver<Message>,
    root: PathBuf,
    debounce: Duration,
    /// What is watched now (see `rewatch`).
    watched: Vec<PathBuf>,
}

impl Events {
    /// Takes over SIGINT and SIGTERM at once (so a signal during the first load still
    /// ends the watch cleanly), then watches the tree (see `rewatch`).
    pub fn new(root: &Path, debounce: Duration) -> Result<Events, Failure> {
        let (sender, receiver) = mpsc::channel();
        stop_on_signals(sender.clone())?;
        let watcher = notify::recommended_watcher(move |event| {
            let _ = sender.send(Message::Event(event));
        })
        .map_err(|e| Failure::new(format!("cannot watch for changes: {e}")))?;
        let mut events = Events {
            watcher,
            receiver,
            root: root.to_path_buf(),
            debounce,
            watched: Vec::new(),
        };
        events.rewatch();
        Ok(events)
    }

    /// Watches the root recursively and its parent (so a root that is removed, renamed or
    /// re-created is noticed). While the root is missing, watches its nearest existing
    /// ancestor instead, and is called again as the path to the root comes back.
    pub fn rewatch(&mut self) {
        for path in std::mem::take(&mut self.watched) {
            let _ = self.watcher.unwatch(&path);
        }
        let mut watch = |path: &Path, mode| {
            if self.watcher.watch(path, mode).is_ok() {
                self.watched.push(path.to_path_buf());
            }
        };
        if self.root.is_dir() {
            watch(&self.root, RecursiveMode::Recursive);
            if let Some(parent) = self.root.parent() {
                watch(parent, RecursiveMode::NonRecursive);
            }
        } else if let Some(ancestor) = self.root.ancestors().skip(1).find(|a| a.is_dir()) {
            watch(ancestor, RecursiveMode::NonRecursive);
        }
    }

    /// Whether a changed path is the root or above it: then what is watched must follow.
    pub fn is_above_root(&self, path: &Path) -> bool {
        self.root.starts_with(path)
    }

    /// Blocks until something happens, then gathers events until none arrives for the
    /// debounce time (or ten times that has passed, so a steady stream of writes still
    /// gets reported).
    pub fn next_batch(&self) -> Batch {
        self.next_batch_until(None)
    }

    /// As `next_batch`, but gives up waiting for the first event at `until` (then
    /// `Batch::Due`): what `watch --health` waits with, until the next probe is due.
    pub fn next_batch_until(&self, until: Option<Instant>) -> Batch {
        loop {
            match self.gather(until) {
                // Only accesses (including oslinker's own reads): keep waiting.
                Batch::Changed { paths, errors } if paths.is_empty() && errors.is_empty() => {}
                batch => return batch,
            }
        }
    }

    fn gather(&self, until: Option<Instant>) -> Batch {
        let (mut paths, mut errors) = (Vec::new(), Vec::new());
        let first = match until {
            None => self
                .receiver
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
            Some(until) => {
                (self.receiver).recv_timeout(until.saturating_duration_since(Instant::now()))
            }
        };
        let first = match first {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => return Batch::Due,
            Err(RecvTimeoutError::Disconnected) => return Batch::Stop,
        };
        if self.take(first, &mut paths, &mut errors).is_break() {
            return Batch::Stop;
        }
        let deadline = Instant::now() + self.debounce * 10;
        loop {
            let wait = self
                .debounce
                .min(deadline.saturating_duration_since(Instant::now()));
            match self.receiver.recv_timeout(wait) {
                Ok(message) => {
                    if self.take(message, &mut paths, &mut errors).is_break() {
                        return Batch::Stop;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Batch::Stop,
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        // Above the root, only what leads to it matters: its parent is watched to see the
        // root come and go, not for its other entries.
        paths.retain(|path| path.starts_with(&self.root) || self.is_above_root(path));
        paths.sort();
        paths.dedup();
        Batch::Changed { paths, errors }
    }

    /// Adds a message to the batch; breaks on a stop.
    fn take(
        &self,
        message: Message,
        paths: &mut Vec<PathBuf>,
        errors: &mut Vec<String>,
    ) -> ControlFlow<()> {
        match message {
            Message::Stop => return ControlFlow::Break(()),
            // A lost event could be anywhere: look at the whole tree again.
            Message::Event(Err(error)) => {
                errors.push(error.to_string());
                paths.push(self.root.clone());
            }
            Message::Event(Ok(event)) if event.need_rescan() => paths.push(self.root.clone()),
            // Opening or reading a file changes nothing.
            Message::Event(Ok(event)) if matches!(event.kind, EventKind::Access(_)) => {}
            Message::Event(Ok(event)) => paths.extend(event.paths),
        }
        ControlFlow::Continue(())
    }
}

/// How long the loop has to end cleanly after SIGINT or SIGTERM: more than an `--exec`
/// command takes to be stopped (a second at most, see `exec::stop`).
const GRACE: Duration = Duration::from_secs(3);

/// SIGINT (Ctrl-C) and SIGTERM end the watch cleanly, through the same channel. Should the
/// loop not get there (stuck writing to a reader that stopped reading, or reading a file on a
/// hung file system), the process ends anyway after `GRACE`, as trouble (exit 2): a signal
/// is always honoured.
fn stop_on_signals(sender: Sender<Message>) -> Result<(), Failure> {
    ctrlc::set_handler(move || {
        if STOPPING.swap(true, Ordering::SeqCst) {
            return; // a second signal: the first one's grace is running
        }
        let _ = sender.send(Message::Stop);
        // Runs on ctrlc's own thread; a clean end of the loop ends the process first.
        std::thread::sleep(GRACE);
        std::process::exit(i32::from(crate::exit::Exit::Trouble as u8));
    })
    .map_err(|e| Failure::new(format!("cannot handle Ctrl-C: {e}")))
}
