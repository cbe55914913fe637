//! End-to-end tests of the counselor service on a real listener (127.0.0.1, port 0).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::load;
use rehearse_http::sql::SqlStore;
use rehearse_http::store::SessionStore;
use rehearse_http::{App, serve_until, tokens};
use serde_json::{Value, json};
use tokio::sync::oneshot;

const LATE_AGAIN: &str = include_str!("../scenarios/late-again.yaml");

/// The replies that take late-again (seed 7) to its repaired ending, by turn.
fn repairing_replies() -> Vec<Value> {
    vec![
        json!({"turn": 1, "choice": 1}),
        json!({"turn": 2, "text": "You were checking your phone all night and nothing came. I'm so sorry."}),
        json!({"turn": 3, "choice": 1}),
        json!({"turn": 4, "choice": 1}),
        json!({"turn": 5, "choice": 1}),
        json!({"turn": 6, "choice": 2}),
    ]
}

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rehearse-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("rehearse.db")
}

/// A server running in this process, stopped by dropping `stop` (or sending on it).
struct Server {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(db: &Path) -> Server {
        let store = SqlStore::open(&format!("sqlite://{}", db.display())).await.unwrap();
        let analyzer = Arc::new(Analyzer::builtin());
        let scenario = Arc::new(load("late-again.yaml", LATE_AGAIN, &analyzer).unwrap().scenario);
        let app = Arc::new(App::new(Arc::new(store), analyzer, vec![scenario]));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_until(app, listener, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Server { base, stop: Some(stop), task }
    }

    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap();
    }
}

async fn add_counselor(db: &Path, name: &str) -> String {
    let store = SqlStore::open(&format!("sqlite://{}", db.display())).await.unwrap();
    let token = tokens::new_token();
    assert!(store.add_counselor(name, &tokens::hash(&token), 0).await.unwrap());
    token
}

async fn request(method: reqwest::Method, url: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn create_session(base: &str, token: &str) -> String {
    let (status, body) = request(
        reqwest::Method::POST,
        &format!("{base}/api/v1/sessions"),
        token,
        Some(json!({"scenario": "late-again", "seed": 7})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn reply(base: &str, token: &str, id: &str, body: Value) -> (u16, Value) {
    request(reqwest::Method::POST, &format!("{base}/api/v1/sessions/{id}/replies"), token, Some(body)).await
}

#[tokio::test]
async fn a_full_session_reaches_its_ending() {
    let db = temp_db("full");
    let token = add_counselor(&db, "alice").await;
    let server = Server::start(&db).await;
    let id = create_session(&server.base, &token).await;
    for body in repairing_replies() {
        let (status, response) = reply(&server.base, &token, &id, body).await;
        assert_eq!(status, 200, "{response}");
    }
    let (status, report) =
        request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}/report", server.base), &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(report["ending"]["id"], "repaired");
    server.shut_down().await;
}

#[tokio::test]
async fn a_restarted_server_continues_the_session() {
    let db = temp_db("restart");
    let token = add_counselor(&db, "alice").await;
    let replies = repairing_replies();
    let server = Server::start(&db).await;
    let id = create_session(&server.base, &token).await;
    for body in &replies[..3] {
        assert_eq!(reply(&server.base, &token, &id, body.clone()).await.0, 200);
    }
    server.shut_down().await;

    let server = Server::start(&db).await;
    let (status, session) =
        request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}", server.base), &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(session["transcript"].as_array().unwrap().len(), 3, "every acknowledged reply survived");
    for body in &replies[3..] {
        assert_eq!(reply(&server.base, &token, &id, body.clone()).await.0, 200);
    }
    let (_, session) =
        request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}", server.base), &token, None).await;
    assert_eq!(session["next"]["ending"]["id"], "repaired");
    server.shut_down().await;
}

#[tokio::test]
async fn two_counselors_cannot_see_each_other() {
    let db = temp_db("isolation");
    let alice = add_counselor(&db, "alice").await;
    let bob = add_counselor(&db, "bob").await;
    let server = Server::start(&db).await;
    let id = create_session(&server.base, &alice).await;
    let (status, _) = request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}", server.base), &bob, None).await;
    assert_eq!(status, 404);
    let (status, _) = reply(&server.base, &bob, &id, json!({"turn": 1, "choice": 1})).await;
    assert_eq!(status, 404);
    let (_, list) = request(reqwest::Method::GET, &format!("{}/api/v1/sessions", server.base), &bob, None).await;
    assert_eq!(list["sessions"], json!([]));
    let (status, session) =
        request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}", server.base), &alice, None).await;
    assert_eq!(status, 200);
    assert_eq!(session["transcript"], json!([]));
    server.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_replies_to_one_turn_are_accepted_exactly_once() {
    let db = temp_db("race");
    let token = add_counselor(&db, "alice").await;
    let server = Server::start(&db).await;
    let id = create_session(&server.base, &token).await;
    let mut racers = Vec::new();
    for n in 0..50 {
        let (base, token, id) = (server.base.clone(), token.clone(), id.clone());
        let body = if n % 2 == 0 {
            json!({"turn": 1, "choice": 1 + n % 4})
        } else {
            json!({"turn": 1, "text": format!("reply number {n}")})
        };
        racers.push(tokio::spawn(async move { reply(&base, &token, &id, body).await }));
    }
    let mut accepted = 0;
    for racer in racers {
        let (status, body) = racer.await.unwrap();
        match status {
            200 => accepted += 1,
            409 => assert_eq!(body["error"]["code"], "stale_turn", "{body}"),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert_eq!(accepted, 1);
    let (_, session) =
        request(reqwest::Method::GET, &format!("{}/api/v1/sessions/{id}", server.base), &token, None).await;
    assert_eq!(session["transcript"].as_array().unwrap().len(), 1, "exactly one reply is stored");
    server.shut_down().await;
}

/// Starts `rehearse serve` on port 0 and returns it with the base URL it logged.
fn spawn_binary(db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &format!("sqlite://{}", db.display())])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server logs its address").unwrap();
        if let Some(at) = line.find("addr=") {
            break line[at + 5..].split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, format!("http://{addr}"))
}

#[tokio::test]
async fn acknowledged_replies_survive_kill_9() {
    let db = temp_db("kill");
    let token = add_counselor(&db, "alice").await;
    let (mut child, base) = spawn_binary(&db);
    let id = create_session(&base, &token).await;
    for body in &repairing_replies()[..4] {
        assert_eq!(reply(&base, &token, &id, body.clone()).await.0, 200);
    }
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush.
    child.wait().unwrap();

    let (mut child, base) = spawn_binary(&db);
    let (status, session) = request(reqwest::Method::GET, &format!("{base}/api/v1/sessions/{id}"), &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(session["transcript"].as_array().unwrap().len(), 4);
    assert_eq!(session["next"]["turn"]["number"], 5);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_refuses_a_public_address_without_tokens() {
    let db = temp_db("public");
    let output = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["serve", "--addr", "0.0.0.0:0", "--db", &format!("sqlite://{}", db.display())])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to listen on 0.0.0.0:0 while no counselor token exists"), "{stderr}");
}

#[test]
fn tokens_are_created_listed_and_revoked() {
    let db = temp_db("tokens");
    let url = format!("sqlite://{}", db.display());
    let run =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_rehearse")).args(args).args(["--db", &url]).output().unwrap();
    let created = run(&["token", "create", "alice"]);
    assert!(created.status.success());
    let token = String::from_utf8(created.stdout).unwrap();
    assert!(token.trim().starts_with("rh_"));
    assert!(!run(&["token", "create", "alice"]).status.success(), "names are unique");
    let listed = String::from_utf8(run(&["token", "list"]).stdout).unwrap();
    assert!(listed.starts_with("alice\tactive"), "{listed}");
    assert!(!listed.contains(token.trim()), "the token itself is never shown again");
    assert!(run(&["token", "revoke", "alice"]).status.success());
    assert!(String::from_utf8(run(&["token", "list"]).stdout).unwrap().starts_with("alice\trevoked"));
    assert!(!run(&["token", "revoke", "alice"]).status.success());
}

#[test]
fn serve_refuses_two_scenarios_with_one_id() {
    let dir = temp_db("duplicate-ids").parent().unwrap().join("scenarios");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.yaml"), LATE_AGAIN).unwrap();
    std::fs::write(dir.join("b.yaml"), LATE_AGAIN).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args(["serve", "--scenarios", dir.to_str().unwrap(), "--db", "sqlite::memory:"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("both have the id `late-again`; ids must be unique"), "{stderr}");
}
