//! HTTP handlers: the JSON API, the embedded web client, security headers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{AppState, access};
use crate::drill::DrillError;
use crate::protocol::Role;

/// The web client, embedded at build time.
#[derive(rust_embed::Embed)]
#[folder = "../client-web/"]
struct ClientFiles;

/// The policy for every response: scripts, styles and connections only from
/// this origin; no inline script; no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
form-action 'self'";

pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    // Errors raised by the framework itself (body too large, wrong method)
    // get the same JSON shape as ours, with nothing internal in them.
    let plain = res.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if is_api && plain && (res.status().is_client_error() || res.status().is_server_error()) {
        let status = res.status();
        let (code, message) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ("too_large", format!("the request body is larger than {} bytes", crate::limits::HTTP_BODY_BYTES_MAX))
            }
            StatusCode::METHOD_NOT_ALLOWED => ("bad_method", "this method is not allowed here".to_string()),
            StatusCode::NOT_FOUND => ("not_found", "no such API endpoint".to_string()),
            _ => ("bad_request", "the request could not be handled".to_string()),
        };
        res = ApiError(status, code, message).into_response();
    }
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// `GET /metrics`: for the operator only (the admin token as a bearer
/// token); `401` without a credential, `403` with another one or when the
/// server has no admin token.
pub(super) async fn metrics(State(app): State<Arc<AppState>>, headers: axum::http::HeaderMap) -> Response {
    let caller = match access::caller(&headers, app.admin_hash.as_deref()) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if !caller.admin {
        let status = if caller.anonymous() { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
        return (status, "the metrics are for the server's operator: send the admin token as a bearer token\n")
            .into_response();
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::metrics::render()).into_response()
}

/// An API error: a status and a JSON body `{"error", "message"}`.
pub(super) struct ApiError(pub StatusCode, pub &'static str, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a str,
            message: &'a str,
        }
        (self.0, axum::Json(Body { error: self.1, message: &self.2 })).into_response()
    }
}

impl From<DrillError> for ApiError {
    fn from(e: DrillError) -> ApiError {
        let (status, code) = match &e {
            DrillError::UnknownScenario(_) => (StatusCode::NOT_FOUND, "unknown_scenario"),
            DrillError::UnknownCode => (StatusCode::NOT_FOUND, "unknown_code"),
            DrillError::BadName | DrillError::NoRole | DrillError::BadSpeed => {
                (StatusCode::BAD_REQUEST, "invalid_value")
            }
            DrillError::TooManyDrills | DrillError::TooManyLobbies | DrillError::DrillFull => {
                (StatusCode::SERVICE_UNAVAILABLE, "full")
            }
            DrillError::Ended | DrillError::Gone => (StatusCode::GONE, "ended"),
            DrillError::Storage => (StatusCode::SERVICE_UNAVAILABLE, "storage"),
            DrillError::RoleLocked => (StatusCode::FORBIDDEN, "role_locked"),
        };
        ApiError(status, code, e.to_string())
    }
}

/// Parses a JSON body, turning any problem into a typed 400 that says what
/// was wrong without echoing internals.
fn parse_body<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, "bad_message", format!("invalid request: {e}")))
}

#[derive(Serialize)]
pub(super) struct ScenarioInfo {
    id: String,
    title: String,
    summary: String,
    language: String,
    duration_s: u64,
    stores: u32,
}

pub(super) async fn scenarios(State(app): State<Arc<AppState>>) -> axum::Json<Vec<ScenarioInfo>> {
    let list = app
        .registry
        .scenarios()
        .map(|s| ScenarioInfo {
            id: s.id.clone(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            language: s.language.clone(),
            duration_s: s.duration_s,
            stores: s.store_count(),
        })
        .collect();
    axum::Json(list)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateReq {
    scenario: String,
    name: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    bots: crate::protocol::Bots,
}

#[derive(Serialize)]
struct CreateRes {
    drill_id: String,
    join_code: String,
    facilitator_code: String,
    token: String,
    seat_id: u32,
}

/// Whether this caller may create a drill now: with the creation token
/// (or the admin token) when the server requires one, and within
/// `DRILL_CREATES_PER_ADDRESS_MAX` per window for its address (`429`
/// `too_many`, with `Retry-After`). Counts the creation.
fn may_create(app: &AppState, headers: &axum::http::HeaderMap, peer: std::net::IpAddr) -> Result<(), ApiError> {
    let caller = access::caller(headers, app.admin_hash.as_deref())?;
    if let Some(create) = &app.create_hash
        && !caller.admin
        && !caller.token_hashes.contains(create)
    {
        let status = if caller.anonymous() { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
        return Err(ApiError(status, "bad_token", "this server creates drills only with its creation token".into()));
    }
    if caller.admin {
        return Ok(());
    }
    let Some(client) = client_address(app, headers, peer) else { return Ok(()) };
    let key = address_key(client);
    let window = std::time::Duration::from_secs(crate::limits::DRILL_CREATE_WINDOW_S);
    let now = clock();
    if app.creates.len() >= crate::limits::DRILL_CREATE_ADDRESSES_MAX && !app.creates.contains_key(&key) {
        app.creates.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
    }
    let too_many = |left: std::time::Duration| {
        ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many",
            format!("too many drills created from this address; try again in {} s", left.as_secs().max(1)),
        )
    };
    if app.creates.len() >= crate::limits::DRILL_CREATE_ADDRESSES_MAX && !app.creates.contains_key(&key) {
        return Err(too_many(window));
    }
    let mut entry = app.creates.entry(key).or_insert((now, 0));
    let (start, count) = &mut *entry;
    if now.saturating_duration_since(*start) >= window {
        *start = now;
        *count = 0;
    }
    if *count >= crate::limits::DRILL_CREATES_PER_ADDRESS_MAX {
        return Err(too_many(window.saturating_sub(now.saturating_duration_since(*start))));
    }
    *count += 1;
    Ok(())
}

/// Who a request comes from, for per-address limits: the peer, unless it
/// is on loopback. On loopback with `--trust-forwarded-for`, the last
/// address of `X-Forwarded-For` (what the reverse proxy in front saw), or
/// the proxy itself when there is none; without it `None`: the machine's
/// own users are not limited.
fn client_address(app: &AppState, headers: &axum::http::HeaderMap, peer: std::net::IpAddr) -> Option<std::net::IpAddr> {
    if !peer.is_loopback() {
        return Some(peer);
    }
    if !app.config.trust_forwarded_for {
        return None;
    }
    // The proxy appends what it saw: only the last entry is its word. One
    // that does not parse counts against the proxy itself.
    let last = headers.get_all("x-forwarded-for").iter().next_back().and_then(|v| v.to_str().ok());
    let last = last.and_then(|v| v.rsplit(',').next()).map(str::trim);
    Some(last.and_then(|a| a.parse().ok()).unwrap_or(peer))
}

/// The address a creation counts against: IPv4 as is, IPv6 by its /64
/// (one host usually holds a whole /64).
pub(super) fn address_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => std::net::IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The real-time clock, for the creation windows.
#[expect(clippy::disallowed_methods, reason = "rate limits are real time, outside any simulation")]
fn clock() -> std::time::Instant {
    std::time::Instant::now()
}

pub(super) async fn create_drill(
    State(app): State<Arc<AppState>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: CreateReq = parse_body(&body)?;
    may_create(&app, &headers, peer.ip())?;
    let c = app.registry.create(&req.scenario, &req.name, req.seed, req.bots).await?;
    let res = CreateRes {
        drill_id: c.drill_id,
        join_code: c.join_code,
        facilitator_code: c.facilitator_code,
        token: c.token,
        seat_id: c.seat_id,
    };
    Ok((StatusCode::CREATED, axum::Json(res)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinReq {
    code: String,
    name: String,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    newcomer: bool,
}

#[derive(Serialize)]
struct JoinRes {
    drill_id: String,
    token: String,
    seat_id: u32,
    seat: crate::protocol::SeatKind,
}

pub(super) async fn join(State(app): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let req: JoinReq = parse_body(&body)?;
    let j = app.registry.join(&req.code, &req.name, req.role, req.newcomer).await?;
    Ok(axum::Json(JoinRes { drill_id: j.drill_id, token: j.token, seat_id: j.seat_id, seat: j.seat }).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckCodeReq {
    code: String,
}

#[derive(Serialize)]
struct CheckCodeRes {
    seat: &'static str,
}

/// Whether a code opens a drill (`POST /api/join/check`), and as what:
/// `participant` for a join code, `facilitator` for a facilitator code.
/// Takes no seat. Asked in the body, as `POST /api/join` is, so that codes
/// stay out of request lines and their logs.
pub(super) async fn check_code(State(app): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let req: CheckCodeReq = parse_body(&body)?;
    let facilitator = app.registry.check_code(&req.code)?;
    let seat = if facilitator { "facilitator" } else { "participant" };
    Ok(axum::Json(CheckCodeRes { seat }).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PracticeReq {
    scenario: String,
    name: String,
    #[serde(default = "default_practice_role")]
    role: Role,
    #[serde(default = "default_practice_speed")]
    speed: u32,
}

fn default_practice_role() -> Role {
    Role::SupportAgent
}

/// Twice real time: a 30-minute scenario takes 15 minutes.
fn default_practice_speed() -> u32 {
    2
}

pub(super) async fn practice(
    State(app): State<Arc<AppState>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: PracticeReq = parse_body(&body)?;
    may_create(&app, &headers, peer.ip())?;
    let j = app.registry.practice(&req.scenario, &req.name, req.role, req.speed).await?;
    let res = JoinRes { drill_id: j.drill_id, token: j.token, seat_id: j.seat_id, seat: j.seat };
    Ok((StatusCode::CREATED, axum::Json(res)).into_response())
}

/// Finished drills with their results, newest first: every one for the
/// operator, those in which one of the caller's session tokens holds a seat
/// for anyone else (none for an anonymous caller, and none when the server
/// keeps no data).
pub(super) async fn history(
    State(app): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let caller = access::caller(&headers, app.admin_hash.as_deref())?;
    let Some(store) = app.registry.store() else {
        return Ok(axum::Json(Vec::<crate::store::FinishedDrill>::new()).into_response());
    };
    if caller.anonymous() {
        return Ok(axum::Json(Vec::<crate::store::FinishedDrill>::new()).into_response());
    }
    let unreadable = |e: crate::store::StoreError| {
        tracing::error!(error = %e, "could not list finished drills");
        ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill history could not be read".into())
    };
    let mut list = store.list_finished().await.map_err(unreadable)?;
    if !caller.admin {
        let mine = store.seated(caller.token_hashes.clone()).await.map_err(unreadable)?;
        list.retain(|d| mine.contains(&d.id));
    }
    Ok(axum::Json(list).into_response())
}

/// One finished drill and its result, for the people of that drill and the
/// operator.
pub(super) async fn finished_drill(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let caller = access::caller(&headers, app.admin_hash.as_deref())?;
    let not_found = || ApiError(StatusCode::NOT_FOUND, "not_found", "no finished drill with that id".into());
    let store = app.registry.store().ok_or_else(not_found)?;
    let drill = store
        .finished(&id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not read a finished drill");
            ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill could not be read".into())
        })?
        .ok_or_else(not_found)?;
    let stored = store.load(&id).await.ok().flatten().ok_or_else(not_found)?;
    access::require_reader(&caller, &stored)?;
    Ok(axum::Json(drill).into_response())
}

/// The public status page of a drill (`GET /api/drills/{id}/status`):
/// what its comms lead published, as customers see it. Open to anyone with
/// the drill's id, since it holds only what was published. Served from the
/// page the drill task shares while the drill is in memory, else from the
/// page stored with its result; never by replaying per request.
pub(super) async fn status_page(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    if id.len() > crate::limits::DRILL_ID_CHARS_MAX {
        return Err(no_such_drill());
    }
    let page = match app.registry.status_page(&id) {
        Some(page) => page,
        None => Arc::new(stored_status_page(&app, &id).await?),
    };
    let mut res = axum::Json(&*page).into_response();
    // Polled for news: no cache may hold an old page.
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn no_such_drill() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "not_found", "no drill with that id".into())
}

/// The status page of a drill that is no longer in memory: the one kept
/// with its result, or, for a drill that ended before pages were kept,
/// one rebuilt from its log once (and kept from then on).
async fn stored_status_page(app: &AppState, id: &str) -> Result<crate::drill::StatusPage, ApiError> {
    let store = app.registry.store().ok_or_else(no_such_drill)?;
    let unreadable = |e: crate::store::StoreError| {
        tracing::error!(error = %e, "could not read a drill's status page");
        ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the status page could not be read".into())
    };
    match store.status_page(id).await.map_err(unreadable)? {
        None => Err(no_such_drill()),
        Some(Some(json)) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!(error = %e, "a stored status page does not decode");
            ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the status page could not be read".into())
        }),
        Some(None) => {
            let (stored, scenario) = load_for_replay(store, id).await?;
            let page = tokio::task::spawn_blocking(move || crate::drill::replay_status_page(&stored, &scenario))
                .await
                .map_err(|_| {
                    ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the status page could not be built".into())
                })?;
            if page.ended
                && let Ok(json) = serde_json::to_string(&page)
                && let Err(e) = store.save_status_page(id, json).await
            {
                tracing::error!(error = %e, "could not store a rebuilt status page");
            }
            Ok(page)
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReviewQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    download: Option<String>,
}

/// The after-action review of a stored drill (finished or still running),
/// computed by replaying its log: `format` is `json` (default), `md`,
/// `html` or `csv` (the timeline); anything but JSON, or `download=1`,
/// comes as an attachment.
pub(super) async fn review(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<ReviewQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    use crate::review::export::Format;
    let format = match q.format.as_deref() {
        None => Format::Json,
        Some(f) => Format::parse(f).ok_or_else(|| {
            ApiError(StatusCode::BAD_REQUEST, "invalid_value", "format must be json, md, html or csv".into())
        })?,
    };
    let caller = access::caller(&headers, app.admin_hash.as_deref())?;
    let not_found = || ApiError(StatusCode::NOT_FOUND, "not_found", "no drill with that id".into());
    let store = app.registry.store().ok_or_else(not_found)?;
    // Live, while the drill runs, for its facilitators; once it has ended,
    // for each of its people as far as their seat saw.
    let live = require_finished(store, &id).await.is_err();
    let (stored, scenario) = load_for_replay(store, &id).await?;
    let reader = if live {
        access::require_facilitator(&caller, &stored)?;
        crate::review::export::Reader::Everything
    } else {
        access::require_reader(&caller, &stored)?
    };
    // Replaying and the two baselines are CPU work: keep it off the
    // runtime's threads.
    let body = tokio::task::spawn_blocking(move || {
        let mut review = crate::review::build(crate::drill::replay_for_review(&stored, &scenario));
        crate::review::export::redact(&mut review, reader);
        crate::review::export::render(&review, format)
    })
    .await
    .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the review could not be computed".into()))?;
    let mut res = ([(header::CONTENT_TYPE, format.content_type())], body).into_response();
    if format != Format::Json || q.download.as_deref() == Some("1") {
        let safe: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        let disposition = format!("attachment; filename=\"firedrill-review-{safe}.{}\"", format.extension());
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(res)
}

/// A stored drill's log and its scenario, ready to be replayed (for the
/// review, the replay and an old drill's status page): `404` for an
/// unknown drill, `503` when the store cannot be read, `409` when the
/// scenario it was played with no longer validates.
async fn load_for_replay(
    store: &crate::store::Store,
    id: &str,
) -> Result<(crate::store::Unfinished, crate::scenario::Scenario), ApiError> {
    let stored = store
        .load(id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not read a drill to replay");
            ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill could not be read".into())
        })?
        .ok_or_else(no_such_drill)?;
    let scenario = crate::scenario::parse(&stored.drill.scenario_toml).map_err(|_| {
        ApiError(StatusCode::CONFLICT, "invalid_value", "the drill's scenario no longer validates".into())
    })?;
    Ok((stored, scenario))
}

/// The review and the replay show the answer key and every channel, so
/// they open only once the drill has ended (404 for an unknown drill, 403
/// while it runs).
async fn require_finished(store: &crate::store::Store, id: &str) -> Result<(), ApiError> {
    let finished = store.finished(id).await.map_err(|e| {
        tracing::error!(error = %e, "could not read a finished drill");
        ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill could not be read".into())
    })?;
    if finished.is_some() {
        return Ok(());
    }
    let exists = store.load(id).await.ok().flatten().is_some();
    Err(if exists {
        ApiError(StatusCode::FORBIDDEN, "forbidden", "the review and the replay open when the drill has ended".into())
    } else {
        ApiError(StatusCode::NOT_FOUND, "not_found", "no drill with that id".into())
    })
}

/// Loads a finished drill for one of its facilitators (or the operator):
/// `404` for an unknown drill, `401`/`403` for anyone else, `403` while the
/// drill runs.
async fn load_as_facilitator(
    app: &AppState,
    headers: &axum::http::HeaderMap,
    id: &str,
) -> Result<(crate::store::Store, crate::store::Unfinished), ApiError> {
    let caller = access::caller(headers, app.admin_hash.as_deref())?;
    let not_found = || ApiError(StatusCode::NOT_FOUND, "not_found", "no drill with that id".into());
    let store = app.registry.store().ok_or_else(not_found)?.clone();
    let stored = store
        .load(id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not read a drill");
            ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill could not be read".into())
        })?
        .ok_or_else(not_found)?;
    access::require_facilitator(&caller, &stored)?;
    require_finished(&store, id).await?;
    Ok((store, stored))
}

/// Everything stored about a finished drill, for a facilitator to file or
/// move elsewhere: the drill, its scenario, its result and its input log
/// (session token hashes left out). `firedrill replay` and the review can be
/// recomputed from it.
pub(super) async fn export_drill(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let (store, stored) = load_as_facilitator(&app, &headers, &id).await?;
    let summary = store.finished(&id).await.ok().flatten().map(|f| f.summary);
    let inputs: Vec<serde_json::Value> = stored
        .log
        .iter()
        .map(|r| {
            let input = match &r.input {
                crate::store::LoggedInput::AddSeat { name, seat, .. } => {
                    crate::store::LoggedInput::AddSeat { name: name.clone(), seat: *seat, token_hash: String::new() }
                }
                other => other.clone(),
            };
            serde_json::json!({ "tick": r.tick, "input": input })
        })
        .collect();
    let d = &stored.drill;
    let body = serde_json::json!({
        "drill": {
            "id": d.id, "scenario_id": d.scenario_id, "seed": d.seed, "bots": d.bots, "created_ms": d.created_ms,
            "ticks": stored.tick,
        },
        "scenario_toml": d.scenario_toml,
        "summary": summary,
        "inputs": inputs,
    });
    let mut res = axum::Json(body).into_response();
    let safe: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"firedrill-drill-{safe}.json\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Deletes a finished drill and everything stored about it (its facilitators
/// only). `204` when done.
pub(super) async fn delete_drill(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let (store, _) = load_as_facilitator(&app, &headers, &id).await?;
    // Its connections close first (1001), and its task stops, so nothing
    // of it is written after the delete.
    let wait = std::time::Duration::from_millis(3 * crate::limits::WS_CLOSE_WAIT_MS);
    app.registry.close(&id, wait).await;
    let deleted = store.delete_finished(&id).await.map_err(|e| {
        tracing::error!(error = %e, "could not delete a drill");
        ApiError(StatusCode::SERVICE_UNAVAILABLE, "storage", "the drill could not be deleted".into())
    })?;
    if !deleted {
        return Err(ApiError(StatusCode::NOT_FOUND, "not_found", "no finished drill with that id".into()));
    }
    tracing::info!(drill = %id, "finished drill deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub(super) struct ReplayQuery {
    tick: u64,
}

/// A stored drill as it was at `tick` (the simulation is deterministic, so
/// this re-runs it from its log): the world, every channel but the
/// facilitators' private one, the desk, the chats and the answer key.
/// Answers `{tick, ticks, snapshot}`, `ticks` being how far the log goes.
pub(super) async fn replay(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    q: Result<axum::extract::Query<ReplayQuery>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    use crate::review::export::Reader;
    let caller = access::caller(&headers, app.admin_hash.as_deref())?;
    let axum::extract::Query(q) = q.map_err(|_| {
        ApiError(StatusCode::BAD_REQUEST, "invalid_value", "tick must be a whole number of drill seconds".into())
    })?;
    let not_found = || ApiError(StatusCode::NOT_FOUND, "not_found", "no drill with that id".into());
    let store = app.registry.store().ok_or_else(not_found)?;
    let (stored, scenario) = load_for_replay(store, &id).await?;
    // Who replays sees what their seat saw: facilitators as an observer
    // with the answer key, internal seats as an observer, outside actors as
    // a store did.
    let (role, answer_key) = match access::require_reader(&caller, &stored)? {
        Reader::Everything => (Role::Observer, true),
        Reader::Internal => (Role::Observer, false),
        Reader::Outside => (Role::StoreActor, false),
    };
    require_finished(store, &id).await?;
    let ticks = stored.tick;
    let (tick, snapshot) =
        tokio::task::spawn_blocking(move || crate::drill::replay_at(&stored, &scenario, q.tick, role, answer_key))
            .await
            .map_err(|_| {
                ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the drill could not be replayed".into())
            })?;
    Ok(axum::Json(serde_json::json!({ "tick": tick, "ticks": ticks, "snapshot": snapshot })).into_response())
}

pub(super) async fn static_file(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    match ClientFiles::get(path) {
        Some(file) => {
            let mime = content_type(path);
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "no-cache")], file.data).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}
