//! Secrets recognised by their value: well-known token formats and credentials in URLs.
//! Our own rules, after the shapes gitleaks and trufflehog document: a prefix that only the
//! issuer uses, then a body of a known alphabet and length. A body that reads like an
//! example (`sk-...`, `xxxx`, `EXAMPLE`, a handful of distinct characters) is not a secret.
//!
//! One pass over the text, linear in its length: tokens start where a run of "word" bytes
//! (`A-Za-z0-9_-`) starts, and each run is tried against the prefixes once.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem::Finder;

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

/// No token of any rule (nor a JSON Web Token) is shorter than this, prefix included.
const SHORTEST_TOKEN: usize = 15;

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
        prefixes: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glsoat-",
        ],
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
        prefixes: &[
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-",
        ],
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
        // Ids, names and words are short: only a run as long as the shortest token is tried.
        let long_enough = run_end - at >= SHORTEST_TOKEN;
        if let Some(token) = long_enough.then(|| token_at(text, at, run_end)).flatten() {
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
        // The first byte first: most runs start with none of the prefixes' letters.
        let first = run.as_bytes()[0];
        let prefix =
            (rule.prefixes.iter()).find(|p| p.as_bytes()[0] == first && run.starts_with(**p))?;
        let body = &run[prefix.len()..];
        let fits = (rule.min..=rule.max).contains(&body.len())
            && body.bytes().all(rule.body)
            && (rule.check)(body);
        fits.then_some(Found {
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
    // Asked of every string in every manifest: one prebuilt searcher, not one per call.
    static BEGIN_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(BEGIN));
    while let Some(offset) = BEGIN_FINDER.find(&text.as_bytes()[from..]) {
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
    static SCHEME_END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("://"));
    while let Some(offset) = SCHEME_END.find(&text.as_bytes()[from..]) {
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
    b.is_ascii_whitespace()
        || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'/' | b'\\')
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
            "password",
            "passwd",
            "pass",
            "pwd",
            "secret",
            "changeme",
            "example",
            "redacted",
            "placeholder",
            "xxx",
            "...",
        ]
        .iter()
        .any(|w| lower == *w)
        || PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// A URL's user that is a token rather than a name: at least 20 characters of letters,
/// digits, `-`, `_` and `.`, with letters and digits both, and varied.
fn looks_like_token(user: &str) -> bool {
    user.len() >= 20 && user.bytes().all(|b| word(b) || b == b'.') && random_with_digits(user)
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

/// The secret corpus: realistic-shaped fake secrets of every family that MUST be found, and
/// near misses that MUST NOT. Fake tokens are built here from a prefix and generated
/// characters, so the repository holds no literal token-shaped string.
#[cfg(test)]
pub(crate) mod corpus {
    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const WORD: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const HEX: &str = "0123456789abcdef";
    const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `n` characters of `alphabet`, the same for the same `seed` (a small LCG).
    pub fn chars(seed: u64, n: usize, alphabet: &str) -> String {
        let alphabet = alphabet.as_bytes();
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(state >> 33) as usize % alphabet.len()] as char
            })
            .collect()
    }

    fn base64url(bytes: &[u8]) -> String {
        let alphabet = WORD.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i)) as usize & 63] as char);
            }
        }
        out
    }

    fn jwt(header: &str, signature: &str) -> String {
        let payload = r#"{"sub":"1234567890","name":"Ada","iat":1516239022}"#;
        format!(
            "{}.{}.{signature}",
            base64url(header.as_bytes()),
            base64url(payload.as_bytes())
        )
    }

    fn pem(label: &str, seed: u64) -> String {
        let lines: Vec<String> = (0..8).map(|i| chars(seed + i, 64, BASE64)).collect();
        let dashes = "-----";
        format!(
            "{dashes}BEGIN {label}{dashes}\n{}\n{dashes}END {label}{dashes}\n",
            lines.join("\n")
        )
    }

    /// (what it is, the text holding it) for every secret that must be found.
    pub fn secrets() -> Vec<(&'static str, String)> {
        let ghp = format!("ghp{}{}", "_", chars(7, 36, ALNUM));
        vec![
            (
                "an OpenAI API key",
                format!("sk-proj-{}", chars(1, 156, WORD)),
            ),
            (
                "an OpenAI API key",
                format!("sk-svcacct-{}", chars(2, 120, WORD)),
            ),
            (
                "an OpenAI API key",
                format!("sk-admin-{}", chars(3, 80, WORD)),
            ),
            ("an OpenAI API key", format!("sk-{}", chars(4, 48, ALNUM))),
            (
                "an Anthropic API key",
                format!("sk-ant-api03-{}AA", chars(5, 93, WORD)),
            ),
            (
                "an Anthropic API key",
                format!("sk-ant-admin01-{}", chars(6, 90, WORD)),
            ),
            ("a GitHub token", ghp.clone()),
            ("a GitHub token", format!("gho_{}", chars(8, 36, ALNUM))),
            ("a GitHub token", format!("ghs_{}", chars(9, 36, ALNUM))),
            (
                "a GitHub token",
                format!(
                    "github_pat_{}_{}",
                    chars(10, 22, ALNUM),
                    chars(11, 59, ALNUM)
                ),
            ),
            ("a GitLab token", format!("glpat-{}", chars(12, 20, WORD))),
            ("a GitLab token", format!("glrt-{}", chars(13, 20, WORD))),
            (
                "an AWS access key id",
                format!("AKIA{}", chars(14, 16, UPPER)),
            ),
            (
                "an AWS access key id",
                format!("ASIA{}", chars(15, 16, UPPER)),
            ),
            ("a Google API key", format!("AIza{}", chars(16, 35, WORD))),
            (
                "a Slack token",
                format!(
                    "xoxb-{}-{}-{}",
                    chars(17, 12, "0123456789"),
                    chars(18, 13, "0123456789"),
                    chars(19, 24, ALNUM)
                ),
            ),
            (
                "a Slack token",
                format!(
                    "xoxp-{}-{}-{}-{}",
                    chars(20, 11, "0123456789"),
                    chars(21, 12, "0123456789"),
                    chars(22, 13, "0123456789"),
                    chars(23, 32, HEX)
                ),
            ),
            (
                "a Slack token",
                format!(
                    "xapp-1-A{}-{}-{}",
                    chars(24, 10, UPPER),
                    chars(25, 13, "0123456789"),
                    chars(26, 64, HEX)
                ),
            ),
            (
                "a Stripe secret key",
                format!("sk_live_{}", chars(27, 24, ALNUM)),
            ),
            (
                "a Stripe secret key",
                format!("rk_test_{}", chars(28, 99, ALNUM)),
            ),
            (
                "a Stripe webhook secret",
                format!("whsec_{}", chars(29, 32, ALNUM)),
            ),
            (
                "a Hugging Face token",
                format!("hf_{}", chars(30, 34, ALNUM)),
            ),
            ("an npm token", format!("npm_{}", chars(31, 36, ALNUM))),
            (
                "a PyPI token",
                format!("pypi-AgEIcHlwaS5vcmc{}", chars(32, 70, WORD)),
            ),
            (
                "a DigitalOcean token",
                format!("dop_v1_{}", chars(33, 64, HEX)),
            ),
            (
                "a Docker Hub token",
                format!("dckr_pat_{}", chars(34, 27, WORD)),
            ),
            (
                "a JSON Web Token",
                jwt(r#"{"alg":"HS256","typ":"JWT"}"#, &chars(35, 43, WORD)),
            ),
            ("a JSON Web Token", jwt(r#"{"alg":"none"}"#, "")),
            ("a PEM private key", pem("RSA PRIVATE KEY", 36)),
            ("a PEM private key", pem("OPENSSH PRIVATE KEY", 37)),
            ("a PEM private key", pem("PRIVATE KEY", 38)),
            ("a PEM private key", pem("EC PRIVATE KEY", 39)),
            (
                "a password in a URL",
                "postgres://admin:hunter2@db/app".to_string(),
            ),
            (
                "a password in a URL",
                "mysql://root:S3cr3t!x@localhost:3306/shop".to_string(),
            ),
            (
                "a password in a URL",
                "redis://:p4ssw0rd-9@cache:6379/0".to_string(),
            ),
            (
                "a password in a URL",
                "see amqp://app:Zq8vL2m@mq:5672 for the queue".to_string(),
            ),
            (
                "a GitHub token",
                format!("https://x-access-token:{ghp}@github.com/o/r.git"),
            ),
            (
                "a token as a URL's user",
                format!("https://{}@github.com/o/r", chars(40, 40, HEX)),
            ),
            ("a GitHub token", format!("Authorization: Bearer {ghp}")),
            (
                "an OpenAI API key",
                format!("--api-key=sk-proj-{}", chars(41, 100, WORD)),
            ),
            ("a GitHub token", format!("é{ghp}é")),
            (
                "a Google API key",
                format!(
                    "https://maps.example.com/api?key=AIza{}&x=1",
                    chars(42, 35, WORD)
                ),
            ),
        ]
    }

    /// Near misses that must not be taken for secrets.
    pub fn not_secrets() -> Vec<String> {
        let dashes = "-----";
        let mut cases: Vec<String> = [
            "agent-prod-1",
            "support-triage",
            "code.generation",
            "data.analysis-v2",
            "nodejs-20.x",
            "python-3.12",
            "1.2.3+sha.5114f85",
            "<secret:vault:kv/data/lucid#openai>",
            "sk-...",
            "sk-xxxx",
            "xxxx",
            "${OPENAI_API_KEY}",
            "$(OPENAI_API_KEY)",
            "changeme",
            "aGVsbG8gd29ybGQ=",
            "ssh://git@github.com/o/r.git",
            "https://user@host.example/x",
            "https://deploy-bot@github.com/o/r",
            "postgres://admin:${DB_PASSWORD}@db/app",
            "postgres://admin:$(DB_PASSWORD)@db/app",
            "postgres://user:password@localhost/app",
            "postgres://admin:<secret:vault:kv/db>@db/app",
            "postgres://admin:****@db/app",
            "ftp://anonymous:@ftp.example.com/pub",
            "https://api.example.com/v1?page=2",
            "ops@example.com",
            "mailto:ops@example.com",
            "Bearer <token>",
            "sk-some-long-identifier-name-for-a-learning-pipeline",
            "my-service-account-token-name",
            "eyJhbGciOiJIUzI1NiJ9",
            "kv/data/app#api-key",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cases.extend([
            format!("sha256:{}", chars(50, 64, HEX)),
            chars(51, 40, HEX),
            "123e4567-e89b-12d3-a456-426614174000".to_string(),
            format!("AKIA{}", "IOSFODNN7EXAMPLE"),
            format!("AKIA{}", chars(52, 15, UPPER)),
            format!("ghp_{}", chars(53, 10, ALNUM)),
            format!("ghp_{}", "x".repeat(36)),
            format!("sk-proj-{}", "x".repeat(48)),
            format!("xoxb-{}", "x".repeat(30)),
            format!(
                "sk-proj-{}",
                "YOUR_KEY_HERE_and_some_more_letters_to_be_long"
            ),
            format!(
                "{}.{}.{}",
                base64url(b"{\"a\":1}"),
                base64url(b"{\"sub\":\"1234567890\"}"),
                chars(54, 20, WORD)
            ),
            format!(
                "{dashes}BEGIN PUBLIC KEY{dashes}\n{}\n{dashes}END PUBLIC KEY{dashes}",
                chars(55, 300, BASE64)
            ),
            format!("{dashes}BEGIN PRIVATE KEY{dashes}\n...\n{dashes}END PRIVATE KEY{dashes}"),
            chars(56, 32, HEX),
        ]);
        cases
    }
}

#[cfg(test)]
mod tests {
    use super::corpus;
    use super::*;

    #[test]
    fn the_corpus_secrets_are_all_found_and_named() {
        let secrets = corpus::secrets();
        let mut missed = Vec::new();
        for (kind, text) in &secrets {
            let found = find_secrets(text);
            if found.len() != 1 || found[0].kind != *kind {
                missed.push(format!("{kind}: {found:?} in {} chars", text.len()));
            }
        }
        println!(
            "secret corpus: {} found / {}",
            secrets.len() - missed.len(),
            secrets.len()
        );
        assert!(missed.is_empty(), "missed: {missed:#?}");
    }

    #[test]
    fn the_corpus_near_misses_are_not_secrets() {
        let near_misses = corpus::not_secrets();
        let taken: Vec<_> = near_misses
            .iter()
            .filter(|text| !find_secrets(text).is_empty())
            .collect();
        println!(
            "near misses: {} taken for secrets / {}",
            taken.len(),
            near_misses.len()
        );
        assert!(taken.is_empty(), "false positives: {taken:#?}");
    }

    #[test]
    fn a_found_secret_is_all_of_it() {
        // The whole token is covered, so that redacting the range leaves nothing of it.
        for (_, text) in corpus::secrets() {
            let (redacted, _) = crate::secrets::redact_secrets(&text).unwrap();
            for found in find_secrets(&text) {
                let secret = &text[found.range];
                assert!(!redacted.contains(secret), "{redacted}");
            }
        }
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "é-----BEGIN é PRIVATE KEY-----é",
            "-----BEGIN ",
            "eyJ.eyJ.",
            "eyJé.eyJé.é",
            "://@",
            "a://é:é@é",
            "sk-ant-é",
            "https://:@",
        ] {
            let _ = find_secrets(text);
            let _ = crate::secrets::redact_secrets(text);
            let _ = crate::secrets::secret_value_ranges(text);
        }
    }

    #[test]
    fn no_rule_matches_a_run_shorter_than_the_shortest_token() {
        for rule in RULES {
            for prefix in rule.prefixes {
                assert!(
                    prefix.len() + rule.min >= SHORTEST_TOKEN,
                    "{}: {prefix}",
                    rule.kind
                );
            }
        }
    }
}
