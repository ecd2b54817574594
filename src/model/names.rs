//! Name rules: id and capability syntax, secret-looking variable names, and did-you-mean.

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

/// Variable names that usually hold secrets: `*API_KEY`, `*TOKEN`, `*SECRET`,
/// `*PRIVATE_KEY`, `*PASSWORD*` (any case).
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["API_KEY", "APIKEY", "TOKEN", "SECRET", "PRIVATE_KEY"]
        .iter()
        .any(|suffix| upper.ends_with(suffix))
        || upper.contains("PASSWORD")
        || upper.contains("PASSWD")
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|&(distance, c)| distance <= (c.len() / 3).max(1))
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
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["NODE_ENV", "LOG_LEVEL", "TOKENIZER_MODE", "KEY_ID"] {
            assert!(!looks_secret(name), "{name}");
        }
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
