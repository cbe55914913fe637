//! The HTTP service for counselors: a JSON API over the core engine, with durable sessions.
//!
//! Thin over `rehearse-core`: handlers authenticate, pass replies to the engine and store the
//! session's log; every analysis, route and report comes from the core. Storage sits behind
//! [`store::SessionStore`], so another database can serve without touching a handler.

pub mod api;
pub mod error;
pub mod live;
pub mod sql;
pub mod store;
pub mod tokens;
pub mod web;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use rehearse_core::analyze::Analyzer;
use rehearse_core::engine::Session;
use rehearse_core::scenario::{Scenario, load};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::live::{Live, LiveSessions};
use crate::store::{CounselorId, SessionStore, StoredSession};
use crate::tokens::CheckedTokens;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Scenario uploads (`POST /scenarios/validate`) may be this large.
pub const MAX_SCENARIO_UPLOAD_BYTES: usize = 1024 * 1024;

/// How many sessions each server keeps in memory between requests. One costs about 5 kB, so
/// this bounds the memory at about 20 MB; a session beyond it is rebuilt from the store.
pub const LIVE_SESSIONS: NonZeroUsize = NonZeroUsize::new(4096).unwrap();

/// A request that takes longer than this is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the handlers share.
pub struct App {
    /// Where sessions and counselors live.
    pub store: Arc<dyn SessionStore>,
    /// The analyzer every reply is scored with.
    pub analyzer: Arc<Analyzer>,
    /// The scenarios new sessions can start on.
    pub catalogue: Vec<Arc<Scenario>>,
    /// Scenario versions that sessions started on, by content hash, loaded once.
    versions: Mutex<HashMap<String, Arc<Scenario>>>,
    /// How many scenario uploads may be checked at once.
    validations: tokio::sync::Semaphore,
    /// Sessions recently used, kept rebuilt.
    live: LiveSessions,
    /// Tokens recently found active.
    checked_tokens: CheckedTokens,
}

impl App {
    /// An app over `store`, offering `catalogue`.
    pub fn new(store: Arc<dyn SessionStore>, analyzer: Arc<Analyzer>, catalogue: Vec<Arc<Scenario>>) -> App {
        let versions = catalogue.iter().map(|s| (s.content_hash.clone(), Arc::clone(s))).collect();
        App {
            store,
            analyzer,
            catalogue,
            versions: Mutex::new(versions),
            validations: tokio::sync::Semaphore::new(2),
            live: LiveSessions::new(LIVE_SESSIONS),
            checked_tokens: CheckedTokens::default(),
        }
    }

    /// The catalogue scenario with `id`.
    pub fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        self.catalogue.iter().find(|s| s.id == id).cloned()
    }

    /// Loads a session of `owner` and rebuilds it from its log: the replies still standing, with
    /// the analyses they got when they were made. Someone else's session is "not found", exactly
    /// like a missing one.
    pub async fn rebuild(&self, owner: CounselorId, id: &str) -> Result<(StoredSession, Session), ApiError> {
        let stored = self.store.session(owner, id).await?.ok_or_else(|| ApiError::not_found("session"))?;
        let session = self.restore(&stored, &stored.events)?;
        Ok((stored, session))
    }

    /// Session `id` of `owner` rebuilt from the store, to be kept in memory.
    pub async fn rebuild_live(&self, owner: CounselorId, id: &str) -> Result<Live, ApiError> {
        let (stored, session) = self.rebuild(owner, id).await?;
        Ok(Live { owner, logged: stored.events.len(), session })
    }

    /// The session `stored` as the log `events` leaves it.
    pub fn restore(&self, stored: &StoredSession, events: &[store::Event]) -> Result<Session, ApiError> {
        let scenario = self.version(stored)?;
        // Only replies the engine accepted are stored, so a failure here means the data was altered.
        Session::restore(scenario, stored.seed, events).map_err(|error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "corrupt_session",
                format!("the stored log does not replay: {error}"),
            )
        })
    }

    /// The exact scenario version a session started on, from the text stored with it.
    fn version(&self, stored: &StoredSession) -> Result<Arc<Scenario>, ApiError> {
        let cached = crate::lock(&self.versions).get(&stored.scenario_hash).cloned();
        if let Some(scenario) = cached {
            return Ok(scenario);
        }
        // Loaded outside the lock: other requests go on meanwhile.
        let loaded = load(&stored.scenario_id, &stored.scenario_source, &self.analyzer).map_err(|error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "corrupt_scenario",
                format!("the stored scenario no longer loads: {error}"),
            )
        })?;
        let scenario = Arc::new(loaded.scenario);
        let mut versions = crate::lock(&self.versions);
        Ok(Arc::clone(versions.entry(stored.scenario_hash.clone()).or_insert(scenario)))
    }
}

/// The whole service: the web page at `/`, `/healthz` and `/api/v1`.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/scenarios", get(api::list_scenarios))
        .route(
            "/scenarios/validate",
            // Set on the route, inside the router-wide limit, so it wins for this route only.
            post(api::validate_scenario).layer(DefaultBodyLimit::max(MAX_SCENARIO_UPLOAD_BYTES)),
        )
        .route("/scenarios/{id}", get(api::get_scenario))
        .route("/analyze", post(api::analyze))
        .route("/principles", get(api::principles))
        .route("/sessions", get(api::list_sessions).post(api::create_session))
        .route("/sessions/{id}", get(api::get_session).delete(api::delete_session))
        .route("/sessions/{id}/replies", post(api::post_reply))
        .route("/sessions/{id}/undo", post(api::undo))
        .route("/sessions/{id}/report", get(api::report))
        .route("/openapi.json", get(api::openapi))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .route("/", get(web::index))
        .route("/app.js", get(web::script))
        .route("/app.css", get(web::style))
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", api)
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
        })
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

/// Serves `app` on `addr` until SIGINT or SIGTERM, finishing requests in flight.
/// Refuses a non-loopback address while no counselor token exists.
pub async fn serve(app: Arc<App>, addr: SocketAddr) -> Result<(), ServeError> {
    if !addr.ip().is_loopback() && !app.store.has_active_counselor().await? {
        return Err(ServeError::NoToken(addr));
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|error| ServeError::Bind(addr, error))?;
    serve_until(app, listener, shutdown_signal()).await
}

/// Serves `app` on a bound listener until `shutdown` completes, finishing requests in flight.
pub async fn serve_until(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await.map_err(ServeError::Io)
}

/// Why the service could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Listening beyond this machine without any token would expose every route.
    #[error("refusing to listen on {0} while no counselor token exists; create one with `rehearse token create NAME`")]
    NoToken(SocketAddr),
    /// The address could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// Serving failed.
    #[error("serving failed: {0}")]
    Io(std::io::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Locks `mutex`, going on after a panic in another holder: every map behind the service's locks
/// changes by single inserts and removals, so a panic cannot leave one half-changed.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}
