//! A health check, as `plan` and `explain` show it: the probe, and each header as written,
//! `${VAR}` references and all: never what a reference stands for, which only a probe reads
//! (from oslinker's environment).

use serde::{Deserialize, Serialize};

use crate::model::health::{HealthCheck, HttpTarget, Probe, format_duration};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedHealth {
    /// `GET /healthz`, `HEAD https://host/healthz`, `tcp host:port`.
    pub probe: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
    /// `Authorization: Bearer ${TOKEN}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    pub timeout: String,
    pub interval: String,
    pub failure_threshold: u16,
    pub success_threshold: u16,
}

pub fn health(check: &HealthCheck) -> PlannedHealth {
    let (probe, expect_status, headers) = match &check.probe {
        Probe::Http {
            target,
            method,
            expect_status,
            headers,
        } => {
            let target = match target {
                HttpTarget::Path(path) => path,
                HttpTarget::Url(url) => url,
            };
            let headers = headers.iter().map(|h| h.to_string()).collect();
            (
                format!("{} {target}", method.as_str()),
                *expect_status,
                headers,
            )
        }
        Probe::Tcp { address } => (format!("tcp {address}"), None, Vec::new()),
    };
    PlannedHealth {
        probe,
        expect_status,
        headers,
        timeout: format_duration(check.timeout),
        interval: format_duration(check.interval),
        failure_threshold: check.failure_threshold,
        success_threshold: check.success_threshold,
    }
}

impl PlannedHealth {
    /// `plan`'s lines: `GET /healthz (timeout 2s, every 30s)`, then one per header.
    pub fn lines(&self) -> Vec<String> {
        let expect = match self.expect_status {
            Some(status) => format!(", expect {status}"),
            None => String::new(),
        };
        let first = format!(
            "{} (timeout {}, every {}{expect})",
            self.probe, self.timeout, self.interval
        );
        std::iter::once(first)
            .chain(self.headers.iter().cloned())
            .collect()
    }
}
