//! Secrets: which names look like they hold one, where a secret value shows in raw text, and
//! how a URL's credentials are hidden. Secret values never reach any output: the reader
//! reports literal ones (W0303) and redacts them in the model, and snippets hide what the
//! text shows under a secret-looking key (`SourceFile::snippet_text`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What outputs show in place of a literal secret value.
pub const REDACTED: &str = "<redacted>";

/// Variable names that usually hold secrets (any case): containing `SECRET`, `PASSWORD`,
/// `PASSWD` or `PRIVATE_KEY`, or ending in `API_KEY`, `APIKEY`, `TOKEN`, `ACCESS_KEY` or
/// `AUTH_KEY`.
pub fn looks_secret(name: &str) -> bool {
    // Asked of every variable and label name: compared in place, in any case.
    let name = name.as_bytes();
    let at = |i: usize, word: &str| {
        name.get(i..i + word.len())
            .is_some_and(|part| part.eq_ignore_ascii_case(word.as_bytes()))
    };
    let contains = |word: &str| (0..name.len()).any(|i| at(i, word));
    let ends_with = |word: &str| name.len() >= word.len() && at(name.len() - word.len(), word);
    ["SECRET", "PASSWORD", "PASSWD", "PRIVATE_KEY"]
        .iter()
        .any(|part| contains(part))
        || ["API_KEY", "APIKEY", "TOKEN", "ACCESS_KEY", "AUTH_KEY"]
            .iter()
            .any(|suffix| ends_with(suffix))
}

/// The URL with its credentials replaced by `<redacted>`: the password of `user:pass@`, and
/// the value of each query parameter whose name looks secret (`?api_key=...`); `None` when
/// it holds none.
pub fn redact_url(url: &str) -> Option<String> {
    let mut out = url.to_string();
    let mut changed = false;
    let authority_start = out.find("://").map_or(0, |i| i + 3);
    let authority_end = out[authority_start..]
        .find(['/', '?', '#'])
        .map_or(out.len(), |i| authority_start + i);
    if let Some(at) = out[authority_start..authority_end].rfind('@') {
        let userinfo = authority_start..authority_start + at;
        if let Some(colon) = out[userinfo.clone()].find(':') {
            out.replace_range(userinfo.start + colon + 1..userinfo.end, REDACTED);
            changed = true;
        }
    }
    if let Some(query_start) = out.find('?') {
        let query_end = out[query_start..]
            .find('#')
            .map_or(out.len(), |i| query_start + i);
        let query: Vec<String> = out[query_start + 1..query_end]
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if looks_secret(name) && !value.is_empty() => {
                    changed = true;
                    format!("{name}={}", REDACTED)
                }
                _ => pair.to_string(),
            })
            .collect();
        out.replace_range(query_start + 1..query_end, &query.join("&"));
    }
    changed.then_some(out)
}

/// Words that every secret-looking name contains (see `looks_secret`).
static SECRET_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)secret|passw|private_key|api_?key|token|access_key|auth_key")
        .expect("a valid regex")
});

/// A key and its separator in YAML (`KEY: value`, `- KEY: value`, `{A: 1, KEY: value}`) or
/// TOML (`KEY = "value"`, `{ KEY = "value" }`), keys optionally quoted. The match stops at
/// `,`, `{`, `[` or `}` so that the keys of a flow mapping later on the line are seen too.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*[:=][ \t]*([^\n,{}\[]*)"#)
        .expect("a valid regex")
});

/// Byte ranges of values written under secret-looking keys, found in the raw text, so that
/// snippets can hide them even in a file that does not parse (or under a duplicate key the
/// parser dropped). Conservative: everything after the key on its line, and the lines
/// indented deeper that follow (a block scalar, a nested value, a continued plain scalar).
pub fn secret_value_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut scanned_to = 0;
    // Only lines that mention a secret-looking word can hold such a key: find those fast,
    // then read each of them (once) with the full pattern.
    for hint in SECRET_HINT.find_iter(text) {
        if hint.start() < scanned_to {
            continue;
        }
        let line_start = text[..hint.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[hint.end()..]
            .find('\n')
            .map_or(text.len(), |i| hint.end() + i);
        scanned_to = line_end;
        for captures in KEY_VALUE.captures_iter(&text[line_start..line_end]) {
            let (Some(key), Some(value)) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            if !looks_secret(key.as_str()) {
                continue;
            }
            let start = line_start + value.start();
            let value_end = text[start..line_end]
                .find('\r')
                .map_or(line_end, |i| start + i);
            let prefix = &text[line_start..line_start + key.start()];
            let indent = prefix.len() - prefix.trim_start().len();
            let end = block_end(text, value_end, indent).max(value_end);
            if end > start {
                ranges.push(start..end);
            }
        }
    }
    ranges
}

/// Where the lines after `from` that are indented deeper than `indent` end (blank lines
/// between them included).
fn block_end(text: &str, from: usize, indent: usize) -> usize {
    let mut end = from;
    let mut at = from;
    while at < text.len() {
        let next = text[at + 1..].find('\n').map_or(text.len(), |i| at + 1 + i);
        let line = &text[(at + 1).min(text.len())..next];
        let blank = line.trim().is_empty();
        let deeper = line.len() - line.trim_start().len() > indent;
        if !(blank || deeper) {
            break;
        }
        if deeper {
            end = next;
        }
        at = next;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "CLIENT_SECRET",
            "DB_PASSWORD_FILE",
            "db_password",
            "SSH_PRIVATE_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "SECRET_KEY",
            "STRIPE_SECRET_KEY",
            "AWS_ACCESS_KEY",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "NODE_ENV",
            "LOG_LEVEL",
            "TOKENIZER_MODE",
            "KEY_ID",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn secret_values_are_found_in_raw_text() {
        let hidden = |text: &str| -> Vec<String> {
            secret_value_ranges(text)
                .into_iter()
                .map(|r| text[r].to_string())
                .collect()
        };
        assert_eq!(hidden("  OPENAI_API_KEY: sk-1\n  NODE_ENV: x\n"), ["sk-1"]);
        assert_eq!(hidden("GH_TOKEN = \"t#1\" # note\n"), ["\"t#1\" # note"]);
        assert_eq!(
            hidden("env: {NODE_ENV: x, DB_PASSWORD: p, B: c}\n"),
            ["p, B: c}"]
        );
        assert_eq!(
            hidden("env = { A = \"1\", X_SECRET = \"s\" }\n"),
            ["\"s\" }"]
        );
        assert_eq!(hidden("- \"MY_TOKEN\": v\r\n"), ["v"]);
        assert_eq!(
            hidden("  A_TOKEN: |\n    line1\n\n    line2\n  NEXT: 1\n"),
            ["|\n    line1\n\n    line2"]
        );
        assert_eq!(
            hidden("OPENAI_API_KEY:\n  nested: 1\nNODE_ENV: prod\n"),
            ["\n  nested: 1"]
        );
        assert!(hidden("OPENAI_API_KEY:\nNODE_ENV: prod\n").is_empty());
    }
}

#[cfg(test)]
mod redact_tests {
    use super::redact_url;

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(
            redact_url("https://admin:hunter2@api.example.com/v1?api_key=sk-1&page=2#top")
                .as_deref(),
            Some("https://admin:<redacted>@api.example.com/v1?api_key=<redacted>&page=2#top")
        );
        assert_eq!(
            redact_url("https://api.example.com/v1?token=abc").as_deref(),
            Some("https://api.example.com/v1?token=<redacted>")
        );
        assert_eq!(redact_url("https://user@api.example.com/?page=1"), None);
        assert_eq!(redact_url("https://api.example.com/a@b"), None);
    }
}
