//! The SQL store: one implementation for SQLite (a single file, the default) and PostgreSQL
//! (several servers sharing one database), through sqlx's `Any` driver.
//!
//! The queries are written once, with `$N` parameters, which both databases accept; only the
//! schema differs, so each has its own migrations.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor, Row};

use crate::store::{
    Appended, Counselor, CounselorId, Event, SessionStore, SessionSummary, StoreError, StoredSession, event_columns,
    event_from_columns,
};

/// Sessions and counselors in SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
}

impl SqlStore {
    /// Opens the database at `url` and brings its schema up to date: `sqlite://FILE` (created if
    /// missing), `sqlite::memory:`, or `postgres://...`.
    pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
        install_default_drivers();
        if url.starts_with("sqlite:") {
            Self::open_sqlite(url).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool =
                AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Ok(SqlStore { pool })
        } else {
            Err(StoreError(format!("unsupported database `{url}`; use sqlite://FILE or postgres://...")))
        }
    }

    async fn open_sqlite(url: &str) -> Result<SqlStore, StoreError> {
        let in_memory = url.contains(":memory:");
        let url = if in_memory || url.contains("mode=") {
            url.to_owned()
        } else {
            format!("{url}{}mode=rwc", if url.contains('?') { "&" } else { "?" })
        };
        let mut options = AnyPoolOptions::new().max_connections(8);
        if in_memory {
            // An in-memory database lives and dies with its connection: keep exactly one, forever.
            options = options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
        }
        let pool = options
            .after_connect(|connection, _| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; FULL makes an acknowledged reply
                    // survive a crash of the machine, not only of the process.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqlStore { pool })
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn add_counselor(&self, name: &str, token_hash: &str, now: i64) -> Result<bool, StoreError> {
        let result = sqlx::query("INSERT INTO counselors (name, token_hash, created_at) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    async fn counselors(&self) -> Result<Vec<Counselor>, StoreError> {
        let rows = sqlx::query("SELECT name, created_at, revoked_at FROM counselors ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|row| Counselor {
                name: row.get("name"),
                created_at: row.get("created_at"),
                revoked: row.get::<Option<i64>, _>("revoked_at").is_some(),
            })
            .collect())
    }

    async fn revoke_counselor(&self, name: &str, now: i64) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE counselors SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn counselor_by_token(&self, token_hash: &str) -> Result<Option<CounselorId>, StoreError> {
        let row = sqlx::query("SELECT id FROM counselors WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.get("id")))
    }

    async fn has_active_counselor(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS active FROM counselors WHERE revoked_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get::<i64, _>("active") > 0)
    }

    async fn create_session(&self, owner: CounselorId, session: &StoredSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, owner, scenario_id, scenario_hash, scenario_source, seed, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&session.id)
        .bind(owner)
        .bind(&session.scenario_id)
        .bind(&session.scenario_hash)
        .bind(&session.scenario_source)
        // SQLite integers are signed; the seed round-trips through the same bits.
        .bind(session.seed as i64)
        .bind(&session.label)
        .bind(session.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, owner: CounselorId, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, scenario_id, scenario_hash, scenario_source, seed, label, created_at FROM sessions \
             WHERE id = $1 AND owner = $2",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let events = sqlx::query("SELECT kind, choice, text, analysis FROM events WHERE session_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|event| {
                event_from_columns(event.get("kind"), event.get("choice"), event.get("text"), event.get("analysis"))
            })
            .collect::<Result<Vec<Event>, StoreError>>()?;
        Ok(Some(StoredSession {
            id: row.get("id"),
            scenario_id: row.get("scenario_id"),
            scenario_hash: row.get("scenario_hash"),
            scenario_source: row.get("scenario_source"),
            seed: row.get::<i64, _>("seed") as u64,
            label: row.get("label"),
            created_at: row.get("created_at"),
            events,
        }))
    }

    async fn sessions(&self, owner: CounselorId, limit: u32, offset: u32) -> Result<Vec<SessionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, scenario_id, label, created_at FROM sessions WHERE owner = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3",
        )
        .bind(owner)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| SessionSummary {
                id: row.get("id"),
                scenario_id: row.get("scenario_id"),
                label: row.get("label"),
                created_at: row.get("created_at"),
            })
            .collect())
    }

    async fn append(&self, id: &str, seq: usize, event: &Event, now: i64) -> Result<Appended, StoreError> {
        let columns = event_columns(event)?;
        let result = sqlx::query(
            "INSERT INTO events (session_id, seq, kind, choice, text, analysis, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(columns.kind)
        .bind(columns.choice)
        .bind(columns.text)
        .bind(columns.analysis)
        .bind(now)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(Appended::Yes),
            // The primary key (session_id, seq) is taken: another writer got there first.
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Ok(Appended::Conflict),
            // The session row is gone: it was deleted meanwhile.
            Err(sqlx::Error::Database(error)) if error.is_foreign_key_violation() => Ok(Appended::Gone),
            Err(error) => Err(error.into()),
        }
    }

    async fn delete_session(&self, owner: CounselorId, id: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM sessions WHERE id = $1 AND owner = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}
