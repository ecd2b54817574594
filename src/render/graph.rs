//! `graph` output: Graphviz DOT and Mermaid flowcharts of a [`Graph`].
//!
//! Every id and label is quoted and escaped, so no name can break the syntax: DOT strings
//! escape `"` and `\`; Mermaid nodes get generated ids (`proc1`, `cap2`) and labels whose
//! special characters are entity codes (`#34;`). The legend is in the README.

use crate::graph::{Edge, EdgeKind, Graph, Mark, Node, NodeKind};

/// The lines of a node's label: id, name, details, and what is wrong with it.
fn label_lines(node: &Node) -> Vec<String> {
    let mut lines = vec![node.id.id.clone()];
    lines.extend(node.name.clone());
    if !node.details.is_empty() {
        lines.push(node.details.join(" · "));
    }
    match &node.mark {
        Some(Mark::Ineligible(reason)) => lines.push(format!("ineligible: {reason}")),
        Some(Mark::NeverApplies(reason)) => lines.push(format!("never applies: {reason}")),
        Some(Mark::Unresolved(envs)) => lines.push(format!("unresolved in {}", envs.join(", "))),
        None => {}
    }
    lines
}

fn edge_label(edge: &Edge) -> String {
    match &edge.kind {
        EdgeKind::Provides {
            rank: Some(rank),
            via,
            ..
        } => format!("{rank} ({via})"),
        EdgeKind::Provides {
            rank: None,
            via,
            reason,
        } => format!(
            "ineligible ({via}): {}",
            reason.as_deref().unwrap_or_default()
        ),
        EdgeKind::Requires { capability } => format!("requires {capability}"),
        EdgeKind::Unresolved { capability } => format!("requires {capability}: unresolved"),
        EdgeKind::BackedBy => "backed by".to_string(),
        EdgeKind::BoundTo => "bound to".to_string(),
        EdgeKind::RunsIn => "runs in".to_string(),
    }
}

/// A DOT string: quoted, with `"` and `\` escaped, line breaks as `\n` and other control
/// characters as spaces.
fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A node's DOT id: its kind and id, so a Process and a Provider with one id stay apart.
fn dot_id(kind: NodeKind, id: &str) -> String {
    dot_string(&format!("{}:{id}", kind.as_str()))
}

pub fn dot(graph: &Graph) -> String {
    let mut out = String::from(
        "digraph oslinker {\n  \
           graph [rankdir=LR, fontname=\"Helvetica\"];\n  \
           node [fontname=\"Helvetica\", fontsize=10];\n  \
           edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for node in &graph.nodes {
        let shape = match node.id.kind {
            NodeKind::Environment => "cylinder",
            NodeKind::Binding => "note",
            NodeKind::Process => "box",
            NodeKind::Provider => "ellipse",
            NodeKind::Capability => "hexagon",
        };
        let style = match node.mark {
            Some(Mark::Ineligible(_) | Mark::NeverApplies(_)) => {
                ", style=dashed, color=gray50, fontcolor=gray40"
            }
            Some(Mark::Unresolved(_)) => ", color=red, fontcolor=red, penwidth=2",
            None => "",
        };
        let label = dot_string(&label_lines(node).join("\n"));
        out.push_str(&format!(
            "  {} [shape={shape}, label={label}{style}];\n",
            dot_id(node.id.kind, &node.id.id)
        ));
    }
    for edge in &graph.edges {
        let style = match &edge.kind {
            EdgeKind::Provides { rank: Some(_), .. } => "",
            EdgeKind::Provides { rank: None, .. } => {
                ", style=dashed, color=gray50, fontcolor=gray40"
            }
            EdgeKind::Requires { .. } => ", style=bold, color=blue, fontcolor=blue",
            EdgeKind::Unresolved { .. } => ", style=\"dashed,bold\", color=red, fontcolor=red",
            EdgeKind::BackedBy => ", style=dotted",
            EdgeKind::BoundTo => ", color=gray30",
            EdgeKind::RunsIn => ", color=gray50, fontcolor=gray40",
        };
        out.push_str(&format!(
            "  {} -> {} [label={}{style}];\n",
            dot_id(edge.from.kind, &edge.from.id),
            dot_id(edge.to.kind, &edge.to.id),
            dot_string(&edge_label(edge))
        ));
    }
    out.push_str("}\n");
    out
}

/// Mermaid label text inside `"..."`: characters that Mermaid or HTML would read become
/// numeric entity codes (`#34;`), line breaks `<br>`, other control characters spaces.
/// Brackets and parentheses are safe inside quotes.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // A quoted label ends only at `"`; `#...;` is an entity, `<`/`&` are HTML, a
            // leading backtick starts Markdown; `|` closes an edge label.
            '"' | '#' | '&' | '<' | '>' | '`' | '|' => out.push_str(&format!("#{};", u32::from(c))),
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| mermaid_text(l))
        .collect::<Vec<_>>()
        .join("<br>")
}

pub fn mermaid(graph: &Graph) -> String {
    // Generated ids: nothing from the tree ever appears outside a quoted label.
    let mut counts = [0usize; 5];
    let ids: Vec<String> = graph
        .nodes
        .iter()
        .map(|node| {
            let (index, prefix) = match node.id.kind {
                NodeKind::Environment => (0, "env"),
                NodeKind::Binding => (1, "bind"),
                NodeKind::Process => (2, "proc"),
                NodeKind::Provider => (3, "prov"),
                NodeKind::Capability => (4, "cap"),
            };
            counts[index] += 1;
            format!("{prefix}{}", counts[index])
        })
        .collect();
    let id_of = |kind: NodeKind, id: &str| {
        graph
            .nodes
            .iter()
            .position(|n| n.id.kind == kind && n.id.id == id)
            .map(|i| ids[i].as_str())
    };
    let mut out = String::from("flowchart LR\n");
    let (mut ineligible, mut unresolved) = (Vec::new(), Vec::new());
    for (node, id) in graph.nodes.iter().zip(&ids) {
        let label = mermaid_lines(&label_lines(node));
        let shaped = match node.id.kind {
            NodeKind::Environment => format!("[(\"{label}\")]"),
            NodeKind::Binding => format!("[/\"{label}\"/]"),
            NodeKind::Process => format!("[\"{label}\"]"),
            NodeKind::Provider => format!("([\"{label}\"])"),
            NodeKind::Capability => format!("{{{{\"{label}\"}}}}"),
        };
        out.push_str(&format!("  {id}{shaped}\n"));
        match node.mark {
            Some(Mark::Ineligible(_) | Mark::NeverApplies(_)) => ineligible.push(id.as_str()),
            Some(Mark::Unresolved(_)) => unresolved.push(id.as_str()),
            None => {}
        }
    }
    let (mut grey_links, mut red_links) = (Vec::new(), Vec::new());
    let mut index = 0;
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (
            id_of(edge.from.kind, &edge.from.id),
            id_of(edge.to.kind, &edge.to.id),
        ) else {
            continue;
        };
        let arrow = match &edge.kind {
            EdgeKind::Provides { rank: None, .. } => {
                grey_links.push(index.to_string());
                "-.->"
            }
            EdgeKind::Unresolved { .. } => {
                red_links.push(index.to_string());
                "-.->"
            }
            EdgeKind::Requires { .. } => "==>",
            EdgeKind::BackedBy => "-.->",
            _ => "-->",
        };
        let label = mermaid_text(&edge_label(edge));
        out.push_str(&format!("  {from} {arrow}|\"{label}\"| {to}\n"));
        index += 1;
    }
    if !ineligible.is_empty() {
        out.push_str("  classDef ineligible stroke-dasharray:5 5,stroke:#888,color:#888\n");
        out.push_str(&format!("  class {} ineligible\n", ineligible.join(",")));
    }
    if !unresolved.is_empty() {
        out.push_str("  classDef unresolved stroke:#d00,stroke-width:2px,color:#d00\n");
        out.push_str(&format!("  class {} unresolved\n", unresolved.join(",")));
    }
    if !grey_links.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#888\n",
            grey_links.join(",")
        ));
    }
    if !red_links.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#d00,stroke-width:2px\n",
            red_links.join(",")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_escape_quotes_backslashes_and_line_breaks() {
        assert_eq!(dot_string("a\"b\\c\nd\re"), r#""a\"b\\c\nd e""#);
        assert_eq!(dot_string(r"\N\G"), r#""\\N\\G""#);
    }

    #[test]
    fn mermaid_text_leaves_no_syntax() {
        let text = mermaid_text("a\"]|#x;<b>`c`\nend");
        assert_eq!(text, "a#34;]#124;#35;x;#60;b#62;#96;c#96;<br>end");
    }
}
