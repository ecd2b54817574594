//! Name rules: id and capability syntax, and did-you-mean.

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

/// The candidates that have `word` as one of their `-`, `_` or `.` separated parts
/// (`bedrock` in `aws-bedrock`), sorted, once each: for a name too far from every candidate
/// to be a typo of one, but part of some.
pub fn containing<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = word.to_ascii_lowercase();
    let mut found: Vec<&str> = candidates
        .into_iter()
        .filter(|c| {
            c.split(['-', '_', '.'])
                .any(|part| part.eq_ignore_ascii_case(&lower))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
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
    fn suggestions() {
        let fields = ["capabilities", "requires", "runtimeContext"];
        assert_eq!(suggest("capabilites", fields), Some("capabilities"));
        assert_eq!(suggest("runtimeContex", fields), Some("runtimeContext"));
        assert_eq!(suggest("RuntimeContext", fields), Some("runtimeContext"));
        assert_eq!(suggest("zzz", fields), None);
        assert_eq!(suggest("runing", ["running", "stopped"]), Some("running"));
    }

    #[test]
    fn names_that_contain_a_word() {
        let ids = [
            "aws-bedrock",
            "bedrock-summarizer",
            "bedrockish",
            "aws-bedrock",
            "x",
        ];
        assert_eq!(
            containing("Bedrock", ids),
            ["aws-bedrock", "bedrock-summarizer"]
        );
        assert_eq!(containing("nothing", ids), Vec::<&str>::new());
    }
}
