//! `oslinker ls KIND`: listings of `tests/fixtures/routing` (see its README), their filters
//! and formats, and a listing of a tree with errors (`examples/broken`).

use crate::support::{Output, fixtures, oslinker, repo};

fn ls(args: &[&str]) -> Output {
    oslinker(fixtures())
        .args(["-d", "routing", "ls"])
        .args(args)
        .run()
}

fn names(out: &Output) -> Vec<&str> {
    out.stdout.lines().collect()
}

#[test]
fn every_kind_by_name() {
    let cases: [(&str, &[&str]); 5] = [
        (
            "processes",
            &[
                "alpha-proc",
                "mid-proc",
                "pager-proc",
                "rust-proc",
                "stopped-proc",
                "zeta-proc",
            ],
        ),
        (
            "capabilities",
            &[
                "analysis",
                "code",
                "code.generation",
                "code.generation.rust",
                "ops.pager",
            ],
        ),
        (
            "providers",
            &["alpha", "beta-adv", "code-only", "hosted-llm", "zeta"],
        ),
        (
            "environments",
            &["env-development", "env-production", "env-staging"],
        ),
        ("bindings", &[]),
    ];
    for (kind, ids) in cases {
        let out = ls(&[kind, "--format", "name"]);
        out.assert_code(0);
        assert_eq!(out.stderr, "", "{kind}");
        assert_eq!(names(&out), ids, "{kind}");
    }
    // The built-in platforms, among them those the fixture uses.
    let out = ls(&["platforms", "--format", "name"]);
    out.assert_code(0);
    for id in ["custom", "nodejs", "python"] {
        assert!(names(&out).contains(&id), "{}", out.stdout);
    }
}

#[test]
fn capabilities_with_their_counts_and_chosen_route() {
    let out = ls(&["capabilities"]);
    out.assert_code(0);
    let row = |out: &Output, capability: &str| -> Vec<String> {
        let line = (out.stdout.lines())
            .find(|l| l.split_whitespace().next() == Some(capability))
            .unwrap_or_else(|| panic!("{capability}: {}", out.stdout));
        line.split_whitespace().map(str::to_string).collect()
    };
    assert_eq!(
        out.stdout
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["CAPABILITY", "PROVIDERS", "REQUIRERS", "MATCHED", "CHOSEN"]
    );
    assert_eq!(
        row(&out, "code.generation"),
        ["code.generation", "7", "0", "code.generation", "zeta"]
    );
    assert_eq!(
        row(&out, "ops.pager"),
        ["ops.pager", "1", "0", "ops.pager", "-"]
    );
    // In staging, the production candidates are not eligible: `alpha` is chosen.
    let staging = ls(&["capabilities", "--env", "staging"]);
    assert_eq!(row(&staging, "code.generation")[4], "alpha");

    let json = ls(&["capabilities", "--format", "json"]).json();
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(json["listed"], "capabilities");
    assert_eq!(json["treeErrors"], 0);
    assert_eq!(
        json["items"][2],
        serde_json::json!({
            "capability": "code.generation", "providers": 7, "requirers": 0,
            "matched": "code.generation", "chosen": "zeta"
        })
    );
}

#[test]
fn filters_by_environment_platform_and_status() {
    let out = ls(&[
        "processes",
        "--env",
        "production",
        "--status",
        "running",
        "--format",
        "name",
    ]);
    out.assert_code(0);
    assert_eq!(names(&out), ["mid-proc", "zeta-proc"]);
    let out = ls(&["processes", "--platform", "custom", "--format", "name"]);
    assert_eq!(names(&out), ["mid-proc", "pager-proc", "rust-proc"]);
    // Providers by their backing process: hosted ones have no status.
    let out = ls(&["providers", "--status", "running", "--format", "name"]);
    assert_eq!(names(&out), ["alpha", "zeta"]);
    let out = ls(&["providers", "--env", "staging", "--format", "name"]);
    assert_eq!(names(&out), ["alpha"]);
    // Nothing passes: the table is empty and stderr says so.
    let out = ls(&["processes", "--status", "error"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "note: no processes with these filters\n");
}

#[test]
fn unknown_or_inapplicable_filters_are_usage_errors() {
    let out = ls(&["processes", "--platform", "nodjs"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: unknown platform `nodjs` (--platform)\nhelp: did you mean `nodejs`?\n"
    );
    let out = ls(&["processes", "--env", "prodution"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("did you mean `production`?"),
        "{}",
        out.stderr
    );
    let out = ls(&["processes", "--status", "runing"]);
    out.assert_code(2);
    assert!(out.stderr.contains("running"), "{}", out.stderr);
    let out = ls(&["platforms", "--status", "running"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .starts_with("error: --status does not apply to `ls platforms`"),
        "{}",
        out.stderr
    );
    ls(&["capabilities", "--platform", "nodejs"]).assert_code(2);
    ls(&["environments", "--env", "production"]).assert_code(2);
    ls(&["volumes"]).assert_code(2);
}

#[test]
fn a_tree_with_errors_is_listed_with_a_note() {
    let run = |args: &[&str]| {
        oslinker(repo())
            .args(["-d", "examples/broken", "ls"])
            .args(args)
            .run()
    };
    let out = run(&["processes", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(
        out.stderr,
        "note: the tree has 20 errors; listing what could be read (run `oslinker validate`)\n"
    );
    // Also the processes whose manifests have errors of their own.
    assert!(names(&out).contains(&"lost-agent"), "{}", out.stdout);
    assert!(names(&out).contains(&"mainframe-agent"), "{}", out.stdout);
    assert_eq!(
        run(&["capabilities", "--format", "json"]).json()["treeErrors"],
        20
    );
    assert_eq!(run(&["-q", "processes"]).stderr, "");
}
