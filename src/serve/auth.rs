//! Who may ask: loopback by default; any other address only with a bearer token (or
//! `--no-auth`, given on purpose). And what may be asked: GET and HEAD only.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::Shared;
use super::api::ApiError;
use crate::error::Failure;

/// A bearer token, read from `--token-file`.
pub struct Token(Vec<u8>);

impl Token {
    /// Compares in constant time (for tokens of the same length), so timing tells nothing
    /// of how much of a guess was right.
    fn matches(&self, given: &[u8]) -> bool {
        self.0.ct_eq(given).into()
    }
}

/// Whether `listen` may be served as asked: a non-loopback address needs a token, or
/// `--no-auth` to say that none is wanted.
pub fn check_listen(listen: SocketAddr, has_token: bool, no_auth: bool) -> Result<(), Failure> {
    if listen.ip().is_loopback() || has_token || no_auth {
        return Ok(());
    }
    Err(Failure::new(format!(
        "refusing to serve on {listen} without a token: it is reachable from other machines"
    ))
    .help(
        "pass --token-file FILE (a file holding the bearer token clients must send), or \
         --no-auth if anyone who can reach the port may read the tree; or listen on \
         127.0.0.1",
    ))
}

/// Reads the token: the file's text, trimmed. An empty file, or (on Unix) one that every
/// user may read, is refused.
pub fn read_token(path: &Path) -> Result<Token, Failure> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(format!("cannot read the token file `{shown}`: {e}")))?;
    refuse_world_readable(path)?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Failure::new(format!("the token file `{shown}` is empty"))
            .help("write the bearer token clients must send into it"));
    }
    Ok(Token(token.as_bytes().to_vec()))
}

#[cfg(unix)]
fn refuse_world_readable(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::new(format!("cannot read `{}`: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o004 != 0 {
        return Err(Failure::new(format!(
            "the token file `{}` can be read by every user",
            path.display()
        ))
        .help(format!("chmod 600 {}", path.display())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_world_readable(_: &Path) -> Result<(), Failure> {
    Ok(())
}

/// With a token, every request but `/healthz` must carry `Authorization: Bearer TOKEN`.
pub async fn require_token(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &shared.token else {
        return next.run(request).await;
    };
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let given = (request.headers().get(header::AUTHORIZATION))
        .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "));
    if given.is_some_and(|given| token.matches(given)) {
        return next.run(request).await;
    }
    let mut response = ApiError::new(StatusCode::UNAUTHORIZED, "a bearer token is required")
        .help("send `Authorization: Bearer TOKEN`, TOKEN being the --token-file's contents")
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"oslinker\""),
    );
    response
}

/// GET and HEAD only: the service reads, it never changes anything.
pub async fn only_reads(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed: the service only reads"),
    )
    .help("use GET (or HEAD)")
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}
