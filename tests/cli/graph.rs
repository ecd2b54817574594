//! `oslinker graph`: DOT and Mermaid of `tests/fixtures/graph` (see its README), the focus
//! options, names that try to break the syntax, Graphviz rendering the DOT for real, and the
//! README's Mermaid block kept in step with the bundled tree.
//!
//! The Graphviz tests need `dot` on the PATH (Debian: `apt-get install graphviz`): they are
//! `#[ignore = "needs Graphviz"]`, run by `.ci/run` with `--include-ignored`, and fail rather
//! than skip when `dot` is missing.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{Output, Tree, fixtures, oslinker, process_yaml, repo};

fn graph(args: &[&str]) -> Output {
    oslinker(fixtures())
        .args(["-q", "-d", "graph", "graph"])
        .args(args)
        .run()
}

/// Node ids (`kind:id`) of a DOT graph, in output order.
fn dot_nodes(dot: &str) -> Vec<String> {
    dot.lines()
        .filter(|l| l.contains(" [shape="))
        .map(|l| unquote(l.trim_start().split(" [shape=").next().unwrap()))
        .collect()
}

/// `(from, to, label)` of each edge of a DOT graph (labels without escapes), in order.
fn dot_edges(dot: &str) -> Vec<(String, String, String)> {
    dot.lines()
        .filter_map(|l| {
            let (ends, attrs) = l.trim_start().split_once(" [label=")?;
            let (from, to) = ends.split_once(" -> ")?;
            let label = attrs.split("\", ").next().unwrap().trim_end_matches("\"];");
            Some((unquote(from), unquote(to), unquote(label)))
        })
        .collect()
}

fn unquote(text: &str) -> String {
    text.trim_matches('"').to_string()
}

/// Renders DOT with Graphviz for real and returns the SVG. Fails when `dot` is missing.
#[track_caller]
fn graphviz_svg(dot: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` must be on the PATH for this test (apt-get install graphviz)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "dot -Tsvg rejected the graph ({}):\n{stderr}\n{dot}",
        output.status
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Graphviz drew exactly the nodes and edges the DOT declares: no name added or split one.
#[track_caller]
fn assert_renders(dot: &str) -> String {
    let svg = graphviz_svg(dot);
    assert!(svg.contains("<svg"), "{svg}");
    assert_eq!(svg.matches("class=\"node\"").count(), dot_nodes(dot).len());
    assert_eq!(svg.matches("class=\"edge\"").count(), dot_edges(dot).len());
    svg
}

#[test]
fn dot_of_the_graph_fixture() {
    let out = graph(&[]);
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("graph_fixture_dot", out.stdout);
    // DOT is the default format.
    assert_eq!(graph(&["--format", "dot"]).stdout, out.stdout);
}

#[test]
fn mermaid_of_the_graph_fixture() {
    let out = graph(&["--format", "mermaid"]);
    out.assert_code(0);
    insta::assert_snapshot!("graph_fixture_mermaid", out.stdout);
    assert_mermaid_syntax(&out.stdout);
}

#[test]
fn every_kind_of_node_and_edge() {
    let dot = graph(&[]).stdout;
    let nodes = dot_nodes(&dot);
    for node in [
        "environment:env-production",
        "environment:env-staging",
        "binding:web-secrets",
        "process:web",
        "provider:cloud-translate",
        "capability:translation",
    ] {
        assert!(nodes.contains(&node.to_string()), "{node} in {nodes:?}");
    }
    let edges = dot_edges(&dot);
    let has = |from: &str, to: &str, label: &str| {
        edges
            .iter()
            .any(|(f, t, l)| f == from && t == to && l == label)
    };
    // Provides, in map order, the ineligible one with its reason.
    assert!(has(
        "capability:translation",
        "provider:translator-svc",
        "ineligible (map #1): stopped"
    ));
    assert!(has(
        "capability:translation",
        "provider:cloud-translate",
        "1 (map #2)"
    ));
    // Requires goes to the chosen provider; unresolved to the capability.
    assert!(has(
        "process:web",
        "provider:cloud-translate",
        "requires translation"
    ));
    assert!(has(
        "process:stage-bot",
        "capability:data.analysis",
        "requires data.analysis: unresolved"
    ));
    assert!(has("provider:analyst-api", "process:analyst", "backed by"));
    assert!(has("binding:web-secrets", "process:web", "bound to"));
    assert!(has("process:web", "environment:env-production", "runs in"));
    // Marks.
    let line = |id: &str| {
        dot.lines()
            .find(|l| l.trim_start().starts_with(&format!("\"{id}\" [")))
            .unwrap()
            .to_string()
    };
    assert!(line("provider:translator-svc").contains("ineligible: stopped"));
    assert!(line("provider:translator-svc").contains("style=dashed"));
    assert!(line("process:translator").contains("ineligible: not running"));
    assert!(line("capability:data.analysis").contains("unresolved in env-staging"));
    assert!(line("capability:data.analysis").contains("color=red"));
    assert!(line("binding:stage-bot-prod-secrets").contains("never applies: for env-production"));
    assert!(!line("provider:cloud-translate").contains("dashed"));
}

#[test]
fn env_focuses_on_one_environment() {
    let staging = graph(&["--env", "staging"]);
    staging.assert_code(0);
    assert_eq!(
        dot_nodes(&staging.stdout),
        [
            "environment:env-staging",
            "process:stage-bot",
            "provider:cloud-translate",
            "capability:data.analysis",
            "capability:translation",
        ]
    );
    // In staging the production-backed providers are not there at all; what is left of
    // `data.analysis` is the unresolved requirement.
    let edges = dot_edges(&staging.stdout);
    assert!(
        edges
            .iter()
            .all(|(f, t, _)| !f.contains("web") && !t.contains("web"))
    );

    let production = graph(&["--env", "env-production"]);
    let nodes = dot_nodes(&production.stdout);
    assert!(nodes.contains(&"process:web".to_string()));
    assert!(!nodes.contains(&"process:stage-bot".to_string()));
    // A binding for production whose process runs elsewhere is not drawn.
    assert!(!nodes.contains(&"binding:stage-bot-prod-secrets".to_string()));
    assert!(!nodes.contains(&"environment:env-staging".to_string()));
}

#[test]
fn capability_focuses_on_a_capability_and_those_under_it() {
    let out = graph(&["--capability", "translation"]);
    out.assert_code(0);
    assert_eq!(
        dot_nodes(&out.stdout),
        [
            "environment:env-production",
            "process:translator",
            "process:web",
            "provider:cloud-translate",
            "provider:translator-svc",
            "capability:translation",
        ]
    );
    // Only the focused requirement of `web`, not its others.
    let edges = dot_edges(&out.stdout);
    assert!(
        edges
            .iter()
            .all(|(_, _, label)| label != "requires data.analysis")
    );

    // `data` takes in `data.analysis` and `data.analysis.timeseries`.
    let data = graph(&["--capability", "data", "--format", "mermaid"]);
    data.assert_code(0);
    assert!(data.stdout.contains("{{\"data.analysis<br>"));
    assert!(data.stdout.contains("{{\"data.analysis.timeseries\"}}"));
    assert!(!data.stdout.contains("translation"));

    // Repeated, and with --env.
    let both = graph(&["--capability", "translation", "--capability", "web.serve"]);
    assert!(dot_nodes(&both.stdout).contains(&"capability:web.serve".to_string()));
    let staged = graph(&["--env", "staging", "--capability", "data.analysis"]);
    assert_eq!(
        dot_nodes(&staged.stdout),
        [
            "environment:env-staging",
            "process:stage-bot",
            "capability:data.analysis"
        ]
    );
}

#[test]
fn focus_on_a_capability_routed_through_a_prefix_key() {
    // Nothing names `code.generation.rust`; the map key `code.generation` routes it, as
    // `resolve` answers.
    let out = oslinker(repo())
        .args([
            "-q",
            "-d",
            "linker.d",
            "graph",
            "--capability",
            "code.generation.rust",
        ])
        .run();
    out.assert_code(0);
    let nodes = dot_nodes(&out.stdout);
    assert!(
        nodes.contains(&"capability:code.generation.rust".to_string()),
        "{nodes:?}"
    );
    assert!(
        nodes.contains(&"provider:dreamnet-lucid".to_string()),
        "{nodes:?}"
    );
}

#[test]
fn unknown_focus_is_a_usage_error_with_a_suggestion() {
    let out = graph(&["--capability", "translaton"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("no capability `translaton` in this tree (--capability)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `translation`?"));
    // A prefix of a segment is not a capability above it.
    graph(&["--capability", "data.ana"]).assert_code(2);

    let env = graph(&["--env", "stagin"]);
    env.assert_code(2);
    assert!(env.stderr.contains("unknown environment `stagin` (--env)"));
    assert!(
        env.stderr.contains("did you mean `staging`?"),
        "{}",
        env.stderr
    );
}

#[test]
fn an_invalid_tree_gets_its_diagnostics_and_exit_1() {
    let tree = Tree::new(&[(
        "p.yaml",
        "kind: Process\nid: p\nname: P\nstatus: runing\nmetadata: {platform: nodejs}\nruntimeContext: {environment: production}\n",
    )]);
    for format in ["dot", "mermaid"] {
        let out = tree.run(["graph", "--format", format]);
        out.assert_code(1);
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("E0107"), "{}", out.stderr);
        assert!(out.stderr.contains("nothing resolved"));
    }
}

#[test]
fn warnings_get_a_note_unless_quiet() {
    let out = oslinker(fixtures()).args(["-d", "graph", "graph"]).run();
    out.assert_code(0);
    assert_eq!(
        out.stderr,
        "note: 4 warnings in the tree (run `oslinker validate`)\n"
    );
}

#[test]
#[ignore = "needs Graphviz"]
fn graphviz_renders_every_graph() {
    for args in [
        &[][..],
        &["--env", "staging"],
        &["--env", "production"],
        &["--capability", "translation"],
        &["--capability", "data", "--env", "staging"],
    ] {
        assert_renders(&graph(args).stdout);
    }
    let bundled = oslinker(repo()).args(["-q", "graph"]).run();
    bundled.assert_code(0);
    let svg = assert_renders(&bundled.stdout);
    assert!(svg.contains("process&#45;123") || svg.contains("process-123"));
}

/// Names are free text: quotes, backslashes, line breaks, brackets, pipes, HTML, Mermaid
/// entity codes and keywords. None may change the structure of either format.
const HOSTILE: &str =
    "q\\\"uote\\\\ back\\nnext ]) }} |pipe| <script>x</script> #quot; `tick` %% end --> a; \\\\N";

fn hostile_tree() -> Tree {
    Tree::new(&[
        (
            "env.yaml",
            &format!("kind: Environment\nid: env-weird\nname: \"{HOSTILE}\"\n"),
        ),
        (
            "p.yaml",
            &format!(
                "kind: Process\nid: end\nname: \"{HOSTILE}\"\nstatus: running\nmetadata: {{platform: nodejs}}\ncapabilities: [x.y]\nruntimeContext: {{environment: env-weird}}\n---\n{}requires: [x.y]\n",
                process_yaml("o-_.9").replace("production", "env-weird")
            ),
        ),
        (
            "prov.yaml",
            &format!(
                "kind: Provider\nid: x--y\nname: \"{HOSTILE}\"\nplatform: custom\ncapabilities: [x.y]\n"
            ),
        ),
    ])
}

#[test]
fn hostile_names_do_not_break_dot() {
    let tree = hostile_tree();
    let out = tree.run(["-q", "graph"]);
    out.assert_code(0);
    assert_eq!(
        dot_nodes(&out.stdout),
        [
            "environment:env-weird",
            "process:end",
            "process:o-_.9",
            "provider:x--y",
            "capability:x.y"
        ]
    );
}

#[test]
#[ignore = "needs Graphviz"]
fn graphviz_draws_hostile_names_as_text() {
    let out = hostile_tree().run(["-q", "graph"]);
    out.assert_code(0);
    let svg = assert_renders(&out.stdout);
    // The name is drawn as text, whole: the script tag is escaped, not markup.
    assert!(svg.contains("&lt;script&gt;x&lt;/script&gt;"), "{svg}");
    assert!(!svg.contains("<script>"));
    // Backslash sequences stay literal (`\N` would otherwise become the node's id).
    assert!(svg.contains("\\N"), "{svg}");
}

#[test]
fn hostile_names_do_not_break_mermaid() {
    let tree = hostile_tree();
    let out = tree.run(["-q", "graph", "--format", "mermaid"]);
    out.assert_code(0);
    assert_mermaid_syntax(&out.stdout);
    assert!(
        out.stdout
            .contains("#60;script#62;x#60;/script#62; #35;quot; #96;tick#96; %% end --#62; a;")
    );
}

/// Every line of a Mermaid flowchart is one of the statements oslinker writes, with node ids
/// it generated, and no label holds a character that could end it or be read as markup.
#[track_caller]
fn assert_mermaid_syntax(mermaid: &str) {
    let mut lines = mermaid.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let id = r"(env|bind|proc|prov|cap)[0-9]+";
    let label = r##""(?:[^"#<>|`&]|#[0-9]+;|<br>)*""##;
    let node = format!(
        r#"^  {id}(\[\({label}\)\]|\[/{label}/\]|\[{label}\]|\(\[{label}\]\)|\{{\{{{label}\}}\}})$"#
    );
    let edge = format!(r"^  {id} (-->|==>|-\.->)\|{label}\| {id}$");
    let class = format!(r"^  class {id}(,{id})* (ineligible|unresolved)$");
    let patterns = [
        regex::Regex::new(&node).unwrap(),
        regex::Regex::new(&edge).unwrap(),
        regex::Regex::new(&class).unwrap(),
        regex::Regex::new(r"^  classDef (ineligible|unresolved) [a-z0-9:#, -]+$").unwrap(),
        regex::Regex::new(r"^  linkStyle [0-9]+(,[0-9]+)* [a-z0-9:#,-]+$").unwrap(),
    ];
    let mut edges = 0;
    for line in lines {
        assert!(
            patterns.iter().any(|p| p.is_match(line)),
            "not a statement oslinker writes: {line:?}\n{mermaid}"
        );
        if patterns[1].is_match(line) {
            edges += 1;
        }
    }
    // linkStyle indexes count edges from 0.
    for line in mermaid.lines().filter(|l| l.contains("linkStyle")) {
        let indexes = line.split_whitespace().nth(1).unwrap();
        for index in indexes.split(',') {
            assert!(index.parse::<usize>().unwrap() < edges, "{line}");
        }
    }
}

#[test]
fn mermaid_link_styles_point_at_the_marked_edges() {
    let out = graph(&["--format", "mermaid"]);
    let edges: Vec<&str> = out.stdout.lines().filter(|l| l.contains("|\"")).collect();
    let styled = |colour: &str| -> Vec<&str> {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with("  linkStyle") && l.contains(colour))
            .unwrap();
        let indexes = line.split_whitespace().nth(1).unwrap();
        indexes
            .split(',')
            .map(|i| edges[i.parse::<usize>().unwrap()])
            .collect()
    };
    let red = styled("#d00");
    assert_eq!(red.len(), 1);
    assert!(red[0].contains("unresolved"), "{red:?}");
    let grey = styled("#888");
    assert!(grey.iter().all(|e| e.contains("ineligible")), "{grey:?}");
}

#[test]
fn output_is_deterministic() {
    let first = oslinker(repo())
        .args(["-q", "graph", "--format", "mermaid"])
        .run();
    let second = oslinker(repo())
        .args(["-q", "graph", "--format", "mermaid"])
        .run();
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn readme_shows_the_current_graph_of_linker_d() {
    let out = oslinker(repo())
        .args(["-q", "graph", "--format", "mermaid"])
        .run();
    out.assert_code(0);
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = format!("```mermaid\n{}```\n", out.stdout);
    assert!(
        readme.contains(&block),
        "the README's Mermaid block is not `oslinker graph --format mermaid` of linker.d; \
         paste this:\n{block}"
    );
    assert!(
        repo().join("docs/graph.svg").is_file(),
        "docs/graph.svg: regenerate with `oslinker graph | dot -Tsvg -o docs/graph.svg`"
    );
}
