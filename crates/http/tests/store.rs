//! The SQL store on a SQLite file, where session writes are committed in groups: each write keeps
//! its own outcome inside a group, and databases made by earlier versions migrate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rehearse_http::sql::SqlStore;
use rehearse_http::store::{Appended, Event, SessionStore, StoredSession};
use rehearse_http::tokens;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rehearse-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("rehearse.db")
}

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

fn new_session(source: &str) -> StoredSession {
    StoredSession {
        id: tokens::session_id(),
        scenario_id: "s".into(),
        scenario_hash: rehearse_core::scenario::content_hash(source),
        scenario_source: source.into(),
        seed: u64::MAX,
        label: Some("a client".into()),
        created_at: 1,
        events: Vec::new(),
    }
}

async fn store_with_counselor(db: &Path) -> Arc<SqlStore> {
    let store = SqlStore::open(&url(db)).await.unwrap();
    assert!(store.add_counselor("alice", &tokens::hash("token"), 0).await.unwrap());
    Arc::new(store)
}

/// Runs `append`s of `Event::Undo` at once, so that they share commit groups.
async fn append_at_once(store: &Arc<SqlStore>, targets: &[(String, usize)]) -> Vec<Appended> {
    let tasks: Vec<_> = targets
        .iter()
        .map(|(id, seq)| {
            let (store, id, seq) = (Arc::clone(store), id.clone(), *seq);
            tokio::spawn(async move { store.append(&id, seq, &Event::Undo, 2).await.unwrap() })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_write_of_a_group_keeps_its_own_outcome() {
    let db = temp_db("outcomes");
    let store = store_with_counselor(&db).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        let session = new_session(if n % 2 == 0 { "version one" } else { "version two" });
        store.create_session(1, &session).await.unwrap();
        ids.push(session.id);
    }
    // A session deleted before its reply arrives: its row fails the group's statement, and the
    // others must still be stored.
    assert!(store.delete_session(1, &ids[19]).await.unwrap());
    let mut targets: Vec<(String, usize)> = ids.iter().map(|id| (id.clone(), 0)).collect();
    // Two writers racing for one position: exactly one wins.
    targets.push((ids[0].clone(), 0));
    let outcomes = append_at_once(&store, &targets).await;

    assert_eq!(outcomes[19], Appended::Gone);
    let first = [outcomes[0], outcomes[20]];
    assert!(first.contains(&Appended::Yes) && first.contains(&Appended::Conflict), "{first:?}");
    assert!(outcomes[1..19].iter().all(|&outcome| outcome == Appended::Yes), "{outcomes:?}");
    for id in &ids[..19] {
        let stored = store.session(1, id).await.unwrap().unwrap();
        assert_eq!(stored.events.len(), 1, "{id}");
    }
    assert!(store.session(1, &ids[19]).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_log_keeps_its_order_and_its_sessions_their_scenario_text() {
    let db = temp_db("order");
    let store = store_with_counselor(&db).await;
    let session = new_session("the scenario's text");
    store.create_session(1, &session).await.unwrap();
    for seq in 0..5 {
        assert_eq!(store.append(&session.id, seq, &Event::Undo, 2).await.unwrap(), Appended::Yes);
    }
    assert_eq!(store.append(&session.id, 2, &Event::Undo, 2).await.unwrap(), Appended::Conflict);
    drop(store);

    // Reopened: the writes were committed, not only queued.
    let store = SqlStore::open(&url(&db)).await.unwrap();
    let stored = store.session(1, &session.id).await.unwrap().unwrap();
    assert_eq!(stored.events.len(), 5);
    assert_eq!((stored.scenario_source.as_str(), stored.seed), ("the scenario's text", u64::MAX));
    assert_eq!(store.session(2, &session.id).await.unwrap().map(|s| s.id), None, "someone else's session");
}

#[tokio::test]
async fn a_database_from_before_scenario_versions_migrates() {
    let db = temp_db("migrate");
    // The schema as the first two migrations left it, with two sessions on one scenario version.
    let old = std::env::temp_dir().join(format!("rehearse-store-old-migrations-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::create_dir_all(&old).unwrap();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for name in ["0001_init.sql", "0002_analyses.sql"] {
        std::fs::copy(migrations.join(name), old.join(name)).unwrap();
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("{}?mode=rwc", url(&db))).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();
    for statement in [
        "INSERT INTO counselors (name, token_hash, created_at) VALUES ('alice', 'h', 0)",
        "INSERT INTO sessions (id, owner, scenario_id, scenario_hash, scenario_source, seed, label, created_at) \
         VALUES ('a', 1, 's', 'hash', 'text of s', 7, NULL, 0), ('b', 1, 's', 'hash', 'text of s', 8, NULL, 0)",
        "INSERT INTO events (session_id, seq, kind, created_at) VALUES ('a', 0, 'undo', 0)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = SqlStore::open(&url(&db)).await.unwrap();
    for (id, seed, events) in [("a", 7, 1), ("b", 8, 0)] {
        let stored = store.session(1, id).await.unwrap().unwrap();
        assert_eq!((stored.scenario_source.as_str(), stored.seed, stored.events.len()), ("text of s", seed, events));
    }
}
