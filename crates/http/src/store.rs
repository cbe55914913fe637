//! Durable storage behind one trait: counselors, and sessions as append-only logs of events.
//!
//! A session's state is never stored, only its inputs: the scenario text it started on, its seed,
//! and every reply or undo in order. The state is rebuilt by replaying them through the engine.

use std::sync::Arc;

use async_trait::async_trait;

/// A counselor's id in the store.
pub type CounselorId = i64;

/// A storage failure: the database is unreachable, or a row is not what the schema promises.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(pub String);

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError(error.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError(error.to_string())
    }
}

/// One entry of a session's log: a reply with the analysis it was given, or an undo.
pub use rehearse_core::engine::Logged as Event;

/// A session as stored: what it started on, and its log.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// The session's id.
    pub id: String,
    /// The scenario's id.
    pub scenario_id: String,
    /// The scenario's content hash.
    pub scenario_hash: String,
    /// The scenario's YAML as it was when the session started.
    pub scenario_source: Arc<str>,
    /// The seed.
    pub seed: u64,
    /// The counselor's label for the session (a client's initials, say).
    pub label: Option<String>,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// The log, in order.
    pub events: Vec<Event>,
}

/// A line of a counselor's session list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// The session's id.
    pub id: String,
    /// The scenario's id.
    pub scenario_id: String,
    /// The counselor's label.
    pub label: Option<String>,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// A counselor, for `rehearse token list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counselor {
    /// The name given at `token create`.
    pub name: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// Whether the token was revoked.
    pub revoked: bool,
}

/// Whether an event was appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// It is in the log, durably.
    Yes,
    /// Another event took that position first.
    Conflict,
    /// The session was deleted meanwhile.
    Gone,
}

/// Where sessions and counselors live. Handlers see only this trait.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// Adds a counselor with the hash of their token; `false` if the name is taken.
    async fn add_counselor(&self, name: &str, token_hash: &str, now: i64) -> Result<bool, StoreError>;
    /// Every counselor.
    async fn counselors(&self) -> Result<Vec<Counselor>, StoreError>;
    /// Revokes a counselor's token; `false` if there is no such active counselor.
    async fn revoke_counselor(&self, name: &str, now: i64) -> Result<bool, StoreError>;
    /// The active counselor whose token has this hash.
    async fn counselor_by_token(&self, token_hash: &str) -> Result<Option<CounselorId>, StoreError>;
    /// Whether any token is active.
    async fn has_active_counselor(&self) -> Result<bool, StoreError>;
    /// Stores a new session (with an empty log) for `owner`.
    async fn create_session(&self, owner: CounselorId, session: &StoredSession) -> Result<(), StoreError>;
    /// The session, if it exists and belongs to `owner`.
    async fn session(&self, owner: CounselorId, id: &str) -> Result<Option<StoredSession>, StoreError>;
    /// `owner`'s sessions, newest first.
    async fn sessions(&self, owner: CounselorId, limit: u32, offset: u32) -> Result<Vec<SessionSummary>, StoreError>;
    /// Appends `event` at position `seq` of the log; committed before this returns.
    async fn append(&self, id: &str, seq: usize, event: &Event, now: i64) -> Result<Appended, StoreError>;
    /// Deletes the session and its log; `false` if it does not exist or is not `owner`'s.
    async fn delete_session(&self, owner: CounselorId, id: &str) -> Result<bool, StoreError>;
}
