//! The JSON API: each body has `formatVersion` and the shape the CLI's JSON has. Bad input
//! is a 400 or a 404 with a JSON error body ([`ApiError`]), never a 500.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::answers::{self, Question};
use super::{Shared, Snapshot};
use crate::link::Linked;
use crate::link::routing;
use crate::model::names;
use crate::plan::{self, PlanFilter};
use crate::render;
use crate::report;

/// Every body carries it, as every JSON output of the CLI does.
pub const FORMAT_VERSION: u32 = 1;

/// The endpoints `routes` answers, for the did-you-mean of an unknown path.
const ENDPOINTS: &[&str] = &[
    "/healthz",
    "/readyz",
    "/metrics",
    "/v1/resolve/{capability}",
    "/v1/plan",
    "/v1/processes",
    "/v1/processes/{id}",
    "/v1/routes",
    "/v1/diagnostics",
    "/v1/health",
    "/v1/agents/{id}/agent-card.json",
    "/v1/events",
];

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics::exposition))
        .route("/v1/resolve/{capability}", get(resolve))
        .route("/v1/plan", get(plan))
        .route("/v1/processes", get(processes))
        .route("/v1/processes/{id}", get(process))
        .route("/v1/routes", get(routes_list))
        .route("/v1/diagnostics", get(diagnostics))
        .route("/v1/health", get(health))
        .route("/v1/agents/{id}/agent-card.json", get(agent_card))
}

/// An error answer: `{formatVersion, error, help?, didYouMean?}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: String,
    pub help: Option<String>,
    pub did_you_mean: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    format_version: u32,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    did_you_mean: Option<&'a str>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            help: None,
            did_you_mean: None,
        }
    }

    pub fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    pub fn not_found(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, error)
    }

    pub fn help(mut self, help: impl Into<String>) -> ApiError {
        self.help = Some(help.into());
        self
    }

    /// The closest known name, if one is close: both as `didYouMean` and as the help.
    pub fn suggesting(mut self, best: Option<&str>) -> ApiError {
        if let Some(best) = best {
            self.help
                .get_or_insert_with(|| format!("did you mean `{best}`?"));
            self.did_you_mean = Some(best.to_string());
        }
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            format_version: FORMAT_VERSION,
            error: &self.error,
            help: self.help.as_deref(),
            did_you_mean: self.did_you_mean.as_deref(),
        };
        (self.status, json_body(crate::text::json(&body))).into_response()
    }
}

/// A JSON text as the body, with its content type.
pub fn json_body(text: impl Into<Body>) -> Response {
    let mut response = text.into().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json_value(value: &impl Serialize) -> Response {
    json_body(crate::text::json(value))
}

type Answer = Result<Response, ApiError>;

/// The query, or a 400 saying what is wrong with it (an unknown key, a repeated one).
fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(q)| q).map_err(|rejection| {
        ApiError::bad_request(rejection.body_text()).help(
            "see the endpoint's parameters in the README (`oslinker serve`); \
             values are percent-encoded",
        )
    })
}

fn path(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(p)| p)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// The last valid tree, or a 503 while none has loaded.
fn serving(shared: &Shared) -> Result<Arc<Snapshot>, ApiError> {
    let published = shared.tree.load();
    published.serving.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no valid tree has been loaded yet",
        )
        .help("fix the errors `/v1/diagnostics` lists; the tree is followed as it is edited")
    })
}

/// `?env=` (an id or a name) as an environment id; an unknown one is a 404.
fn environment(linked: &Linked, env: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(env) = env else { return Ok(None) };
    if let Some(id) = linked.environment_id(env) {
        return Ok(Some(id.to_string()));
    }
    let environments = linked.environments.values();
    let known: Vec<&str> = environments.clone().map(|e| e.id.value.as_str()).collect();
    let names = environments.map(|e| e.name.value.as_str());
    let best = names::suggest(env, known.iter().copied().chain(names));
    let help = format!("environments in this tree: {}", known.join(", "));
    Err(
        ApiError::not_found(format!("unknown environment `{env}` (env=)"))
            .help(help)
            .suggesting(best),
    )
}

/// A capability name from a path or query; a malformed one is a 400.
fn capability_name(capability: &str) -> Result<(), ApiError> {
    names::check_capability(capability).map_err(|why| {
        ApiError::bad_request(format!("`{capability}` is not a capability name: {why}"))
            .help("capabilities are lowercase dotted segments, e.g. `code.generation`")
    })
}

/// A capability the tree does not know: a 404 suggesting the closest one it does.
fn unknown_capability(linked: &Linked, capability: &str) -> ApiError {
    let table = &linked.routing;
    let known = table.capabilities().into_iter().chain(table.advertised());
    ApiError::not_found(format!(
        "no provider serves `{capability}` (nothing maps it, nothing advertises it)"
    ))
    .suggesting(names::suggest(capability, known))
}

/// `true`, `false`, or present without a value (`?all`).
fn flag(value: Option<&str>, name: &str) -> Result<bool, ApiError> {
    match value {
        None | Some("false") | Some("0") => Ok(false),
        Some("") | Some("true") | Some("1") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "`{name}={other}`: expected true or false"
        ))),
    }
}

async fn healthz() -> Response {
    json_value(&json!({"formatVersion": FORMAT_VERSION, "status": "alive"}))
}

/// 200 when a valid tree is served and the tree as it is now is valid too; 503 saying why
/// otherwise.
async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    let published = shared.tree.load();
    let latest = &published.latest;
    let serving = published.serving.as_ref().map(|s| s.generation);
    let why = if let Some(trouble) = &published.trouble {
        Some(format!("{trouble}; serving the last good tree"))
    } else if !latest.valid() {
        let errors = crate::text::plural(latest.checked.errors(), "error");
        Some(match serving {
            Some(generation) => format!(
                "the tree has {errors} (see /v1/diagnostics); serving the last good tree \
                 (generation {generation})"
            ),
            None => format!("the tree has {errors} (see /v1/diagnostics); no valid tree yet"),
        })
    } else {
        None
    };
    let body = json!({
        "formatVersion": FORMAT_VERSION,
        "status": if why.is_none() { "ready" } else { "degraded" },
        "generation": latest.generation,
        "servingGeneration": serving,
        "reason": why,
    });
    let status = match why {
        None => StatusCode::OK,
        Some(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, json_value(&body)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveQuery {
    env: Option<String>,
    all: Option<String>,
}

/// `resolve --format json`: the candidates of a capability, in rank order.
async fn resolve(
    State(shared): State<Arc<Shared>>,
    capability: Result<Path<String>, PathRejection>,
    options: Result<Query<ResolveQuery>, QueryRejection>,
) -> Answer {
    let capability = path(capability)?;
    let options = query(options)?;
    let all = flag(options.all.as_deref(), "all")?;
    capability_name(&capability)?;
    let snapshot = serving(&shared)?;
    let linked = &snapshot.checked.linked;
    let environment = environment(linked, options.env.as_deref())?;
    if !routing::is_known(linked, &capability) {
        return Err(unknown_capability(linked, &capability));
    }
    let question = Question {
        capability,
        environment,
        all,
    };
    let answer = snapshot.answers.get_or_make(question, |question| {
        let environment = question.environment.as_deref();
        let resolution = routing::resolve(linked, &question.capability, environment);
        let names = (resolution.candidates.iter())
            .flat_map(|c| std::iter::once(c.id).chain(c.process))
            .map(str::to_string)
            .collect();
        let near_miss = render::resolve::near_miss(linked, &question.capability);
        let body =
            render::resolve::json_near_miss(&resolution, all, environment, near_miss.as_ref());
        answers::Answer {
            body: body.into(),
            names,
        }
    });
    Ok(json_body(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvQuery {
    env: Option<String>,
}

/// `plan --format json`, whole or for one environment. A large plan is written off the
/// request threads.
async fn plan(
    State(shared): State<Arc<Shared>>,
    options: Result<Query<EnvQuery>, QueryRejection>,
) -> Answer {
    let options = query(options)?;
    let snapshot = serving(&shared)?;
    let environment = environment(&snapshot.checked.linked, options.env.as_deref())?;
    let written = tokio::task::spawn_blocking(move || match (&environment, &snapshot.plan) {
        (None, Some(whole)) => crate::text::json(whole.as_ref()),
        _ => {
            let filter = PlanFilter {
                environment: environment.as_deref(),
                process: None,
            };
            crate::text::json(&plan::build_lazily(&snapshot.checked.linked, &filter))
        }
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))?;
    Ok(json_body(written))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoQuery {}

#[derive(Serialize)]
struct ProcessEntry<'a> {
    id: &'a str,
    name: &'a str,
    environment: &'a str,
    platform: &'a str,
    status: &'a str,
}

/// Every process of the plan, in a few words each.
async fn processes(
    State(shared): State<Arc<Shared>>,
    options: Result<Query<NoQuery>, QueryRejection>,
) -> Answer {
    query(options)?;
    let snapshot = serving(&shared)?;
    let processes: Vec<ProcessEntry> = planned(&snapshot)
        .iter()
        .map(|p| ProcessEntry {
            id: &p.id,
            name: &p.name,
            environment: &p.environment,
            platform: &p.platform,
            status: &p.status,
        })
        .collect();
    Ok(json_value(
        &json!({"formatVersion": FORMAT_VERSION, "processes": processes}),
    ))
}

/// The planned processes of a served (valid, so planned) tree.
fn planned(snapshot: &Snapshot) -> &[Arc<plan::PlannedProcess>] {
    snapshot.plan.as_ref().map_or(&[], |plan| &plan.processes)
}

/// One process as the plan has it.
async fn process(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    options: Result<Query<NoQuery>, QueryRejection>,
) -> Answer {
    let id = path(id)?;
    query(options)?;
    let snapshot = serving(&shared)?;
    let processes = planned(&snapshot);
    // Planned in the linked tree's order: its place there is its place in the plan.
    let found = (snapshot.checked.linked.processes.get_index_of(&id))
        .and_then(|index| processes.get(index))
        .filter(|p| p.id == id)
        .or_else(|| processes.iter().find(|p| p.id == id));
    match found {
        Some(process) => Ok(json_value(
            &json!({"formatVersion": FORMAT_VERSION, "process": process}),
        )),
        None => {
            let best = names::suggest(&id, processes.iter().map(|p| p.id.as_str()));
            Err(ApiError::not_found(format!("no process `{id}` in this tree")).suggesting(best))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesQuery {
    env: Option<String>,
    capability: Option<String>,
}

/// Every route of the routing table, or those of one environment or capability.
async fn routes_list(
    State(shared): State<Arc<Shared>>,
    options: Result<Query<RoutesQuery>, QueryRejection>,
) -> Answer {
    let options = query(options)?;
    let snapshot = serving(&shared)?;
    let linked = &snapshot.checked.linked;
    let environment = environment(linked, options.env.as_deref())?;
    if let Some(capability) = &options.capability {
        capability_name(capability)?;
        if !linked.routing.routes(capability) {
            return Err(unknown_capability(linked, capability)
                .help("only capabilities the tree names have routes; try /v1/resolve/NAME"));
        }
    }
    let routes: Vec<routing::RouteSummary> = routing::every_route(linked)
        .into_iter()
        .filter(|r| environment.is_none() || r.environment == environment)
        .filter(|r| (options.capability.as_deref()).is_none_or(|wanted| r.capability == wanted))
        .collect();
    Ok(json_value(
        &json!({"formatVersion": FORMAT_VERSION, "routes": routes}),
    ))
}

/// `validate --format json` of the tree as it is now (valid or not).
async fn diagnostics(
    State(shared): State<Arc<Shared>>,
    options: Result<Query<NoQuery>, QueryRejection>,
) -> Answer {
    query(options)?;
    let published = shared.tree.load();
    let checked = &published.latest.checked;
    let valid = checked.errors() == 0;
    Ok(json_body(report::json(
        &checked.sources,
        &checked.diagnostics,
        valid,
        None,
    )))
}

/// A path no route answers: 404, with the closest endpoint.
pub async fn no_such_endpoint(request: Request) -> ApiError {
    let path = request.uri().path();
    ApiError::not_found(format!("no endpoint `{path}`"))
        .help(format!("endpoints: {}", ENDPOINTS.join(", ")))
        .suggesting(crate::model::names::suggest(
            path,
            ENDPOINTS.iter().copied(),
        ))
}

/// Answers within [`super::REQUEST_TIMEOUT`] or gives up with a 503. An event stream only
/// has to start in time.
pub async fn time_out(request: Request, next: Next) -> Response {
    match tokio::time::timeout(super::REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the answer took longer than {} s",
                super::REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    }
}

/// `health --format json` as `serve --health` last saw it: each target's state, thresholds
/// applied.
async fn health(
    State(shared): State<Arc<Shared>>,
    options: Result<Query<NoQuery>, QueryRejection>,
) -> Answer {
    query(options)?;
    let published = shared.tree.load();
    match &published.health {
        Some(observations) => Ok(json_body(render::health::json(observations))),
        None => Err(
            ApiError::not_found("this server does not probe health checks")
                .help("start it with `oslinker serve --health`"),
        ),
    }
}

/// The A2A agent card of a process (the same as `export a2a` writes): its capabilities as
/// skills, its endpoint without credentials; never a secret.
async fn agent_card(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    options: Result<Query<NoQuery>, QueryRejection>,
) -> Answer {
    let id = path(id)?;
    query(options)?;
    let snapshot = serving(&shared)?;
    let linked = &snapshot.checked.linked;
    match crate::a2a::card(linked, &id, &shared.base_url) {
        Some(card) => Ok(json_value(&card)),
        None => {
            let best = names::suggest(&id, linked.processes.keys().map(String::as_str));
            Err(ApiError::not_found(format!("no process `{id}` in this tree")).suggesting(best))
        }
    }
}
