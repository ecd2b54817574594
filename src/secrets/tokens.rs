//! Secrets recognised by their value: well-known token formats and credentials in URLs.
//! Our own rules, after the shapes gitleaks and trufflehog document: a prefix that only the
//! issuer uses, then a body of a known alphabet and length. A body that reads like an
//! example (`sk-...`, `xxxx`, `EXAMPLE`, a handful of distinct characters) is not a secret.
//!
//! One pass over the text, linear in its length: tokens start where a run of "word" bytes
//! (`A-Za-z0-9_-`) starts, and each run is tried against the prefixes once.

use std::ops::Range;

/// A secret found in a text: what it is and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What it is, as a message says it: "an OpenAI API key".
    pub kind: &'static str,
    pub range: Range<usize>,
}

/// A token format: after one of `prefixes`, a body of `body` bytes filling the rest of the
/// word run, `min..=max` long, that `check` accepts.
struct Rule {
    kind: &'static str,
    prefixes: &'static [&'static str],
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
    check: fn(&str) -> bool,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// The token rules, most specific prefix first (`sk-ant-` before `sk-`).
const RULES: &[Rule] = &[
    Rule {
        kind: "an Anthropic API key",
        prefixes: &["sk-ant-"],
        body: word,
        min: 32,
        max: 300,
        check: random,
    },
    Rule {
        kind: "an OpenAI API key",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"],
        body: word,
        min: 32,
        max: 300,
        check: random,
    },
    Rule {
        // The older form: `sk-` and 48 letters and digits.
        kind: "an OpenAI API key",
        prefixes: &["sk-"],
        body: alnum,
        min: 32,
        max: 128,
        check: random_with_digits,
    },
    Rule {
        kind: "a Stripe secret key",
        prefixes: &["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
        body: alnum,
        min: 20,
        max: 255,
        check: random,
    },
    Rule {
        kind: "a Stripe webhook secret",
        prefixes: &["whsec_"],
        body: alnum,
        min: 24,
        max: 128,
        check: random,
    },
    Rule {
        kind: "a GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: alnum,
        min: 30,
        max: 255,
        check: random,
    },
    Rule {
        kind: "a GitHub token",
        prefixes: &["github_pat_"],
        body: word,
        min: 40,
        max: 255,
        check: random,
    },
    Rule {
        kind: "a GitLab token",
        prefixes: &["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glsoat-"],
        body: word,
        min: 20,
        max: 255,
        check: random,
    },
    Rule {
        kind: "an AWS access key id",
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        body: upper_or_digit,
        min: 16,
        max: 16,
        check: random,
    },
    Rule {
        kind: "a Google API key",
        prefixes: &["AIza"],
        body: word,
        min: 35,
        max: 35,
        check: random,
    },
    Rule {
        kind: "a Slack token",
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"],
        body: word,
        min: 10,
        max: 255,
        check: random_with_digits,
    },
    Rule {
        kind: "a Hugging Face token",
        prefixes: &["hf_"],
        body: alnum,
        min: 30,
        max: 64,
        check: random,
    },
    Rule {
        kind: "an npm token",
        prefixes: &["npm_"],
        body: alnum,
        min: 36,
        max: 36,
        check: random,
    },
    Rule {
        kind: "a PyPI token",
        prefixes: &["pypi-AgEIcHlwaS5vcmc"],
        body: word,
        min: 50,
        max: 300,
        check: random,
    },
    Rule {
        kind: "a DigitalOcean token",
        prefixes: &["dop_v1_", "doo_v1_", "dor_v1_"],
        body: hex,
        min: 64,
        max: 64,
        check: random,
    },
    Rule {
        kind: "a Docker Hub token",
        prefixes: &["dckr_pat_"],
        body: word,
        min: 20,
        max: 100,
        check: random,
    },
];

/// Words that mark an example, whatever else the body holds.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "placeholder",
    "your_",
    "your-",
    "redacted",
    "changeme",
    "dummy",
];

/// A body that reads like something random, not an example: enough distinct characters,
/// no placeholder word.
fn random(body: &str) -> bool {
    let mut seen = [false; 256];
    for &b in body.as_bytes() {
        seen[b as usize] = true;
    }
    let distinct = seen.iter().filter(|&&s| s).count();
    let lower = body.to_ascii_lowercase();
    distinct >= (body.len() / 2).min(8) && !PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// [`random`], with letters and digits both (for prefixes that words can start with too:
/// `sk-`, `xoxb-`).
fn random_with_digits(body: &str) -> bool {
    random(body)
        && body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Every token of a known format in `text`, in order, with the place of each. Ranges start
/// and end on ASCII bytes (or the text's end), so they are on character boundaries.
pub fn find_tokens(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !word(bytes[at]) {
            at += 1;
            continue;
        }
        let run_end = run_end(bytes, at);
        if let Some(token) = token_at(text, at, run_end) {
            at = token.range.end;
            found.push(token);
        } else {
            at = run_end;
        }
    }
    found.extend(private_keys(text));
    found.sort_by_key(|f| f.range.start);
    found
}

/// Where the run of word bytes from `at` ends.
fn run_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| !word(b))
        .map_or(bytes.len(), |n| at + n)
}

/// The token that the word run `start..end` is, if any.
fn token_at(text: &str, start: usize, end: usize) -> Option<Found> {
    let run = &text[start..end];
    if run.starts_with("eyJ") {
        return json_web_token(text, start, end);
    }
    RULES.iter().find_map(|rule| {
        let prefix = rule.prefixes.iter().find(|p| run.starts_with(**p))?;
        let body = &run[prefix.len()..];
        let fits = (rule.min..=rule.max).contains(&body.len())
            && body.bytes().all(rule.body)
            && (rule.check)(body);
        fits.then(|| Found {
            kind: rule.kind,
            range: start..end,
        })
    })
}

/// A JSON Web Token from `start`, whose first part is the word run `start..header_end`:
/// three base64url parts joined by `.`, the first two JSON objects (`eyJ` is `{"`), the
/// header naming its algorithm (`"alg"`).
fn json_web_token(text: &str, start: usize, header_end: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    let payload_start = header_end + 1;
    if bytes.get(header_end) != Some(&b'.') || !text[payload_start..].starts_with("eyJ") {
        return None;
    }
    let payload_end = run_end(bytes, payload_start);
    if bytes.get(payload_end) != Some(&b'.') {
        return None;
    }
    let signature_end = match bytes.get(payload_end + 1) {
        Some(&b) if word(b) => run_end(bytes, payload_end + 1),
        _ => payload_end + 1,
    };
    let header = base64url_decoded(&text[start..header_end])?;
    let header: serde_json::Value = serde_json::from_slice(&header).ok()?;
    let long_enough = payload_end - payload_start >= 10;
    (header.get("alg").is_some() && long_enough).then_some(Found {
        kind: "a JSON Web Token",
        range: start..signature_end,
    })
}

/// Base64url (or base64) without padding, decoded; `None` when it is not.
fn base64url_decoded(text: &str) -> Option<Vec<u8>> {
    // A header is a few hundred bytes at most: a longer run is not one.
    if text.len() > 4096 {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for b in text.bytes() {
        bits = (bits << 6) | value(b)?;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// PEM private keys: from `-----BEGIN ... PRIVATE KEY-----` to the end of its `-----END`
/// line (or of the text, when it has none), when there is a key's worth of base64 between.
fn private_keys(text: &str) -> Vec<Found> {
    const BEGIN: &str = "-----BEGIN ";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find(BEGIN) {
        let start = from + offset;
        let label_start = start + BEGIN.len();
        let Some(label_len) = text[label_start..].find("-----") else {
            break;
        };
        let label = &text[label_start..label_start + label_len];
        let body_start = label_start + label_len + 5;
        if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"))
            || label.len() > 40
        {
            from = body_start;
            continue;
        }
        let end_marker = format!("-----END {label}-----");
        let (body_end, end) = match text[body_start..].find(&end_marker) {
            Some(n) => (body_start + n, body_start + n + end_marker.len()),
            None => (text.len(), text.len()),
        };
        let base64 = text[body_start..body_end]
            .bytes()
            .filter(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            .count();
        if base64 >= 64 && random(&text[body_start..body_end]) {
            found.push(Found {
                kind: "a PEM private key",
                range: start..end,
            });
        }
        from = end.max(body_start);
    }
    found
}

/// Credentials in the URLs of `text` (after each `scheme://`): a password (`user:PASS@`)
/// that is not a placeholder, or a user without one that looks like a token (long, letters
/// and digits: `https://TOKEN@host`). A plain user (`ssh://git@host`) is not a secret.
pub fn url_credentials(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("://") {
        let start = from + offset + 3;
        let end = bytes[start..]
            .iter()
            .position(|&b| ends_authority(b))
            .map_or(bytes.len(), |n| start + n);
        from = end.max(start);
        let Some(at_sign) = text[start..end].rfind('@').map(|n| start + n) else {
            continue;
        };
        let user_info = &text[start..at_sign];
        match user_info.find(':') {
            Some(colon) => {
                let password = start + colon + 1..at_sign;
                if !is_placeholder(&text[password.clone()]) {
                    found.push(Found {
                        kind: "a password in a URL",
                        range: password,
                    });
                }
            }
            None if looks_like_token(user_info) => found.push(Found {
                kind: "a token as a URL's user",
                range: start..at_sign,
            }),
            None => {}
        }
    }
    found
}

/// Where the authority of a URL ends (as in the masker).
fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'/' | b'\\')
        || matches!(b, b'?' | b'#')
}

/// A password that stands for one: empty, a reference (`${DB_PASS}`, `$(X)`, `$X`,
/// `<secret:...>`, `{{ x }}`, `%(x)s`), all one character (`xxxx`, `****`), or a word used in
/// examples (`password`, `changeme`).
pub fn is_placeholder(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    let first = password.bytes().next();
    password.is_empty()
        || matches!(first, Some(b'$' | b'<' | b'{' | b'%'))
        || password.bytes().all(|b| Some(b) == first)
        || [
            "password", "passwd", "pass", "pwd", "secret", "changeme", "example", "redacted",
            "placeholder", "xxx", "...",
        ]
        .iter()
        .any(|w| lower == *w)
        || PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// A URL's user that is a token rather than a name: at least 20 characters of letters,
/// digits, `-`, `_` and `.`, with letters and digits both, and varied.
fn looks_like_token(user: &str) -> bool {
    user.len() >= 20
        && user.bytes().all(|b| word(b) || b == b'.')
        && random_with_digits(user)
}

/// Every secret in a value: tokens of a known format, and URL credentials (a token inside a
/// URL is named by its format). Sorted, without overlaps.
pub fn find_secrets(text: &str) -> Vec<Found> {
    let mut found = find_tokens(text);
    // Token formats first, so that a token inside a URL is named by its format.
    found.extend(url_credentials(text));
    found.sort_by_key(|f| f.range.start);
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for candidate in found {
        match kept.last_mut() {
            Some(last) if candidate.range.start < last.range.end => {
                last.range.end = last.range.end.max(candidate.range.end);
            }
            _ => kept.push(candidate),
        }
    }
    kept
}
