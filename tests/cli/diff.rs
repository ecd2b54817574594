//! `oslinker diff OLD [NEW]`: two resolved plans compared by id. Every kind of change (as
//! exact JSON change objects), the text output (snapshot, colour, `--stat`), every exit code,
//! the three kinds of side (a folder, a plan file, `git:REV` in a repository each test
//! creates), what a revision must never do to the repository, and secrets.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Output, Run, Tree, oslinker};

// ---------------------------------------------------------------------------------------------
// Fixtures: one base tree, and edits of it.

/// Four processes: `web` (most parts of a plan: a version, env, two bindings, a capability,
/// a link), two mapped analysts (one with a `.` in its id) and a plain `worker`.
const PROCESSES: &str = "\
kind: Process
id: web
name: Web Agent
status: running
metadata: {platform: nodejs, version: \"1.0.0\"}
capabilities: [web.serve]
requires: [data.analysis]
runtimeContext:
  environment: production
  version: nodejs-20.x
  env:
    NODE_ENV: production
    LOG_LEVEL: info
---
kind: Process
id: analyst
name: Analyst
status: running
metadata: {platform: python}
runtimeContext: {environment: production}
---
kind: Process
id: backup.v2
name: Backup Analyst
status: running
metadata: {platform: python}
runtimeContext: {environment: production}
---
kind: Process
id: worker
name: Worker
status: running
metadata: {platform: custom}
runtimeContext:
  environment: production
  env: {MODE: batch}
";

const BINDINGS: &str = "\
kind: Binding
id: web-secrets
processId: web
environmentId: production
type: secrets
config:
  store: vault
  secrets: {OPENAI_API_KEY: \"kv/data/web#openai\"}
---
kind: Binding
id: web.net
processId: web
environmentId: production
type: network
config:
  ingress: [{port: 8080}]
  egress: [\"api.example.com:443\"]
";

const MAP: &str = "\
kind: CapabilityMap
mappings:
  data.analysis: [analyst, backup.v2]
  web.serve: [web]
";

/// A new process, in another environment.
const EXTRA: &str = "\
kind: Process
id: extra
name: Extra
type: tool
status: pending
metadata: {platform: custom, team: ops}
runtimeContext: {environment: staging}
";

/// The same tree as the base, moved to other files, rewritten as TOML and YAML flow style,
/// keys and list items reordered, environments named by id instead of name.
const BASE_REFORMATTED: &[(&str, &str)] = &[
    (
        "nested/deeper/web.toml",
        "\
runtimeContext = { env = { LOG_LEVEL = \"info\", NODE_ENV = \"production\" }, version = \"nodejs-20.x\", environment = \"env-production\" }
requires = [\"data.analysis\"]
capabilities = [\"web.serve\"]
metadata = { version = \"1.0.0\", platform = \"nodejs\" }
status = \"running\"
name = \"Web Agent\"
id = \"web\"
kind = \"Process\"
apiVersion = \"oslinker/v1\"
",
    ),
    (
        "all-the-rest.toml",
        "\
[[manifest]]
mappings = { \"web.serve\" = [\"web\"], \"data.analysis\" = [\"analyst\", \"backup.v2\"] }
kind = \"CapabilityMap\"

[[manifest]]
type = \"network\"
config = { egress = [\"api.example.com:443\"], ingress = [{ protocol = \"tcp\", port = 8080 }] }
environmentId = \"env-production\"
processId = \"web\"
id = \"web.net\"
kind = \"Binding\"

[[manifest]]
kind = \"Process\"
id = \"worker\"
name = \"Worker\"
status = \"running\"
metadata = { platform = \"custom\" }
runtimeContext = { env = { MODE = \"batch\" }, environment = \"env-production\" }
",
    ),
    (
        "z/analysts.yml",
        "\
{runtimeContext: {environment: env-production}, status: running, name: Backup Analyst, id: backup.v2, kind: Process, metadata: {platform: python}}
---
id: analyst
kind: Process
metadata:
  platform: python
name: Analyst
runtimeContext:
  environment: env-production
status: running
",
    ),
    (
        "a/secrets.yaml",
        "\
config:
  secrets:
    OPENAI_API_KEY: kv/data/web#openai
  store: vault
type: secrets
environmentId: env-production
processId: web
id: web-secrets
kind: Binding
",
    ),
];

type Files = Vec<(&'static str, String)>;

fn base() -> Files {
    vec![
        ("processes.yaml", PROCESSES.to_string()),
        ("bindings.yaml", BINDINGS.to_string()),
        ("map.yaml", MAP.to_string()),
    ]
}

/// `files` with the first `from` in `path` replaced by `to`; `from` must be there, so an
/// edit can never silently do nothing.
fn edit(mut files: Files, path: &str, from: &str, to: &str) -> Files {
    let file = files
        .iter_mut()
        .find(|(p, _)| *p == path)
        .unwrap_or_else(|| panic!("no file {path}"));
    assert!(file.1.contains(from), "`{from}` is not in {path}");
    file.1 = file.1.replacen(from, to, 1);
    files
}

/// `files` plus one more.
fn with(mut files: Files, path: &'static str, text: &str) -> Files {
    files.push((path, text.to_string()));
    files
}

fn write_files(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

/// NEW in `tree/` (the default side: `-d tree`), OLD in `old/` beside it.
fn pair(old: &Files, new: &Files) -> Tree {
    let tree = Tree::empty();
    write_files(&tree.root(), new);
    write_files(&tree.parent().join("old"), old);
    tree
}

/// The JSON diff of two trees; they must differ (exit 1) and say nothing on stderr.
fn report(old: &Files, new: &Files) -> Value {
    let out = pair(old, new).run(["diff", "old", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.stderr, "");
    let report = out.json();
    assert_eq!(report["formatVersion"], 1, "{report}");
    report
}

fn changes(old: &Files, new: &Files) -> Value {
    report(old, new)["changes"].clone()
}

/// One change object, as the issue spells it.
fn change(op: &str, kind: &str, id: &str, path: &str, old: Value, new: Value) -> Value {
    json!({"op": op, "kind": kind, "id": id, "path": path, "old": old, "new": new})
}

fn summary(processes: [u64; 3], routes: [u64; 3]) -> Value {
    let counts = |[added, removed, changed]: [u64; 3]| json!({"added": added, "removed": removed, "changed": changed});
    json!({"processes": counts(processes), "routes": counts(routes)})
}

/// `worker` as planned in the base tree.
fn worker_plan() -> Value {
    json!({
        "id": "worker",
        "name": "Worker",
        "type": "agent",
        "status": "running",
        "version": null,
        "labels": {},
        "platform": "custom",
        "runtimeVersion": null,
        "environment": "env-production",
        "env": {"MODE": "batch"},
        "bindings": [],
        "provides": [],
        "links": [],
    })
}

/// `extra` as planned.
fn extra_plan() -> Value {
    json!({
        "id": "extra",
        "name": "Extra",
        "type": "tool",
        "status": "pending",
        "version": null,
        "labels": {"team": "ops"},
        "platform": "custom",
        "runtimeVersion": null,
        "environment": "env-staging",
        "env": {},
        "bindings": [],
        "provides": [],
        "links": [],
    })
}

/// Is there a `linker.d` in `dir` or above it (which would make a "no root" test moot)?
fn has_linker_d_at_or_above(dir: &Path) -> bool {
    dir.ancestors().any(|d| d.join("linker.d").is_dir())
}

#[test]
fn fixtures_are_valid_without_warnings() {
    for files in [
        base(),
        BASE_REFORMATTED
            .iter()
            .map(|(p, t)| (*p, t.to_string()))
            .collect(),
    ] {
        let tree = Tree::empty();
        write_files(&tree.root(), &files);
        let out = tree.validate();
        out.assert_code(0);
        assert_eq!(out.codes(), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------------
// Processes added, removed, and each part of one changed.

#[test]
fn process_added() {
    let report = report(&base(), &with(base(), "extra.yaml", EXTRA));
    assert_eq!(
        report["changes"],
        json!([change(
            "add",
            "process",
            "extra",
            "processes/extra",
            Value::Null,
            extra_plan()
        )])
    );
    assert_eq!(report["summary"], summary([1, 0, 0], [0, 0, 0]));
}

#[test]
fn process_removed() {
    let without_worker = edit(
        base(),
        "processes.yaml",
        &PROCESSES[PROCESSES.find("---\nkind: Process\nid: worker").unwrap()..],
        "",
    );
    let report = report(&base(), &without_worker);
    assert_eq!(
        report["changes"],
        json!([change(
            "remove",
            "process",
            "worker",
            "processes/worker",
            worker_plan(),
            Value::Null
        )])
    );
    assert_eq!(report["summary"], summary([0, 1, 0], [0, 0, 0]));
}

#[test]
fn status_changed() {
    let new = edit(
        base(),
        "processes.yaml",
        "name: Worker\nstatus: running",
        "name: Worker\nstatus: error",
    );
    let report = report(&base(), &new);
    assert_eq!(
        report["changes"],
        json!([change(
            "change",
            "process",
            "worker",
            "processes/worker/status",
            json!("running"),
            json!("error")
        )])
    );
    assert_eq!(report["summary"], summary([0, 0, 1], [0, 0, 0]));
}

#[test]
fn platform_changed() {
    let new = edit(
        base(),
        "processes.yaml",
        "{platform: custom}",
        "{platform: python}",
    );
    assert_eq!(
        changes(&base(), &new),
        json!([change(
            "change",
            "process",
            "worker",
            "processes/worker/platform",
            json!("custom"),
            json!("python")
        )])
    );
}

#[test]
fn runtime_version_changed_added_and_removed() {
    let new = edit(base(), "processes.yaml", "nodejs-20.x", "nodejs-22.1");
    let new = edit(
        new,
        "processes.yaml",
        "runtimeContext:\n  environment: production\n  env: {MODE: batch}",
        "runtimeContext:\n  environment: production\n  version: \"2.0\"\n  env: {MODE: batch}",
    );
    assert_eq!(
        changes(&base(), &new),
        json!([
            change(
                "change",
                "process",
                "web",
                "processes/web/runtimeVersion",
                json!("nodejs-20.x"),
                json!("nodejs-22.1")
            ),
            change(
                "change",
                "process",
                "worker",
                "processes/worker/runtimeVersion",
                Value::Null,
                json!("2.0")
            ),
        ])
    );
    // And back: the version removed.
    assert_eq!(
        changes(&new, &base())[1],
        change(
            "change",
            "process",
            "worker",
            "processes/worker/runtimeVersion",
            json!("2.0"),
            Value::Null
        )
    );
}

#[test]
fn environment_changed() {
    let new = edit(
        base(),
        "processes.yaml",
        "runtimeContext:\n  environment: production\n  env: {MODE: batch}",
        "runtimeContext:\n  environment: staging\n  env: {MODE: batch}",
    );
    assert_eq!(
        changes(&base(), &new),
        json!([change(
            "change",
            "process",
            "worker",
            "processes/worker/environment",
            json!("env-production"),
            json!("env-staging")
        )])
    );
}

#[test]
fn env_variables_added_removed_and_changed_one_by_one() {
    let new = edit(
        base(),
        "processes.yaml",
        "    NODE_ENV: production\n    LOG_LEVEL: info\n",
        "    NODE_ENV: staging\n    ADDED: \"yes, with spaces\"\n",
    );
    let report = report(&base(), &new);
    assert_eq!(
        report["changes"],
        json!([
            change(
                "add",
                "process",
                "web",
                "processes/web/env/ADDED",
                Value::Null,
                json!("yes, with spaces")
            ),
            change(
                "remove",
                "process",
                "web",
                "processes/web/env/LOG_LEVEL",
                json!("info"),
                Value::Null
            ),
            change(
                "change",
                "process",
                "web",
                "processes/web/env/NODE_ENV",
                json!("production"),
                json!("staging")
            ),
        ])
    );
    // Three changes, one process.
    assert_eq!(report["summary"], summary([0, 0, 1], [0, 0, 0]));
}

#[test]
fn environment_defaults_are_part_of_each_process_env() {
    let environment =
        "kind: Environment\nid: env-production\nname: production\nenv: {REGION: eu}\n";
    let old = with(base(), "env.yaml", environment);
    let new = with(base(), "env.yaml", &environment.replace("eu", "us"));
    let report = report(&old, &new);
    let region = |id: &str| {
        change(
            "change",
            "process",
            id,
            &format!("processes/{id}/env/REGION"),
            json!("eu"),
            json!("us"),
        )
    };
    assert_eq!(
        report["changes"],
        json!([
            region("analyst"),
            region("backup.v2"),
            region("web"),
            region("worker")
        ])
    );
    assert_eq!(report["summary"], summary([0, 0, 4], [0, 0, 0]));
}

#[test]
fn name_type_version_and_labels() {
    let new = edit(
        base(),
        "processes.yaml",
        "name: Worker\nstatus: running\nmetadata: {platform: custom}",
        "name: Batch Worker\ntype: service\nstatus: running\nmetadata: {platform: custom, version: \"2\", team: data}",
    );
    assert_eq!(
        changes(&base(), &new),
        json!([
            change(
                "change",
                "process",
                "worker",
                "processes/worker/name",
                json!("Worker"),
                json!("Batch Worker")
            ),
            change(
                "change",
                "process",
                "worker",
                "processes/worker/type",
                json!("agent"),
                json!("service")
            ),
            change(
                "change",
                "process",
                "worker",
                "processes/worker/version",
                Value::Null,
                json!("2")
            ),
            change(
                "add",
                "process",
                "worker",
                "processes/worker/labels/team",
                Value::Null,
                json!("data")
            ),
        ])
    );
}

#[test]
fn bindings_added_and_removed_whole() {
    let files = "\
---
kind: Binding
id: web-files
processId: web
environmentId: production
type: files
config:
  mounts: [{source: /srv/web, target: /app/data, readOnly: false}]
";
    let without_net = edit(
        base(),
        "bindings.yaml",
        &BINDINGS[BINDINGS.find("---\nkind: Binding\nid: web.net").unwrap()..],
        files,
    );
    assert_eq!(
        changes(&base(), &without_net),
        json!([
            change(
                "add",
                "process",
                "web",
                "processes/web/bindings/web-files",
                Value::Null,
                json!({
                    "id": "web-files",
                    "type": "files",
                    "mounts": [{"source": "/srv/web", "target": "/app/data", "readOnly": false}],
                })
            ),
            change(
                "remove",
                "process",
                "web",
                "processes/web/bindings/web.net",
                json!({
                    "id": "web.net",
                    "type": "network",
                    "ingress": [{"port": 8080, "protocol": "tcp"}],
                    "egress": ["api.example.com:443"],
                }),
                Value::Null
            ),
        ])
    );
}

#[test]
fn binding_fields_changed() {
    let new = edit(
        base(),
        "bindings.yaml",
        "  ingress: [{port: 8080}]\n  egress: [\"api.example.com:443\"]",
        "  ingress: [{port: 9090, protocol: udp}]\n  egress: [\"api.example.com:443\", \"db.internal:5432\"]",
    );
    // Sets, element by element: the egress kept is no change, the ingress rule whose port
    // and protocol changed is one removed and one added.
    assert_eq!(
        changes(&base(), &new),
        json!([
            change(
                "add",
                "process",
                "web",
                "processes/web/bindings/web.net/egress",
                Value::Null,
                json!("db.internal:5432")
            ),
            change(
                "remove",
                "process",
                "web",
                "processes/web/bindings/web.net/ingress",
                json!({"port": 8080, "protocol": "tcp"}),
                Value::Null
            ),
            change(
                "add",
                "process",
                "web",
                "processes/web/bindings/web.net/ingress",
                Value::Null,
                json!({"port": 9090, "protocol": "udp"})
            ),
        ])
    );
}

#[test]
fn secrets_binding_changed_shows_references_in_the_binding_and_the_env() {
    let new = edit(
        base(),
        "bindings.yaml",
        "  store: vault\n  secrets: {OPENAI_API_KEY: \"kv/data/web#openai\"}",
        "  store: aws-secrets-manager\n  secrets: {OPENAI_API_KEY: \"prod/web/openai\"}",
    );
    assert_eq!(
        changes(&base(), &new),
        json!([
            change(
                "change",
                "process",
                "web",
                "processes/web/env/OPENAI_API_KEY",
                json!("<secret:vault:kv/data/web#openai>"),
                json!("<secret:aws-secrets-manager:prod/web/openai>")
            ),
            change(
                "change",
                "process",
                "web",
                "processes/web/bindings/web-secrets/secrets/OPENAI_API_KEY",
                json!("kv/data/web#openai"),
                json!("prod/web/openai")
            ),
            change(
                "change",
                "process",
                "web",
                "processes/web/bindings/web-secrets/store",
                json!("vault"),
                json!("aws-secrets-manager")
            ),
        ])
    );
}

#[test]
fn provided_capabilities_added_and_removed() {
    let new = edit(
        base(),
        "processes.yaml",
        "capabilities: [web.serve]",
        "capabilities: [web.admin]",
    );
    let report = report(&base(), &new);
    // `web.serve` is still mapped to `web`, so its route does not change.
    assert_eq!(
        report["changes"],
        json!([
            change(
                "add",
                "process",
                "web",
                "processes/web/provides/web.admin",
                Value::Null,
                json!("web.admin")
            ),
            change(
                "remove",
                "process",
                "web",
                "processes/web/provides/web.serve",
                json!("web.serve"),
                Value::Null
            ),
        ])
    );
    assert_eq!(report["summary"], summary([0, 0, 1], [0, 0, 0]));
}

#[test]
fn link_provider_changed_with_its_route_reordered() {
    let new = edit(
        base(),
        "map.yaml",
        "[analyst, backup.v2]",
        "[backup.v2, analyst]",
    );
    let report = report(&base(), &new);
    assert_eq!(
        report["changes"],
        json!([
            change(
                "change",
                "process",
                "web",
                "processes/web/links/data.analysis",
                json!("analyst"),
                json!("backup.v2")
            ),
            change(
                "change",
                "route",
                "data.analysis",
                "routes/data.analysis",
                json!(["analyst", "backup.v2"]),
                json!(["backup.v2", "analyst"])
            ),
        ])
    );
    assert_eq!(report["summary"], summary([0, 0, 1], [0, 0, 1]));
}

#[test]
fn link_added_removed_and_unresolved() {
    // A new requirement, served by `web` (a process requiring what only it serves would link
    // to itself: E0213).
    let added = edit(
        base(),
        "processes.yaml",
        "metadata: {platform: custom}\n",
        "metadata: {platform: custom}\nrequires: [web.serve]\n",
    );
    assert_eq!(
        changes(&base(), &added),
        json!([change(
            "add",
            "process",
            "worker",
            "processes/worker/links/web.serve",
            Value::Null,
            json!("web")
        )])
    );
    // A requirement dropped.
    let removed = edit(base(), "processes.yaml", "requires: [data.analysis]\n", "");
    assert_eq!(
        changes(&base(), &removed),
        json!([change(
            "remove",
            "process",
            "web",
            "processes/web/links/data.analysis",
            json!("analyst"),
            Value::Null
        )])
    );
    // Both analysts stopped: the link is unresolved (null) and the route empty.
    let stopped = edit(
        base(),
        "processes.yaml",
        "name: Analyst\nstatus: running",
        "name: Analyst\nstatus: stopped",
    );
    let stopped = edit(
        stopped,
        "processes.yaml",
        "name: Backup Analyst\nstatus: running",
        "name: Backup Analyst\nstatus: stopped",
    );
    // Unresolved in production is an error (E0211) unless the tree's Settings say otherwise;
    // the settings are no part of the plan.
    let stopped = with(
        stopped,
        "settings.yaml",
        "kind: Settings\nspec: {lints: {critical-requirement-unresolved: warn}}\n",
    );
    let out = pair(&base(), &stopped).run(["diff", "old", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.json()["changes"],
        json!([
            change(
                "change",
                "process",
                "analyst",
                "processes/analyst/status",
                json!("running"),
                json!("stopped")
            ),
            change(
                "change",
                "process",
                "backup.v2",
                "processes/backup.v2/status",
                json!("running"),
                json!("stopped")
            ),
            change(
                "change",
                "process",
                "web",
                "processes/web/links/data.analysis",
                json!("analyst"),
                Value::Null
            ),
            change(
                "change",
                "route",
                "data.analysis",
                "routes/data.analysis",
                json!(["analyst", "backup.v2"]),
                json!([])
            ),
        ])
    );
    let text = pair(&base(), &stopped).run(["diff", "old"]);
    text.assert_code(1);
    assert!(
        text.stdout
            .contains("    ~ links/data.analysis: analyst -> unresolved\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "~ route data.analysis: analyst, backup.v2 -> (no eligible provider) (-analyst, -backup.v2)\n"
        ),
        "{}",
        text.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Routes.

#[test]
fn route_providers_added_and_removed() {
    let new = edit(base(), "map.yaml", "[analyst, backup.v2]", "[analyst]");
    let new = edit(
        new,
        "map.yaml",
        "web.serve: [web]",
        "web.serve: [web, worker]",
    );
    let report = report(&base(), &new);
    assert_eq!(
        report["changes"],
        json!([
            change(
                "change",
                "route",
                "data.analysis",
                "routes/data.analysis",
                json!(["analyst", "backup.v2"]),
                json!(["analyst"])
            ),
            change(
                "change",
                "route",
                "web.serve",
                "routes/web.serve",
                json!(["web"]),
                json!(["web", "worker"])
            ),
        ])
    );
    assert_eq!(report["summary"], summary([0, 0, 0], [0, 0, 2]));
}

#[test]
fn route_added_and_removed() {
    let new = edit(
        base(),
        "map.yaml",
        "  web.serve: [web]\n",
        "  reports: [worker]\n",
    );
    let report = report(&base(), &new);
    assert_eq!(
        report["changes"],
        json!([
            change(
                "add",
                "route",
                "reports",
                "routes/reports",
                Value::Null,
                json!(["worker"])
            ),
            change(
                "remove",
                "route",
                "web.serve",
                "routes/web.serve",
                json!(["web"]),
                Value::Null
            ),
        ])
    );
    assert_eq!(report["summary"], summary([0, 0, 0], [1, 1, 0]));
}

#[test]
fn route_changes_as_text() {
    let reordered = edit(
        base(),
        "map.yaml",
        "[analyst, backup.v2]",
        "[backup.v2, analyst]",
    );
    let out = pair(&base(), &reordered).run(["diff", "old"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "\
~ process web
    ~ links/data.analysis: analyst -> backup.v2
~ route data.analysis: analyst, backup.v2 -> backup.v2, analyst (reordered)

1 process changed, 1 route changed
"
    );
    let replaced = edit(
        base(),
        "map.yaml",
        "  data.analysis: [analyst, backup.v2]\n  web.serve: [web]\n",
        "  data.analysis: [backup.v2, worker]\n  reports: [worker]\n",
    );
    let out = pair(&base(), &replaced).run(["diff", "old"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "\
~ process web
    ~ links/data.analysis: analyst -> backup.v2
~ route data.analysis: analyst, backup.v2 -> backup.v2, worker (+worker, -analyst)
+ route reports: worker
- route web.serve: web

1 process changed, 1 route changed, 1 route added, 1 route removed
"
    );
}

// ---------------------------------------------------------------------------------------------
// No change: matched by id, not by file, order or format.

#[test]
fn moved_and_reformatted_manifests_are_no_change() {
    let reformatted: Files = BASE_REFORMATTED
        .iter()
        .map(|(p, t)| (*p, t.to_string()))
        .collect();
    for (old, new) in [(base(), reformatted.clone()), (reformatted, base())] {
        let tree = pair(&old, &new);
        let text = tree.run(["diff", "old"]);
        text.assert_code(0);
        assert_eq!(text.stdout, "no changes to the plan\n");
        assert_eq!(text.stderr, "");
        let out = tree.run(["diff", "old", "--format", "json"]);
        out.assert_code(0);
        assert_eq!(
            out.json(),
            json!({"formatVersion": 1, "changes": [], "summary": summary([0, 0, 0], [0, 0, 0])})
        );
    }
}

#[test]
fn process_order_within_a_file_is_no_change() {
    let mut documents: Vec<&str> = PROCESSES.split("---\n").collect();
    documents.reverse();
    let new = edit(
        base(),
        "processes.yaml",
        PROCESSES,
        &documents.join("---\n"),
    );
    let out = pair(&base(), &new).run(["diff", "old", "--stat"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

// ---------------------------------------------------------------------------------------------
// Paths: stable pointers, segments escaped as in JSON Pointer.

#[test]
fn paths_keep_dots_and_escape_tilde_and_slash() {
    let old = edit(
        base(),
        "processes.yaml",
        "metadata: {platform: custom}",
        "metadata: {platform: custom, app.kubernetes.io/name: worker, cost~center: \"42\"}",
    );
    let new = edit(
        base(),
        "processes.yaml",
        "metadata: {platform: custom}",
        "metadata: {platform: custom, app.kubernetes.io/name: worker-2, cost~center: \"43\"}",
    );
    let new = edit(
        new,
        "processes.yaml",
        "name: Backup Analyst\nstatus: running",
        "name: Backup Analyst\nstatus: error",
    );
    let new = edit(new, "bindings.yaml", "[\"api.example.com:443\"]", "[]");
    let changes = changes(&old, &new);
    let paths: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "processes/backup.v2/status",
            "processes/web/bindings/web.net/egress",
            "processes/worker/labels/app.kubernetes.io~1name",
            "processes/worker/labels/cost~0center",
            "routes/data.analysis",
        ]
    );
    // The id stays as written (unescaped); only the path is a pointer.
    assert_eq!(changes[0]["id"], "backup.v2");
    assert_eq!(
        changes[2],
        change(
            "change",
            "process",
            "worker",
            "processes/worker/labels/app.kubernetes.io~1name",
            json!("worker"),
            json!("worker-2")
        )
    );
    assert_eq!(changes[4]["id"], "data.analysis");
}

// ---------------------------------------------------------------------------------------------
// Text output.

/// Every kind of line: a process added and removed, one changed in many ways, a route
/// changed and one added.
fn kitchen_sink() -> (Files, Files) {
    let old = base();
    let new = edit(
        base(),
        "processes.yaml",
        &PROCESSES[PROCESSES.find("---\nkind: Process\nid: worker").unwrap()..],
        "",
    );
    let new = with(new, "extra.yaml", EXTRA);
    let new = edit(
        new,
        "processes.yaml",
        "name: Analyst\nstatus: running",
        "name: Analyst\nstatus: stopped",
    );
    let new = edit(
        new,
        "processes.yaml",
        "capabilities: [web.serve]",
        "capabilities: [web.serve, web.admin]",
    );
    let new = edit(new, "processes.yaml", "nodejs-20.x", "nodejs-22.x");
    let new = edit(
        new,
        "processes.yaml",
        "    NODE_ENV: production\n    LOG_LEVEL: info\n",
        "    NODE_ENV: staging\n    FEATURE_FLAGS: \"a b\"\n    EMPTY: \"\"\n",
    );
    let new = edit(
        new,
        "bindings.yaml",
        "  egress: [\"api.example.com:443\"]",
        "  egress: [\"api.example.com:443\", \"db.internal:5432\"]",
    );
    let new = edit(
        new,
        "bindings.yaml",
        &BINDINGS[..BINDINGS.find("---\n").unwrap() + 4],
        "\
kind: Binding
id: web-files
processId: web
environmentId: production
type: files
config:
  mounts: [{source: /srv/web, target: /app/data}]
---
",
    );
    let new = edit(
        new,
        "map.yaml",
        "  web.serve: [web]\n",
        "  web.serve: [web]\n  reports: [backup.v2]\n",
    );
    (old, new)
}

#[test]
fn text_diff_with_several_kinds_of_change() {
    let (old, new) = kitchen_sink();
    let out = pair(&old, &new).run(["diff", "old"]);
    out.assert_code(1);
    assert_eq!(out.stderr, "");
    assert!(!out.stdout.contains('\x1b'), "{}", out.stdout);
    insta::assert_snapshot!("diff_text_several_kinds", out.stdout);
}

#[test]
fn text_summary_counts_every_change() {
    let (old, new) = kitchen_sink();
    let report = report(&old, &new);
    assert_eq!(report["summary"], summary([1, 1, 2], [1, 0, 1]));
    let out = pair(&old, &new).run(["diff", "old", "--stat"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "2 processes changed, 1 process added, 1 process removed, 1 route changed, 1 route added\n"
    );
    assert_eq!(out.stderr, "");
}

/// A process added, one changed, and a route removed: green, yellow and red.
fn coloured_pair() -> Tree {
    let new = with(base(), "extra.yaml", EXTRA);
    let new = edit(
        new,
        "processes.yaml",
        "name: Worker\nstatus: running",
        "name: Worker\nstatus: error",
    );
    let new = edit(new, "map.yaml", "  web.serve: [web]\n", "");
    pair(&base(), &new)
}

const PLAIN: &str = "\
+ process extra (custom, env-staging, pending)
    + name: Extra
    + type: tool
    + labels/team: ops
~ process worker
    ~ status: running -> error
- route web.serve: web

1 process changed, 1 process added, 1 route removed
";

#[test]
fn color_always_paints_each_line_even_with_no_color_set() {
    // The helper sets NO_COLOR=1: an explicit `--color always` wins.
    let out = coloured_pair().run(["--color", "always", "diff", "old"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "\
\x1b[32m+ process extra (custom, env-staging, pending)\x1b[0m
    \x1b[32m+ name: Extra\x1b[0m
    \x1b[32m+ type: tool\x1b[0m
    \x1b[32m+ labels/team: ops\x1b[0m
\x1b[33m~ process worker\x1b[0m
    \x1b[33m~ status: running -> error\x1b[0m
\x1b[31m- route web.serve: web\x1b[0m

1 process changed, 1 process added, 1 route removed
"
    );
}

#[test]
fn no_colour_unless_asked_or_on_a_terminal() {
    let tree = coloured_pair();
    // Not a terminal (a pipe), with and without NO_COLOR.
    let auto = tree.run(["diff", "old"]);
    auto.assert_code(1);
    assert_eq!(auto.stdout, PLAIN);
    let no_env = tree.cmd(["diff", "old"]).env_remove("NO_COLOR").run();
    no_env.assert_code(1);
    assert_eq!(no_env.stdout, PLAIN);
    let never = tree
        .cmd(["--color", "never", "diff", "old"])
        .env_remove("NO_COLOR")
        .run();
    never.assert_code(1);
    assert_eq!(never.stdout, PLAIN);
    for out in [&auto, &no_env, &never] {
        assert!(!out.all().contains('\x1b'), "{}", out.all());
    }
}

/// `oslinker ARGS...` in `cwd` with stdout on a terminal (through util-linux `script`); the
/// tests that call it are `#[ignore = "needs script (util-linux)"]`.
fn on_a_terminal(cwd: &Path, args: &[&str], no_color: bool) -> Option<(i32, String)> {
    let line = std::iter::once(env!("CARGO_BIN_EXE_oslinker"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut command = Command::new("script");
    command
        .current_dir(cwd)
        .args(["-qec", &line, "/dev/null"])
        .env_remove("OSLINKER_DIR")
        .env("COLUMNS", "100");
    if no_color {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    let output = command.output().ok()?;
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\r\n", "\n");
    Some((output.status.code()?, stdout))
}

#[test]
#[ignore = "needs script (util-linux)"]
fn colour_on_a_terminal_unless_no_color() {
    let tree = coloured_pair();
    let (code, stdout) = on_a_terminal(tree.parent(), &["-d", "tree", "diff", "old"], false)
        .expect("util-linux `script` must be on the PATH for this test");
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "\
\x1b[32m+ process extra (custom, env-staging, pending)\x1b[0m
    \x1b[32m+ name: Extra\x1b[0m
    \x1b[32m+ type: tool\x1b[0m
    \x1b[32m+ labels/team: ops\x1b[0m
\x1b[33m~ process worker\x1b[0m
    \x1b[33m~ status: running -> error\x1b[0m
\x1b[31m- route web.serve: web\x1b[0m

1 process changed, 1 process added, 1 route removed
"
    );
    let (code, plain) = on_a_terminal(tree.parent(), &["-d", "tree", "diff", "old"], true).unwrap();
    assert_eq!(code, 1);
    assert_eq!(plain, PLAIN);
    let (_, never) = on_a_terminal(
        tree.parent(),
        &["-d", "tree", "--color", "never", "diff", "old"],
        false,
    )
    .unwrap();
    assert_eq!(never, PLAIN);
}

#[test]
fn stat_prints_only_the_summary() {
    let tree = coloured_pair();
    let out = tree.run(["diff", "old", "--stat"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "1 process changed, 1 process added, 1 route removed\n"
    );
    assert_eq!(out.stderr, "");
    // Identical sides.
    let same = tree.run(["diff", "tree", "--stat"]);
    same.assert_code(0);
    assert_eq!(same.stdout, "no changes to the plan\n");
}

#[test]
fn json_output_is_one_document_with_every_field() {
    let out = coloured_pair().run(["--color", "always", "diff", "old", "--format", "json"]);
    out.assert_code(1);
    // Never coloured.
    assert!(!out.stdout.contains('\x1b'));
    assert_eq!(
        out.json(),
        json!({
            "formatVersion": 1,
            "changes": [
                change("add", "process", "extra", "processes/extra", Value::Null, extra_plan()),
                change(
                    "change",
                    "process",
                    "worker",
                    "processes/worker/status",
                    json!("running"),
                    json!("error")
                ),
                change(
                    "remove",
                    "route",
                    "web.serve",
                    "routes/web.serve",
                    json!(["web"]),
                    Value::Null
                ),
            ],
            "summary": summary([1, 0, 1], [0, 1, 0]),
        })
    );
}

#[test]
fn values_that_are_not_plain_words_are_quoted_in_text() {
    let new = edit(
        base(),
        "processes.yaml",
        "    LOG_LEVEL: info\n",
        "    LOG_LEVEL: \"\"\n    GREETING: hello world\n    QUOTE: 'say \"hi\"'\n",
    );
    let out = pair(&base(), &new).run(["diff", "old"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "\
~ process web
    + env/GREETING: \"hello world\"
    ~ env/LOG_LEVEL: info -> \"\"
    + env/QUOTE: \"say \\\"hi\\\"\"

1 process changed
"
    );
}

// ---------------------------------------------------------------------------------------------
// Exit codes.

#[test]
fn exit_0_when_the_plans_are_equal() {
    let tree = pair(&base(), &base());
    for args in [
        vec!["diff", "old"],
        vec!["diff", "old", "tree"],
        vec!["diff", "tree"],
        vec!["diff", "old", "--format", "json"],
        vec!["diff", "old", "--stat"],
    ] {
        let out = tree.run(&args);
        out.assert_code(0);
        assert_eq!(out.stderr, "", "{args:?}");
    }
    assert_eq!(tree.run(["diff", "old"]).stdout, "no changes to the plan\n");
}

#[test]
fn exit_1_when_they_differ_in_every_format() {
    let tree = coloured_pair();
    for args in [
        vec!["diff", "old"],
        vec!["diff", "old", "--format", "json"],
        vec!["diff", "old", "--stat"],
        vec!["diff", "old", "--format", "text"],
        vec!["-q", "diff", "old"],
    ] {
        tree.run(&args).assert_code(1);
    }
    // Swapped sides differ the other way round.
    let back = tree.run(["diff", "tree", "old", "--format", "json"]);
    back.assert_code(1);
    assert_eq!(back.json()["summary"], summary([0, 1, 1], [1, 0, 0]));
}

#[test]
fn exit_2_on_usage_errors() {
    let tree = pair(&base(), &base());
    for args in [
        vec!["diff"],
        vec!["diff", "old", "--format", "yaml"],
        vec!["diff", "old", "tree", "third"],
        vec!["diff", "old", "--no-such-flag"],
    ] {
        let out = tree.run(&args);
        out.assert_code(2);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn exit_2_when_the_old_side_does_not_validate_with_its_diagnostics() {
    let broken = edit(
        base(),
        "processes.yaml",
        "name: Worker\nstatus: running",
        "name: Worker\nstatus: runing",
    );
    let tree = pair(&broken, &base());
    for format in ["text", "json"] {
        let out = tree.run(["diff", "old", "--format", format]);
        out.assert_code(2);
        assert_eq!(out.stdout, "", "{format}");
        assert!(out.stderr.contains("E0107"), "{}", out.stderr);
        assert!(
            out.stderr.contains("old/processes.yaml:32:9"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("OLD side `old` is not valid: 1 error; nothing compared"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn exit_2_when_the_new_side_does_not_validate() {
    let broken = with(base(), "oops.yaml", "kind: Proces\nid: x\n");
    let tree = pair(&base(), &broken);
    // The default NEW (the tree) and an explicit one.
    for args in [vec!["diff", "old"], vec!["diff", "old", "tree"]] {
        let out = tree.run(&args);
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("E0102"), "{}", out.stderr);
        assert!(out.stderr.contains("tree/oops.yaml:1:7"), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("NEW side `tree` is not valid: 1 error; nothing compared"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn exit_2_for_an_empty_folder_side() {
    let tree = pair(&base(), &base());
    std::fs::create_dir(tree.parent().join("empty")).unwrap();
    let out = tree.run(["diff", "empty"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("E0005"), "{}", out.stderr);
}

#[test]
fn warnings_do_not_stop_a_diff() {
    // A binding for an environment its process does not run in (W0302): not in the plan.
    let warned = with(
        base(),
        "stray.yaml",
        "kind: Binding\nid: stray\nprocessId: worker\nenvironmentId: staging\ntype: network\nconfig: {egress: [\"a.example:443\"]}\n",
    );
    let tree = pair(&base(), &warned);
    assert_eq!(tree.validate().codes(), ["W0302"]);
    for args in [["diff", "old", "tree"], ["diff", "tree", "old"]] {
        let out = tree.run(args);
        out.assert_code(0);
        assert_eq!(out.stdout, "no changes to the plan\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Plan files.

/// `old/` and `tree/`, plus `old.json` and `new.json`, their plans.
fn pair_with_plans(old: &Files, new: &Files) -> Tree {
    let tree = pair(old, new);
    for (dir, file) in [("old", "old.json"), ("tree", "new.json")] {
        let out = oslinker(tree.parent())
            .args(["-d", dir, "plan", "--format", "json"])
            .run();
        out.assert_code(0);
        std::fs::write(tree.parent().join(file), out.stdout).unwrap();
    }
    tree
}

#[test]
fn plan_files_compare_like_their_trees() {
    let (old, new) = kitchen_sink();
    let tree = pair_with_plans(&old, &new);
    let expected = tree.run(["diff", "old", "--format", "json"]);
    expected.assert_code(1);
    for args in [
        vec!["diff", "old.json"],
        vec!["diff", "old.json", "tree"],
        vec!["diff", "old", "new.json"],
        vec!["diff", "old.json", "new.json"],
    ] {
        let out = tree.run([args.as_slice(), &["--format", "json"]].concat());
        out.assert_code(1);
        assert_eq!(out.stdout, expected.stdout, "{args:?}");
        assert_eq!(out.stderr, "", "{args:?}");
        let text = tree.run(&args);
        text.assert_code(1);
        assert_eq!(text.stdout, tree.run(["diff", "old"]).stdout, "{args:?}");
    }
    // A plan file against its own tree, and against itself.
    for args in [["diff", "new.json", "tree"], ["diff", "old.json", "old"]] {
        let out = tree.run(args);
        out.assert_code(0);
        assert_eq!(out.stdout, "no changes to the plan\n", "{args:?}");
    }
    tree.run(["diff", "old.json", "old.json"]).assert_code(0);
}

#[test]
fn plan_file_that_does_not_exist() {
    let tree = pair(&base(), &base());
    let out = tree.run(["diff", "missing.json"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: OLD side `missing.json`: cannot read `missing.json`: No such file or directory (os error 2)\nhelp: a side is a manifest folder, a plan file written by `oslinker plan --format json` (or yaml), or `git:REV`\n"
    );
    let new = tree.run(["diff", "old", "nowhere/new.json"]);
    new.assert_code(2);
    assert!(
        new.stderr
            .starts_with("error: NEW side `nowhere/new.json`: cannot read `nowhere/new.json`"),
        "{}",
        new.stderr
    );
}

#[test]
fn plan_file_that_is_not_json() {
    let tree = pair_with_plans(&base(), &base());
    std::fs::write(tree.parent().join("garbage.json"), "{\"formatVersion\": 1,").unwrap();
    let out = tree.run(["diff", "garbage.json"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("error: OLD side `garbage.json`: `garbage.json` is not a JSON plan: "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_yaml_plan_file_is_a_side_like_a_json_one() {
    let (old, new) = kitchen_sink();
    let tree = pair_with_plans(&old, &new);
    for (dir, file) in [("old", "old.yaml"), ("tree", "new.yml")] {
        let out = oslinker(tree.parent())
            .args(["-d", dir, "plan", "--format", "yaml"])
            .run();
        out.assert_code(0);
        std::fs::write(tree.parent().join(file), out.stdout).unwrap();
    }
    let expected = tree.run(["diff", "old", "--format", "json"]);
    expected.assert_code(1);
    for args in [
        ["diff", "old.yaml", "tree"],
        ["diff", "old", "new.yml"],
        ["diff", "old.yaml", "new.yml"],
        ["diff", "old.json", "new.yml"],
    ] {
        let out = tree.run([args.as_slice(), &["--format", "json"]].concat());
        out.assert_code(1);
        assert_eq!(out.stdout, expected.stdout, "{args:?}");
        assert_eq!(out.stderr, "", "{args:?}");
    }
    // The YAML plan and the JSON plan of one tree are the same plan.
    tree.run(["diff", "old.yaml", "old.json"]).assert_code(0);
    tree.run(["diff", "new.yml", "tree"]).assert_code(0);
}

#[test]
fn a_malformed_yaml_plan_is_exit_2_at_its_line_and_column() {
    let tree = pair_with_plans(&base(), &base());
    let write = |name: &str, text: &str| std::fs::write(tree.parent().join(name), text).unwrap();
    write(
        "broken.yaml",
        "formatVersion: 1\nprocesses:\n  - id: a\n   name: [b\n",
    );
    write("twice.yaml", "formatVersion: 1\nroutes: {}\nroutes: {}\n");
    write("two.yaml", "formatVersion: 1\n---\nformatVersion: 1\n");
    for (file, message) in [
        (
            "broken.yaml",
            "`broken.yaml` is not a YAML plan at line 4, column 4: YAML syntax error: while parsing a block collection, did not find expected '-' indicator",
        ),
        (
            "twice.yaml",
            "`twice.yaml` is not a YAML plan at line 3, column 1: duplicate key `routes`",
        ),
        (
            "two.yaml",
            "`two.yaml` is not a plan: it holds 2 YAML documents, a plan is one",
        ),
    ] {
        let out = tree.run(["diff", file]);
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, format!("error: OLD side `{file}`: {message}\n"));
    }
}

#[test]
fn plan_file_of_another_format_version_or_shape() {
    let tree = pair_with_plans(&base(), &base());
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(tree.parent().join("old.json")).unwrap())
            .unwrap();
    let write = |name: &str, value: &Value| {
        std::fs::write(tree.parent().join(name), value.to_string()).unwrap();
    };
    let mut v2 = plan.clone();
    v2["formatVersion"] = json!(2);
    write("v2.json", &v2);
    let mut none = plan.clone();
    none.as_object_mut().unwrap().remove("formatVersion");
    write("none.json", &none);
    // A validate report is JSON with formatVersion 1, but not a plan.
    let validate = tree.run(["validate", "--format", "json"]);
    std::fs::write(tree.parent().join("report.json"), validate.stdout).unwrap();

    let v2_out = tree.run(["diff", "v2.json"]);
    v2_out.assert_code(2);
    assert_eq!(
        v2_out.stderr,
        "error: OLD side `v2.json`: `v2.json` is a plan of format version 2; this oslinker reads version 1\n"
    );
    let none_out = tree.run(["diff", "old", "none.json"]);
    none_out.assert_code(2);
    assert_eq!(
        none_out.stderr,
        "error: NEW side `none.json`: `none.json` is not a plan (no `formatVersion`)\nhelp: write one with `oslinker plan --format json > plan.json`\n"
    );
    let report_out = tree.run(["diff", "report.json"]);
    report_out.assert_code(2);
    assert!(
        report_out
            .stderr
            .starts_with("error: OLD side `report.json`: `report.json` is not a valid plan: "),
        "{}",
        report_out.stderr
    );
    for out in [&v2_out, &none_out, &report_out] {
        assert_eq!(out.stdout, "");
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets.

const SECRET_OLD: &str = "sk-live-OLD0a1b2c3d4e5f6a7b8c9";
const SECRET_NEW: &str = "sk-live-NEW9z8y7x6w5v4u3t2s1";
const TOKEN_NEW: &str = "tok-live-NEWTOKEN0123456789";
const PASSWORD_OLD: &str = "hunter2-OLD-pass";

/// `worker` with literal secrets in `runtimeContext.env`.
fn with_secrets(api_key: &str, extra: &str) -> Files {
    edit(
        base(),
        "processes.yaml",
        "  env: {MODE: batch}",
        &format!("  env:\n    MODE: batch\n    API_KEY: {api_key}\n{extra}"),
    )
}

fn assert_no_secret(out: &Output) {
    for secret in [SECRET_OLD, SECRET_NEW, TOKEN_NEW, PASSWORD_OLD] {
        assert!(
            !out.all().contains(secret),
            "`{secret}` leaked:\n{}",
            out.all()
        );
        // Nor a recognisable piece of it.
        assert!(!out.all().contains(&secret[..12]), "{}", out.all());
    }
}

#[test]
fn literal_secrets_never_shown_whatever_the_side_or_format() {
    let old = with_secrets(SECRET_OLD, &format!("    DB_PASSWORD: {PASSWORD_OLD}\n"));
    let new = with_secrets(SECRET_NEW, &format!("    SERVICE_TOKEN: {TOKEN_NEW}\n"));
    let tree = pair_with_plans(&old, &new);
    // The values really are literals in the trees.
    let warned = tree.validate();
    assert_eq!(warned.codes(), ["W0303", "W0303"]);
    assert_no_secret(&warned);

    let expected = json!([
        change(
            "remove",
            "process",
            "worker",
            "processes/worker/env/DB_PASSWORD",
            json!("<redacted>"),
            Value::Null
        ),
        change(
            "add",
            "process",
            "worker",
            "processes/worker/env/SERVICE_TOKEN",
            Value::Null,
            json!("<redacted>")
        ),
    ]);
    for sides in [
        ["old", "tree"],
        ["old.json", "tree"],
        ["old", "new.json"],
        ["old.json", "new.json"],
    ] {
        let json_out = tree.run(["diff", sides[0], sides[1], "--format", "json"]);
        json_out.assert_code(1);
        // API_KEY changed value, but both are `<redacted>`: no change, no value.
        assert_eq!(json_out.json()["changes"], expected, "{sides:?}");
        assert_no_secret(&json_out);
        let extras: [&[&str]; 3] = [&[], &["--stat"], &["--color", "always"]];
        for extra in extras {
            let mut args = vec!["diff", sides[0], sides[1]];
            args.extend_from_slice(extra);
            let out = tree.run(&args);
            out.assert_code(1);
            assert_no_secret(&out);
        }
    }
    let text = tree.run(["diff", "old"]);
    assert_eq!(
        text.stdout,
        "\
~ process worker
    - env/DB_PASSWORD: <redacted>
    + env/SERVICE_TOKEN: <redacted>

1 process changed
"
    );
}

#[test]
fn literal_secrets_never_shown_from_an_invalid_side() {
    // The secret sits right above the error (a variable that is not a string), so the
    // snippet shows its line.
    let broken = with_secrets(SECRET_OLD, "    BROKEN: {nested: map}\n");
    let tree = pair(&broken, &with_secrets(SECRET_NEW, ""));
    for args in [
        vec!["diff", "old"],
        vec!["diff", "old", "--format", "json"],
        vec!["--color", "always", "diff", "old"],
        vec!["diff", "tree", "old"],
    ] {
        let out = tree.run(&args);
        out.assert_code(2);
        assert!(out.stderr.contains("E0106"), "{}", out.stderr);
        assert!(out.stderr.contains("API_KEY"), "{}", out.stderr);
        assert_no_secret(&out);
    }
}

// ---------------------------------------------------------------------------------------------
// `git:REV`, in a repository each test creates.

/// A git repository in a temporary folder (`repo/`), with a `markers/` folder beside it for
/// hooks that must never run.
struct Repo {
    tmp: TempDir,
}

/// git with no system or global configuration, so nothing of the machine's leaks in.
fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.fsmonitor=false",
        ]);
    command
}

#[track_caller]
fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::Builder::new()
            .prefix("oslinker-git-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(tmp.path().join("repo")).unwrap();
        std::fs::create_dir(tmp.path().join("markers")).unwrap();
        let repo = Repo { tmp };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    fn markers(&self) -> PathBuf {
        self.tmp.path().join("markers")
    }

    #[track_caller]
    fn git(&self, args: &[&str]) -> String {
        git(&self.path(), args)
    }

    /// Replaces the folder `dir` (under the repository) with these files.
    fn put(&self, dir: &str, files: &Files) {
        let full = self.path().join(dir);
        if full.exists() {
            std::fs::remove_dir_all(&full).unwrap();
        }
        std::fs::create_dir_all(&full).unwrap();
        write_files(&full, files);
    }

    fn put_file(&self, path: &str, text: &str) {
        std::fs::write(self.path().join(path), text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// `oslinker ARGS...` run in `cwd` under the repository, with the same clean git
    /// environment as the test's own git.
    fn oslinker(&self, cwd: &str) -> Run {
        oslinker(self.path().join(cwd))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
    }

    /// `oslinker -d deploy/linker.d ARGS...` at the top of the repository.
    #[track_caller]
    fn run(&self, args: &[&str]) -> Output {
        self.oslinker("")
            .args(["-d", "deploy/linker.d"])
            .args(args)
            .run()
    }
}

/// The base tree's worker stopped (the second commit).
fn worker_stopped() -> Files {
    edit(
        base(),
        "processes.yaml",
        "name: Worker\nstatus: running",
        "name: Worker\nstatus: stopped",
    )
}

/// History: `HEAD~2` has no manifests (a README only), `HEAD~1` (branch `before`, tag `v1`)
/// has the base tree in `deploy/linker.d`, `HEAD` (`main`) stops `worker`. The working tree
/// also changes `web`'s NODE_ENV (uncommitted) and has an untracked manifest file.
fn history() -> Repo {
    let repo = Repo::new();
    std::fs::write(repo.path().join("README.md"), "# agents\n").unwrap();
    repo.commit("readme");
    repo.put("deploy/linker.d", &base());
    repo.commit("base");
    repo.git(&["branch", "before"]);
    repo.git(&["tag", "v1"]);
    repo.put("deploy/linker.d", &worker_stopped());
    repo.commit("stop worker");
    let dirty = edit(
        worker_stopped(),
        "processes.yaml",
        "NODE_ENV: production",
        "NODE_ENV: staging",
    );
    let dirty = with(dirty, "untracked.yaml", EXTRA);
    repo.put("deploy/linker.d", &dirty);
    repo
}

fn worker_status_change() -> Value {
    change(
        "change",
        "process",
        "worker",
        "processes/worker/status",
        json!("running"),
        json!("stopped"),
    )
}

fn node_env_change() -> Value {
    change(
        "change",
        "process",
        "web",
        "processes/web/env/NODE_ENV",
        json!("production"),
        json!("staging"),
    )
}

fn extra_added() -> Value {
    change(
        "add",
        "process",
        "extra",
        "processes/extra",
        Value::Null,
        extra_plan(),
    )
}

#[test]
fn git_revisions_branches_and_tags_against_each_other_and_the_working_tree() {
    let repo = history();
    let json = |args: &[&str], code: i32| {
        let out = repo.run(&[args, &["--format", "json"]].concat());
        out.assert_code(code);
        assert_eq!(out.stderr, "", "{args:?}");
        out.json()["changes"].clone()
    };
    // Two revisions: only the commit between them.
    assert_eq!(
        json(&["diff", "git:HEAD~1", "git:HEAD"], 1),
        json!([worker_status_change()])
    );
    assert_eq!(
        json(&["diff", "git:before", "git:main"], 1),
        json!([worker_status_change()])
    );
    assert_eq!(
        json(&["diff", "git:v1", "git:HEAD"], 1),
        json!([worker_status_change()])
    );
    // A revision against the working tree (the default NEW): commits and uncommitted work.
    assert_eq!(
        json(&["diff", "git:HEAD~1"], 1),
        json!([extra_added(), node_env_change(), worker_status_change()])
    );
    assert_eq!(
        json(&["diff", "git:HEAD"], 1),
        json!([extra_added(), node_env_change()])
    );
    assert_eq!(
        json(&["diff", "git:before", "deploy/linker.d"], 1),
        json!([extra_added(), node_env_change(), worker_status_change()])
    );
    // The same revision twice, and spelled two ways.
    assert_eq!(json(&["diff", "git:HEAD", "git:main"], 0), json!([]));
    assert_eq!(json(&["diff", "git:before", "git:v1"], 0), json!([]));
    // A full commit id.
    let head = repo.git(&["rev-parse", "HEAD~1"]);
    assert_eq!(
        json(&["diff", &format!("git:{}", head.trim()), "git:HEAD"], 1),
        json!([worker_status_change()])
    );
}

#[test]
fn git_revision_with_the_default_root_found_from_a_subfolder() {
    let repo = history();
    // From `deploy/`, `linker.d` is found in the current folder; from `deploy/tools/bin`,
    // two levels up.
    std::fs::create_dir_all(repo.path().join("deploy/tools/bin")).unwrap();
    for cwd in ["deploy", "deploy/tools/bin"] {
        let out = repo
            .oslinker(cwd)
            .args(["diff", "git:before", "git:main", "--format", "json"])
            .run();
        out.assert_code(1);
        assert_eq!(
            out.json()["changes"],
            json!([worker_status_change()]),
            "{cwd}"
        );
    }
    // An absolute `--dir`, from anywhere.
    let absolute = repo.path().join("deploy/linker.d");
    let out = oslinker(repo.tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([OsStr::new("-d"), absolute.as_os_str()])
        .args(["diff", "git:before", "--format", "json"])
        .run();
    out.assert_code(1);
    assert_eq!(
        out.json()["changes"],
        json!([extra_added(), node_env_change(), worker_status_change()])
    );
}

#[test]
fn git_text_output_and_stat() {
    let repo = history();
    let out = repo.run(&["diff", "git:before"]);
    out.assert_code(1);
    assert_eq!(
        out.stdout,
        "\
+ process extra (custom, env-staging, pending)
    + name: Extra
    + type: tool
    + labels/team: ops
~ process web
    ~ env/NODE_ENV: production -> staging
~ process worker
    ~ status: running -> stopped

2 processes changed, 1 process added
"
    );
    let stat = repo.run(&["diff", "git:before", "git:main", "--stat"]);
    stat.assert_code(1);
    assert_eq!(stat.stdout, "1 process changed\n");
}

#[test]
fn git_manifest_folder_missing_at_the_revision_is_an_empty_plan_with_a_note() {
    let repo = history();
    let out = repo.run(&["diff", "git:HEAD~2", "git:HEAD", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.stderr,
        "note: `deploy/linker.d` has no manifests at `HEAD~2`; comparing with an empty plan\n"
    );
    let report = out.json();
    assert_eq!(report["summary"], summary([4, 0, 0], [2, 0, 0]));
    let ops: Vec<(&str, &str)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["op"].as_str().unwrap(), c["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ops,
        [
            ("add", "processes/analyst"),
            ("add", "processes/backup.v2"),
            ("add", "processes/web"),
            ("add", "processes/worker"),
            ("add", "routes/data.analysis"),
            ("add", "routes/web.serve"),
        ]
    );
    // And the other way round: everything removed. `-q` drops the note.
    let back = repo.run(&["-q", "diff", "git:HEAD", "git:HEAD~2", "--stat"]);
    back.assert_code(1);
    assert_eq!(back.stderr, "");
    assert_eq!(back.stdout, "4 processes removed, 2 routes removed\n");
}

#[test]
fn git_manifest_folder_deleted_from_the_working_tree() {
    let repo = history();
    std::fs::remove_dir_all(repo.path().join("deploy")).unwrap();
    // Two revisions still compare.
    let out = repo.run(&["diff", "git:before", "git:main", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.json()["changes"], json!([worker_status_change()]));
    // The working tree is not there to compare with.
    let missing = repo.run(&["diff", "git:before"]);
    missing.assert_code(2);
    assert_eq!(missing.stdout, "");
    assert!(
        missing
            .stderr
            .starts_with("error: NEW side `deploy/linker.d`: "),
        "{}",
        missing.stderr
    );
}

#[test]
fn git_manifest_folder_at_the_top_of_the_repository() {
    let repo = Repo::new();
    write_files(&repo.path(), &base());
    // Hidden folders are skipped at a revision as on disk.
    std::fs::create_dir_all(repo.path().join(".github")).unwrap();
    std::fs::write(repo.path().join(".github/ci.yml"), "on: push\njobs: {}\n").unwrap();
    repo.commit("base");
    repo.put_file("processes.yaml", &worker_stopped()[0].1);
    let out = repo
        .oslinker("")
        .args(["-d", ".", "diff", "git:HEAD", "--format", "json"])
        .run();
    out.assert_code(1);
    assert_eq!(out.json()["changes"], json!([worker_status_change()]));
    let same = repo
        .oslinker("")
        .args(["-d", ".", "diff", "git:HEAD", "git:HEAD"])
        .run();
    same.assert_code(0);
}

#[test]
fn git_unknown_revision_is_a_clear_error() {
    let repo = history();
    let out = repo.run(&["diff", "git:no-such-branch"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: OLD side `git:no-such-branch`: unknown revision `no-such-branch` in the git repository at `.`\n"
    );
    let new = repo.run(&["diff", "git:HEAD", "git:HEAD~9", "--format", "json"]);
    new.assert_code(2);
    assert_eq!(new.stdout, "");
    assert_eq!(
        new.stderr,
        "error: NEW side `git:HEAD~9`: unknown revision `HEAD~9` in the git repository at `.`\n"
    );
    // A tree or blob is not a commit.
    let tree = repo.run(&["diff", "git:HEAD^{tree}"]);
    tree.assert_code(2);
    assert!(tree.stderr.contains("unknown revision"), "{}", tree.stderr);
    // The empty revision.
    let empty = repo.run(&["diff", "git:"]);
    empty.assert_code(2);
    assert_eq!(
        empty.stderr,
        "error: OLD side `git:`: `` is not a revision\nhelp: write a branch, tag or commit after `git:`, e.g. `git:HEAD~1`\n"
    );
}

#[test]
fn git_revision_starting_with_a_dash_is_refused_and_never_reaches_git() {
    let repo = history();
    let target = repo.tmp.path().join("written-by-git");
    let output_option = format!("--output={}", target.display());
    for rev in ["-x", "--all", output_option.as_str(), "--exec-path"] {
        let arg = format!("git:{rev}");
        for args in [
            vec!["diff", arg.as_str()],
            vec!["diff", "git:HEAD", arg.as_str()],
        ] {
            let out = repo.run(&args);
            out.assert_code(2);
            assert_eq!(out.stdout, "");
            let which = if args[1] == arg { "OLD" } else { "NEW" };
            assert_eq!(
                out.stderr,
                format!(
                    "error: {which} side `{arg}`: `{rev}` is not a revision\nhelp: write a branch, tag or commit after `git:`, e.g. `git:HEAD~1`\n"
                )
            );
        }
    }
    assert!(!target.exists(), "git was given an option");
}

#[test]
fn git_outside_a_repository() {
    let tree = pair(&base(), &base());
    // Git must not find a repository above the temporary folder either.
    let ceiling = tree.parent().parent().unwrap().display().to_string();
    let out = tree
        .cmd(["diff", "git:HEAD"])
        .env("GIT_CEILING_DIRECTORIES", &ceiling)
        .run();
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: OLD side `git:HEAD`: `tree` is not in a git repository that git will read (needed for `git:REV`):\nfatal: not a git repository (or any of the parent directories): .git\n"
    );
    let new = tree
        .cmd(["diff", "old", "git:main"])
        .env("GIT_CEILING_DIRECTORIES", &ceiling)
        .run();
    new.assert_code(2);
    assert!(
        new.stderr.starts_with(
            "error: NEW side `git:main`: `tree` is not in a git repository that git will read"
        ),
        "{}",
        new.stderr
    );
}

#[test]
fn git_revision_that_does_not_validate_is_exit_2_with_its_diagnostics_at_rev_paths() {
    let repo = Repo::new();
    let broken = with_secrets(SECRET_OLD, "    BROKEN: {nested: map}\n");
    repo.put("deploy/linker.d", &broken);
    repo.commit("broken");
    repo.put("deploy/linker.d", &with_secrets(SECRET_NEW, ""));
    repo.commit("fixed");
    let out = repo.run(&["diff", "git:HEAD~1"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("E0106"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("HEAD~1:deploy/linker.d/processes.yaml:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("OLD side `git:HEAD~1` is not valid: 1 error; nothing compared"),
        "{}",
        out.stderr
    );
    assert_no_secret(&out);
    // The fixed revision against the same working tree: no change, and no value shown.
    let fixed = repo.run(&["diff", "git:HEAD", "--format", "json"]);
    fixed.assert_code(0);
    assert_no_secret(&fixed);
}

/// Every file and folder under `dir`, with the size and modification time of files.
fn listing(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            if meta.is_dir() {
                stack.push(entry.path());
                found.push((relative, 0, None));
            } else {
                found.push((relative, meta.len(), meta.modified().ok()));
            }
        }
    }
    found.sort();
    found
}

/// Hooks for every event that could be near a read, and a file-system monitor, each
/// writing a marker file when run.
fn install_hooks(repo: &Repo) {
    let hooks = repo.path().join(".git/hooks");
    let script = |name: &str| {
        format!(
            "#!/bin/sh\necho ran >> '{}'\nexit 0\n",
            repo.markers().join(name).display()
        )
    };
    for name in [
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "pre-auto-gc",
        "post-merge",
        "post-rewrite",
        "pre-commit",
    ] {
        let path = hooks.join(name);
        std::fs::write(&path, script(name)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let monitor = repo.tmp.path().join("fsmonitor.sh");
    std::fs::write(&monitor, script("fsmonitor")).unwrap();
    std::fs::set_permissions(&monitor, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["config", "core.fsmonitor", &monitor.display().to_string()]);
}

fn markers(repo: &Repo) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.markers())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn git_revisions_run_no_hooks_and_write_nothing() {
    let repo = history();
    install_hooks(&repo);
    let status = || repo.git(&["status", "--porcelain", "--untracked-files=all"]);
    let before_status = status();
    assert_eq!(
        before_status,
        " M deploy/linker.d/processes.yaml\n?? deploy/linker.d/untracked.yaml\n"
    );
    let before_git = listing(&repo.path().join(".git"));
    let before_tree = listing(&repo.path());
    assert_eq!(markers(&repo), Vec::<String>::new());

    for args in [
        vec!["diff", "git:HEAD~1"],
        vec!["diff", "git:HEAD"],
        vec!["diff", "git:before", "git:main", "--format", "json"],
        vec!["diff", "git:v1", "--stat"],
        vec!["diff", "git:HEAD~2"],
        vec!["diff", "git:no-such-branch"],
        vec!["diff", "git:-x"],
    ] {
        let out = repo.run(&args);
        assert!(out.code == 1 || out.code == 2, "{args:?}: {out:?}");
    }

    assert_eq!(listing(&repo.path().join(".git")), before_git);
    assert_eq!(listing(&repo.path()), before_tree);
    assert_eq!(status(), before_status);
    assert_eq!(markers(&repo), Vec::<String>::new(), "a hook ran");

    // The hooks and the monitor do work: ordinary porcelain runs them (so the test can fail).
    let monitored = Command::new("git")
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert!(monitored.status.success());
    repo.git(&["checkout", "-q", "-b", "probe"]);
    let ran = markers(&repo);
    assert!(ran.contains(&"post-checkout".to_string()), "{ran:?}");
    assert!(ran.contains(&"fsmonitor".to_string()), "{ran:?}");
}

// ---------------------------------------------------------------------------------------------
// Bugs: each test asserts what the issue asks for.

#[test]
fn explicit_sides_need_no_manifest_directory() {
    let tree = pair_with_plans(&base(), &worker_stopped());
    if has_linker_d_at_or_above(tree.parent()) {
        return;
    }
    for args in [
        ["diff", "old", "tree"],
        ["diff", "old.json", "new.json"],
        ["diff", "old", "new.json"],
    ] {
        // No `-d`, no `linker.d` here or above.
        let out = oslinker(tree.parent())
            .args(args)
            .args(["--format", "json"])
            .run();
        out.assert_code(1);
        assert_eq!(
            out.json()["changes"],
            json!([worker_status_change()]),
            "{args:?}"
        );
    }
}

#[test]
fn diff_run_inside_the_manifest_folder() {
    let repo = history();
    let out = repo
        .oslinker("deploy/linker.d")
        .args(["diff", "git:before", "git:main", "--format", "json"])
        .run();
    out.assert_code(1);
    assert_eq!(out.json()["changes"], json!([worker_status_change()]));
    let tree = repo
        .oslinker("deploy/linker.d")
        .args(["diff", "git:HEAD", "--format", "json"])
        .run();
    tree.assert_code(1);
    assert_eq!(
        tree.json()["changes"],
        json!([extra_added(), node_env_change()])
    );
}

#[test]
fn git_committed_symlinked_manifest_is_read_at_the_revision() {
    let repo = Repo::new();
    let without_map: Files = base()
        .into_iter()
        .filter(|(p, _)| *p != "map.yaml")
        .collect();
    repo.put("deploy/linker.d", &without_map);
    repo.put("shared", &vec![("map.yaml", MAP.to_string())]);
    std::os::unix::fs::symlink(
        "../../shared/map.yaml",
        repo.path().join("deploy/linker.d/map.yaml"),
    )
    .unwrap();
    repo.commit("map shared through a link");
    // On disk, the link is read (README: "linked files are read").
    let plan = repo.run(&["plan", "--format", "json"]);
    plan.assert_code(0);
    assert_eq!(
        plan.json()["routes"],
        json!({"data.analysis": ["analyst", "backup.v2"], "web.serve": ["web"]})
    );
    // Nothing changed since HEAD.
    let out = repo.run(&["diff", "git:HEAD"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

#[test]
fn git_manifest_folder_named_with_a_leading_colon() {
    let repo = Repo::new();
    repo.put(":agents", &base());
    repo.commit("base");
    let out = repo
        .oslinker("")
        .args(["-d", ":agents", "diff", "git:HEAD"])
        .run();
    assert_eq!(out.stderr, "");
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

#[test]
fn git_file_name_that_is_not_utf8() {
    let repo = Repo::new();
    repo.put("deploy/linker.d", &base());
    let name = OsStr::from_bytes(b"caf\xe9-notes.txt");
    std::fs::write(repo.path().join("deploy/linker.d").join(name), "notes\n").unwrap();
    repo.commit("base, with notes");
    repo.run(&["validate"]).assert_code(0);
    let out = repo.run(&["diff", "git:HEAD"]);
    assert_eq!(out.stderr, "");
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

#[test]
fn text_output_never_writes_control_characters_from_manifests() {
    let new = edit(
        base(),
        "processes.yaml",
        "LOG_LEVEL: info",
        "LOG_LEVEL: \"\\e[2J\\e]0;pwned\\a\"",
    );
    let out = pair(&base(), &new).run(["diff", "old"]);
    out.assert_code(1);
    let control: Vec<char> = out
        .stdout
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert_eq!(control, Vec::<char>::new(), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("~ env/LOG_LEVEL: info -> "),
        "{}",
        out.stdout
    );
}

#[test]
fn git_that_cannot_run_is_named_as_the_cause() {
    let tree = pair(&base(), &base());
    let out = tree
        .cmd(["diff", "git:HEAD"])
        .env("PATH", "/nonexistent")
        .run();
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with("error: OLD side `git:HEAD`: cannot run git: "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_filtered_plan_file_is_refused() {
    let tree = crate::support::Tree::copy_of(crate::support::repo().join("linker.d"));
    let plan = tree.run(["plan", "--format", "json", "--env", "env-development"]);
    plan.assert_code(0);
    assert_eq!(
        plan.json()["filter"],
        json!({"environment": "env-development"})
    );
    let whole = tree.run(["plan", "--format", "json"]);
    assert!(whole.json().get("filter").is_none());
    let file = tree.parent().join("dev.json");
    std::fs::write(&file, &plan.stdout).unwrap();
    let out = tree.run(["diff", file.to_str().unwrap()]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("is a filtered plan (written with --env or --process)"),
        "{}",
        out.stderr
    );
}

#[test]
fn follow_links_is_refused_with_a_git_side() {
    let tree = crate::support::Tree::copy_of(crate::support::repo().join("linker.d"));
    let out = tree.run(["--follow-links", "diff", "git:HEAD"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "error: --follow-links cannot be used with a `git:REV` side: links to folders are not followed at a revision\n"
    );
}

/// A partial clone (`--filter=blob:none`) of `history()`, in `clone/` beside the repository:
/// only the blobs of the checked-out `main` are there, so `HEAD~1`'s `processes.yaml` is
/// missing and git would fetch it from the promisor remote on first read.
fn partial_clone(repo: &Repo) -> PathBuf {
    repo.git(&["config", "uploadpack.allowFilter", "true"]);
    let url = format!("file://{}", repo.path().display());
    git(
        repo.tmp.path(),
        &["clone", "-q", "--filter=blob:none", &url, "clone"],
    );
    repo.tmp.path().join("clone")
}

#[test]
fn git_partial_clone_with_missing_blobs_is_refused_and_nothing_is_fetched_or_run() {
    let repo = history();
    let clone = partial_clone(&repo);
    let missing = git(
        &clone,
        &["cat-file", "--batch-all-objects", "--batch-check"],
    );
    assert!(
        !missing.contains(&repo.git(&["rev-parse", "HEAD~1:deploy/linker.d/processes.yaml"])[..40])
    );
    // Hostile configuration: whatever would fetch the missing blob leaves a marker.
    let marker = |name: &str| format!("touch '{}'", repo.markers().join(name).display());
    let hostile = |url: &str| {
        git(&clone, &["config", "remote.origin.url", url]);
        git(
            &clone,
            &[
                "config",
                "remote.origin.uploadpack",
                &format!("{}; git-upload-pack", marker("uploadpack")),
            ],
        );
        git(
            &clone,
            &[
                "config",
                "core.sshCommand",
                &format!("{}; false", marker("ssh")),
            ],
        );
        git(
            &clone,
            &[
                "config",
                "credential.helper",
                &format!("!{}", marker("credential")),
            ],
        );
    };
    let diff = || {
        oslinker(&clone)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args(["-d", "deploy/linker.d", "diff", "git:HEAD~1"])
            .run()
    };
    for url in [
        format!("file://{}", repo.path().display()),
        "ssh://example.invalid/repo".to_string(),
    ] {
        hostile(&url);
        let out = diff();
        out.assert_code(2);
        assert_eq!(
            out.stderr,
            "error: OLD side `git:HEAD~1`: cannot read `HEAD~1`: this file is not in the local repository (a partial clone?), and oslinker never fetches:\n  deploy/linker.d/processes.yaml\nhelp: let git fetch it (git fetches what a command such as `git show HEAD~1:deploy/linker.d/processes.yaml` reads), or diff against a revision whose files are all present\n",
            "{url}"
        );
        assert_eq!(markers(&repo), Vec::<String>::new(), "{url}: something ran");
    }
    // The configuration is live: git's own lazy fetch runs it (so this test can fail).
    let show = || {
        git_command(&clone)
            .args(["show", "HEAD~1:deploy/linker.d/processes.yaml"])
            .output()
            .unwrap()
    };
    show();
    assert_eq!(markers(&repo), ["ssh"]);
    hostile(&format!("file://{}", repo.path().display()));
    assert!(show().status.success());
    assert_eq!(markers(&repo), ["ssh", "uploadpack"]);
    // Once fetched, the revision reads.
    let out = diff();
    out.assert_code(1);
}

#[test]
fn git_blob_over_the_limit_is_refused_at_its_revision_path() {
    let repo = Repo::new();
    repo.put("deploy/linker.d", &base());
    let huge = repo.path().join("deploy/linker.d/huge.yaml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(16 * 1024 * 1024 + 1)
        .unwrap();
    repo.commit("base and a huge file");
    std::fs::remove_file(&huge).unwrap();
    let out = repo.run(&["diff", "git:HEAD", "--format", "json"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("HEAD:deploy/linker.d/huge.yaml")
            && out
                .stderr
                .contains("file is 16777217 bytes, more than the limit of 16777216 bytes"),
        "{}",
        out.stderr
    );
}

/// git's own configuration is ignored, except the user's `safe.directory` entries: git's
/// ownership check works as the user set it up.
#[test]
fn git_safe_directory_from_the_users_configuration_is_kept() {
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } != 0 {
        return; // giving the repository to another user needs root
    }
    let repo = history();
    let mut stack = vec![repo.path()];
    while let Some(path) = stack.pop() {
        std::os::unix::fs::lchown(&path, Some(4321), Some(4321)).unwrap();
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    let out = repo.run(&["diff", "git:HEAD~1"]);
    out.assert_code(2);
    assert!(out.stderr.contains("dubious ownership"), "{}", out.stderr);
    let config = repo.tmp.path().join("gitconfig");
    std::fs::write(
        &config,
        format!("[safe]\n\tdirectory = {}\n", repo.path().display()),
    )
    .unwrap();
    let out = repo
        .oslinker("")
        .env("GIT_CONFIG_GLOBAL", config.to_str().unwrap())
        .args([
            "-d",
            "deploy/linker.d",
            "diff",
            "git:HEAD~1",
            "--format",
            "json",
        ])
        .run();
    out.assert_code(1);
    assert!(
        out.json()["changes"]
            .as_array()
            .unwrap()
            .contains(&worker_status_change()),
        "{}",
        out.stdout
    );
}

#[test]
fn a_plan_file_side_that_is_a_device_is_refused_not_read_without_end() {
    // `/dev/zero` never ends and its zeros are UTF-8: read whole, it filled memory.
    let tree = pair(&base(), &base());
    let out = crate::bad_input::run_or_fail_if_stuck(tree.cmd(["diff", "/dev/zero"]));
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "error: OLD side `/dev/zero`: cannot read `/dev/zero`: it is a character device, not a regular file\n\
         help: a side is a manifest folder, a plan file written by `oslinker plan --format json` (or yaml), or `git:REV`\n"
    );
}

#[test]
fn a_plan_piped_in_is_read() {
    // As `oslinker diff <(oslinker plan --format json) tree` hands it over: a pipe.
    let tree = pair_with_plans(&base(), &worker_stopped());
    let fifo = tree.parent().join("piped.json");
    crate::bad_input::mkfifo(&fifo);
    let plan = std::fs::read(tree.parent().join("old.json")).unwrap();
    let writer = fifo.clone();
    // Not joined: should oslinker never open the pipe, this thread waits in `open` until the
    // test binary ends, and the test fails on oslinker's answer.
    std::thread::spawn(move || {
        use std::io::Write;
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(writer)
            .unwrap();
        let _ = pipe.write_all(&plan);
    });
    let out = crate::bad_input::run_or_fail_if_stuck(tree.cmd([
        "diff",
        "piped.json",
        "--format",
        "json",
    ]));
    out.assert_code(1);
    assert_eq!(out.json()["changes"], json!([worker_status_change()]));
}

// ---------------------------------------------------------------------------------------------
// Diffs a reviewer can read (issue 14, part 3).

/// A new agent with everything a reviewer must see: env (a literal secret-looking value),
/// a secrets binding, a network binding, a files binding and a link.
const AGENT: &str = "\
kind: Process
id: reviewer
name: Code Reviewer
status: running
metadata: {platform: nodejs, team: platform}
requires: [data.analysis]
runtimeContext:
  environment: production
  env: {MODE: review, DB_PASSWORD: hunter2-literal}
---
kind: Binding
id: reviewer-secrets
processId: reviewer
environmentId: production
type: secrets
config:
  store: vault
  secrets: {GITHUB_TOKEN: \"kv/data/reviewer#github\"}
---
kind: Binding
id: reviewer-net
processId: reviewer
environmentId: production
type: network
config:
  ingress: [{port: 8443}]
  egress: [\"api.github.com:443\", \"api.openai.com:443\"]
---
kind: Binding
id: reviewer-files
processId: reviewer
environmentId: production
type: files
config:
  mounts: [{source: /srv/cache, target: /cache, readOnly: true}]
";

#[test]
fn an_added_or_removed_process_shows_its_whole_plan_entry_indented_under_it() {
    let tree = pair(&base(), &with(base(), "reviewer.yaml", AGENT));
    let out = tree.run(["diff", "old"]);
    out.assert_code(1);
    assert!(!out.stdout.contains("hunter2"), "{}", out.stdout);
    insta::assert_snapshot!("diff_added_process_whole_entry", out.stdout);
    // Removed: the same entry, each line `-`.
    let reverse = tree.run(["diff", "tree", "old"]);
    reverse.assert_code(1);
    let removed: String = out
        .stdout
        .lines()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            match l.trim_start().strip_prefix("+ ") {
                Some(rest) => format!("{}- {rest}\n", &l[..indent]),
                None => format!("{l}\n"),
            }
        })
        .collect();
    assert_eq!(
        reverse.stdout,
        removed.replace("1 process added", "1 process removed")
    );
    // JSON keeps its shape: one change, the whole entry as `new`.
    let json = tree.run(["diff", "old", "--format", "json"]).json();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json}");
    assert_eq!(changes[0]["path"], "processes/reviewer");
    assert_eq!(
        changes[0]["new"]["env"]["GITHUB_TOKEN"],
        "<secret:vault:kv/data/reviewer#github>"
    );
}

#[test]
fn binding_lists_are_sets_so_a_reorder_or_a_repeat_is_no_change() {
    let old = with(base(), "reviewer.yaml", AGENT);
    let new = edit(
        old.clone(),
        "reviewer.yaml",
        "  egress: [\"api.github.com:443\", \"api.openai.com:443\"]",
        "  egress: [\"api.openai.com:443\", \"api.github.com:443\", \"api.openai.com:443\"]",
    );
    let new = edit(
        new,
        "reviewer.yaml",
        "  ingress: [{port: 8443}]",
        "  ingress: [{port: 8443, protocol: tcp}]",
    );
    let out = pair(&old, &new).run(["diff", "old"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "no changes to the plan\n");
}

#[test]
fn binding_list_elements_are_one_line_each_and_routes_stay_ranked() {
    let old = with(base(), "reviewer.yaml", AGENT);
    let new = edit(
        old.clone(),
        "reviewer.yaml",
        "  egress: [\"api.github.com:443\", \"api.openai.com:443\"]",
        "  egress: [\"api.openai.com:443\", \"db.internal:5432\"]",
    );
    let new = edit(new, "reviewer.yaml", "readOnly: true", "readOnly: false");
    let new = edit(
        new,
        "reviewer.yaml",
        "{GITHUB_TOKEN: \"kv/data/reviewer#github\"}",
        "{GITHUB_TOKEN: \"kv/data/reviewer#github\", NPM_TOKEN: \"kv/data/reviewer#npm\"}",
    );
    // A reorder of ranked providers IS a change.
    let new = edit(
        new,
        "map.yaml",
        "[analyst, backup.v2]",
        "[backup.v2, analyst]",
    );
    let out = pair(&old, &new).run(["diff", "old"]);
    out.assert_code(1);
    assert!(
        !out.stdout.contains("{"),
        "no whole JSON lines: {}",
        out.stdout
    );
    insta::assert_snapshot!("diff_binding_list_elements", out.stdout);
}

/// `extra` added in staging, `worker` stopped and `web.serve` unmapped in production.
fn two_environments_changed() -> Tree {
    let new = with(base(), "extra.yaml", EXTRA);
    let new = edit(
        new,
        "processes.yaml",
        "name: Worker\nstatus: running",
        "name: Worker\nstatus: stopped",
    );
    let new = edit(new, "map.yaml", "  web.serve: [web]\n", "");
    pair_with_plans(&base(), &new)
}

#[test]
fn env_keeps_only_the_processes_in_that_environment_and_its_routes() {
    let tree = two_environments_changed();
    let staging = "\
+ process extra (custom, env-staging, pending)
    + name: Extra
    + type: tool
    + labels/team: ops
- route web.serve: (no eligible provider)
";
    for env in ["staging", "env-staging"] {
        let out = tree.run(["diff", "old", "--env", env, "-q"]);
        out.assert_code(1);
        assert_eq!(out.stdout, staging, "--env {env}");
        assert_eq!(out.stderr, "");
    }
    let production = tree.run(["diff", "old", "--env", "production"]);
    production.assert_code(1);
    assert_eq!(
        production.stdout,
        "\
~ process worker
    ~ status: running -> stopped
- route web.serve: web

1 process changed, 1 route removed
"
    );
    // Plan files (which name environments by id only): the same processes; routes are not
    // compared, and a note says so.
    let files = tree.run(["diff", "old.json", "new.json", "--env", "env-production"]);
    files.assert_code(1);
    assert_eq!(
        files.stdout,
        "~ process worker\n    ~ status: running -> stopped\n\n1 process changed\n"
    );
    assert!(
        files.stderr.contains("routes are not compared with --env"),
        "{}",
        files.stderr
    );
}

#[test]
fn env_that_neither_side_knows_is_exit_2_with_did_you_mean() {
    let tree = two_environments_changed();
    let out = tree.run(["diff", "old", "--env", "prodution"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: unknown environment `prodution` (--env)\nhelp: did you mean `production`?\n"
    );
    // Plan files know the environment ids they name.
    let files = tree.run(["diff", "old.json", "new.json", "--env", "env-stagin"]);
    files.assert_code(2);
    assert!(
        files
            .stderr
            .ends_with("help: did you mean `env-staging`?\n"),
        "{}",
        files.stderr
    );
}

#[test]
fn markdown_for_a_pull_request_comment() {
    let (old, new) = kitchen_sink();
    let out = pair(&old, &new).run(["diff", "old", "--format", "markdown"]);
    out.assert_code(1);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("diff_markdown", out.stdout);
    let stat = pair(&old, &new).run(["diff", "old", "--format", "markdown", "--stat"]);
    stat.assert_code(1);
    assert_eq!(
        stat.stdout,
        "### Plan diff: 2 processes changed, 1 process added, 1 process removed, 1 route changed, 1 route added\n"
    );
    let same = pair(&old, &old).run(["diff", "old", "--format", "markdown"]);
    same.assert_code(0);
    assert_eq!(same.stdout, "### Plan diff: no changes to the plan\n");
}

#[test]
fn markdown_escapes_ids_and_values_for_where_they_land() {
    let agent = "\
kind: Process
id: my_agent_v2
name: \"Pipes | and <b>tags</b> & ```fences```\"
status: running
metadata: {platform: custom}
runtimeContext:
  environment: production
  env: {QUERY: \"a|b <script>alert(1)</script>\"}
";
    let out = pair(&base(), &with(base(), "agent.yaml", agent))
        .run(["diff", "old", "--format", "markdown"]);
    out.assert_code(1);
    // A table cell: `_` would start emphasis.
    assert!(
        out.stdout
            .contains("| + | process | my\\_agent\\_v2 | custom, env-production, running |\n"),
        "{}",
        out.stdout
    );
    // HTML in `<summary>`: entities.
    assert!(
        out.stdout.contains(
            "<details><summary>+ process my_agent_v2 (custom, env-production, running)</summary>"
        ),
        "{}",
        out.stdout
    );
    // A code block shows values as they are, its fence longer than any run of backticks.
    assert!(
        out.stdout.contains(
            "\n````diff\n+ name: \"Pipes | and <b>tags</b> & ```fences```\"\n+ type: agent\n+ env/QUERY: \"a|b <script>alert(1)</script>\"\n````\n"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("\n<script>"), "{}", out.stdout);
}
