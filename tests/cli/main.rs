//! Integration tests for `oslinker`: every test runs the built binary on a fixture tree and
//! checks its exit code, its stdout and stderr, and its JSON (or a snapshot of its text).
//!
//! One module per area of the issue: `validate` (schema and cross-reference rules),
//! `bad_input` (files oslinker must survive), `formats` (the five report formats and colour),
//! `resolve`, `plan`, `global` (flags, root discovery, exit codes, secrets, determinism) and
//! `fuzz` (property tests on arbitrary file contents).

mod support;

mod bad_input;
mod formats;
mod fuzz;
mod global;
mod plan;
mod resolve;
mod validate;
mod watch;
