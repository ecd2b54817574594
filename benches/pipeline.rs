//! Times the whole pipeline (load -> read -> link -> plan) on generated trees.
//!
//! `cargo bench` runs it; `cargo bench -- 20000` picks the number of processes. Each process
//! comes with a binding and a provider, and every tenth capability is mapped, so a tree of N
//! processes holds about 3N manifests in N/10 files of each format.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use oslinker::pipeline::check_tree;
use oslinker::plan::{PlanFilter, build};

fn write_tree(root: &Path, processes: usize) {
    let per_file = 10;
    std::fs::create_dir_all(root.join("yaml")).unwrap();
    std::fs::create_dir_all(root.join("toml")).unwrap();
    let mut map = String::from("kind: CapabilityMap\nmappings:\n");
    for chunk in 0..processes.div_ceil(per_file) {
        let mut yaml = String::new();
        let mut toml = String::new();
        for i in chunk * per_file..((chunk + 1) * per_file).min(processes) {
            let status = if i % 7 == 0 { "stopped" } else { "running" };
            write!(
                yaml,
                "---\nkind: Process\nid: agent-{i}\nname: Agent {i}\nstatus: {status}\n\
                 metadata: {{platform: nodejs, version: \"1.{i}.0\", team: t{}}}\n\
                 capabilities: [cap.c{i}]\nrequires: [cap.c{}]\n\
                 runtimeContext:\n  environment: production\n  version: nodejs-20.x\n  env: {{NODE_ENV: production, SHARD: \"{i}\"}}\n",
                i % 13,
                (i + 1) % processes
            )
            .unwrap();
            write!(
                toml,
                "[[manifest]]\nkind = \"Binding\"\nid = \"secrets-{i}\"\nprocessId = \"agent-{i}\"\n\
                 environmentId = \"env-production\"\ntype = \"secrets\"\n\
                 config = {{ store = \"vault\", secrets = {{ API_KEY = \"kv/data/agent-{i}#key\" }} }}\n\n\
                 [[manifest]]\nkind = \"Provider\"\nid = \"provider-{i}\"\nplatform = \"nodejs\"\n\
                 process = \"agent-{i}\"\ncapabilities = [\"cap.c{i}\"]\n\n"
            )
            .unwrap();
            if i % 10 == 0 {
                writeln!(map, "  cap.c{i}: [provider-{i}, agent-{i}]").unwrap();
            }
        }
        std::fs::write(root.join(format!("yaml/p{chunk:05}.yaml")), yaml).unwrap();
        std::fs::write(root.join(format!("toml/b{chunk:05}.toml")), toml).unwrap();
    }
    std::fs::write(root.join("capabilities.yaml"), map).unwrap();
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    for processes in sizes {
        let dir = tempfile::tempdir().unwrap();
        write_tree(dir.path(), processes);
        let runs = 3;
        let mut best = Duration::MAX;
        let mut manifests = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let checked = check_tree(dir.path(), false).unwrap();
            let plan = build(&checked.linked, &PlanFilter::default());
            best = best.min(start.elapsed());
            manifests = checked.manifests;
            assert_eq!(checked.errors(), 0, "generated tree must be valid");
            assert_eq!(plan.processes.len(), processes);
        }
        println!(
            "{processes:>7} processes, {manifests:>7} manifests: validate + plan in {:>8.1} ms (best of {runs})",
            best.as_secs_f64() * 1e3
        );
    }
}
