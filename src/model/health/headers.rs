//! `health.http.headers`: the headers a probe sends. A value is a template: text with
//! `${VAR}` references to variables of a `secrets` binding of the process (`Bearer ${TOKEN}`),
//! read from oslinker's own environment when it probes, and `$$` for a literal `$`. A
//! template is kept as written: outputs show the reference, never what it stands for.
//!
//! No header carries a literal secret: a token of a known format anywhere is E0112 already
//! (reported and redacted when the file is loaded), and so is a credential header
//! (`Authorization`, `Cookie`, `X-Api-Key`, ...) whose value is literal text only.

use std::fmt;

use super::super::Located;
use super::super::read::{Fields, Reader};
use crate::diagnostic::{Code, Diagnostic};
use crate::secrets;
use crate::source::Span;

/// One header a probe sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Template,
    /// Where the value is written: what findings about its references point at.
    pub at: Span,
}

impl fmt::Display for Header {
    /// `Authorization: Bearer ${TOKEN}`: as written, references and all.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

/// A header value: literal text and `${VAR}` references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Variable(String),
}

/// Why a header value is not a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `${` without its `}`.
    Unterminated,
    /// `${...}` whose name is not a variable name.
    BadName(String),
    /// A `$` followed by neither `{` nor `$`.
    LoneDollar,
}

impl Template {
    /// Reads `text`: `${NAME}` is a reference, `$$` a literal `$`; any other `$` is an error
    /// (`$TOKEN` would otherwise be sent as it is, surprising whoever meant a reference).
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(dollar) = rest.find('$') {
            literal.push_str(&rest[..dollar]);
            let after = &rest[dollar + 1..];
            if let Some(after) = after.strip_prefix('$') {
                literal.push('$');
                rest = after;
            } else if let Some(inside) = after.strip_prefix('{') {
                let close = inside.find('}').ok_or(TemplateError::Unterminated)?;
                let name = &inside[..close];
                if !super::super::read::is_env_var_name(name) {
                    return Err(TemplateError::BadName(name.to_string()));
                }
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                parts.push(Part::Variable(name.to_string()));
                rest = &inside[close + 1..];
            } else {
                return Err(TemplateError::LoneDollar);
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The variables it references, in order (repeats kept).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Variable(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The value to send, each reference replaced by what `lookup` gives; `Err` names the
    /// first variable it has no value for.
    pub fn expand(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Variable(name) => out.push_str(&lookup(name).ok_or_else(|| name.clone())?),
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Template {
    /// As written: `${VAR}` for a reference, `$$` for a literal `$`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(text) => f.write_str(&text.replace('$', "$$"))?,
                Part::Variable(name) => write!(f, "${{{name}}}")?,
            }
        }
        Ok(())
    }
}

/// An HTTP header name: a token (RFC 9110): letters, digits and ``!#$%&'*+-.^_`|~``.
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value oslinker can send: printable ASCII, spaces and tabs.
pub fn is_printable(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (0x20..=0x7E).contains(&b))
}

/// Headers that carry credentials: the authorization and cookie headers, and every name
/// that looks secret (`X-Api-Key`, `X-Auth-Token`, `Api-Key`).
pub fn carries_credentials(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|known| name.eq_ignore_ascii_case(known))
        || secrets::looks_secret(name)
}

/// Reads `headers` of an `http` probe: `None` when one of them is not sound (each problem
/// reported at its place).
pub fn build(r: &mut Reader, http: &Fields) -> Option<Vec<Header>> {
    let Some(entry) = http.entry("headers") else {
        return Some(Vec::new());
    };
    // The reader has reported a `headers` that is not a mapping, and each value that is not
    // a string.
    let entries = entry.value.as_map().unwrap_or_default();
    let mut headers: Vec<Header> = Vec::new();
    let mut sound = entry.value.as_map().is_some();
    for entry in entries {
        let name = Located::new(entry.key.clone(), entry.key_span);
        let Some(text) = entry.value.as_str() else {
            sound = false;
            continue;
        };
        let value = Located::new(text.to_string(), entry.value.span);
        match header(r, &name, &value, &headers) {
            Some(header) => headers.push(header),
            None => sound = false,
        }
    }
    sound.then_some(headers)
}

/// One header, checked: its name, its text, its references, and no literal credential.
fn header(
    r: &mut Reader,
    name: &Located<String>,
    value: &Located<String>,
    before: &[Header],
) -> Option<Header> {
    if !is_token(&name.value) {
        r.invalid_value(
            name.span,
            format!("`{}` is not an HTTP header name", name.value),
            "use letters, digits and `-` (any of ``!#$%&'*+-.^_`|~``), e.g. `X-Probe`",
        );
        return None;
    }
    if before
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case(&name.value))
    {
        r.invalid_value(
            name.span,
            format!("header `{}` is written twice", name.value),
            "header names are the same in any case: keep one",
        );
        return None;
    }
    if value.value.contains(secrets::REDACTED) {
        return None; // A secret found by its value: reported (E0112) and redacted when loaded.
    }
    if !is_printable(&value.value) {
        r.invalid_value(
            value.span,
            format!("the value of header `{}` is not printable text", name.value),
            "write printable ASCII on one line (spaces and tabs allowed)",
        );
        return None;
    }
    let template = match Template::parse(&value.value) {
        Ok(template) => template,
        Err(error) => {
            invalid_template(r, name, value.span, &error);
            return None;
        }
    };
    if carries_credentials(&name.value) && template.variables().next().is_none() {
        literal_credential(r, name, value.span);
        return None;
    }
    Some(Header {
        name: name.value.clone(),
        value: template,
        at: value.span,
    })
}

fn invalid_template(r: &mut Reader, name: &Located<String>, at: Span, error: &TemplateError) {
    let problem = match error {
        TemplateError::Unterminated => "has `${` without its `}`".to_string(),
        TemplateError::BadName(bad) => format!("references `${{{bad}}}`, not a variable name"),
        TemplateError::LoneDollar => "has a `$` that starts no reference".to_string(),
    };
    r.invalid_value(
        at,
        format!("the value of header `{}` {problem}", name.value),
        "write `${VAR}` for a variable of a secrets binding (letters, digits and `_`), and \
         `$$` for a literal `$`",
    );
}

/// E0112: a credential header whose value is written out. Its text is masked in snippets.
fn literal_credential(r: &mut Reader, name: &Located<String>, at: Span) {
    r.secret_spans.push(at);
    r.diagnostics.push(
        Diagnostic::at(
            Code::SecretValue,
            at,
            format!(
                "header `{}` carries credentials, but its value is written out",
                name.value
            ),
        )
        .with_label("secret value (hidden)")
        .with_help(format!(
            "name a variable of the process's `secrets` binding instead, e.g. `{}: Bearer \
             ${{API_TOKEN}}` (oslinker reads it from its own environment when it probes), \
             and rotate the secret: it has been written in this file",
            name.value
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<String> {
        let template = Template::parse(text).unwrap();
        template.variables().map(str::to_string).collect()
    }

    #[test]
    fn references_are_whole_or_interpolated() {
        assert_eq!(vars("${TOKEN}"), ["TOKEN"]);
        assert_eq!(vars("Bearer ${TOKEN}"), ["TOKEN"]);
        assert_eq!(vars("${A}:${_B2}"), ["A", "_B2"]);
        assert!(vars("plain text").is_empty());
        assert!(vars("").is_empty());
    }

    #[test]
    fn double_dollar_is_a_literal_dollar() {
        let template = Template::parse("cost $$5 ${X}$$").unwrap();
        assert_eq!(vars("cost $$5 ${X}$$"), ["X"]);
        let sent = template.expand(|_| Some("v".to_string())).unwrap();
        assert_eq!(sent, "cost $5 v$");
        // Shown as written, so that it reads back the same.
        assert_eq!(template.to_string(), "cost $$5 ${X}$$");
        assert_eq!(Template::parse("$${X}").unwrap().to_string(), "$${X}");
        assert!(vars("$${X}").is_empty());
    }

    #[test]
    fn broken_references_are_errors() {
        assert_eq!(
            Template::parse("Bearer ${TOKEN"),
            Err(TemplateError::Unterminated)
        );
        assert_eq!(Template::parse("${"), Err(TemplateError::Unterminated));
        assert_eq!(
            Template::parse("${}"),
            Err(TemplateError::BadName(String::new()))
        );
        assert_eq!(
            Template::parse("${1X}"),
            Err(TemplateError::BadName("1X".to_string()))
        );
        assert_eq!(
            Template::parse("${A-B}"),
            Err(TemplateError::BadName("A-B".to_string()))
        );
        assert_eq!(Template::parse("$TOKEN"), Err(TemplateError::LoneDollar));
        assert_eq!(Template::parse("end $"), Err(TemplateError::LoneDollar));
    }

    #[test]
    fn expanding_names_the_missing_variable_never_a_value() {
        let template = Template::parse("Bearer ${TOKEN} ${OTHER}").unwrap();
        let only_token = |name: &str| (name == "TOKEN").then(|| "s3cr3t".to_string());
        assert_eq!(template.expand(only_token), Err("OTHER".to_string()));
        assert_eq!(template.to_string(), "Bearer ${TOKEN} ${OTHER}");
    }

    #[test]
    fn header_names_are_tokens() {
        for good in ["Authorization", "X-Probe", "x_a.b~c", "!#$%&'*+-.^_`|~"] {
            assert!(is_token(good), "{good}");
        }
        for bad in ["", "X Probe", "X:Probe", "Ünï", "a\"b", "(x)"] {
            assert!(!is_token(bad), "{bad}");
        }
        assert!(is_printable("Bearer ${T}\tx"));
        assert!(!is_printable("a\nb"));
        assert!(!is_printable("é"));
    }

    #[test]
    fn credential_headers() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "COOKIE",
            "X-Api-Key",
            "Api-Key",
            "X-Auth-Token",
            "X-Client-Secret",
        ] {
            assert!(carries_credentials(name), "{name}");
        }
        for name in ["Accept", "X-Probe", "User-Agent", "X-Request-Id"] {
            assert!(!carries_credentials(name), "{name}");
        }
    }
}
