//! File-system events, debounced into batches, and the signals that end a watch.
//!
//! The main thread blocks on a channel: no polling loop and no timer while nothing changes
//! (inotify on Linux). After the first event it gathers more until the tree has been quiet
//! for the debounce time, so an editor's save (write a temporary file, rename it over the
//! old one) arrives as one batch; comparing file contents then folds it into one change.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// What the next batch is.
pub enum Batch {
    /// Paths that changed (files or folders; they may no longer exist).
    Changed(Vec<PathBuf>),
    /// SIGINT or SIGTERM: end the watch.
    Stop,
    /// The watcher reported a problem (e.g. too many watches); watching goes on.
    Error(String),
}

pub struct Events {
    watcher: RecommendedWatcher,
    receiver: Receiver<Message>,
    root: PathBuf,
    debounce: Duration,
}

impl Events {
    /// Watches `root` (recursively) and its parent (so a root that is removed, renamed or
    /// re-created is noticed), and takes over SIGINT and SIGTERM.
    pub fn new(root: &Path, debounce: Duration) -> Result<Events, String> {
        let (sender, receiver) = mpsc::channel();
        let events = sender.clone();
        let watcher = notify::recommended_watcher(move |event| {
            let _ = events.send(Message::Event(event));
        })
        .map_err(|e| format!("cannot watch for changes: {e}"))?;
        stop_on_signals(sender)?;
        let mut events = Events {
            watcher,
            receiver,
            root: root.to_path_buf(),
            debounce,
        };
        if let Some(parent) = root.parent().filter(|p| p.is_dir()) {
            events
                .watcher
                .watch(parent, RecursiveMode::NonRecursive)
                .map_err(|e| format!("cannot watch `{}`: {e}", parent.display()))?;
        }
        events.watch_root();
        Ok(events)
    }

    /// (Re)watches the root folder, e.g. after it was re-created. A root that is missing
    /// now is picked up by the parent's watch when it comes back.
    pub fn watch_root(&mut self) {
        let _ = self.watcher.unwatch(&self.root);
        let _ = self.watcher.watch(&self.root, RecursiveMode::Recursive);
    }

    /// Blocks until something happens, then gathers events until none arrives for the
    /// debounce time (or ten times that has passed, so a steady stream of writes still
    /// gets reported).
    pub fn next_batch(&self) -> Batch {
        loop {
            match self.gather() {
                // Only accesses (including oslinker's own reads): keep waiting.
                Batch::Changed(paths) if paths.is_empty() => continue,
                batch => return batch,
            }
        }
    }

    fn gather(&self) -> Batch {
        let mut paths = Vec::new();
        let first = match self.receiver.recv() {
            Ok(message) => message,
            Err(_) => return Batch::Stop,
        };
        if let Some(batch) = take(first, &mut paths) {
            return batch;
        }
        let deadline = Instant::now() + self.debounce * 10;
        loop {
            let wait = self
                .debounce
                .min(deadline.saturating_duration_since(Instant::now()));
            match self.receiver.recv_timeout(wait) {
                Ok(message) => {
                    if let Some(batch) = take(message, &mut paths) {
                        return batch;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Batch::Stop,
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        // The parent is watched only to see the root come and go.
        paths.retain(|path| path.starts_with(&self.root));
        paths.sort();
        paths.dedup();
        Batch::Changed(paths)
    }
}

/// Adds an event's paths to the batch; a stop or an error ends the batch at once.
fn take(message: Message, paths: &mut Vec<PathBuf>) -> Option<Batch> {
    match message {
        Message::Stop => Some(Batch::Stop),
        Message::Event(Err(error)) => Some(Batch::Error(error.to_string())),
        Message::Event(Ok(event)) => {
            // Opening or reading a file changes nothing.
            if !matches!(event.kind, EventKind::Access(_)) {
                paths.extend(event.paths);
            }
            None
        }
    }
}

/// SIGINT (Ctrl-C) and SIGTERM end the watch cleanly, through the same channel.
fn stop_on_signals(sender: Sender<Message>) -> Result<(), String> {
    ctrlc::set_handler(move || {
        let _ = sender.send(Message::Stop);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))
}
