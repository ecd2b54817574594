use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::diff::{Change, Counts, Kind, Op, PlanDiff, Summary};
use crate::health::{Observation, State};

fn events() -> Events {
    Events::new("oslinker://host/srv/linker.d")
}

fn route(
    capability: &str,
    environment: Option<&str>,
    candidates: &[&str],
    chosen: Option<&str>,
) -> RouteSummary {
    RouteSummary {
        capability: capability.to_string(),
        environment: environment.map(String::from),
        matched: Some(capability.to_string()),
        candidates: candidates.iter().map(|c| c.to_string()).collect(),
        chosen: chosen.map(String::from),
    }
}

fn observation(state: State, reason: Option<&str>, latency: Option<u64>) -> Observation {
    Observation {
        kind: "Process",
        id: "coder".to_string(),
        state,
        probe: Some("http://127.0.0.1:9/healthz".to_string()),
        latency_ms: latency.map(Duration::from_millis),
        reason: reason.map(str::to_string),
        declared: Some("running"),
        drift: None,
    }
}

/// The envelope every event has, whatever its type.
fn assert_envelope(event: &CloudEvent, event_type: &str) {
    let json = serde_json::to_value(event).unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["type"], event_type);
    assert_eq!(json["source"], "oslinker://host/srv/linker.d");
    assert_eq!(json["datacontenttype"], "application/json");
    assert_eq!(json["data"]["formatVersion"], 1);
    let time = json["time"].as_str().unwrap();
    assert!(
        time.parse::<jiff::Timestamp>().is_ok() && time.ends_with('Z') && time.len() == 24,
        "not RFC 3339 UTC to the millisecond: {time}"
    );
    assert!(uuid::Uuid::parse_str(json["id"].as_str().unwrap()).is_ok());
}

#[test]
fn event_types_and_their_short_names() {
    let names: Vec<(&str, &str)> = EventType::ALL
        .iter()
        .map(|t| (t.as_str(), t.short()))
        .collect();
    assert_eq!(
        names,
        [
            ("dev.oslinker.tree.relinked", "tree.relinked"),
            ("dev.oslinker.tree.invalid", "tree.invalid"),
            ("dev.oslinker.tree.valid", "tree.valid"),
            ("dev.oslinker.route.changed", "route.changed"),
            ("dev.oslinker.health.changed", "health.changed"),
            ("dev.oslinker.tree.loaded", "tree.loaded"),
            ("dev.oslinker.tree.unreadable", "tree.unreadable"),
            ("dev.oslinker.exec.finished", "exec.finished"),
            ("dev.oslinker.watch.error", "watch.error"),
        ]
    );
}

#[test]
fn times_are_rfc3339_utc_with_three_fraction_digits_always() {
    let at = |ms: i64| rfc3339(jiff::Timestamp::from_millisecond(ms).unwrap());
    assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(at(1_796_056_631_120), "2026-11-30T16:37:11.120Z");
}

#[test]
fn every_event_gets_its_own_id() {
    let events = events();
    let a = events.event(EventType::TreeValid, None, json!({}));
    let b = events.event(EventType::TreeValid, None, json!({}));
    assert_ne!(a.id, b.id);
    // v7 ids sort by creation.
    assert!(a.id < b.id, "{} then {}", a.id, b.id);
}

#[test]
fn subject_is_left_out_when_there_is_none() {
    let event = events().event(EventType::TreeValid, None, json!({"formatVersion": 1}));
    let json = serde_json::to_value(&event).unwrap();
    assert!(json.get("subject").is_none(), "{json}");
    assert_envelope(&event, "dev.oslinker.tree.valid");
}

#[test]
fn source_uri_names_host_and_root() {
    assert_eq!(
        source_uri("build-1", std::path::Path::new("/srv/fleet/linker.d")),
        "oslinker://build-1/srv/fleet/linker.d"
    );
    assert_eq!(
        source_uri("h", std::path::Path::new("linker.d")),
        "oslinker://h/linker.d"
    );
}

fn a_diff() -> PlanDiff {
    PlanDiff {
        format_version: 1,
        changes: vec![Change {
            op: Op::Change,
            kind: Kind::Route,
            id: "code.generation".to_string(),
            path: "routes/code.generation/provider".to_string(),
            old: json!("a"),
            new: json!("b"),
        }],
        summary: Summary {
            processes: Counts::default(),
            routes: Counts {
                added: 0,
                removed: 0,
                changed: 1,
            },
        },
    }
}

#[test]
fn relinked_carries_files_counts_and_the_plan_diff() {
    let diff = a_diff();
    let changed = [PathBuf::from("linker.d/processes/coder.yaml")];
    let diagnostics = json!([
        diagnostic("W0303", "warning"),
        diagnostic("W0201", "warning")
    ]);
    let event = events().relinked(&Relinked {
        changed: &changed,
        files: 4,
        manifests: 9,
        errors: 0,
        warnings: 2,
        diff: Some(&diff),
        diagnostics: &diagnostics,
        rerouted: false,
    });
    assert_envelope(&event, "dev.oslinker.tree.relinked");
    let data = &event.data;
    assert_eq!(data["files"], json!(["linker.d/processes/coder.yaml"]));
    assert_eq!(data["fileCount"], 4);
    assert_eq!(data["manifestCount"], 9);
    assert_eq!(data["valid"], true);
    assert_eq!(data["errors"], 0);
    assert_eq!(data["warnings"], 2);
    assert_eq!(data["planChanged"], true);
    // As `diff --format json` has them.
    assert_eq!(
        data["changes"],
        serde_json::to_value(&diff.changes).unwrap()
    );
    assert_eq!(data["summary"]["routes"]["changed"], 1);
    assert_eq!(data["cause"], "files");
    // Every diagnostic, as `validate --format json` lists them (not only the first few).
    assert_eq!(data["diagnostics"], diagnostics);
}

#[test]
fn relinked_by_health_says_so() {
    let diff = a_diff();
    let event = events().relinked(&Relinked {
        changed: &[],
        files: 1,
        manifests: 3,
        errors: 0,
        warnings: 0,
        diff: Some(&diff),
        diagnostics: &json!([]),
        rerouted: true,
    });
    assert_eq!(event.data["cause"], "health");
    assert_eq!(event.data["files"], json!([]));
    assert_eq!(event.data["planChanged"], true);
}

#[test]
fn relinked_with_an_unchanged_plan_or_an_invalid_tree() {
    let empty = PlanDiff {
        format_version: 1,
        changes: vec![],
        summary: Summary::default(),
    };
    let same = events().relinked(&Relinked {
        changed: &[],
        files: 1,
        manifests: 1,
        errors: 0,
        warnings: 0,
        diff: Some(&empty),
        diagnostics: &json!([]),
        rerouted: false,
    });
    assert_eq!(same.data["planChanged"], false);
    assert_eq!(same.data["valid"], true);

    let invalid = events().relinked(&Relinked {
        changed: &[],
        files: 1,
        manifests: 1,
        errors: 3,
        warnings: 0,
        diff: None,
        diagnostics: &json!([diagnostic("E0105", "error")]),
        rerouted: false,
    });
    assert_eq!(invalid.data["valid"], false);
    assert_eq!(invalid.data["planChanged"], false);
    assert_eq!(invalid.data["changes"], json!([]));
    assert_eq!(invalid.data["summary"], Value::Null);
}

fn diagnostic(code: &str, severity: &str) -> Value {
    json!({"code": code, "severity": severity, "message": "m", "file": "f.yaml", "line": 1})
}

#[test]
fn invalid_carries_the_count_and_the_first_errors_first() {
    let mut list = vec![diagnostic("W0001", "warning")];
    list.extend((0..7).map(|i| diagnostic(&format!("E010{i}"), "error")));
    let diagnostics = Value::Array(list);
    let event = events().validity(&Validity {
        errors: 7,
        warnings: 1,
        diagnostics: &diagnostics,
    });
    assert_envelope(&event, "dev.oslinker.tree.invalid");
    let data = &event.data;
    assert_eq!(data["valid"], false);
    assert_eq!(data["errors"], 7);
    assert_eq!(data["diagnosticCount"], 8);
    let codes: Vec<&str> = (data["diagnostics"].as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0100", "E0101", "E0102", "E0103", "E0104"]);
}

#[test]
fn valid_again_after_invalid_and_nothing_when_unflipped() {
    let diagnostics = json!([diagnostic("W0001", "warning")]);
    let now = Validity {
        errors: 0,
        warnings: 1,
        diagnostics: &diagnostics,
    };
    let event = events().validity_flipped(false, &now).unwrap();
    assert_envelope(&event, "dev.oslinker.tree.valid");
    assert_eq!(event.data["valid"], true);
    assert_eq!(event.data["diagnostics"][0]["code"], "W0001");
    assert!(events().validity_flipped(true, &now).is_none());

    let broken = json!([diagnostic("E0101", "error")]);
    let invalid = Validity {
        errors: 1,
        warnings: 0,
        diagnostics: &broken,
    };
    assert!(events().validity_flipped(false, &invalid).is_none());
    let flipped = events().validity_flipped(true, &invalid).unwrap();
    assert_eq!(flipped.event_type, EventType::TreeInvalid);
}

#[test]
fn route_chosen_changed() {
    let old = [route("code", None, &["a", "b"], Some("a"))];
    let new = [route("code", None, &["a", "b"], Some("b"))];
    let events = events().route_changes(&old, &new);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_envelope(event, "dev.oslinker.route.changed");
    assert_eq!(event.subject.as_deref(), Some("code"));
    assert_eq!(
        event.data,
        json!({
            "formatVersion": 1,
            "capability": "code",
            "environment": null,
            "route": "changed",
            "from": "a",
            "to": "b",
            "candidates": ["a", "b"],
        })
    );
}

#[test]
fn route_unchanged_makes_no_event_even_when_its_candidates_move() {
    let old = [
        route("code", None, &["a", "b"], Some("a")),
        route("code", Some("prod"), &["a"], None),
    ];
    let new = [
        route("code", None, &["a", "c", "b"], Some("a")),
        route("code", Some("prod"), &["a", "b"], None),
    ];
    assert!(route_changes(&old, &new).is_empty());
}

#[test]
fn route_added_and_removed() {
    let old = [
        route("search", None, &["s"], Some("s")),
        route("idle", None, &["x"], None),
    ];
    let new = [
        route("code", Some("prod"), &["a"], Some("a")),
        route("empty", None, &["z"], None),
    ];
    let changes = route_changes(&old, &new);
    let summary: Vec<_> = changes
        .iter()
        .map(|c| (c.capability, c.environment, c.route, c.from, c.to))
        .collect();
    // A route with nothing chosen on either side (`idle` gone, `empty` new) changed nothing.
    assert_eq!(
        summary,
        [
            ("code", Some("prod"), "added", None, Some("a")),
            ("search", None, "removed", Some("s"), None),
        ]
    );
    assert!(changes[1].candidates.is_empty());
}

#[test]
fn routes_are_matched_by_capability_and_environment() {
    // Same capability, different environments: each compared with its own.
    let old = [
        route("code", Some("dev"), &["a"], Some("a")),
        route("code", Some("prod"), &["b"], Some("b")),
    ];
    let new = [
        route("code", Some("prod"), &["b"], Some("b")),
        route("code", Some("dev"), &["a"], None),
    ];
    let changes = route_changes(&old, &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].environment, Some("dev"));
    assert_eq!((changes[0].from, changes[0].to), (Some("a"), None));
}

#[test]
fn health_changed_carries_from_to_reason_and_latency() {
    let before = observation(State::Healthy, None, Some(3));
    let after = observation(State::Unreachable, Some("connection refused"), None);
    let event = events().health_changed(Some(&before), &after).unwrap();
    assert_envelope(&event, "dev.oslinker.health.changed");
    assert_eq!(event.subject.as_deref(), Some("coder"));
    let data = &event.data;
    assert_eq!(data["kind"], "Process");
    assert_eq!(data["id"], "coder");
    assert_eq!(data["from"], "healthy");
    assert_eq!(data["to"], "unreachable");
    assert_eq!(data["reason"], "connection refused");
    assert_eq!(data["latencyMs"], Value::Null);

    let back = observation(State::Healthy, None, Some(12));
    let event = events().health_changed(Some(&after), &back).unwrap();
    assert_eq!(event.data["latencyMs"], 12.0);
}

#[test]
fn health_unchanged_makes_no_event_and_a_first_observation_does() {
    let before = observation(State::Healthy, None, Some(3));
    let after = observation(State::Healthy, None, Some(40));
    assert!(events().health_changed(Some(&before), &after).is_none());
    let first = events().health_changed(None, &after).unwrap();
    assert_eq!(first.data["from"], Value::Null);
    assert_eq!(first.data["to"], "healthy");
}

#[test]
fn loaded_carries_the_root_counts_and_every_diagnostic() {
    let diagnostics: Vec<Value> = (0..FIRST_DIAGNOSTICS + 2)
        .map(|_| diagnostic("W0201", "warning"))
        .collect();
    let diagnostics = json!(diagnostics);
    let event = events().loaded(&Loaded {
        root: "linker.d",
        files: 3,
        manifests: 7,
        valid: true,
        errors: 0,
        warnings: FIRST_DIAGNOSTICS + 2,
        diagnostics: &diagnostics,
    });
    assert_envelope(&event, "dev.oslinker.tree.loaded");
    assert_eq!(event.subject, None);
    assert_eq!(
        event.data,
        json!({
            "formatVersion": 1, "root": "linker.d", "fileCount": 3, "manifestCount": 7,
            "valid": true, "errors": 0, "warnings": FIRST_DIAGNOSTICS + 2,
            "diagnostics": diagnostics,
        })
    );
}

#[test]
fn unreadable_says_which_root_and_why() {
    let event = events().unreadable("linker.d", "`linker.d` does not exist");
    assert_envelope(&event, "dev.oslinker.tree.unreadable");
    assert_eq!(
        event.data,
        json!({"formatVersion": 1, "root": "linker.d", "message": "`linker.d` does not exist"})
    );
}

#[cfg(unix)]
fn exit_status(code: i32) -> std::process::ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    std::process::ExitStatus::from_raw(code << 8)
}

#[cfg(unix)]
#[test]
fn exec_finished_says_how_the_command_ended() {
    let ok = events().exec_finished("deploy", &Ok(exit_status(0)));
    assert_envelope(&ok, "dev.oslinker.exec.finished");
    assert_eq!(
        ok.data,
        json!({"formatVersion": 1, "command": "deploy", "success": true, "status": 0,
               "message": null})
    );
    let failed = events().exec_finished("deploy", &Ok(exit_status(3)));
    assert_eq!(
        (&failed.data["success"], &failed.data["status"]),
        (&json!(false), &json!(3))
    );
    let not_run = events().exec_finished("deploy", &Err("cannot start sh".to_string()));
    assert_eq!(
        not_run.data,
        json!({"formatVersion": 1, "command": "deploy", "success": false, "status": null,
               "message": "cannot start sh"})
    );
}

#[test]
fn watch_error_carries_the_message() {
    let event = events().watch_error("too many open files");
    assert_envelope(&event, "dev.oslinker.watch.error");
    assert_eq!(
        event.data,
        json!({"formatVersion": 1, "message": "too many open files"})
    );
}
