//! `oslinker resolve <CAPABILITY>` (issue section 3), on `tests/fixtures/routing` (see its
//! README for what is mapped and advertised) and on the bundled `linker.d`.

use serde_json::Value;

use crate::support::{Output, Tree, fixtures, oslinker, process_yaml, repo};

fn resolve(args: &[&str]) -> Output {
    oslinker(fixtures())
        .args(["-d", "routing", "resolve"])
        .args(args)
        .run()
}

/// `(id, eligible, reason)` of each provider in a `--format json` answer.
fn providers(out: &Output) -> Vec<(String, bool, String)> {
    out.json()["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["eligible"].as_bool().unwrap(),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn names(out: &Output) -> Vec<&str> {
    out.stdout.lines().collect()
}

#[test]
fn routing_fixture_is_valid() {
    let out = oslinker(fixtures())
        .args(["-d", "routing", "validate", "--format", "json"])
        .run();
    out.assert_code(0);
    assert_eq!(out.codes(), Vec::<String>::new());
}

#[test]
fn exact_match_mapped_in_map_order_then_advertised_by_id() {
    let out = resolve(&["code.generation", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(
        names(&out),
        [
            "zeta",
            "alpha",
            "hosted-llm",
            "beta-adv",
            "mid-proc",
            "zeta-proc"
        ]
    );
    assert_eq!(
        out.stderr,
        "note: no --env given: candidates run in env-production, env-staging; ranked across all \
         of them (pass --env to rank for one)\n"
    );
}

#[test]
fn with_no_env_the_candidates_environments_are_shown() {
    let out = resolve(&["code.generation"]);
    out.assert_code(0);
    let header = out.stdout.lines().nth(1).unwrap();
    assert!(header.contains(" ENV "), "{}", out.stdout);
    let zeta = out.stdout.lines().find(|l| l.contains(" zeta ")).unwrap();
    assert!(zeta.contains("env-production  map #1"), "{zeta}");
    assert!(
        out.stderr.starts_with("note: no --env given"),
        "{}",
        out.stderr
    );
    assert_eq!(
        resolve(&["code.generation", "--format", "json"]).json()["environment"],
        Value::Null
    );

    // An environment chosen: no note, no column, and the JSON says which.
    let out = resolve(&["code.generation", "--env", "production"]);
    out.assert_code(0);
    assert!(!out.stdout.contains(" ENV "), "{}", out.stdout);
    assert_eq!(out.stderr, "");
    let json = resolve(&["code.generation", "--env", "production", "--format", "json"]).json();
    assert_eq!(json["environment"], "env-production");

    // Candidates in one environment at most: nothing to say.
    let out = resolve(&["analysis"]);
    out.assert_code(0);
    assert!(!out.stdout.contains(" ENV "), "{}", out.stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn all_adds_ineligible_candidates_with_the_reason() {
    let out = resolve(&["code.generation", "--all", "--format", "json"]);
    out.assert_code(0);
    let json = out.json();
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(json["capability"], "code.generation");
    assert_eq!(json["matched"], "code.generation");
    assert_eq!(
        providers(&out),
        [
            ("zeta".into(), true, "running in env-production".into()),
            ("stopped-proc".into(), false, "stopped".into()),
            ("alpha".into(), true, "running in env-staging".into()),
            ("hosted-llm".into(), true, "hosted (no process)".into()),
            ("beta-adv".into(), true, "hosted (no process)".into()),
            ("mid-proc".into(), true, "running in env-production".into()),
            ("zeta-proc".into(), true, "running in env-production".into()),
        ]
    );
    // Without --all only the eligible ones.
    let eligible = resolve(&["code.generation", "--format", "json"]);
    let ids: Vec<String> = providers(&eligible)
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "zeta",
            "alpha",
            "hosted-llm",
            "beta-adv",
            "mid-proc",
            "zeta-proc"
        ]
    );
}

#[test]
fn json_provider_shape() {
    let out = resolve(&["code.generation", "--all", "--format", "json"]);
    let json = out.json();
    let list = json["providers"].as_array().unwrap();
    let zeta = &list[0];
    assert_eq!(zeta["id"], "zeta");
    assert_eq!(zeta["platform"], "nodejs");
    assert_eq!(zeta["process"], "zeta-proc");
    assert_eq!(zeta["eligible"], true);
    let hosted = &list[3];
    assert_eq!(hosted["id"], "hosted-llm");
    assert_eq!(hosted["platform"], "openai-agents");
    assert_eq!(hosted["process"], Value::Null);
    assert_eq!(hosted["eligible"], true);
    for p in list {
        for key in ["id", "platform", "process", "eligible", "reason"] {
            assert!(p.get(key).is_some(), "`{key}` missing in {p}");
        }
    }
}

#[test]
fn dotted_prefix_falls_back_to_the_longest_mapped_key() {
    let out = resolve(&["code.generation.rust", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["matched"], "code.generation");
    let ids: Vec<String> = providers(&out).into_iter().map(|(id, ..)| id).collect();
    // Advertisers of the capability itself (`rust-proc`) or of the matched key, by id.
    assert_eq!(
        ids,
        [
            "zeta",
            "alpha",
            "hosted-llm",
            "beta-adv",
            "mid-proc",
            "rust-proc",
            "zeta-proc"
        ]
    );

    let out = resolve(&["code.review.deep", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["matched"], "code");
    let ids: Vec<String> = providers(&out).into_iter().map(|(id, ..)| id).collect();
    assert_eq!(ids, ["code-only"]);
}

#[test]
fn advertised_only_capability_has_no_matched_key() {
    let out = resolve(&["analysis", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["matched"], Value::Null);
    assert_eq!(
        providers(&out),
        [("alpha-proc".into(), true, "running in env-staging".into())]
    );
}

#[test]
fn env_restricts_process_backed_providers_to_that_environment() {
    let staging = resolve(&["code.generation", "--env", "staging", "--format", "name"]);
    staging.assert_code(0);
    assert_eq!(names(&staging), ["alpha", "hosted-llm", "beta-adv"]);

    // By id too, and the reason says why the others are out.
    let out = resolve(&[
        "code.generation",
        "--env",
        "env-production",
        "--all",
        "--format",
        "json",
    ]);
    out.assert_code(0);
    assert_eq!(
        providers(&out),
        [
            ("zeta".into(), true, "running in env-production".into()),
            ("stopped-proc".into(), false, "stopped".into()),
            (
                "alpha".into(),
                false,
                "runs in env-staging, not env-production".into()
            ),
            ("hosted-llm".into(), true, "hosted (no process)".into()),
            ("beta-adv".into(), true, "hosted (no process)".into()),
            ("mid-proc".into(), true, "running in env-production".into()),
            ("zeta-proc".into(), true, "running in env-production".into()),
        ]
    );

    // Only hosted providers remain in an environment nothing runs in.
    let dev = resolve(&[
        "code.generation",
        "--env",
        "development",
        "--format",
        "name",
    ]);
    dev.assert_code(0);
    assert_eq!(names(&dev), ["hosted-llm", "beta-adv"]);
}

#[test]
fn no_eligible_provider_is_exit_1_with_a_message() {
    let out = resolve(&["ops.pager"]);
    out.assert_code(1);
    assert!(!out.stdout.contains("pager-proc"), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "no eligible provider for `ops.pager`: 1 candidate known, none eligible (see --all)\n"
    );

    let out = resolve(&["ops.pager", "--format", "name"]);
    out.assert_code(1);
    assert_eq!(out.stdout, "");

    let out = resolve(&["ops.pager", "--all", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(
        providers(&out),
        [("pager-proc".into(), false, "stopped".into())]
    );

    let out = resolve(&["ops.pager", "--format", "json"]);
    out.assert_code(1);
    assert_eq!(out.json()["known"], true);

    // Nothing eligible in this environment.
    let out = resolve(&["analysis", "--env", "production", "--format", "name"]);
    out.assert_code(1);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("`analysis`"), "{}", out.stderr);
}

#[test]
fn a_capability_nothing_names_is_exit_2_with_the_closest_one() {
    let out = resolve(&["analysys"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: no capability `analysys` in this tree: no map key, Provider or Process names it\n\
         help: did you mean `analysis`?\n"
    );

    let out = resolve(&["analysys", "--format", "json"]);
    out.assert_code(2);
    let json = out.json();
    assert_eq!(json["known"], false);
    assert_eq!(json["didYouMean"], "analysis");
    assert_eq!(json["providers"], Value::Array(vec![]));

    // Nothing close: no suggestion, still exit 2.
    let out = resolve(&["quantum.annealing", "--format", "json"]);
    out.assert_code(2);
    assert_eq!(out.json()["known"], false);
    assert_eq!(out.json().get("didYouMean"), None);
    assert!(!out.stderr.contains("did you mean"), "{}", out.stderr);
}

#[test]
fn a_capability_routed_through_a_prefix_key_is_known() {
    let out = resolve(&["code.generation.rust", "--format", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["known"], true);
    assert_eq!(out.json().get("didYouMean"), None);

    // Known (it routes), but a near miss of a name the tree has: answered, with a note.
    let out = resolve(&["code.generaton", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "code-only\n");
    assert_eq!(
        out.stderr,
        "note: nothing in the tree names `code.generaton` itself; it routes through map key \
         `code` (did you mean `code.generation`?)\n"
    );
}

#[test]
fn a_typo_routed_through_a_prefix_key_of_the_bundled_tree_suggests_the_name_meant() {
    // `code` is a map key of `linker.d`: `code.reveiw` routes through it, so it answers (exit
    // 0), with the near miss said on stderr and in JSON.
    let out = oslinker(repo())
        .args(["resolve", "code.reveiw", "--format", "json"])
        .run();
    out.assert_code(0);
    let json = out.json();
    assert_eq!(json["known"], true);
    assert_eq!(json["matched"], "code");
    assert_eq!(json["routedByPrefix"], "code");
    assert_eq!(json["didYouMean"], "code.review");
    assert_eq!(
        out.stderr,
        "note: nothing in the tree names `code.reveiw` itself; it routes through map key \
         `code` (did you mean `code.review`?)\n"
    );

    // Named exactly (by the map): no near miss.
    let out = oslinker(repo())
        .args(["resolve", "code.review", "--format", "json"])
        .run();
    out.assert_code(0);
    assert_eq!(out.json().get("didYouMean"), None);
    assert_eq!(out.json().get("routedByPrefix"), None);
}

#[test]
fn invalid_capability_name_is_a_usage_error() {
    for bad in ["Code.Gen", "code..gen", "code.", "code gen", ""] {
        let out = resolve(&[bad]);
        out.assert_code(2);
        assert!(out.stderr.starts_with("error: "), "{bad:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{bad:?}");
    }
}

#[test]
fn unknown_env_is_a_usage_error() {
    let out = resolve(&["code.generation", "--env", "moon"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("unknown environment `moon`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn resolve_on_an_invalid_tree_prints_diagnostics_and_exits_1() {
    let tree = Tree::new(&[
        ("a.yaml", &process_yaml("a").replace("nodejs", "nodjs")),
        ("map.yaml", "kind: CapabilityMap\nmappings:\n  code: [a]\n"),
    ]);
    for format in ["table", "json", "name"] {
        let out = tree.run(["resolve", "code", "--format", format]);
        out.assert_code(1);
        assert_eq!(out.stdout, "", "{format}: no answer from a broken tree");
        assert!(out.stderr.contains("E0204"), "{format}: {}", out.stderr);
    }
}

#[test]
fn resolve_on_a_tree_with_warnings_still_answers() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            &format!("{}  env:\n    API_TOKEN: abc\n", process_yaml("a")),
        ),
        ("map.yaml", "kind: CapabilityMap\nmappings:\n  code: [a]\n"),
    ]);
    let out = tree.run(["resolve", "code", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "a\n");
    assert!(!out.stderr.contains("abc"));
    let quiet = tree.run(["-q", "resolve", "code", "--format", "name"]);
    quiet.assert_code(0);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn a_provider_backed_by_a_process_follows_its_status() {
    let tree = Tree::new(&[
        (
            "a.yaml",
            "kind: Provider\nid: prov\nplatform: nodejs\nprocess: a\ncapabilities: [code]\n",
        ),
        ("b.yaml", &process_yaml("a")),
    ]);
    let out = tree.run(["resolve", "code", "--format", "name"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "prov\n");

    for status in ["stopped", "error", "pending"] {
        tree.write("b.yaml", process_yaml("a").replace("running", status));
        let out = tree.run(["resolve", "code", "--all", "--format", "json"]);
        out.assert_code(1);
        assert_eq!(providers(&out), [("prov".into(), false, status.into())]);
    }
}

// ---------------------------------------------------------------------------------------------
// Tables (snapshots).

#[test]
fn table_of_the_routing_fixture() {
    let out = resolve(&["code.generation", "--all"]);
    out.assert_code(0);
    insta::assert_snapshot!("resolve_routing_all", out.stdout);
    let out = resolve(&["code.generation.rust", "--env", "staging"]);
    out.assert_code(0);
    insta::assert_snapshot!("resolve_routing_prefix_staging", out.stdout);
    let out = resolve(&["analysis"]);
    insta::assert_snapshot!("resolve_routing_advertised", out.stdout);
}

#[test]
fn tables_of_linker_d() {
    let run = |args: &[&str]| {
        let out = oslinker(repo()).args(["resolve"]).args(args).run();
        out.assert_code(0);
        out.stdout
    };
    insta::assert_snapshot!(
        "resolve_linker_d_data_analysis",
        run(&["data.analysis", "--all"])
    );
    insta::assert_snapshot!(
        "resolve_linker_d_code_generation_rust",
        run(&["code.generation.rust"])
    );
    insta::assert_snapshot!(
        "resolve_linker_d_data_analysis_json",
        run(&["data.analysis", "--format", "json"])
    );
}
