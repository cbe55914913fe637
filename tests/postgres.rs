//! Two server instances sharing one PostgreSQL database serve the same session.
//!
//! Needs `REHEARSE_PG_URL` (`.ci/run` starts a throwaway server with `scripts/postgres.sh`). Without
//! it the test is skipped locally, and fails under CI so that a missing database cannot pass unseen.

use std::sync::Arc;

use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::load;
use rehearse_http::sql::SqlStore;
use rehearse_http::store::SessionStore;
use rehearse_http::{App, serve_until, tokens};
use serde_json::{Value, json};

const LATE_AGAIN: &str = include_str!("../scenarios/late-again.yaml");

fn database_url() -> Option<String> {
    match std::env::var("REHEARSE_PG_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => panic!("CI must provide PostgreSQL in REHEARSE_PG_URL"),
        Err(_) => {
            eprintln!("skipped: set REHEARSE_PG_URL (scripts/postgres.sh starts a server) to run the PostgreSQL tests");
            None
        }
    }
}

/// Starts one server instance on the shared database; returns its base URL.
async fn instance(url: &str) -> String {
    let store = SqlStore::open(url).await.expect("PostgreSQL is reachable");
    let analyzer = Arc::new(Analyzer::builtin());
    let scenario = Arc::new(load("late-again.yaml", LATE_AGAIN, &analyzer).unwrap().scenario);
    let app = Arc::new(App::new(Arc::new(store), analyzer, vec![scenario]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve_until(app, listener, std::future::pending()));
    base
}

async fn post(url: String, token: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new().post(url).bearer_auth(token).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_sessions_and_the_turn_check() {
    let Some(url) = database_url() else { return };
    let (a, b) = (instance(&url).await, instance(&url).await);
    let store = SqlStore::open(&url).await.unwrap();
    let token = tokens::new_token();
    assert!(store.add_counselor(&format!("pg-{}", tokens::session_id()), &tokens::hash(&token), 0).await.unwrap());

    let (status, created) =
        post(format!("{a}/api/v1/sessions"), &token, json!({"scenario": "late-again", "seed": 7})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    // A reply through one instance, the next through the other.
    assert_eq!(post(format!("{a}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 1, "choice": 1})).await.0, 200);
    let (status, second) =
        post(format!("{b}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 2, "choice": 1})).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["next"]["turn"]["number"], 3);
    // A stale turn is refused by either instance.
    let (status, stale) =
        post(format!("{a}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 2, "choice": 1})).await;
    assert_eq!((status, stale["error"]["current_turn"].clone()), (409, json!(3)));

    // Fifty replies to turn 3, spread over both instances: exactly one is accepted.
    let mut racers = Vec::new();
    for n in 0..50 {
        let base = if n % 2 == 0 { a.clone() } else { b.clone() };
        let (token, id) = (token.clone(), id.clone());
        racers.push(tokio::spawn(async move {
            post(format!("{base}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 3, "choice": 1 + n % 3})).await
        }));
    }
    let mut accepted = 0;
    for racer in racers {
        match racer.await.unwrap() {
            (200, _) => accepted += 1,
            (409, body) => assert_eq!(body["error"]["code"], "stale_turn"),
            (status, body) => panic!("unexpected {status}: {body}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(get(format!("{b}/api/v1/sessions/{id}"), &token).await["transcript"].as_array().unwrap().len(), 3);

    // One instance keeps the session after its undo; the other undoes and replies meanwhile. The
    // first must not store a reply at the position it remembers, which the other has filled.
    let undo = |base: &str, turn: u32| post(format!("{base}/api/v1/sessions/{id}/undo"), &token, json!({"turn": turn}));
    let (status, undone) = undo(&a, 4).await;
    assert_eq!((status, undone["next"]["turn"]["number"].clone()), (200, json!(3)), "{undone}");
    let (status, replied) =
        post(format!("{b}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 3, "choice": 1})).await;
    assert_eq!(status, 200, "{replied}");
    assert_eq!(undo(&b, 4).await.0, 200);
    let (status, replied) =
        post(format!("{a}/api/v1/sessions/{id}/replies"), &token, json!({"turn": 3, "choice": 2})).await;
    assert_eq!(status, 200, "{replied}");
    let session = get(format!("{b}/api/v1/sessions/{id}"), &token).await;
    let transcript = session["transcript"].as_array().unwrap();
    assert_eq!((transcript.len(), transcript[2]["choice"].clone()), (3, json!(2)), "{session}");
}

async fn get(url: String, token: &str) -> Value {
    reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}
