//! `health`, on a Process or a Provider: how to tell whether it is up, modelled on Kubernetes
//! probes. An `http` probe (a `path` under the endpoint, or a whole `url`; `GET` or `HEAD`; the
//! status expected, any 2xx by default) or a `tcp` one (`host:port`), with a timeout, and the
//! interval and thresholds `watch --health` probes by. `oslinker health` runs them.

pub mod headers;

use std::time::Duration;

use super::describe::{Field, Object, Presence, Rest, Type};
use super::read::{Fields, Reader};
use super::{Choice, Located, choice};
use crate::source::Span;

/// The `health` field, as Process and Provider have it.
pub const HEALTH_FIELD: Field = Field {
    name: "health",
    ty: Type::Object(&HEALTH),
    presence: Presence::Optional,
    doc: "How to tell whether it is up: an `http` or a `tcp` probe, run by `oslinker health`, \
          `resolve --live` and `watch --health`.",
};

const DURATION: Type = Type::Checked {
    pattern: "^[0-9]+(ms|s|m)$",
};

const HEALTH: Object = Object {
    name: "Health",
    what: "`health`",
    doc: "A health check: exactly one of `http` and `tcp`, and how often and how patiently to \
          probe.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "http",
            ty: Type::Object(&HTTP),
            presence: Presence::Optional,
            doc: "An HTTP request that answers with the expected status when it is up.",
        },
        Field {
            name: "tcp",
            ty: Type::Checked {
                pattern: "^[^\\s:]+:[0-9]+$",
            },
            presence: Presence::Optional,
            doc: "`host:port` that accepts a connection when it is up.",
        },
        Field {
            name: "timeout",
            ty: DURATION,
            presence: Presence::Optional,
            doc: "How long one probe may take: `500ms`, `2s`, `1m` [default: 2s].",
        },
        Field {
            name: "interval",
            ty: DURATION,
            presence: Presence::Optional,
            doc: "How often `watch --health` probes [default: 30s].",
        },
        Field {
            name: "failureThreshold",
            ty: Type::Port,
            presence: Presence::Optional,
            doc: "Failed probes in a row before `watch --health` calls it unhealthy [default: 3].",
        },
        Field {
            name: "successThreshold",
            ty: Type::Port,
            presence: Presence::Optional,
            doc: "Passed probes in a row before `watch --health` calls it healthy again \
                  [default: 1].",
        },
    ],
};

const HTTP: Object = Object {
    name: "HttpProbe",
    what: "`http`",
    doc: "An HTTP probe: `path` (under the endpoint) or `url`.",
    rest: Rest::Closed,
    fields: &[
        Field {
            name: "path",
            ty: Type::Checked { pattern: "^/" },
            presence: Presence::Optional,
            doc: "A path under the manifest's `endpoint`, e.g. `/healthz`.",
        },
        Field {
            name: "url",
            ty: Type::Checked {
                pattern: "^https?://[^/?#\\s]+([/?#]|$)",
            },
            presence: Presence::Optional,
            doc: "A whole http(s) URL, when the check is not under the endpoint.",
        },
        Field {
            name: "method",
            ty: Type::Choice(Method::NAMES),
            presence: Presence::Default(super::describe::Default::Name("GET")),
            doc: "`GET` or `HEAD`.",
        },
        Field {
            name: "expectStatus",
            ty: Type::Port,
            presence: Presence::Optional,
            doc: "The status that means up [default: any 2xx].",
        },
        Field {
            name: "headers",
            ty: Type::Map {
                value: &Type::Checked {
                    pattern: HEADER_VALUE_PATTERN,
                },
                what: "a header value",
            },
            presence: Presence::Optional,
            doc: "Headers the probe sends: name -> value. Never a literal secret: a value may \
                  reference a variable of a `secrets` binding of its process as `${VAR}` \
                  (`Bearer ${API_TOKEN}`; `$$` is a literal `$`), read from oslinker's own \
                  environment when it probes. A credential header (`Authorization`, `Cookie`, \
                  `X-Api-Key`, ...) must take its value from such a reference.",
        },
    ],
};

/// Header values as the JSON Schema checks them: printable ASCII, spaces and tabs.
const HEADER_VALUE_PATTERN: &str = "^[\\t\\x20-\\x7E]*$";

choice! {
    /// The HTTP methods a probe may use: neither changes anything.
    pub enum Method {
        Get = "GET",
        Head = "HEAD",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    pub probe: Probe,
    pub timeout: Duration,
    pub interval: Duration,
    pub failure_threshold: u16,
    pub success_threshold: u16,
    /// Where `health` is written: what findings about it point at.
    pub at: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Http {
        target: HttpTarget,
        method: Method,
        /// `None`: any 2xx.
        expect_status: Option<u16>,
        /// Sent with the request, references and all: expanded only when probing.
        headers: Vec<headers::Header>,
    },
    Tcp {
        address: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpTarget {
    /// Under the manifest's endpoint.
    Path(String),
    Url(String),
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

/// Reads `health` from a Process's or Provider's fields; `None` when it is not written or not
/// sound (each problem reported at its place).
pub fn build(r: &mut Reader, fields: &Fields) -> Option<HealthCheck> {
    let health = fields.object("health")?;
    let at = fields.entry("health").map(|e| e.key_span)?;
    let probe = probe(r, &health, at)?;
    Some(HealthCheck {
        probe,
        timeout: duration(r, &health, "timeout")?.unwrap_or(DEFAULT_TIMEOUT),
        interval: duration(r, &health, "interval")?.unwrap_or(DEFAULT_INTERVAL),
        failure_threshold: health.port("failureThreshold").unwrap_or(3),
        success_threshold: health.port("successThreshold").unwrap_or(1),
        at,
    })
}

fn probe(r: &mut Reader, health: &Fields, at: Span) -> Option<Probe> {
    let http = health.object("http");
    let tcp = health.text("tcp");
    match (http, tcp) {
        (Some(http), None) => http_probe(r, &http, at),
        (None, Some(address)) => Some(Probe::Tcp {
            address: address.value,
        }),
        (Some(_), Some(tcp)) => {
            r.invalid_value(
                tcp.span,
                "`health` has both `http` and `tcp`".to_string(),
                "keep one probe: `http` checks the answer, `tcp` only that a port is open",
            );
            None
        }
        (None, None) => {
            r.invalid_value(
                at,
                "`health` has no probe".to_string(),
                "add `http: {path: /healthz}` or `tcp: host:port`",
            );
            None
        }
    }
}

fn http_probe(r: &mut Reader, http: &Fields, at: Span) -> Option<Probe> {
    let target = match (http.text("path"), http.text("url")) {
        (Some(path), None) => HttpTarget::Path(path.value),
        (None, Some(url)) => HttpTarget::Url(url.value),
        (Some(_), Some(url)) => {
            r.invalid_value(
                url.span,
                "`http` has both `path` and `url`".to_string(),
                "keep `path` for a check under the endpoint, or `url` for one elsewhere",
            );
            return None;
        }
        (None, None) => {
            r.invalid_value(
                at,
                "`http` has neither `path` nor `url`".to_string(),
                "add `path: /healthz` (under the endpoint) or `url: https://host/healthz`",
            );
            return None;
        }
    };
    let expect_status = match http.entry("expectStatus").and(http.port("expectStatus")) {
        Some(status) if !(100..=599).contains(&status) => {
            let span = http.entry("expectStatus").map_or(at, |e| e.value.span);
            r.invalid_value(
                span,
                format!("`expectStatus` {status} is not an HTTP status"),
                "write a status from 100 to 599, e.g. 200 or 204",
            );
            return None;
        }
        status => status,
    };
    Some(Probe::Http {
        target,
        method: http.choice("method").map_or(Method::Get, |m| m.value),
        expect_status,
        headers: headers::build(r, http)?,
    })
}

/// A duration field: `Ok(None)` when not written, `None` (reported) when it is not one.
fn duration(r: &mut Reader, fields: &Fields, key: &str) -> Option<Option<Duration>> {
    let Some(text) = fields.text(key) else {
        return Some(None);
    };
    match parse_duration(&text.value) {
        Some(d) if !d.is_zero() => Some(Some(d)),
        _ => {
            invalid_duration(r, key, &text);
            None
        }
    }
}

fn invalid_duration(r: &mut Reader, key: &str, text: &Located<String>) {
    r.invalid_value(
        text.span,
        format!("`{key}` `{}` is not a duration", text.value),
        "write a positive whole number of `ms`, `s` or `m`, e.g. `500ms`, `2s`, `1m`",
    );
}

/// `500ms`, `2s`, `1m`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(number)),
        "s" => Some(Duration::from_secs(number)),
        "m" => Some(Duration::from_secs(number.checked_mul(60)?)),
        _ => None,
    }
}

/// As the manifest writes it: `2s`, `500ms`, `1m`.
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_whole_ms_s_or_m() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
        for bad in [
            "",
            "2",
            "s",
            "1.5s",
            "-1s",
            "2h",
            "1 s",
            "99999999999999999999m",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
        assert_eq!(format_duration(Duration::from_secs(2)), "2s");
    }
}
