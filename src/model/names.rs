//! Name rules: id and capability syntax, secret-looking variable names, and did-you-mean.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// [`check_id`] as a regular expression, for the JSON Schema (a test checks they agree).
pub const ID_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// [`check_capability`] as a regular expression, for the JSON Schema (a test checks they agree).
pub const CAPABILITY_PATTERN: &str = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$";

/// Ids: letters, digits, `-`, `_`, `.`; they start with a letter or digit.
pub fn check_id(id: &str) -> Result<(), String> {
    let Some(first) = id.chars().next() else {
        return Err("it is empty".to_string());
    };
    if !first.is_ascii_alphanumeric() {
        return Err(format!("it starts with `{first}`"));
    }
    match id
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        Some(bad) => Err(format!("it contains `{}`", bad.escape_debug())),
        None => Ok(()),
    }
}

/// Capabilities: lowercase dotted segments, each starting with a letter or digit and made of
/// lowercase letters, digits, `-` and `_` (`code.generation`).
pub fn check_capability(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    for segment in name.split('.') {
        let Some(first) = segment.chars().next() else {
            return Err("it has an empty segment".to_string());
        };
        if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
            return Err(format!(
                "segment `{segment}` does not start with a lowercase letter or digit"
            ));
        }
        if let Some(bad) = segment
            .chars()
            .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
        {
            return Err(format!("it contains `{}`", bad.escape_debug()));
        }
    }
    Ok(())
}

/// Variable names that usually hold secrets (any case): containing `SECRET`, `PASSWORD`,
/// `PASSWD` or `PRIVATE_KEY`, or ending in `API_KEY`, `APIKEY`, `TOKEN`, `ACCESS_KEY` or
/// `AUTH_KEY`.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["SECRET", "PASSWORD", "PASSWD", "PRIVATE_KEY"]
        .iter()
        .any(|part| upper.contains(part))
        || ["API_KEY", "APIKEY", "TOKEN", "ACCESS_KEY", "AUTH_KEY"]
            .iter()
            .any(|suffix| upper.ends_with(suffix))
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
            out.replace_range(userinfo.start + colon + 1..userinfo.end, super::REDACTED);
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
                    format!("{name}={}", super::REDACTED)
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

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let threshold = |c: &str| (c.len() / 3).max(1);
    candidates
        .into_iter()
        // Lengths further apart than the threshold cannot be close: skip them before the
        // quadratic distance, so a megabyte-long typo costs nothing.
        .filter(|c| c.len().abs_diff(word.len()) <= threshold(c))
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|&(distance, c)| distance <= threshold(c))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check_id("process-123").is_ok());
        assert!(check_id("a.b_c-1").is_ok());
        assert!(check_id("9lives").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("-bad").is_err());
        assert!(check_id("bad id").is_err());
        assert!(check_id("ünï").is_err());
    }

    #[test]
    fn capabilities() {
        assert!(check_capability("code").is_ok());
        assert!(check_capability("code.generation.rust").is_ok());
        assert!(check_capability("data.analysis-v2").is_ok());
        assert!(check_capability("Code.Gen").is_err());
        assert!(check_capability("code..gen").is_err());
        assert!(check_capability("code.").is_err());
        assert!(check_capability(".code").is_err());
        assert!(check_capability("code gen").is_err());
    }

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

    #[test]
    fn suggestions() {
        let fields = ["capabilities", "requires", "runtimeContext"];
        assert_eq!(suggest("capabilites", fields), Some("capabilities"));
        assert_eq!(suggest("runtimeContex", fields), Some("runtimeContext"));
        assert_eq!(suggest("RuntimeContext", fields), Some("runtimeContext"));
        assert_eq!(suggest("zzz", fields), None);
        assert_eq!(suggest("runing", ["running", "stopped"]), Some("running"));
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
