//! Secrets: which names look like they hold one, which values are one (`tokens`: known
//! token formats, URL passwords), where a secret value shows in raw text, and how a URL's
//! credentials are hidden. Secret values never reach any output: the loader reports values
//! that are secrets (E0112) and redacts them in the documents (`documents`), the reader
//! reports literal values under secret-looking names (W0303) and redacts them in the model,
//! and snippets hide what the text shows under a secret-looking key or as a token
//! (`SourceFile::snippet_text`).

mod tokens;

pub use tokens::{Found, find_secrets, find_tokens, is_placeholder, url_credentials};

use std::ops::Range;

/// What outputs show in place of a literal secret value.
pub const REDACTED: &str = "<redacted>";

/// Variable names that usually hold secrets (any case, `-` as `_`, trailing punctuation
/// aside): containing `SECRET`, `PASSWORD`, `PASSWD` or `PRIVATE_KEY`, or ending in `API_KEY`,
/// `APIKEY`, `TOKEN`, `ACCESS_KEY`, `AUTH_KEY` or `SIGNATURE` (a presigned URL's
/// `X-Amz-Signature`).
pub fn looks_secret(name: &str) -> bool {
    // Asked of every variable and label name: compared in place, in any case.
    // `x-api-key` is `X_API_KEY`; `api_key[]` (a URL parameter) is `api_key`.
    let name = name
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .as_bytes();
    let same = |a: u8, b: u8| a.eq_ignore_ascii_case(&b) || (a == b'-' && b == b'_');
    let at = |i: usize, word: &str| {
        name.get(i..i + word.len())
            .is_some_and(|part| part.iter().zip(word.as_bytes()).all(|(&a, &b)| same(a, b)))
    };
    let contains = |word: &str| (0..name.len()).any(|i| at(i, word));
    let ends_with = |word: &str| name.len() >= word.len() && at(name.len() - word.len(), word);
    ["SECRET", "PASSWORD", "PASSWD", "PRIVATE_KEY"]
        .iter()
        .any(|part| contains(part))
        || [
            "API_KEY",
            "APIKEY",
            "TOKEN",
            "ACCESS_KEY",
            "AUTH_KEY",
            "SIGNATURE",
        ]
        .iter()
        .any(|suffix| ends_with(suffix))
}

/// The URL with its credentials replaced by `<redacted>`: the password of `user:pass@` (the
/// user when the password is empty or missing: `https://TOKEN@host`), and the value of each
/// query or fragment parameter whose name looks secret, percent-encoded or not
/// (`?api%5Fkey=...`, `#access_token=...`); `None` when it holds none. Something that is not
/// quite a URL (`admin:pw@host`, `ftp:/x@host`) has whatever comes before its `@` hidden.
pub fn redact_url(url: &str) -> Option<String> {
    let mut masker = Masker::new(url);
    masker.url_value(0, url.len());
    // And every `scheme://` further in (`<https://a:pw@h>`, `--url https://a:pw@h`).
    masker.urls(0, url.len());
    redacted(url, masker.ranges)
}

/// [`redact_url`] for a free value (an env variable, a label): in each URL with `scheme://`
/// anywhere in it, the password (`user:PASS@`) and parameters with secret-looking names are
/// redacted; a user without a password (`ssh://git@host`) is kept, as is anything that is not
/// such a URL (`user@example.com`). `None` when there is nothing to hide.
pub fn redact_url_credentials(value: &str) -> Option<String> {
    if !value.contains("://") {
        return None;
    }
    let mut masker = Masker::new(value);
    masker.keep_users = true;
    masker.urls(0, value.len());
    redacted(value, masker.ranges)
}

/// `text` with each range replaced by [`REDACTED`]; `None` when there is none. The masker's
/// ranges start and end at ASCII bytes or the text's ends, so slicing is on char boundaries.
fn redacted(text: &str, ranges: Vec<Range<usize>>) -> Option<String> {
    let ranges = merged(ranges);
    if ranges.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for range in ranges {
        out.push_str(&text[copied..range.start]);
        out.push_str(REDACTED);
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Ranges sorted, overlapping ones merged.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// Byte ranges of secret values in raw text, so that snippets can hide them even in a file
/// that does not parse (or under a duplicate key the parser dropped). One pass over the
/// lines, linear in the text's length, and conservative (it hides more rather than less):
/// - under a secret-looking key (`KEY: v`, `KEY = v`, `- KEY: v`, `{A: 1, KEY: v}`, quoted
///   or dotted TOML keys such as `"a"."token" = v`, a YAML explicit key `? KEY` whose value
///   is on the next `: v` line, a commented-out `# KEY: v`): the rest of the line, the lines
///   indented deeper that follow (a block scalar, a nested value, a continued plain
///   scalar), and a quoted string left open up to where it closes (a TOML multi-line
///   string, whatever its indentation);
/// - tokens of a known format anywhere ([`find_tokens`]);
/// - in URLs anywhere: the credentials of `scheme://user:pass@` or `scheme://TOKEN@`, and
///   parameters with secret-looking names (`?api_key=v`, `&%74oken=v`, `#access_token=v`);
///   under keys named like `endpoint` or `url`, whatever comes before an `@` even without
///   a `scheme://`.
///
/// Ranges are on character boundaries: they start and end at ASCII bytes or line ends.
pub fn secret_value_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Masker::new(text).lines();
    ranges.extend(find_tokens(text).into_iter().map(|found| found.range));
    ranges
}

/// `value` with every secret [`find_secrets`] finds in it replaced by [`REDACTED`], and what
/// was found; `None` when it holds none.
pub fn redact_secrets(value: &str) -> Option<(String, Vec<Found>)> {
    let found = find_secrets(value);
    let text = redacted(value, found.iter().map(|f| f.range.clone()).collect())?;
    Some((text, found))
}

/// What a line leaves for the next ones to continue.
#[derive(Debug, Clone, Copy)]
enum Carry {
    Nothing,
    /// A secret value goes on in the lines indented deeper than `indent`; with `dashes`, in
    /// `- ` items at that same indent too (a YAML sequence may sit at its key's indent).
    Block {
        indent: usize,
        dashes: bool,
    },
    /// A quoted secret value is still open.
    Quote(Delimiter),
    /// `? KEY` was read at column `indent`: its value is on the `:` line at that column.
    ExplicitKey {
        indent: usize,
        secret: bool,
    },
    /// A TOML table named like a secret (`[env.OPENAI_API_KEY]`): its lines, up to the next
    /// table header.
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiter {
    /// `"`, with backslash escapes (YAML, TOML).
    Double,
    /// `'`, where `''` is a quote (YAML).
    Single,
    /// `"""`, with backslash escapes (TOML).
    TripleDouble,
    /// `'''` (TOML).
    TripleSingle,
}

/// A key read at a key position: whether it looks secret or names a URL, and where its value
/// starts (after the separator and blanks).
struct Key {
    secret: bool,
    url: bool,
    value: usize,
}

/// The masking pass. Every loop adds the bytes it looks at to `work`, so that a test can
/// check that the pass stays linear on inputs built to make it slow.
struct Masker<'t> {
    bytes: &'t [u8],
    ranges: Vec<Range<usize>>,
    work: usize,
    carry: Carry,
    /// Keep a URL's user when it has no password (a free value's `ssh://git@host`), rather
    /// than hide it as a token (an endpoint's `https://TOKEN@host`).
    keep_users: bool,
}

fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t')
}

/// Characters that end a plain (unquoted) key segment.
fn ends_plain_key(byte: u8) -> bool {
    matches!(
        byte,
        b':' | b'=' | b'.' | b',' | b'{' | b'}' | b'[' | b']' | b'#' | b'"' | b'\''
    )
}

/// Characters that end a URL in running text.
fn ends_url(byte: u8) -> bool {
    byte.is_ascii_whitespace() || matches!(byte, b'"' | b'\'' | b'<' | b'>' | b'`')
}

/// Where the authority of a URL ends.
fn ends_authority(byte: u8) -> bool {
    ends_url(byte) || matches!(byte, b'/' | b'\\' | b'?' | b'#')
}

/// `%XX` decoded (a name can hide behind them: `api%5Fkey`).
fn percent_decoded(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl<'t> Masker<'t> {
    fn new(text: &'t str) -> Self {
        Masker {
            bytes: text.as_bytes(),
            ranges: Vec::new(),
            work: 0,
            carry: Carry::Nothing,
            keep_users: false,
        }
    }

    fn hide(&mut self, range: Range<usize>) {
        if range.start < range.end {
            self.ranges.push(range);
        }
    }

    fn at(&self, at: usize, end: usize) -> Option<u8> {
        (at < end).then(|| self.bytes[at])
    }

    /// Skips blanks from `at`, up to `end`.
    fn skip_blanks(&mut self, mut at: usize, end: usize) -> usize {
        while self.at(at, end).is_some_and(is_blank) {
            at += 1;
            self.work += 1;
        }
        at
    }

    /// Whether a YAML indicator (`-`, `?`, `:`) stands at `at`: followed by a blank or the end.
    fn indicator(&self, at: usize, end: usize, indicator: u8) -> bool {
        self.at(at, end) == Some(indicator) && self.at(at + 1, end).is_none_or(is_blank)
    }

    fn lines(mut self) -> Vec<Range<usize>> {
        self.read_lines();
        self.ranges
    }

    fn read_lines(&mut self) {
        let mut start = 0;
        while start < self.bytes.len() {
            let mut next = start;
            // A line ends at `\n`, or at a `\r` on its own (YAML reads both as line breaks).
            while next < self.bytes.len()
                && self.bytes[next] != b'\n'
                && !(self.bytes[next] == b'\r' && self.bytes.get(next + 1) != Some(&b'\n'))
            {
                next += 1;
            }
            self.work += next - start + 1;
            let end = if next > start && self.bytes[next - 1] == b'\r' {
                next - 1
            } else {
                next
            };
            self.line(start, end);
            self.urls(start, end);
            start = next + 1;
        }
    }

    /// One line from `start`; `end` excludes its line break.
    fn line(&mut self, start: usize, end: usize) {
        let content = self.skip_blanks(start, end);
        let indent = content - start;
        let blank = content == end;
        match std::mem::replace(&mut self.carry, Carry::Nothing) {
            Carry::Quote(delimiter) => {
                // Hidden up to where it closes, and the rest of that line with it.
                if self.closing(delimiter, start, end).is_none() {
                    self.carry = Carry::Quote(delimiter);
                }
                self.hide(start..end);
                return;
            }
            Carry::Block { indent: at, dashes } => {
                let item = dashes && indent == at && self.indicator(content, end, b'-');
                if blank || indent > at || item {
                    self.hide(content..end);
                    self.carry = Carry::Block { indent: at, dashes };
                    return;
                }
            }
            Carry::ExplicitKey { indent: at, secret } => {
                if indent == at && self.indicator(content, end, b':') {
                    let value = self.skip_blanks(content + 1, end);
                    if secret {
                        self.secret_value(value, end, indent);
                    } else {
                        self.entries(value, start, end, false);
                    }
                    return;
                }
                if blank || indent > at {
                    // The key goes on (a long or multi-line key).
                    self.carry = Carry::ExplicitKey { indent: at, secret };
                    return;
                }
            }
            Carry::Table => {
                if self.at(content, end) != Some(b'[') {
                    self.hide(content..end);
                    self.carry = Carry::Table;
                    return;
                }
            }
            Carry::Nothing => {}
        }
        if self.at(content, end) == Some(b'[') && self.secret_table(content, end) {
            self.carry = Carry::Table;
            return;
        }
        self.entries(content, start, end, true);
    }

    /// Whether the line at `at` is a TOML table header (`[a.b]`, `[[a.b]]`) whose last key
    /// looks secret.
    fn secret_table(&mut self, at: usize, end: usize) -> bool {
        let line = &self.bytes[at..end];
        self.work += line.len();
        let Some(close) = line.iter().position(|&b| b == b']') else {
            return false;
        };
        let name = String::from_utf8_lossy(&line[..close]);
        let last = name
            .trim_start_matches('[')
            .rsplit('.')
            .next()
            .unwrap_or_default();
        let last = last.trim().trim_matches(['"', '\'']);
        // A secrets binding's `[config.secrets]` holds names and references (see `key`).
        last != "secrets" && looks_secret(last)
    }

    /// The entries of the line that starts at `start`, read from `at`: at a key position
    /// when `key_first`, else in a value, where `{`, `,` and a comment's `#` start the next
    /// key position.
    fn entries(&mut self, mut at: usize, start: usize, end: usize, key_first: bool) {
        let indent = self.skip_blanks(start, end) - start;
        if key_first {
            // Sequence items (`- - KEY: v`), then maybe an explicit key (`? KEY`).
            while self.indicator(at, end, b'-') {
                at = self.skip_blanks(at + 1, end);
            }
            if self.indicator(at, end, b'?') {
                let key_at = self.skip_blanks(at + 1, end);
                let secret = match self.key(key_at, end) {
                    Ok(key) => key.secret,
                    Err((_, secret)) => secret,
                };
                self.carry = Carry::ExplicitKey {
                    indent: at - start,
                    secret,
                };
                return;
            }
        }
        let mut at_key = key_first;
        while at < end {
            if at_key {
                at_key = false;
                match self.key(at, end) {
                    Ok(key) if key.secret => {
                        self.secret_value(key.value, end, indent);
                        return;
                    }
                    Ok(key) => {
                        if key.url {
                            self.url_value(key.value, end);
                        }
                        at = key.value;
                    }
                    // Not a key: read on from where it stopped (every byte is read once).
                    Err((stopped, _)) => at = stopped,
                }
                continue;
            }
            let byte = self.bytes[at];
            self.work += 1;
            at += 1;
            let comment = byte == b'#' && (at - 1 == start || is_blank(self.bytes[at - 2]));
            // `{` and `,` start a key in a flow mapping, `[` a one-pair mapping in a flow
            // sequence (`[KEY: v]`).
            if matches!(byte, b'{' | b',' | b'[') || comment {
                // A comment may hold a commented-out secret: it is read as a key too.
                at = self.skip_blanks(at, end);
                at_key = true;
            }
        }
    }

    /// A key at `at`: YAML node properties (`&anchor`, `!tag`), then segments (plain or
    /// quoted) joined by `.`, then `:` or `=`. `Err` says where reading stopped, and whether
    /// what was read looks secret (for an explicit key, which has no separator).
    fn key(&mut self, mut at: usize, end: usize) -> Result<Key, (usize, bool)> {
        while matches!(self.at(at, end), Some(b'&' | b'!')) {
            while self.at(at, end).is_some_and(|b| !is_blank(b)) {
                at += 1;
                self.work += 1;
            }
            at = self.skip_blanks(at, end);
        }
        let mut name = Vec::new();
        loop {
            at = match self.at(at, end) {
                Some(quote @ (b'"' | b'\'')) => self.quoted(at + 1, end, quote, &mut name),
                _ => {
                    let first = at;
                    while self.at(at, end).is_some_and(|b| !ends_plain_key(b)) {
                        at += 1;
                        self.work += 1;
                    }
                    let plain = self.bytes[first..at].trim_ascii_end();
                    if plain.is_empty() {
                        return Err((at, false));
                    }
                    name.extend_from_slice(plain);
                    at
                }
            };
            at = self.skip_blanks(at, end);
            if self.at(at, end) != Some(b'.') {
                break;
            }
            name.push(b'.');
            at = self.skip_blanks(at + 1, end);
        }
        let name = String::from_utf8_lossy(&name);
        self.work += name.len();
        // A secrets binding's `secrets` map holds variable names and references to where the
        // values are stored, both shown in plans; an entry whose name looks secret is still
        // masked on its own line.
        let reference_map = name == "secrets" || name.ends_with(".secrets");
        let secret = looks_secret(&name) && !reference_map;
        if !matches!(self.at(at, end), Some(b':' | b'=')) {
            return Err((at, secret));
        }
        let lower = name.to_ascii_lowercase();
        Ok(Key {
            secret,
            url: ["endpoint", "url", "uri"]
                .iter()
                .any(|suffix| lower.ends_with(suffix)),
            value: self.skip_blanks(at + 1, end),
        })
    }

    /// A quoted key segment from `at` (after its opening `quote`), decoded into `name`;
    /// returns where it ends (after the closing quote, or the line's end if it has none).
    fn quoted(&mut self, mut at: usize, end: usize, quote: u8, name: &mut Vec<u8>) -> usize {
        while let Some(byte) = self.at(at, end) {
            self.work += 1;
            at += 1;
            match byte {
                // In single quotes, `''` is a quote.
                b'\'' if quote == b'\'' && self.at(at, end) == Some(b'\'') => {
                    name.push(b'\'');
                    at += 1;
                }
                _ if byte == quote => return at,
                b'\\' if quote == b'"' && at < end => at = self.escape(at, end, name),
                _ => name.push(byte),
            }
        }
        at
    }

    /// A backslash escape at `at` (after the `\`) in a double-quoted key: `\xNN`, `\uNNNN`
    /// and `\UNNNNNNNN` decoded (a name can hide behind them), others as the character.
    fn escape(&mut self, at: usize, end: usize, name: &mut Vec<u8>) -> usize {
        let digits = match self.bytes[at] {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            other => {
                name.push(other);
                return at + 1;
            }
        };
        let hex = &self.bytes[(at + 1).min(end)..(at + 1 + digits).min(end)];
        self.work += hex.len();
        let decoded = std::str::from_utf8(hex)
            .ok()
            .filter(|h| h.len() == digits)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                name.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                at + 1 + digits
            }
            None => at + 1,
        }
    }

    /// Hides a secret value from `value` to the end of the line, and says how it goes on.
    fn secret_value(&mut self, value: usize, end: usize, indent: usize) {
        self.hide(value..end);
        let opened = [
            (&b"\"\"\""[..], Delimiter::TripleDouble),
            (b"'''", Delimiter::TripleSingle),
            (b"\"", Delimiter::Double),
            (b"'", Delimiter::Single),
        ]
        .into_iter()
        .find(|(opening, _)| self.bytes[value..end].starts_with(opening));
        if let Some((opening, delimiter)) = opened
            && self
                .closing(delimiter, value + opening.len(), end)
                .is_none()
        {
            self.carry = Carry::Quote(delimiter);
            return;
        }
        self.carry = Carry::Block {
            indent,
            dashes: value == end,
        };
    }

    /// Where a string quoted with `delimiter` closes between `at` and `end`, if it does.
    fn closing(&mut self, delimiter: Delimiter, mut at: usize, end: usize) -> Option<usize> {
        let (quote, needed, escapes) = match delimiter {
            Delimiter::Double => (b'"', 1, true),
            Delimiter::Single => (b'\'', 1, false),
            Delimiter::TripleDouble => (b'"', 3, true),
            Delimiter::TripleSingle => (b'\'', 3, false),
        };
        let mut run = 0;
        while let Some(byte) = self.at(at, end) {
            self.work += 1;
            at += 1;
            if escapes && byte == b'\\' {
                at += 1;
                run = 0;
            } else if byte != quote {
                run = 0;
            } else if delimiter == Delimiter::Single && self.at(at, end) == Some(b'\'') {
                // `''` inside single quotes is a quote.
                at += 1;
            } else {
                run += 1;
                if run == needed {
                    return Some(at);
                }
            }
        }
        None
    }

    /// Credentials in the URLs of one line: after each `://`, the user information; and
    /// anywhere, parameters with secret-looking names.
    fn urls(&mut self, start: usize, end: usize) {
        let mut at = start;
        while at + 3 <= end {
            self.work += 1;
            if &self.bytes[at..at + 3] == b"://" {
                at = self.user_info(at + 3, end);
            } else {
                at += 1;
            }
        }
        self.parameters(start, end);
    }

    /// The user information of the authority that starts at `start`: the password of
    /// `user:pass@`, else the user (a token). Returns where the authority ends.
    fn user_info(&mut self, start: usize, end: usize) -> usize {
        let mut at = start;
        let mut last_at_sign = None;
        while let Some(byte) = self.at(at, end).filter(|&b| !ends_authority(b)) {
            if byte == b'@' {
                last_at_sign = Some(at);
            }
            at += 1;
            self.work += 1;
        }
        if let Some(sign) = last_at_sign {
            self.credentials(start, sign);
        }
        at
    }

    /// `user:pass` between `start` and `end`: the password hidden, or the user if the
    /// password is empty or missing.
    fn credentials(&mut self, start: usize, end: usize) {
        self.work += end - start;
        let stands_for_one = |password: &[u8]| {
            // In a free value, a password that stands for one (`${DB_PASSWORD}`) is shown.
            self.keep_users && is_placeholder(&String::from_utf8_lossy(password))
        };
        match self.bytes[start..end].iter().position(|&b| b == b':') {
            Some(colon)
                if start + colon + 1 < end
                    && !stands_for_one(&self.bytes[start + colon + 1..end]) =>
            {
                self.hide(start + colon + 1..end)
            }
            _ if self.keep_users => {}
            Some(colon) => self.hide(start..start + colon),
            None => self.hide(start..end),
        }
    }

    /// Parameters (`?NAME=value`, `&NAME=value`, `;NAME=value`, `#NAME=value`) whose name,
    /// percent-decoded, looks secret: their values.
    fn parameters(&mut self, start: usize, end: usize) {
        let is_separator = |b: u8| matches!(b, b'?' | b'&' | b';' | b'#');
        let mut at = start;
        while let Some(byte) = self.at(at, end) {
            self.work += 1;
            at += 1;
            if !is_separator(byte) {
                continue;
            }
            let name_start = at;
            while self
                .at(at, end)
                .is_some_and(|b| !ends_url(b) && !is_separator(b) && b != b'=')
            {
                at += 1;
                self.work += 1;
            }
            if self.at(at, end) != Some(b'=') || at == name_start {
                continue;
            }
            let name = percent_decoded(&self.bytes[name_start..at]);
            self.work += at - name_start;
            let value = at + 1;
            at = value;
            while self
                .at(at, end)
                .is_some_and(|b| !ends_url(b) && !is_separator(b) || b == b'?')
            {
                at += 1;
                self.work += 1;
            }
            if looks_secret(&name) {
                self.hide(value..at);
            }
        }
    }

    /// A value that should be a URL, from `start` to `end`: with a `scheme://`, the user
    /// information after it; without one (not quite a URL), whatever comes before the first
    /// `@` of its first word, after any `/`. And parameters with secret-looking names.
    fn url_value(&mut self, start: usize, end: usize) {
        let mut at = start;
        let mut segment = start;
        while let Some(byte) = self.at(at, end) {
            self.work += 1;
            match byte {
                b'"' | b'\'' if at == start => segment = at + 1,
                b':' if self.bytes[at..end].starts_with(b"://") => {
                    self.user_info(at + 3, end);
                    break;
                }
                b'/' | b'\\' => segment = at + 1,
                b'@' => {
                    self.hide(segment..at);
                    break;
                }
                b'?' | b'#' => break,
                _ if ends_url(byte) => break,
                _ => {}
            }
            at += 1;
        }
        self.parameters(start, end);
    }
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

    /// The text with what the masker hides as `*` (line breaks kept).
    fn masked(text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for range in secret_value_ranges(text) {
            for byte in &mut bytes[range] {
                if !matches!(*byte, b'\n' | b'\r') {
                    *byte = b'*';
                }
            }
        }
        String::from_utf8(bytes).unwrap()
    }

    #[track_caller]
    fn assert_masked(cases: &[(&str, &str)]) {
        for (text, expected) in cases {
            assert_eq!(masked(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn secret_values_are_found_in_raw_text() {
        assert_masked(&[
            (
                "  OPENAI_API_KEY: sk-1\n  NODE_ENV: x\n",
                "  OPENAI_API_KEY: ****\n  NODE_ENV: x\n",
            ),
            ("GH_TOKEN = \"t#1\" # note\n", "GH_TOKEN = ************\n"),
            (
                "env: {NODE_ENV: x, DB_PASSWORD: p, B: c}\n",
                "env: {NODE_ENV: x, DB_PASSWORD: ********\n",
            ),
            (
                "env = { A = \"1\", X_SECRET = \"s\" }\n",
                "env = { A = \"1\", X_SECRET = *****\n",
            ),
            ("- \"MY_TOKEN\": v\r\n", "- \"MY_TOKEN\": *\r\n"),
            (
                "  A_TOKEN: |\n    line1\n\n    line2\n  NEXT: 1\n",
                "  A_TOKEN: *\n    *****\n\n    *****\n  NEXT: 1\n",
            ),
            (
                "OPENAI_API_KEY:\n  nested: 1\nNODE_ENV: prod\n",
                "OPENAI_API_KEY:\n  *********\nNODE_ENV: prod\n",
            ),
            (
                "OPENAI_API_KEY:\nNODE_ENV: prod\n",
                "OPENAI_API_KEY:\nNODE_ENV: prod\n",
            ),
            // A sequence may sit at its key's indent.
            ("A_TOKEN:\n- a\n- b\nX: 1\n", "A_TOKEN:\n***\n***\nX: 1\n"),
            // Keys in flow collections after other values, and secrets in comments.
            ("x: [1, {A_TOKEN: s}]\n", "x: [1, {A_TOKEN: ***\n"),
            ("# OPENAI_API_KEY: sk-1\n", "# OPENAI_API_KEY: ****\n"),
        ]);
    }

    /// The forms issue 9 found unmasked in files that do not parse.
    #[test]
    fn lone_carriage_returns_flow_sequences_and_toml_tables() {
        assert_masked(&[
            // A lone `\r` ends a line, as YAML reads it.
            (
                "env:\r  OPENAI_API_KEY: s1\r  X: 1\r",
                "env:\r  OPENAI_API_KEY: **\r  X: 1\r",
            ),
            ("env: [OPENAI_API_KEY: s1]\n", "env: [OPENAI_API_KEY: ***\n"),
            ("env: [A, B]\n", "env: [A, B]\n"),
            (
                "[env.OPENAI_API_KEY]\nx = \"s1\"\n[other]\ny = 1\n",
                "[env.OPENAI_API_KEY]\n********\n[other]\ny = 1\n",
            ),
            ("[env.\"A_TOKEN\"]\nx = 1\n", "[env.\"A_TOKEN\"]\n*****\n"),
        ]);
    }

    #[test]
    fn url_credentials_in_free_values() {
        let cases = [
            (
                "postgres://app:pw@db/x",
                Some("postgres://app:<redacted>@db/x"),
            ),
            (
                "https://h/x?api_key=k&page=2",
                Some("https://h/x?api_key=<redacted>&page=2"),
            ),
            ("ssh://git@github.com/o/r", None),
            (
                "https://deploy@h/x?x-api-key=k",
                Some("https://deploy@h/x?x-api-key=<redacted>"),
            ),
            ("ops@example.com", None),
            ("plain text", None),
            // A password that stands for one is not a secret.
            ("postgres://app:${DB_PASSWORD}@db/x", None),
            // Found by the second review: a panic, and URLs further in.
            ("ab@ééééé://u@h", None),
            ("ab@é://u:pw@h", Some("ab@é://u:<redacted>@h")),
            (
                "--url postgres://app:pw@db/x",
                Some("--url postgres://app:<redacted>@db/x"),
            ),
            (
                "https://git@h https://a:pw@h2",
                Some("https://git@h https://a:<redacted>@h2"),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(
                redact_url_credentials(value).as_deref(),
                expected,
                "{value}"
            );
        }
    }

    #[test]
    fn names_with_hyphens_brackets_and_signatures_look_secret() {
        for name in [
            "x-api-key",
            "api-key",
            "api_key[]",
            "X-Amz-Signature",
            "TOKEN_",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["api-version", "keyboard", "x-request-id"] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn a_secrets_binding_map_shows_its_names_and_references() {
        assert_masked(&[
            (
                "secrets:\n  1BAD: kv/x\n  OPENAI_API_KEY: kv/y\n",
                "secrets:\n  1BAD: kv/x\n  OPENAI_API_KEY: ****\n",
            ),
            (
                "[config.secrets]\nGOOD = \"kv/x\"\n",
                "[config.secrets]\nGOOD = \"kv/x\"\n",
            ),
            // A dotted key through `secrets` is judged whole: hidden, conservatively.
            ("config.secrets.GOOD = 1\n", "config.secrets.GOOD = *\n"),
            // Any other name with SECRET in it still hides its value.
            ("client_secret: abc\n", "client_secret: ***\n"),
        ]);
    }

    #[test]
    fn explicit_keys_multi_line_strings_and_quoted_dotted_keys() {
        assert_masked(&[
            (
                "env:\n  ? OPENAI_API_KEY\n  : sk-1\n  X: 1\n",
                "env:\n  ? OPENAI_API_KEY\n  : ****\n  X: 1\n",
            ),
            (
                "- ? A_TOKEN\n  : |\n    s1\n  X: 1\n",
                "- ? A_TOKEN\n  : *\n    **\n  X: 1\n",
            ),
            ("? NODE_ENV\n: prod\n", "? NODE_ENV\n: prod\n"),
            (
                "A_TOKEN = \"\"\"\ns1\ns2\"\"\"\nB = 1\n",
                "A_TOKEN = ***\n**\n*****\nB = 1\n",
            ),
            (
                "A_TOKEN = '''\ns1\n'''\nB = 1\n",
                "A_TOKEN = ***\n**\n***\nB = 1\n",
            ),
            (
                "A_TOKEN: \"s1\n s2 \\\" s3\"\nB: 1\n",
                "A_TOKEN: ***\n**********\nB: 1\n",
            ),
            (
                "A_TOKEN: 'it''s\ns2'\nB: 1\n",
                "A_TOKEN: ******\n***\nB: 1\n",
            ),
            ("\"a\".\"token\" = \"s\"\n", "\"a\".\"token\" = ***\n"),
            ("a . 'DB_PASSWORD' = 1\n", "a . 'DB_PASSWORD' = *\n"),
            (
                "\"OPENAI\\x5fAPI\\u005FKEY\": s\n",
                "\"OPENAI\\x5fAPI\\u005FKEY\": *\n",
            ),
            ("&anchor !!str GH_TOKEN: s\n", "&anchor !!str GH_TOKEN: *\n"),
        ]);
    }

    #[test]
    fn urls_anywhere_in_the_text() {
        assert_masked(&[
            (
                "endpoint: https://admin:pw@host/x?api_key=k&page=2\n",
                "endpoint: https://admin:**@host/x?api_key=*&page=2\n",
            ),
            (
                "url = \"https://TOKEN@host\"\n",
                "url = \"https://*****@host\"\n",
            ),
            (
                "x: see https://host/cb#access_token=t&state=1 here\n",
                "x: see https://host/cb#access_token=*&state=1 here\n",
            ),
            (
                "x: https://host/?api%5Fkey=k\n",
                "x: https://host/?api%5Fkey=*\n",
            ),
            ("endpoint: admin:pw@host\n", "endpoint: ********@host\n"),
            ("contact: a@b.example\n", "contact: a@b.example\n"),
        ]);
    }

    /// The work the pass does for `text`, per byte.
    fn work_per_byte(text: &str) -> f64 {
        let mut masker = Masker::new(text);
        masker.read_lines();
        masker.work as f64 / text.len() as f64
    }

    /// Inputs built to make a scan go back over what it has read: the work per byte stays
    /// under a constant, for 256 KB as for 1 MB. (The old pass was quadratic on the first:
    /// each key of a long inline table looked at every indented line after it.)
    #[test]
    fn the_pass_is_linear() {
        type Shape = fn(usize) -> String;
        let shapes: [(&str, Shape); 9] = [
            ("inline table of secret keys, then indented lines", |n| {
                let keys = "A_TOKEN = \"1\", ".repeat(n / 30);
                format!("x = {{ {keys}B = 1 }}\n{}", "  y = 1\n".repeat(n / 16))
            }),
            ("secret keys nested ever deeper", |n| {
                let depth = 1000;
                let staircase: String = (0..depth)
                    .map(|i| format!("{}A_TOKEN:\n", " ".repeat(i)))
                    .collect();
                staircase.repeat(n / staircase.len() + 1)
            }),
            ("one line of flow keys", |n| "{A: 1, ".repeat(n / 7)),
            ("unclosed quotes", |n| "{\"a, ".repeat(n / 5)),
            ("nested URLs", |n| "https://a@".repeat(n / 10)),
            ("parameters", |n| "?a&b=c#d;".repeat(n / 9)),
            ("an open multi-line secret", |n| {
                format!("A_TOKEN = \"\"\"\n{}", "\"\"\\\"\n".repeat(n / 5))
            }),
            ("explicit keys", |n| "? A_TOKEN\n  ? B\n".repeat(n / 16)),
            ("a long key", |n| format!("{}: 1\n", "a.".repeat(n / 2))),
        ];
        for (shape, make) in shapes {
            for size in [1 << 18, 1 << 20] {
                let text = make(size);
                let work = work_per_byte(&text);
                assert!(
                    work < 12.0,
                    "{shape}, {} bytes: {work:.1} per byte",
                    text.len()
                );
            }
        }
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
        assert_eq!(
            redact_url("<https://admin:hunter2@api.example.com/v1>").as_deref(),
            Some("<https://admin:<redacted>@api.example.com/v1>")
        );
        assert_eq!(redact_url("https://api.example.com/a@b"), None);
        assert_eq!(redact_url("https://api.example.com/v1?page=1"), None);
        // A user without a password may well be a token.
        assert_eq!(
            redact_url("https://ghp_x@github.com/?page=1").as_deref(),
            Some("https://<redacted>@github.com/?page=1")
        );
        assert_eq!(
            redact_url("https://sk_live_x:@api.example.com").as_deref(),
            Some("https://<redacted>:@api.example.com")
        );
        assert_eq!(
            redact_url("https://api.example.com/cb?x=1#access_token=t&s=1").as_deref(),
            Some("https://api.example.com/cb?x=1#access_token=<redacted>&s=1")
        );
        assert_eq!(
            redact_url("https://api.example.com/?%61pi%5Fkey=k").as_deref(),
            Some("https://api.example.com/?%61pi%5Fkey=<redacted>")
        );
        // Not quite URLs: whatever comes before the `@`.
        assert_eq!(
            redact_url("admin:pw@api.example.com").as_deref(),
            Some("<redacted>@api.example.com")
        );
        assert_eq!(
            redact_url("https:/admin:pw@api.example.com").as_deref(),
            Some("https:/<redacted>@api.example.com")
        );
    }
}
