//! A generated tree shaped like a real fleet, for the benchmark.
//!
//! N processes spread over 3 environments and 2 platforms; each advertises 3 of 500
//! capabilities (as `Process.capabilities` and through a Provider backed by it) and requires 2
//! (every fourth requirement names a sub-capability such as `code.review.rust`, routed by its
//! prefix); each has a secrets binding and a network binding. Capability maps (10 files) list
//! up to 50 providers for every capability, and production has maps of its own for a tenth
//! of them (a route scoped to one environment). One process in 17 is stopped. One file per
//! process (4 manifests), a tenth of them TOML, in folders of 1,000.

use std::fmt::Write as _;
use std::path::Path;

pub const CAPABILITIES: usize = 500;
const DOMAINS: [&str; 25] = [
    "code",
    "data",
    "search",
    "support",
    "billing",
    "docs",
    "security",
    "infra",
    "sales",
    "legal",
    "hr",
    "design",
    "media",
    "translate",
    "speech",
    "vision",
    "planning",
    "finance",
    "research",
    "ops",
    "qa",
    "release",
    "notify",
    "identity",
    "crm",
];
const SKILLS: [&str; 20] = [
    "review",
    "generation",
    "analysis",
    "summary",
    "triage",
    "routing",
    "extract",
    "classify",
    "answer",
    "audit",
    "forecast",
    "monitor",
    "draft",
    "lookup",
    "index",
    "plan",
    "test",
    "deploy",
    "label",
    "score",
];
const ENVIRONMENTS: [(&str, &str); 3] = [
    ("env-development", "development"),
    ("env-staging", "staging"),
    ("env-production", "production"),
];
const LANGUAGES: [&str; 4] = ["rust", "python", "go", "typescript"];

pub fn capability(index: usize) -> String {
    let index = index % CAPABILITIES;
    format!(
        "{}.{}",
        DOMAINS[index / SKILLS.len()],
        SKILLS[index % SKILLS.len()]
    )
}

/// The 3 capabilities process `i` advertises.
fn advertised(i: usize) -> [usize; 3] {
    [0, 1, 2].map(|k| (7 * i + 131 * k) % CAPABILITIES)
}

/// The 2 capabilities process `i` requires (every fourth one a sub-capability).
fn required(i: usize) -> [String; 2] {
    [0, 1].map(|j| {
        let base = capability(7 * i + 250 + 61 * j);
        if (i + j).is_multiple_of(4) {
            format!("{base}.{}", LANGUAGES[i % LANGUAGES.len()])
        } else {
            base
        }
    })
}

fn is_toml(i: usize) -> bool {
    i.is_multiple_of(10)
}

fn folder(i: usize) -> String {
    format!("processes/g{:03}", i / 1000)
}

/// Writes the tree of `processes` processes under `root`; returns the bytes written.
pub fn write(root: &Path, processes: usize, scoped_maps: bool) -> u64 {
    let mut bytes = 0u64;
    let mut put = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        bytes += text.len() as u64;
    };
    let mut environments = String::new();
    for (id, name) in ENVIRONMENTS {
        write!(
            environments,
            "---\nkind: Environment\nid: {id}\nname: {name}\nenv:\n  LOG_LEVEL: info\n  REGION: eu-west-1\n"
        )
        .unwrap();
    }
    put(&root.join("environments.yaml"), &environments);
    // A fleet this size always has a requirement or two whose candidates are all elsewhere or
    // stopped; like real teams, this one keeps those findings as warnings while it fixes them.
    put(
        &root.join("settings.yaml"),
        "kind: Settings\nspec:\n  lints:\n    mapped-capability-unserved: warn\n    critical-requirement-unresolved: warn\n",
    );
    let mut advertisers: Vec<Vec<usize>> = vec![Vec::new(); CAPABILITIES];
    for i in 0..processes {
        for c in advertised(i) {
            advertisers[c].push(i);
        }
        let (name, text) = if is_toml(i) {
            ("toml", process_toml(i))
        } else {
            ("yaml", process_yaml(i))
        };
        put(
            &root.join(folder(i)).join(format!("agent-{i:06}.{name}")),
            &text,
        );
    }
    for (file, chunk) in (0..CAPABILITIES).collect::<Vec<_>>().chunks(50).enumerate() {
        let mut map = String::from("kind: CapabilityMap\nmappings:\n");
        let mut production =
            String::from("kind: CapabilityMap\nenvironments: [production]\nmappings:\n");
        for &c in chunk {
            let ids: Vec<String> = advertisers[c]
                .iter()
                .take(50)
                .map(|i| format!("provider-{i:06}"))
                .collect();
            writeln!(map, "  {}: [{}]", capability(c), ids.join(", ")).unwrap();
            if c % 10 == 0 {
                let mut reversed = ids.clone();
                reversed.reverse();
                writeln!(production, "  {}: [{}]", capability(c), reversed.join(", ")).unwrap();
            }
        }
        put(&root.join(format!("capabilities/map-{file:02}.yaml")), &map);
        if scoped_maps {
            put(
                &root.join(format!("capabilities/production-{file:02}.yaml")),
                &production,
            );
        }
    }
    bytes
}

struct Fields {
    id: String,
    status: &'static str,
    platform: &'static str,
    runtime: String,
    env_name: &'static str,
    env_id: &'static str,
    team: usize,
    advertised: Vec<String>,
    required: [String; 2],
}

fn fields(i: usize) -> Fields {
    let python = i % 2 == 1;
    let (env_id, env_name) = ENVIRONMENTS[i % 3];
    Fields {
        id: format!("agent-{i:06}"),
        status: if i % 17 == 5 { "stopped" } else { "running" },
        platform: if python { "python" } else { "nodejs" },
        runtime: if python {
            format!("python-3.{}", 10 + i % 3)
        } else {
            format!("nodejs-{}.x", 18 + 2 * (i % 3))
        },
        env_name,
        env_id,
        team: i % 40,
        advertised: advertised(i).iter().map(|&c| capability(c)).collect(),
        required: required(i),
    }
}

fn process_yaml(i: usize) -> String {
    let f = fields(i);
    let id = &f.id;
    format!(
        "# Agent {i}: the process, its bindings and the provider it backs.\n\
         apiVersion: oslinker/v1\nkind: Process\nid: {id}\nname: Fleet agent {i}\nstatus: {status}\n\
         metadata:\n  platform: {platform}\n  version: \"2.{minor}.0\"\n  team: team-{team}\n  owner: owner-{team}@example.com\n\
         capabilities: [{caps}]\nrequires: [{reqs}]\n\
         runtimeContext:\n  environment: {env_name}\n  version: {runtime}\n  env:\n    SHARD: \"{i}\"\n    WORKERS: 4\n    FEATURE_FLAGS: \"search,cache\"\n\
         ---\nkind: Binding\nid: {id}-secrets\nprocessId: {id}\nenvironmentId: {env_id}\ntype: secrets\n\
         config:\n  store: vault\n  secrets:\n    OPENAI_API_KEY: kv/data/{id}#openai\n    DATABASE_URL: kv/data/{id}#db\n\
         ---\nkind: Binding\nid: {id}-network\nprocessId: {id}\nenvironmentId: {env_id}\ntype: network\n\
         config:\n  ingress:\n    - port: 8080\n  egress: [\"api.openai.com:443\", \"db.internal:5432\"]\n\
         ---\nkind: Provider\nid: provider-{i:06}\nname: Fleet provider {i}\nplatform: {platform}\nprocess: {id}\n\
         capabilities: [{caps}]\n",
        status = f.status,
        platform = f.platform,
        minor = i % 9,
        team = f.team,
        caps = f.advertised.join(", "),
        reqs = f.required.join(", "),
        env_name = f.env_name,
        runtime = f.runtime,
        env_id = f.env_id,
    )
}

fn process_toml(i: usize) -> String {
    let f = fields(i);
    let id = &f.id;
    let quoted = |list: &[String]| {
        list.iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "# Agent {i}: the process, its bindings and the provider it backs.\n\
         [[manifest]]\napiVersion = \"oslinker/v1\"\nkind = \"Process\"\nid = \"{id}\"\nname = \"Fleet agent {i}\"\nstatus = \"{status}\"\n\
         capabilities = [{caps}]\nrequires = [{reqs}]\n\n\
         [manifest.metadata]\nplatform = \"{platform}\"\nversion = \"2.{minor}.0\"\nteam = \"team-{team}\"\nowner = \"owner-{team}@example.com\"\n\n\
         [manifest.runtimeContext]\nenvironment = \"{env_name}\"\nversion = \"{runtime}\"\n\n\
         [manifest.runtimeContext.env]\nSHARD = \"{i}\"\nWORKERS = 4\nFEATURE_FLAGS = \"search,cache\"\n\n\
         [[manifest]]\nkind = \"Binding\"\nid = \"{id}-secrets\"\nprocessId = \"{id}\"\nenvironmentId = \"{env_id}\"\ntype = \"secrets\"\n\
         config = {{ store = \"vault\", secrets = {{ OPENAI_API_KEY = \"kv/data/{id}#openai\", DATABASE_URL = \"kv/data/{id}#db\" }} }}\n\n\
         [[manifest]]\nkind = \"Binding\"\nid = \"{id}-network\"\nprocessId = \"{id}\"\nenvironmentId = \"{env_id}\"\ntype = \"network\"\n\n\
         [manifest.config]\negress = [\"api.openai.com:443\", \"db.internal:5432\"]\n\n\
         [[manifest.config.ingress]]\nport = 8080\n\n\
         [[manifest]]\nkind = \"Provider\"\nid = \"provider-{i:06}\"\nname = \"Fleet provider {i}\"\nplatform = \"{platform}\"\nprocess = \"{id}\"\n\
         capabilities = [{caps}]\n",
        status = f.status,
        platform = f.platform,
        minor = i % 9,
        team = f.team,
        caps = quoted(&f.advertised),
        reqs = quoted(&f.required),
        env_name = f.env_name,
        runtime = f.runtime,
        env_id = f.env_id,
    )
}

/// The file of process `i`, for an edit.
pub fn process_file(root: &Path, i: usize) -> std::path::PathBuf {
    let ext = if is_toml(i) { "toml" } else { "yaml" };
    root.join(folder(i)).join(format!("agent-{i:06}.{ext}"))
}
