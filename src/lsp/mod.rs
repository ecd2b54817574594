//! `oslinker lsp`: a language server over stdio. The same loader and linker as every other
//! command, run on the tree with the editor's unsaved buffers in place of their files; what
//! it found is published as diagnostics for every file, and the linked tree answers
//! navigation, hover, completion and symbol requests.
//!
//! Messages are handled in batches: everything queued is handled before the tree is linked
//! again, so a burst of keystrokes costs one link, not one per keystroke. A request that
//! arrives after an edit is answered from a fresh link.

mod completion;
mod diagnostics;
mod hover;
mod navigation;
mod position;
mod state;
mod symbols;

use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Rename,
    Request as _, WorkspaceSymbolRequest,
};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, InitializeParams, MessageType, OneOf,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Failure;
use state::{Buffer, State, path_of};

/// Where the tree is, when the editor does not say (`--dir`, `--follow-links`).
pub struct Options {
    pub dir: Option<PathBuf>,
    pub follow_links: bool,
}

/// Serves one editor session on stdin/stdout, until it asks the server to exit.
pub fn run(options: Options) -> Result<(), Failure> {
    let (connection, io_threads) = Connection::stdio();
    let protocol = |e: lsp_server::ProtocolError| Failure::new(format!("lsp: {e}"));
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let root = root_of(&init, &options);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "oslinker".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection.initialize_finish(id, result).map_err(protocol)?;
    let mut server = Server {
        connection: &connection,
        state: State::new(&root, options.follow_links),
        published: diagnostics::Published::default(),
        load_error: None,
    };
    server.log(format!(
        "oslinker lsp: tree at {}",
        server.state.root.display()
    ));
    server.serve().map_err(protocol)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| Failure::new(format!("lsp: {e}")))
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "[".into(), ",".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// The manifest folder: `initializationOptions.root` (relative to the workspace folder),
/// else `--dir`, else the workspace folder's `linker.d`, else the nearest `linker.d` above
/// the working directory (as every command finds it), else the workspace's `linker.d` as if
/// it existed (the first link then says what is wrong).
fn root_of(init: &InitializeParams, options: &Options) -> PathBuf {
    #[allow(deprecated)] // `rootUri`: what clients without workspace folders send.
    let workspace = (init.workspace_folders.iter().flatten())
        .map(|folder| &folder.uri)
        .chain(init.root_uri.as_ref())
        .find_map(path_of);
    let given = (init.initialization_options.as_ref())
        .and_then(|o| o.get("root"))
        .and_then(Value::as_str);
    if let Some(given) = given {
        return match &workspace {
            Some(workspace) => workspace.join(given),
            None => PathBuf::from(given),
        };
    }
    if let Some(dir) = &options.dir {
        return dir.clone();
    }
    let in_workspace = workspace.as_deref().map(|w| w.join("linker.d"));
    if let Some(found) = in_workspace.as_ref().filter(|d| d.is_dir()) {
        return found.clone();
    }
    crate::load::root::find_default()
        .ok()
        .or(in_workspace)
        .unwrap_or_else(|| PathBuf::from("linker.d"))
}

struct Server<'c> {
    connection: &'c Connection,
    state: State,
    published: diagnostics::Published,
    /// Why the root could not be loaded last time (said once, not at every link).
    load_error: Option<String>,
}

enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    fn serve(&mut self) -> Result<(), lsp_server::ProtocolError> {
        // The first link, for the files no editor opened (`initialized` was read with
        // `initialize`).
        self.refresh();
        let receiver = self.connection.receiver.clone();
        while let Ok(message) = receiver.recv() {
            if let Flow::Exit = self.handle(message)? {
                return Ok(());
            }
            while let Ok(message) = receiver.try_recv() {
                if let Flow::Exit = self.handle(message)? {
                    return Ok(());
                }
            }
            self.refresh();
        }
        Ok(())
    }

    fn handle(&mut self, message: Message) -> Result<Flow, lsp_server::ProtocolError> {
        match message {
            Message::Request(request) => {
                if self.connection.handle_shutdown(&request)? {
                    return Ok(Flow::Exit);
                }
                // Answered from the tree as the editor sees it now.
                self.refresh();
                let response = self.answer(request);
                self.send(Message::Response(response));
            }
            Message::Notification(notification) => self.notified(notification),
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    /// Links again if anything changed since the last link, and publishes what changed.
    fn refresh(&mut self) {
        if !self.state.dirty {
            return;
        }
        match self.state.relink() {
            Ok(()) => self.load_error = None,
            Err(error) => {
                let message = format!("oslinker: cannot load the tree: {error}");
                if self.load_error.as_ref() != Some(&message) {
                    self.notify::<ShowMessage>(lsp_types::ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: message.clone(),
                    });
                    self.load_error = Some(message);
                }
            }
        }
        let now = diagnostics::by_file(&self.state);
        for params in self.published.update(&self.state, now) {
            self.notify::<PublishDiagnostics>(params);
        }
    }

    fn notified(&mut self, notification: Notification) {
        let state = &mut self.state;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(params) = params::<lsp_types::DidOpenTextDocumentParams>(notification) {
                    let document = params.text_document;
                    if let Some(path) = path_of(&document.uri) {
                        let buffer = Buffer {
                            text: document.text,
                            version: document.version,
                        };
                        state.buffers.insert(path, buffer);
                        state.dirty = true;
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                let Some(params) = params::<lsp_types::DidChangeTextDocumentParams>(notification)
                else {
                    return;
                };
                let document = params.text_document;
                // Full sync: the last change is the whole text.
                let (Some(path), Some(change)) = (
                    path_of(&document.uri),
                    params.content_changes.into_iter().last(),
                ) else {
                    return;
                };
                state.buffers.insert(
                    path,
                    Buffer {
                        text: change.text,
                        version: document.version,
                    },
                );
                state.dirty = true;
            }
            DidCloseTextDocument::METHOD => {
                let Some(params) = params::<lsp_types::DidCloseTextDocumentParams>(notification)
                else {
                    return;
                };
                if let Some(path) = path_of(&params.text_document.uri) {
                    // Closed unsaved: the file on disk counts again.
                    state.buffers.remove(&path);
                    state.touch(path);
                }
            }
            DidSaveTextDocument::METHOD => {
                let Some(params) = params::<lsp_types::DidSaveTextDocumentParams>(notification)
                else {
                    return;
                };
                if let Some(path) = path_of(&params.text_document.uri) {
                    state.touch(path);
                }
            }
            // Changed on disk by something else (a checkout, another tool).
            DidChangeWatchedFiles::METHOD => {
                let Some(params) = params::<lsp_types::DidChangeWatchedFilesParams>(notification)
                else {
                    return;
                };
                for change in params.changes {
                    if let Some(path) = path_of(&change.uri) {
                        state.touch(path);
                    }
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let state = &self.state;
        match request.method.as_str() {
            GotoDefinition::METHOD => reply(id, request, |p| navigation::definition(state, p)),
            References::METHOD => reply(id, request, |p| navigation::references(state, p)),
            Rename::METHOD => match request.extract(Rename::METHOD) {
                Ok((id, params)) => match navigation::rename(state, params) {
                    Ok(edit) => Response::new_ok(id, edit),
                    Err(message) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
                },
                Err(error) => bad_params(id, error),
            },
            HoverRequest::METHOD => reply(id, request, |p| hover::hover(state, p)),
            Completion::METHOD => reply(id, request, |p| completion::complete(state, p)),
            DocumentSymbolRequest::METHOD => {
                reply(id, request, |p| symbols::document_symbols(state, p))
            }
            WorkspaceSymbolRequest::METHOD => {
                reply(id, request, |p| symbols::workspace_symbols(state, p))
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request `{}`", request.method),
            ),
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )));
    }

    fn log(&self, message: String) {
        self.notify::<LogMessage>(lsp_types::LogMessageParams {
            typ: MessageType::INFO,
            message,
        });
    }

    fn send(&self, message: Message) {
        // The editor went away: the reader thread ends the loop.
        let _ = self.connection.sender.send(message);
    }
}

/// Answers a request with `answer` of its parameters (`null` when it has nothing to say).
fn reply<P: DeserializeOwned, R: Serialize>(
    id: RequestId,
    request: Request,
    answer: impl FnOnce(P) -> R,
) -> Response {
    let method = request.method.clone();
    match request.extract::<P>(&method) {
        Ok((id, params)) => Response::new_ok(id, answer(params)),
        Err(error) => bad_params(id, error),
    }
}

fn bad_params(id: RequestId, error: lsp_server::ExtractError<Request>) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("invalid parameters: {error}"),
    )
}

fn params<P: DeserializeOwned>(notification: Notification) -> Option<P> {
    serde_json::from_value(notification.params).ok()
}

/// The file of the linked tree a text document is.
fn document(state: &State, uri: &lsp_types::Uri) -> Option<crate::source::FileId> {
    state.file_of(&path_of(uri)?)
}
