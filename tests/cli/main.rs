//! Integration tests for `oslinker`: every test runs the built binary on a fixture tree and
//! checks its exit code, its stdout and stderr, and its JSON (or a snapshot of its text).
//!
//! One module per area: `rules` (what each diagnostic code reports, one folder of cases per
//! code in `tests/rules`), `validate` (whole trees, tree formats, `validate PATH...`, `--strict`),
//! `bad_input` (files oslinker must survive), `formats` (the five report formats and colour), `resolve`, `plan`,
//! `diff` (two plans compared: folders, plan files, `git:REV`), `watch` (the real binary
//! following edits), `graph` (DOT and Mermaid, rendered by Graphviz), `explain` (ids of every
//! kind, capabilities), `export` (A2A agent cards written to a folder), `schema` (the JSON
//! Schema, checked with the `jsonschema` crate against
//! the bundled trees and against `validate`), `init` (the starter tree), `completions` (the
//! committed scripts and real shells completing), `man` (the manual page), `integrations`
//! (the pre-commit hooks and the README's CI jobs), `global` (flags, root discovery, exit
//! codes, secrets, determinism), `routing` (capability maps limited to environments, in every
//! command that routes), `secrets` (secret values in every form the masker must know, in
//! every report format), `secret_values` (secrets found by their value: E0112 at each place, never
//! shown by any command or format), `fuzz` (property tests on arbitrary file contents) and
//! `conformance` (the YAML and TOML test suites, ignored: they are not vendored).

mod support;

mod bad_input;
mod completions;
mod conformance;
mod diff;
mod explain;
mod export;
mod formats;
mod fuzz;
mod global;
mod graph;
mod health;
mod init;
mod integrations;
mod lints;
mod ls;
mod lsp;
mod man;
mod plan;
mod policy;
mod resolve;
mod routing;
mod rules;
mod running;
mod rust_version;
mod schema;
mod secret_values;
mod secrets;
mod serve;
mod validate;
mod watch;
