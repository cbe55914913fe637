//! The `/api/v1` handlers: they authenticate, pass input to the core engine and store, and shape JSON.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rehearse_core::analyze::Analysis;
use rehearse_core::diagnostic::{Diagnostic, Severity};
use rehearse_core::engine::{EngineError, Exchange, MAX_REPLY_CHARS, Next, Reply, Session, Turn};
use rehearse_core::report::Report;
use rehearse_core::scenario::{Difficulty, Scenario, load};
use rehearse_core::{Tag, transcript};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::App;
use crate::error::{ApiError, ErrorEnvelope};
use crate::live::Live;
use crate::store::{Appended, CounselorId, Event, StoredSession};

/// A JSON body whose rejections use the common error format.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A path parameter whose rejections use the common error format.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// The counselor making the request, from `Authorization: Bearer <token>`.
pub struct Counselor(pub CounselorId);

impl FromRequestParts<Arc<App>> for Counselor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let unauthorized = |message: &str| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message);
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("send `Authorization: Bearer <token>`"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"))?;
        let token_hash = crate::tokens::hash(token);
        if let Some(id) = app.checked_tokens.get(&token_hash) {
            return Ok(Counselor(id));
        }
        match app.store.counselor_by_token(&token_hash).await? {
            Some(id) => {
                app.checked_tokens.insert(token_hash, id);
                Ok(Counselor(id))
            }
            None => Err(unauthorized("the token is unknown or revoked")),
        }
    }
}

/// A scenario as listed for counselors.
#[derive(Serialize, ToSchema)]
pub struct ScenarioSummary {
    id: String,
    title: String,
    summary: String,
    difficulty: Difficulty,
    #[schema(value_type = Vec<String>)]
    principles: Vec<Tag>,
    content_notes: Vec<String>,
    partner: String,
    /// The version a new session starts on.
    content_hash: String,
}

impl ScenarioSummary {
    fn of(scenario: &Scenario) -> Self {
        ScenarioSummary {
            id: scenario.id.clone(),
            title: scenario.title.clone(),
            summary: scenario.summary.clone(),
            difficulty: scenario.difficulty,
            principles: scenario.principles.clone(),
            content_notes: scenario.content_notes.clone(),
            partner: scenario.partner.name.clone(),
            content_hash: scenario.content_hash.clone(),
        }
    }
}

/// A scenario in detail.
#[derive(Serialize, ToSchema)]
pub struct ScenarioDetail {
    #[serde(flatten)]
    summary: ScenarioSummary,
    persona: String,
    guide_steps: Vec<u8>,
    nodes: usize,
    endings: Vec<EndingSummary>,
}

/// An ending, as listed in a scenario's detail.
#[derive(Serialize, ToSchema)]
pub struct EndingSummary {
    id: String,
    title: String,
    outcome: rehearse_core::scenario::Outcome,
}

#[utoipa::path(get, path = "/api/v1/scenarios", tag = "scenarios", security(("bearer" = [])),
    responses((status = 200, body = Vec<ScenarioSummary>), (status = 401, body = ErrorEnvelope)))]
pub async fn list_scenarios(State(app): State<Arc<App>>, _: Counselor) -> Json<Vec<ScenarioSummary>> {
    Json(app.catalogue.iter().map(|s| ScenarioSummary::of(s)).collect())
}

#[utoipa::path(get, path = "/api/v1/scenarios/{id}", tag = "scenarios", security(("bearer" = [])),
    params(("id" = String, Path, description = "The scenario's id")),
    responses((status = 200, body = ScenarioDetail), (status = 404, body = ErrorEnvelope)))]
pub async fn get_scenario(
    State(app): State<Arc<App>>,
    _: Counselor,
    Path(id): Path<String>,
) -> Result<Json<ScenarioDetail>, ApiError> {
    let scenario = app.scenario(&id).ok_or_else(|| ApiError::not_found("scenario"))?;
    Ok(Json(ScenarioDetail {
        summary: ScenarioSummary::of(&scenario),
        persona: scenario.partner.persona.clone(),
        guide_steps: scenario.guide_steps.clone(),
        nodes: scenario.nodes.len(),
        endings: scenario
            .endings
            .iter()
            .map(|e| EndingSummary { id: e.id.clone(), title: e.title.clone(), outcome: e.outcome })
            .collect(),
    }))
}

/// One of the guide's principles, as the analyzer scores it.
#[derive(Serialize, ToSchema)]
pub struct Principle {
    /// The tag (`validation`).
    #[schema(value_type = String)]
    tag: Tag,
    /// Its name for people (`Validation`).
    title: &'static str,
    /// Whether it breaks safety (the breakdown patterns) rather than builds it.
    breakdown: bool,
    /// What it means, from the rubric in use.
    explain: String,
    /// The rubric's weight: what a reply showing it adds to its score.
    weight: i32,
}

#[utoipa::path(get, path = "/api/v1/principles", tag = "analysis", security(("bearer" = [])),
    responses((status = 200, body = Vec<Principle>), (status = 401, body = ErrorEnvelope)))]
pub async fn principles(State(app): State<Arc<App>>, _: Counselor) -> Json<Vec<Principle>> {
    let rubric = app.analyzer.rubric();
    Json(
        Tag::ALL
            .into_iter()
            .map(|tag| Principle {
                tag,
                title: tag.title(),
                breakdown: tag.is_breakdown(),
                explain: rubric.explain(tag).to_owned(),
                weight: rubric.weight(tag),
            })
            .collect(),
    )
}

/// The findings of `POST /scenarios/validate`.
#[derive(Serialize, ToSchema)]
pub struct Validation {
    /// Whether the scenario can be played (no errors; warnings allowed).
    valid: bool,
    /// Every finding, as `rehearse lint --json` prints them.
    diagnostics: Vec<Diagnostic>,
}

#[utoipa::path(post, path = "/api/v1/scenarios/validate", tag = "scenarios", security(("bearer" = [])),
    request_body(content = String, content_type = "application/yaml", description = "A scenario file, up to 1 MiB"),
    responses((status = 200, body = Validation), (status = 413, body = ErrorEnvelope), (status = 400, body = ErrorEnvelope)))]
pub async fn validate_scenario(
    State(app): State<Arc<App>>,
    _: Counselor,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<Validation>, ApiError> {
    let body = body.map_err(|rejection| {
        let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "bad_body" };
        ApiError::new(rejection.status(), code, rejection.body_text())
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "not_utf8", "the scenario must be UTF-8 text"))?;
    // Checking a scenario is CPU work: it runs off the async workers, two at a time at most, so a
    // flood of uploads cannot starve the other routes.
    let _permit = app
        .validations
        .acquire()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the service is stopping"))?;
    let (analyzer, text) = (Arc::clone(&app.analyzer), text.to_owned());
    let diagnostics = tokio::task::spawn_blocking(move || match load("scenario.yaml", &text, &analyzer) {
        Ok(loaded) => loaded.warnings,
        Err(error) => error.diagnostics().to_vec(),
    })
    .await
    .map_err(|_| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "validation_failed", "checking the scenario failed")
    })?;
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    Ok(Json(Validation { valid, diagnostics }))
}

/// A reply to analyse.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    /// The reply, up to 2,000 characters.
    text: String,
    /// The partner's line it answers.
    #[serde(default)]
    context: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/analyze", tag = "analysis", security(("bearer" = [])),
    request_body = AnalyzeRequest,
    responses((status = 200, body = Analysis), (status = 422, body = ErrorEnvelope)))]
pub async fn analyze(
    State(app): State<Arc<App>>,
    _: Counselor,
    Json(request): Json<AnalyzeRequest>,
) -> Result<Json<Analysis>, ApiError> {
    check_length(&request.text, "text")?;
    let context = request.context.unwrap_or_default();
    check_length(&context, "context")?;
    Ok(Json(app.analyzer.analyze(&request.text, &context)))
}

fn check_length(text: &str, field: &'static str) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars > MAX_REPLY_CHARS {
        return Err(ApiError::invalid(
            "too_long",
            field,
            format!("{chars} characters; the limit is {MAX_REPLY_CHARS}"),
        ));
    }
    Ok(())
}

/// A new session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// The scenario's id.
    scenario: String,
    /// The seed for the partner's wording; random when left out.
    #[serde(default)]
    seed: Option<u64>,
    /// A label for the counselor (a client's initials, say), up to 200 characters.
    #[serde(default)]
    label: Option<String>,
}

/// A session just created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
    seed: u64,
    /// The partner's first line.
    turn: Turn,
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])),
    request_body = CreateSession,
    responses((status = 201, body = Created), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_session(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Json(request): Json<CreateSession>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scenario = app.scenario(&request.scenario).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no scenario with that id").field("scenario")
    })?;
    if request.label.as_ref().is_some_and(|label| label.chars().count() > 200) {
        return Err(ApiError::invalid("too_long", "label", "the label is over 200 characters"));
    }
    let seed = request.seed.unwrap_or_else(crate::tokens::random_seed);
    let stored = StoredSession {
        id: crate::tokens::session_id(),
        scenario_id: scenario.id.clone(),
        scenario_hash: scenario.content_hash.clone(),
        scenario_source: scenario.source.clone(),
        seed,
        label: request.label,
        created_at: crate::now(),
        events: Vec::new(),
    };
    // A scenario that loads starts at a node, so the first step is always a turn.
    let session = Session::start(scenario, seed);
    let Next::Turn(turn) = session.next() else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "corrupt_scenario",
            "the scenario starts at an ending",
        ));
    };
    app.store.create_session(owner, &stored).await?;
    *app.live.slot(&stored.id).lock().await = Some(Live { owner, logged: 0, session });
    Ok((StatusCode::CREATED, Json(Created { id: stored.id, seed, turn })))
}

/// Paging through a counselor's sessions.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// How many sessions (1-100, default 20).
    #[serde(default)]
    limit: Option<u32>,
    /// How many to skip.
    #[serde(default)]
    offset: Option<u32>,
}

/// One page of sessions, newest first.
#[derive(Serialize, ToSchema)]
pub struct SessionList {
    sessions: Vec<SessionListItem>,
    /// The offset of the next page, when there may be one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_offset: Option<u32>,
}

/// A session in the list.
#[derive(Serialize, ToSchema)]
pub struct SessionListItem {
    id: String,
    scenario: String,
    label: Option<String>,
    created_at: i64,
}

#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", security(("bearer" = [])), params(Page),
    responses((status = 200, body = SessionList), (status = 400, body = ErrorEnvelope)))]
pub async fn list_sessions(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    query: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SessionList>, ApiError> {
    let Query(page) = query?;
    let limit = page.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("out_of_range", "limit", "limit must be between 1 and 100"));
    }
    let offset = page.offset.unwrap_or(0);
    let rows = app.store.sessions(owner, limit, offset).await?;
    let next_offset = (rows.len() == limit as usize).then(|| offset.saturating_add(limit));
    let sessions = rows
        .into_iter()
        .map(|row| SessionListItem {
            id: row.id,
            scenario: row.scenario_id,
            label: row.label,
            created_at: row.created_at,
        })
        .collect();
    Ok(Json(SessionList { sessions, next_offset }))
}

/// A session's state.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    id: String,
    scenario: String,
    scenario_hash: String,
    label: Option<String>,
    seed: u64,
    created_at: i64,
    meter: i32,
    transcript: Vec<Exchange>,
    next: Next,
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = SessionView), (status = 404, body = ErrorEnvelope)))]
pub async fn get_session(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Path(id): Path<String>,
) -> Result<Json<SessionView>, ApiError> {
    let (stored, session) = app.rebuild(owner, &id).await?;
    Ok(Json(SessionView {
        id: stored.id,
        scenario: stored.scenario_id,
        scenario_hash: stored.scenario_hash,
        label: stored.label,
        seed: stored.seed,
        created_at: stored.created_at,
        meter: session.meter(),
        transcript: session.transcript().to_vec(),
        next: session.next(),
    }))
}

/// A reply to the current turn: `{turn, choice}` or `{turn, text}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// The turn this reply answers (`next.turn.number`); a stale turn gets 409.
    turn: usize,
    /// The number of an authored reply, counted from 1.
    #[serde(default)]
    choice: Option<usize>,
    /// A typed reply, up to 2,000 characters.
    #[serde(default)]
    text: Option<String>,
}

/// How a reply landed, and what comes next.
#[derive(Serialize, ToSchema)]
pub struct ReplyResponse {
    analysis: Analysis,
    meter_delta: i32,
    meter: i32,
    next: Next,
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/replies", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ReplyRequest,
    responses((status = 200, body = ReplyResponse), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn post_reply(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Path(id): Path<String>,
    Json(request): Json<ReplyRequest>,
) -> Result<Json<ReplyResponse>, ApiError> {
    // The engine checks the reply itself (choice in range, text not empty nor over 2,000 characters).
    let reply = match (request.choice, request.text) {
        (Some(choice), None) => Reply::Choice(choice),
        (None, Some(text)) => Reply::Text(text),
        _ => return Err(ApiError::invalid("invalid_reply", "choice", "send exactly one of `choice` and `text`")),
    };
    let slot = app.live.slot(&id);
    let mut kept = slot.lock().await;
    // A kept session may lag behind another server on the same database, so a reply it refuses is
    // tried once more on the session rebuilt from the store. A reply it accepts was stored at the
    // position it expected, so it was current.
    let mut rebuilt = false;
    loop {
        let mut live = match kept.take() {
            Some(live) => live,
            None => {
                rebuilt = true;
                app.rebuild_live(owner, &id).await?
            }
        };
        match answer(&app, &mut live, owner, &id, request.turn, reply.clone()).await {
            Ok(response) => {
                // An ended conversation takes no more replies; an undo rebuilds it from the store.
                if !live.session.has_ended() {
                    *kept = Some(live);
                } else {
                    drop(kept);
                    app.live.forget(&id);
                }
                return Ok(Json(response));
            }
            // The session taken out of the slot is dropped: after a refusal it may be behind, or
            // ahead of the store by a reply that was not stored.
            Err(error) if rebuilt => return Err(error),
            Err(_) => {}
        }
    }
}

/// Takes `reply` to `turn` of session `live`, and stores it.
async fn answer(
    app: &App,
    live: &mut Live,
    owner: CounselorId,
    id: &str,
    turn: usize,
    reply: Reply,
) -> Result<ReplyResponse, ApiError> {
    if live.owner != owner {
        return Err(ApiError::not_found("session"));
    }
    if live.session.has_ended() {
        return Err(ApiError::new(StatusCode::CONFLICT, "session_finished", "the conversation has ended"));
    }
    let current = live.session.turn_number();
    if turn != current {
        return Err(ApiError::stale_turn(turn, current));
    }
    let feedback = live.session.reply(&app.analyzer, reply.clone()).map_err(engine_error)?;
    let event = Event::Reply { reply, analysis: feedback.analysis.clone() };
    match app.store.append(id, live.logged, &event, crate::now()).await? {
        Appended::Yes => live.logged += 1,
        Appended::Conflict => return Err(changed_meanwhile()),
        Appended::Gone => return Err(ApiError::not_found("session")),
    }
    Ok(ReplyResponse {
        analysis: feedback.analysis,
        meter_delta: feedback.meter_delta,
        meter: live.session.meter(),
        next: feedback.next,
    })
}

/// What an undo left.
#[derive(Serialize, ToSchema)]
pub struct UndoResponse {
    meter: i32,
    next: Next,
}

/// An undo, optionally naming the turn it takes back from (`next.turn.number`, or the ended
/// conversation's last turn plus one), so that a repeated click does not take back two replies.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UndoRequest {
    #[serde(default)]
    turn: Option<usize>,
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/undo", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Option<UndoRequest>, description = "Optional: the current turn"),
    responses((status = 200, body = UndoResponse), (status = 409, body = ErrorEnvelope)))]
pub async fn undo(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<UndoResponse>, ApiError> {
    let request: UndoRequest = if body.iter().all(u8::is_ascii_whitespace) {
        UndoRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|error| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", error.to_string()))?
    };
    let slot = app.live.slot(&id);
    let mut kept = slot.lock().await;
    // An undo is rare, and what it means is defined on the stored log: it starts from the store.
    kept.take();
    let (stored, session) = app.rebuild(owner, &id).await?;
    let current = session.turn_number();
    if let Some(turn) = request.turn
        && turn != current
    {
        return Err(ApiError::stale_turn(turn, current));
    }
    if session.transcript().is_empty() {
        return Err(engine_error(EngineError::NothingToUndo));
    }
    let mut events = stored.events.clone();
    events.push(Event::Undo);
    let session = app.restore(&stored, &events)?;
    match app.store.append(&id, stored.events.len(), &Event::Undo, crate::now()).await? {
        Appended::Yes => {
            let response = UndoResponse { meter: session.meter(), next: session.next() };
            *kept = Some(Live { owner, logged: events.len(), session });
            Ok(Json(response))
        }
        Appended::Conflict => Err(changed_meanwhile()),
        Appended::Gone => Err(ApiError::not_found("session")),
    }
}

/// Another reply or undo was stored first; the client should fetch the session again.
fn changed_meanwhile() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "stale_turn",
        "the session changed meanwhile; fetch it and answer the current turn",
    )
    .field("turn")
}

/// `?format=markdown` for a Markdown report.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportFormat {
    /// `json` (default) or `markdown`.
    #[serde(default)]
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}/report", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path), ReportFormat),
    responses((status = 200, body = Report), (status = 200, content_type = "text/markdown", body = String), (status = 404, body = ErrorEnvelope)))]
pub async fn report(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Path(id): Path<String>,
    query: Result<Query<ReportFormat>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(format) = query?;
    let (_, session) = app.rebuild(owner, &id).await?;
    let report = Report::new(&session, &app.analyzer);
    match format.format.as_deref() {
        None | Some("json") => Ok(Json(report).into_response()),
        Some("markdown") => {
            let markdown = format!("{}\n{}", transcript::markdown(&session), report.to_markdown());
            Ok(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], markdown).into_response())
        }
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("unknown format `{other}`; use json or markdown"),
        )
        .field("format")),
    }
}

#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_session(
    State(app): State<Arc<App>>,
    Counselor(owner): Counselor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let slot = app.live.slot(&id);
    let mut kept = slot.lock().await;
    kept.take();
    let deleted = app.store.delete_session(owner, &id).await?;
    drop(kept);
    app.live.forget(&id);
    if deleted { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::not_found("session")) }
}

/// The engine's refusals as responses: impossible replies are 422, replies that came too late 409.
fn engine_error(error: EngineError) -> ApiError {
    let message = error.to_string();
    match error {
        EngineError::NoSuchChoice { .. } => ApiError::invalid("invalid_choice", "choice", message),
        EngineError::TypingNotAllowed => ApiError::invalid("typing_not_allowed", "text", message),
        EngineError::EmptyReply => ApiError::invalid("empty_reply", "text", message),
        EngineError::ReplyTooLong { .. } => ApiError::invalid("too_long", "text", message),
        EngineError::Finished => ApiError::new(StatusCode::CONFLICT, "session_finished", message),
        EngineError::NothingToUndo => ApiError::new(StatusCode::CONFLICT, "nothing_to_undo", message),
        EngineError::VersionMismatch { .. } | EngineError::NoEnding => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "corrupt_session", message)
        }
    }
}

/// The OpenAPI document, generated from the handlers and their types.
#[derive(OpenApi)]
#[openapi(
    info(title = "rehearse", description = "Practise difficult conversations: the counselor API."),
    paths(list_scenarios, get_scenario, validate_scenario, principles, analyze, create_session, list_sessions, get_session,
        post_reply, undo, report, delete_session, openapi),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(("bearer" = [])),
    responses((status = 200, description = "This document")))]
pub async fn openapi(_: Counselor) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
