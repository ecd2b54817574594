//! One probe: an HTTP request (reqwest: TLS verified against the system's roots, proxies from
//! the usual environment variables, redirects followed only to the same host) or a TCP
//! connection, each under its timeout, with the reason in a few words.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use tokio::net::TcpStream;

use super::State;
use crate::model::health::headers::Header;
use crate::model::health::{Method, format_duration};

/// How many redirects (to the same host) a probe follows.
const MAX_REDIRECTS: usize = 5;

/// The HTTP client every probe shares (its connection pool, TLS roots and proxy settings).
pub struct Prober {
    client: Client,
}

impl Prober {
    pub fn new() -> std::io::Result<Prober> {
        let client = Client::builder()
            .user_agent(concat!("oslinker/", env!("CARGO_PKG_VERSION"), " (health)"))
            .redirect(Policy::custom(|attempt| {
                let same_host = (attempt.previous().first())
                    .is_some_and(|first| first.host_str() == attempt.url().host_str());
                if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if same_host {
                    attempt.follow()
                } else {
                    // The redirect itself is the answer: a probe never leaves its host.
                    attempt.stop()
                }
            }))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Prober { client })
    }

    /// Sends `method` to `url`; healthy when the status is `expect` (any 2xx without one).
    pub async fn http(
        &self,
        url: &str,
        method: Method,
        expect: Option<u16>,
        headers: HeaderMap,
        timeout: Duration,
    ) -> (State, String) {
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
        };
        let request = (self.client.request(method, url))
            .headers(headers)
            .timeout(timeout);
        match request.send().await {
            Ok(response) => judge_status(response.status(), expect),
            Err(error) => (State::Unreachable, http_reason(&error, timeout)),
        }
    }

    /// Opens a TCP connection to `address` (`host:port`).
    pub async fn tcp(&self, address: &str, timeout: Duration) -> (State, String) {
        match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
            Ok(Ok(_)) => (State::Healthy, "port open".to_string()),
            Ok(Err(error)) => (State::Unreachable, io_reason(&error)),
            Err(_) => (
                State::Unreachable,
                format!("timeout after {}", format_duration(timeout)),
            ),
        }
    }
}

/// The headers to send, each reference expanded by `lookup` (oslinker's environment), every
/// value marked sensitive (never shown, nor compressed by HTTP/2's tables). `Err` says why
/// they cannot be sent, naming the header and the variable, never a value.
pub fn headers(
    headers: &[Header],
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for header in headers {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| format!("`{}` is not an HTTP header name", header.name))?;
        let expanded = header.value.expand(&lookup).map_err(|missing| {
            format!(
                "header {} needs ${missing}, which is not set in oslinker's environment",
                header.name
            )
        })?;
        let mut value = HeaderValue::from_str(&expanded).map_err(|_| {
            format!(
                "header {}: `{}` expanded from oslinker's environment is not printable text",
                header.name, header.value
            )
        })?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

fn judge_status(status: StatusCode, expect: Option<u16>) -> (State, String) {
    let healthy = match expect {
        Some(expected) => status.as_u16() == expected,
        None => status.is_success(),
    };
    let mut reason = format!("HTTP {}", status.as_u16());
    if status.is_redirection() {
        reason.push_str(" (a redirect to another host: not followed)");
    }
    match healthy {
        true => (State::Healthy, reason),
        false => (State::Unhealthy, reason),
    }
}

/// Why a request got no answer, in a few words: `connect refused`, `timeout after 2s`,
/// `TLS: certificate not trusted`, `connection closed before an answer`.
fn http_reason(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timeout after {}", format_duration(timeout));
    }
    if error.is_redirect() {
        return "too many redirects".to_string();
    }
    let lower = error_chain(error).to_lowercase();
    // TLS failures come wrapped in I/O errors: asked first.
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        let what = if lower.contains("unknownissuer")
            || lower.contains("unknown issuer")
            || lower.contains("not trusted")
            || lower.contains("self-signed")
            || lower.contains("self signed")
        {
            "certificate not trusted".to_string()
        } else if lower.contains("expired") {
            "certificate expired".to_string()
        } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
            "certificate not valid for this host".to_string()
        } else if lower.contains("invalid peer certificate") {
            "certificate not accepted".to_string()
        } else {
            last_cause(error)
        };
        return format!("TLS: {what}");
    }
    if let Some(io) = io_error(error) {
        return io_reason(io);
    }
    if lower.contains("dns") || lower.contains("failed to lookup") || lower.contains("resolve") {
        return "cannot resolve the host".to_string();
    }
    if lower.contains("incomplete")
        || lower.contains("connection closed")
        || lower.contains("closed before")
    {
        return "connection closed before an answer".to_string();
    }
    if error.is_connect() {
        return format!("cannot connect: {}", last_cause(error));
    }
    last_cause(error)
}

fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::ConnectionRefused => "connect refused".to_string(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
            "connection closed before an answer".to_string()
        }
        ErrorKind::TimedOut => "connect timed out".to_string(),
        _ => {
            let text = error.to_string();
            match text.contains("lookup")
                || text.contains("resolve")
                || text.contains("Name or service")
            {
                true => "cannot resolve the host".to_string(),
                false => text,
            }
        }
    }
}

/// The first `io::Error` in the error's causes.
fn io_error(error: &reqwest::Error) -> Option<&std::io::Error> {
    let mut cause = error.source();
    while let Some(now) = cause {
        if let Some(io) = now.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        cause = now.source();
    }
    None
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(now) = cause {
        text.push_str(": ");
        text.push_str(&now.to_string());
        cause = now.source();
    }
    text
}

/// The innermost cause's words, which say the most.
fn last_cause(error: &reqwest::Error) -> String {
    let mut last = error.to_string();
    let mut cause = error.source();
    while let Some(now) = cause {
        last = now.to_string();
        cause = now.source();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::health::headers::Template;
    use crate::source::{FileId, Span};

    fn header(name: &str, value: &str) -> Header {
        Header {
            name: name.to_string(),
            value: Template::parse(value).unwrap(),
            at: Span::new(FileId(0), 0..0),
        }
    }

    #[test]
    fn headers_are_expanded_and_sensitive() {
        let written = [header("Authorization", "Bearer ${T}"), header("X-A", "$$1")];
        let map = headers(&written, |name| (name == "T").then(|| "v4lue".to_string())).unwrap();
        let auth = &map["authorization"];
        assert_eq!(auth, "Bearer v4lue");
        assert!(auth.is_sensitive());
        assert_eq!(map["x-a"], "$1");
        // What a log of the map would show holds no value.
        assert!(!format!("{map:?}").contains("v4lue"));
    }

    #[test]
    fn a_missing_or_unsendable_variable_is_named_never_its_value() {
        let written = [header("Authorization", "Bearer ${T}")];
        assert_eq!(
            headers(&written, |_| None).unwrap_err(),
            "header Authorization needs $T, which is not set in oslinker's environment"
        );
        let why = headers(&written, |_| Some("line\nbreak-s3cr3t".to_string())).unwrap_err();
        assert_eq!(
            why,
            "header Authorization: `Bearer ${T}` expanded from oslinker's environment is not \
             printable text"
        );
    }
}
