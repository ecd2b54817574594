//! Times the whole pipeline (load -> read -> link -> plan) on generated trees.
//!
//! `cargo bench` runs it; `cargo bench -- 20000` picks the number of processes. Each process
//! comes with a binding and a provider, and every tenth capability is mapped, so a tree of N
//! processes holds about 3N manifests in N/10 files of each format.
//!
//! It then times one `watch` re-link after a one-file edit, stage by stage: re-walk and
//! re-read (only the changed file is parsed again), read + link, plan, and diff.
//! `cargo bench --bench pipeline -- --write DIR 3334` writes a tree (10,000 manifests) to DIR
//! and exits, for timing the real `oslinker watch` end to end.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use oslinker::pipeline::{check_loaded, check_tree};
use oslinker::plan::diff::diff;
use oslinker::plan::{PlanFilter, build};
use oslinker::watch::TreeCache;

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

/// One re-link as `watch` does it after an edit of one file, timed per stage.
fn time_relink(root: &Path) {
    let mut cache = TreeCache::new(root, false);
    let first = cache.refresh(&[]).unwrap();
    let baseline = build(&check_loaded(first.loaded).linked, &PlanFilter::default());
    let edited = root.join("yaml/p00000.yaml");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(
        &edited,
        text.replacen("NODE_ENV: production", "NODE_ENV: staging", 1),
    )
    .unwrap();
    let start = Instant::now();
    let refresh = cache.refresh(std::slice::from_ref(&edited)).unwrap();
    let reread = start.elapsed();
    assert_eq!(refresh.changed, vec![edited]);
    let checked = check_loaded(refresh.loaded);
    let linked = start.elapsed();
    let plan = build(&checked.linked, &PlanFilter::default());
    let planned = start.elapsed();
    let changes = diff(&baseline, &plan);
    let diffed = start.elapsed();
    assert_eq!(changes.changes.len(), 1);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{:>33} watch re-link after one edit: {:>6.1} ms = walk + re-read {:.1} + read + link {:.1} + plan {:.1} + diff {:.1}",
        "",
        ms(diffed),
        ms(reread),
        ms(linked - reread),
        ms(planned - linked),
        ms(diffed - planned)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir, processes, ..] = args.as_slice() {
        if flag == "--write" {
            write_tree(
                Path::new(dir),
                processes.parse().expect("a number of processes"),
            );
            return;
        }
    }
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
        time_relink(dir.path());
    }
}
