//! `resolve` output: a table, JSON, or bare names.

use comfy_table::{Table, presets};
use serde::Serialize;

use crate::link::Linked;
use crate::link::routing::{self, Candidate, Resolution};

/// Candidates to show: the eligible ones, or all with `--all`.
fn shown<'r, 'l>(
    resolution: &'r Resolution<'l>,
    all: bool,
) -> impl Iterator<Item = &'r Candidate<'l>> {
    resolution
        .candidates
        .iter()
        .filter(move |c| all || c.eligible)
}

/// The environments (ids, sorted) the candidates' processes run in, when they run in more
/// than one: with no `--env`, they are ranked across all of them, which the output says.
pub fn spread_over(resolution: &Resolution, all: bool) -> Vec<String> {
    let environments: std::collections::BTreeSet<&str> = shown(resolution, all)
        .filter_map(|c| c.environment)
        .collect();
    if environments.len() < 2 {
        return Vec::new();
    }
    environments.into_iter().map(str::to_string).collect()
}

/// The note for a capability whose candidates run in several environments, none chosen.
pub fn no_environment_note(environments: &[String]) -> String {
    format!(
        "note: no --env given: candidates run in {}; ranked across all of them (pass --env to rank for one)",
        environments.join(", ")
    )
}

/// The table; `environments` adds an ENV column (each candidate's environment).
pub fn table(resolution: &Resolution, all: bool, environments: bool) -> String {
    let matched = match &resolution.matched {
        Some(key) if *key == resolution.capability => "map key matched exactly".to_string(),
        Some(key) => format!("via map key `{key}`"),
        None => "no map key; by advertised capabilities".to_string(),
    };
    let mut header = vec!["RANK", "PROVIDER", "PLATFORM", "PROCESS"];
    if environments {
        header.push("ENV");
    }
    header.extend(["VIA", "WHY"]);
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header);
    let mut rank = 0;
    for c in shown(resolution, all) {
        let rank_cell = if c.eligible {
            rank += 1;
            rank.to_string()
        } else {
            "-".to_string()
        };
        let mut row = vec![
            rank_cell,
            c.id.to_string(),
            c.platform.to_string(),
            c.process.unwrap_or("-").to_string(),
        ];
        if environments {
            row.push(c.environment.unwrap_or("-").to_string());
        }
        row.extend([c.via(), c.reason.clone()]);
        table.add_row(row);
    }
    // Nothing to show: stdout stays empty, and the command explains on stderr.
    if shown(resolution, all).next().is_none() {
        return String::new();
    }
    let mut out = format!("{} ({matched})\n", resolution.capability);
    for line in table.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonResolution<'a> {
    format_version: u32,
    capability: &'a str,
    /// The environment chosen with `--env` (an id); null: none, ranked across all.
    environment: Option<&'a str>,
    /// Whether anything in the tree names the capability (false: likely a typo).
    known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    did_you_mean: Option<&'a str>,
    /// The map key a capability nothing names routes through, with `didYouMean` (a near miss).
    #[serde(skip_serializing_if = "Option::is_none")]
    routed_by_prefix: Option<&'a str>,
    matched: Option<&'a str>,
    providers: Vec<JsonProvider<'a>>,
}

#[derive(Serialize)]
struct JsonProvider<'a> {
    id: &'a str,
    name: Option<&'a str>,
    endpoint: Option<&'a str>,
    platform: &'a str,
    process: Option<&'a str>,
    status: Option<String>,
    environment: Option<&'a str>,
    eligible: bool,
    via: String,
    reason: &'a str,
}

/// A capability nothing in the tree names that still routes through a shorter map key, while
/// the tree names one close to it (`code.reveiw` under `code`, next to `code.review`).
pub struct NearMiss {
    /// The map key it routes through.
    pub prefix: String,
    /// The closest capability the tree names.
    pub did_you_mean: String,
}

/// A capability routed only through a shorter map key while the tree names one close to it
/// (`code.reveiw` under `code`, next to `code.review`): it answers, but likely not the
/// question meant.
pub fn near_miss(linked: &Linked, capability: &str) -> Option<NearMiss> {
    if linked.routing.routes(capability) {
        return None;
    }
    let best = routing::closest_capability(linked, capability)?;
    let key = (linked.maps.scopes().into_iter())
        .find_map(|(_, scope)| linked.maps.matching_key(capability, scope))
        .map_or("", |(key, _)| key);
    Some(NearMiss {
        prefix: key.to_string(),
        did_you_mean: best.to_string(),
    })
}

impl NearMiss {
    /// What `resolve` says on stderr before its answer.
    pub fn note(&self, capability: &str) -> String {
        format!(
            "note: nothing in the tree names `{capability}` itself; it routes through map key \
             `{}` (did you mean `{}`?)",
            self.prefix, self.did_you_mean
        )
    }
}

/// `json`, with the near miss (`didYouMean`, `routedByPrefix`) when there is one.
pub fn json_near_miss(
    resolution: &Resolution,
    all: bool,
    environment: Option<&str>,
    near_miss: Option<&NearMiss>,
) -> String {
    let providers = shown(resolution, all)
        .map(|c| JsonProvider {
            id: c.id,
            name: c.name,
            endpoint: c.endpoint,
            platform: c.platform,
            process: c.process,
            status: c.status.map(|s| s.to_string()),
            environment: c.environment,
            eligible: c.eligible,
            via: c.via(),
            reason: &c.reason,
        })
        .collect();
    crate::text::json(&JsonResolution {
        format_version: 1,
        capability: &resolution.capability,
        environment,
        known: true,
        did_you_mean: near_miss.map(|n| n.did_you_mean.as_str()),
        routed_by_prefix: near_miss.map(|n| n.prefix.as_str()),
        matched: resolution.matched.as_deref(),
        providers,
    })
}

/// The answer for a capability nothing in the tree names: no providers, and the closest
/// name the tree has, if any.
pub fn unknown_json(
    capability: &str,
    environment: Option<&str>,
    did_you_mean: Option<&str>,
) -> String {
    crate::text::json(&JsonResolution {
        format_version: 1,
        capability,
        environment,
        known: false,
        did_you_mean,
        routed_by_prefix: None,
        matched: None,
        providers: Vec::new(),
    })
}

/// Eligible ids, one per line, for shell scripts.
pub fn names(resolution: &Resolution) -> String {
    resolution
        .eligible()
        .map(|c| format!("{}\n", c.id))
        .collect()
}

/// Why nothing was eligible, for stderr.
pub fn none_eligible(resolution: &Resolution, environment: Option<&str>) -> String {
    let scope = environment.map(|e| format!(" in {e}")).unwrap_or_default();
    let why = if resolution.candidates.is_empty() {
        "no provider serves it (nothing mapped, nothing advertises it)".to_string()
    } else {
        format!(
            "{} known, none eligible (see --all)",
            crate::text::plural(resolution.candidates.len(), "candidate")
        )
    };
    format!(
        "no eligible provider for `{}`{scope}: {why}\n",
        resolution.capability
    )
}
