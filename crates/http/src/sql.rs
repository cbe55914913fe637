//! The SQL store: one implementation for SQLite (a single file, the default) and PostgreSQL
//! (several servers sharing one database), through sqlx's `Any` driver.
//!
//! The queries are written once, with `$N` parameters, which both databases accept; only the
//! schema differs, so each has its own migrations.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rehearse_core::analyze::Analysis;
use rehearse_core::engine::Reply;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, Any, AnyConnection, AnyPool, Executor, Row};
use tokio::sync::{mpsc, oneshot};

use crate::store::{Appended, Counselor, CounselorId, Event, SessionStore, SessionSummary, StoreError, StoredSession};

/// Sessions and counselors in SQLite or PostgreSQL.
#[derive(Debug)]
pub struct SqlStore {
    pool: AnyPool,
    /// Session writes are committed in groups, except on an in-memory SQLite database.
    group_commit: Option<GroupCommit>,
    /// Scenario versions known to be in `scenario_versions` (rows there are never deleted).
    stored_versions: Mutex<HashSet<String>>,
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
            let group_commit = GroupCommit::start(pool.acquire().await?);
            Ok(SqlStore::new(pool, Some(group_commit)))
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
                    // survive a crash of the machine, not only of the process. A group commit's
                    // multi-row INSERT keeps a statement journal, in memory rather than a temp file.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        // The in-memory database's one connection must stay free for reads.
        let group_commit = if in_memory { None } else { Some(GroupCommit::start(pool.acquire().await?)) };
        Ok(SqlStore::new(pool, group_commit))
    }

    fn new(pool: AnyPool, group_commit: Option<GroupCommit>) -> SqlStore {
        SqlStore { pool, group_commit, stored_versions: Mutex::default() }
    }

    /// Runs a session write: in the next group commit, or on its own for an in-memory database.
    async fn write(&self, write: Write) -> Result<Written, StoreError> {
        match &self.group_commit {
            Some(group_commit) => group_commit.submit(write).await,
            None => Ok(write.apply(&mut *self.pool.acquire().await?).await?),
        }
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
        // Each scenario version is stored once; after that, a new session is one short row.
        let stored = crate::lock(&self.stored_versions).contains(&session.scenario_hash);
        let source = (!stored).then(|| session.scenario_source.clone());
        let write = Write::Create(NewSession {
            owner,
            id: session.id.clone(),
            scenario_id: session.scenario_id.clone(),
            scenario_hash: session.scenario_hash.clone(),
            source,
            seed: session.seed,
            label: session.label.clone(),
            created_at: session.created_at,
        });
        self.write(write).await?;
        crate::lock(&self.stored_versions).insert(session.scenario_hash.clone());
        Ok(())
    }

    async fn session(&self, owner: CounselorId, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT s.id, s.scenario_id, s.scenario_hash, v.source, s.seed, s.label, s.created_at \
             FROM sessions s JOIN scenario_versions v ON v.hash = s.scenario_hash WHERE s.id = $1 AND s.owner = $2",
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
            scenario_source: row.get::<String, _>("source").into(),
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
        let write = Write::Append(NewEvent {
            id: id.to_owned(),
            seq: i64::try_from(seq).unwrap_or(i64::MAX),
            kind: columns.kind,
            choice: columns.choice,
            text: columns.text.map(str::to_owned),
            analysis: columns.analysis,
            now,
        });
        match self.write(write).await? {
            Written::Appended(appended) => Ok(appended),
            other => unreachable!("an append is answered with Appended, not {other:?}"),
        }
    }

    async fn delete_session(&self, owner: CounselorId, id: &str) -> Result<bool, StoreError> {
        match self.write(Write::Delete { owner, id: id.to_owned() }).await? {
            Written::Deleted(deleted) => Ok(deleted),
            other => unreachable!("a delete is answered with Deleted, not {other:?}"),
        }
    }
}

/// A change to sessions, committed through [`GroupCommit`] (or on its own for an in-memory database).
#[derive(Debug)]
enum Write {
    Create(NewSession),
    Append(NewEvent),
    /// A session and its log.
    Delete {
        owner: CounselorId,
        id: String,
    },
}

/// A new session row, and its scenario's text if that version may not be stored yet.
#[derive(Debug)]
struct NewSession {
    owner: CounselorId,
    id: String,
    scenario_id: String,
    scenario_hash: String,
    source: Option<Arc<str>>,
    seed: u64,
    label: Option<String>,
    created_at: i64,
}

/// An event at position `seq` of a session's log.
#[derive(Debug)]
struct NewEvent {
    id: String,
    seq: i64,
    kind: &'static str,
    choice: Option<i64>,
    text: Option<String>,
    analysis: Option<String>,
    now: i64,
}

/// What a [`Write`] did.
#[derive(Debug)]
enum Written {
    Created,
    Appended(Appended),
    Deleted(bool),
}

impl Write {
    /// Runs the write's statements on `connection`. A lost race (the log position is taken, the
    /// session is gone) is an outcome, not an error, and leaves a surrounding transaction usable.
    async fn apply(&self, connection: &mut AnyConnection) -> Result<Written, sqlx::Error> {
        match self {
            Write::Create(session) => {
                insert_sessions(connection, &[session]).await?;
                Ok(Written::Created)
            }
            Write::Append(event) => Ok(Written::Appended(match insert_events(connection, &[event]).await {
                Ok(()) => Appended::Yes,
                // The primary key (session_id, seq) is taken: another writer got there first.
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => Appended::Conflict,
                // The session row is gone: it was deleted meanwhile.
                Err(sqlx::Error::Database(error)) if error.is_foreign_key_violation() => Appended::Gone,
                Err(error) => return Err(error),
            })),
            Write::Delete { owner, id } => {
                let result = sqlx::query("DELETE FROM sessions WHERE id = $1 AND owner = $2")
                    .bind(id)
                    .bind(owner)
                    .execute(&mut *connection)
                    .await?;
                Ok(Written::Deleted(result.rows_affected() == 1))
            }
        }
    }
}

/// Inserts sessions in one statement, after the scenario versions they bring.
async fn insert_sessions(connection: &mut AnyConnection, sessions: &[&NewSession]) -> Result<(), sqlx::Error> {
    let versions: Vec<(&NewSession, &Arc<str>)> =
        sessions.iter().filter_map(|&session| Some((session, session.source.as_ref()?))).collect();
    if !versions.is_empty() {
        let columns = ["hash", "scenario_id", "source"];
        insert_rows(
            connection,
            "scenario_versions",
            &columns,
            "ON CONFLICT (hash) DO NOTHING",
            &versions,
            |query, (session, source)| query.bind(&session.scenario_hash).bind(&session.scenario_id).bind(&source[..]),
        )
        .await?;
    }
    let columns = ["id", "owner", "scenario_id", "scenario_hash", "seed", "label", "created_at"];
    insert_rows(connection, "sessions", &columns, "", sessions, |query, session| {
        query
            .bind(&session.id)
            .bind(session.owner)
            .bind(&session.scenario_id)
            .bind(&session.scenario_hash)
            // SQLite integers are signed; the seed round-trips through the same bits.
            .bind(session.seed as i64)
            .bind(&session.label)
            .bind(session.created_at)
    })
    .await
}

/// Inserts events in one statement: all of them, or none if one fails (its position is taken, or
/// its session is gone).
async fn insert_events(connection: &mut AnyConnection, events: &[&NewEvent]) -> Result<(), sqlx::Error> {
    let columns = ["session_id", "seq", "kind", "choice", "text", "analysis", "created_at"];
    insert_rows(connection, "events", &columns, "", events, |query, event| {
        query
            .bind(&event.id)
            .bind(event.seq)
            .bind(event.kind)
            .bind(event.choice)
            .bind(&event.text)
            .bind(&event.analysis)
            .bind(event.now)
    })
    .await
}

/// A query on either database.
type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Inserts `rows` into `table` in one statement, `INSERT ... VALUES (...), (...) {tail}`; `bind`
/// adds one row's values, in the order of `columns`.
async fn insert_rows<T>(
    connection: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {} {tail}",
        columns.join(", "),
        placeholders(columns.len(), rows.len())
    );
    rows.iter().fold(sqlx::query(&sql), bind).execute(connection).await?;
    Ok(())
}

/// `($1, $2), ($3, $4)` for two rows of two columns. (sqlx's `QueryBuilder::push_values` would
/// write these, but for the `Any` driver it writes `?`, which PostgreSQL does not accept.)
fn placeholders(columns: usize, rows: usize) -> String {
    let row = |r: usize| {
        let values: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
        format!("({})", values.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// The most writes committed together.
const MAX_GROUP: usize = 256;

/// Group commit. Every commit waits for the disk (SQLite with `synchronous = FULL`, PostgreSQL
/// with `fsync`), and SQLite lets one connection write at a time; so one task per server owns a
/// writing connection, and the writes that arrive while a commit runs are committed together in the
/// next transaction, in a few statements. Each write is answered only after its transaction is
/// durable. Servers sharing a PostgreSQL database each have their own.
#[derive(Debug)]
struct GroupCommit {
    queue: mpsc::Sender<Queued>,
}

/// A write waiting for its group, and where to send its outcome.
struct Queued {
    write: Write,
    done: oneshot::Sender<Result<Written, StoreError>>,
}

impl GroupCommit {
    /// Starts the task that owns `connection`; it ends when the store is dropped.
    fn start(connection: PoolConnection<Any>) -> GroupCommit {
        let (queue, queued) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(commit_groups(connection, queued));
        GroupCommit { queue }
    }

    /// Queues `write` and waits until it is committed.
    async fn submit(&self, write: Write) -> Result<Written, StoreError> {
        let stopped = || StoreError("the database writer has stopped".into());
        let (done, outcome) = oneshot::channel();
        self.queue.send(Queued { write, done }).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn commit_groups(mut connection: PoolConnection<Any>, mut queued: mpsc::Receiver<Queued>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queued.recv_many(&mut group, MAX_GROUP).await > 0 {
        match commit_group(&mut connection, &group).await {
            Ok(outcomes) => {
                for (queued, outcome) in group.drain(..).zip(outcomes) {
                    // The requester may have gone (a timeout); its write stands all the same.
                    let _ = queued.done.send(Ok(outcome));
                }
            }
            // Nothing of the group was committed: each write fails alike.
            Err(error) => {
                for queued in group.drain(..) {
                    let _ = queued.done.send(Err(StoreError(error.to_string())));
                }
            }
        }
    }
}

/// Runs a group in one transaction. On an error the transaction is rolled back as a whole.
async fn commit_group(connection: &mut AnyConnection, group: &[Queued]) -> Result<Vec<Written>, sqlx::Error> {
    let writes: Vec<&Write> = group.iter().map(|queued| &queued.write).collect();
    let mut transaction = connection.begin().await?;
    if let Ok(outcomes) = apply_together(&mut transaction, &writes).await {
        transaction.commit().await?;
        return Ok(outcomes);
    }
    // A row failed its statement (a reply to a session deleted meanwhile, say): start again, one
    // write per transaction, so that each gets its own outcome. (Not one transaction for all: in
    // PostgreSQL a failed statement aborts the transaction around it.)
    transaction.rollback().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    for write in writes {
        outcomes.push(write.apply(connection).await?);
    }
    Ok(outcomes)
}

/// Runs a group's new sessions as one statement and its appends as another: each statement costs
/// a round trip to the thread that runs the SQLite connection, so a group costs a few round trips
/// rather than one per write. Fails as a whole if any row fails, a lost race included.
async fn apply_together(connection: &mut AnyConnection, writes: &[&Write]) -> Result<Vec<Written>, sqlx::Error> {
    let sessions: Vec<&NewSession> = writes
        .iter()
        .filter_map(|write| if let Write::Create(session) = write { Some(session) } else { None })
        .collect();
    let events: Vec<&NewEvent> =
        writes.iter().filter_map(|write| if let Write::Append(event) = write { Some(event) } else { None }).collect();
    if !sessions.is_empty() {
        insert_sessions(connection, &sessions).await?;
    }
    if !events.is_empty() {
        insert_events(connection, &events).await?;
    }
    let mut outcomes = Vec::with_capacity(writes.len());
    for write in writes {
        outcomes.push(match write {
            Write::Create(_) => Written::Created,
            Write::Append(_) => Written::Appended(Appended::Yes),
            // Deletions are rare: one statement each, after the inserts.
            Write::Delete { .. } => write.apply(connection).await?,
        });
    }
    Ok(outcomes)
}

/// The columns of an event: `kind`, `choice`, `text` and `analysis` (JSON).
struct EventColumns<'a> {
    pub kind: &'static str,
    pub choice: Option<i64>,
    pub text: Option<&'a str>,
    pub analysis: Option<String>,
}

/// Splits an event into its columns.
fn event_columns(event: &Event) -> Result<EventColumns<'_>, StoreError> {
    let analysis = |analysis: &Analysis| serde_json::to_string(analysis).map_err(|e| StoreError(e.to_string()));
    Ok(match event {
        Event::Reply { reply: Reply::Choice(number), analysis: scored } => EventColumns {
            kind: "choice",
            choice: Some(i64::try_from(*number).unwrap_or(i64::MAX)),
            text: None,
            analysis: Some(analysis(scored)?),
        },
        Event::Reply { reply: Reply::Text(text), analysis: scored } => {
            EventColumns { kind: "text", choice: None, text: Some(text.as_str()), analysis: Some(analysis(scored)?) }
        }
        Event::Undo => EventColumns { kind: "undo", choice: None, text: None, analysis: None },
    })
}

/// Rebuilds an event from its columns.
fn event_from_columns(
    kind: &str,
    choice: Option<i64>,
    text: Option<String>,
    analysis: Option<String>,
) -> Result<Event, StoreError> {
    let scored = |analysis: Option<String>| -> Result<Analysis, StoreError> {
        let json = analysis.ok_or_else(|| StoreError("a reply is stored without its analysis".into()))?;
        serde_json::from_str(&json).map_err(|e| StoreError(format!("a stored analysis does not read back: {e}")))
    };
    match (kind, choice, text) {
        ("choice", Some(number), _) => Ok(Event::Reply {
            reply: Reply::Choice(usize::try_from(number).map_err(|_| StoreError("bad choice".into()))?),
            analysis: scored(analysis)?,
        }),
        ("text", _, Some(text)) => Ok(Event::Reply { reply: Reply::Text(text), analysis: scored(analysis)? }),
        ("undo", _, _) => Ok(Event::Undo),
        (kind, _, _) => Err(StoreError(format!("an event of kind `{kind}` lacks its value"))),
    }
}
