//! Property tests: whatever bytes a manifest file holds, `validate` answers 0 or 1 (the tree
//! is readable, so never 2), never panics, and its JSON report agrees with its exit code.
//! Each case spawns the binary, so the case count stays modest.

use proptest::prelude::*;

use crate::support::{Tree, process_yaml};

fn check(yaml: &[u8], toml: &[u8]) -> Result<(), TestCaseError> {
    let tree = Tree::empty();
    tree.write("a.yaml", yaml);
    tree.write("b.toml", toml);
    let out = tree.run(["validate", "--format", "json"]);
    prop_assert!(
        out.code == 0 || out.code == 1,
        "exit {}: {}",
        out.code,
        out.stderr
    );
    let json = out.json();
    prop_assert_eq!(json["valid"].as_bool(), Some(out.code == 0));
    for d in json["diagnostics"].as_array().unwrap() {
        if let Some(line) = d["line"].as_u64() {
            prop_assert!(line >= 1 && d["column"].as_u64().unwrap() >= 1, "{}", d);
        }
    }
    // The human report renders snippets of the same input: it must survive it too.
    let human = tree.run(["validate"]);
    prop_assert_eq!(human.code, out.code);
    Ok(())
}

/// Text made of the characters that matter to YAML and TOML parsers.
fn syntax_soup() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[a-zA-Z0-9_:=,.\\-\\[\\]{}&*!|>'\"#@%` \t\n\r\u{feff}é→]{0,300}",
    )
    .unwrap()
}

/// A valid manifest with a slice replaced by arbitrary text.
fn mutated(base: String) -> impl Strategy<Value = String> {
    let len = base.len();
    (0..=len, 0..=len, syntax_soup()).prop_map(move |(a, b, insert)| {
        let (start, end) = (a.min(b), a.max(b));
        let mut text = base.clone();
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            text.replace_range(start..end, &insert);
        }
        text
    })
}

const TOML_MANIFEST: &str = "\
[[manifest]]
kind = \"Binding\"
id = \"b\"
processId = \"a\"
environmentId = \"production\"
type = \"network\"

[manifest.config]
egress = [\"api.example:443\"]

[[manifest.config.ingress]]
port = 8080
protocol = \"tcp\"
";

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(yaml in proptest::collection::vec(any::<u8>(), 0..2048),
                       toml in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&yaml, &toml)?;
    }

    #[test]
    fn arbitrary_strings(yaml in any::<String>(), toml in any::<String>()) {
        check(yaml.as_bytes(), toml.as_bytes())?;
    }

    #[test]
    fn syntax_like_strings(yaml in syntax_soup(), toml in syntax_soup()) {
        check(yaml.as_bytes(), toml.as_bytes())?;
    }

    #[test]
    fn mutated_manifests(yaml in mutated(process_yaml("a")), toml in mutated(TOML_MANIFEST.to_string())) {
        check(yaml.as_bytes(), toml.as_bytes())?;
    }
}
