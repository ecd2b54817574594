//! Arbitrary bytes as a YAML file and as a TOML file, through the path `validate` takes:
//! load, read, link, then the human and JSON reports (which show snippets and positions).
//! Besides not panicking: snippets keep the text's offsets, and every position is 1-based.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use oslinker::source::{FileId, SourceFile};
use oslinker::load::{Limits, parse_file};
use oslinker::pipeline::{check_files, read_file};
use oslinker::report::{self, HumanOptions};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let files: Vec<_> = ["tree/a.yaml", "tree/b.toml"]
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let loaded = parse_file(
                Path::new(name),
                name.to_string(),
                data.to_vec(),
                FileId(index + 1),
                &limits,
            );
            let read = read_file(loaded);
            // Masking hides bytes in place: every span still points at the same text.
            assert_eq!(read.source.snippet_text().len(), read.source.text.len());
            read
        })
        .collect();
    let root = SourceFile::new(PathBuf::from("tree"), "tree".to_string(), String::new());
    let checked = check_files(root, files);
    for diagnostic in &checked.diagnostics {
        let position = report::position(&checked.sources, diagnostic);
        if let Some((line, column)) = position.line_col {
            assert!(line >= 1 && column >= 1, "{diagnostic:?}");
        }
    }
    let options = HumanOptions {
        color: false,
        width: 100,
    };
    let _ = report::human(&checked.sources, &checked.diagnostics, None, &options);
    let _ = report::json(
        &checked.sources,
        &checked.diagnostics,
        checked.errors() == 0,
    );
});
