//! Router tests: every route and every error status, through `tower::ServiceExt::oneshot`.

use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::load;
use rehearse_http::sql::SqlStore;
use rehearse_http::store::SessionStore;
use rehearse_http::{App, router, tokens};
use serde_json::{Value, json};
use tower::ServiceExt;

static ANALYZER: LazyLock<Arc<Analyzer>> = LazyLock::new(|| Arc::new(Analyzer::builtin()));
const LATE_AGAIN: &str = include_str!("../../../scenarios/late-again.yaml");

struct Fixture {
    router: Router,
    store: Arc<SqlStore>,
    alice: String,
    bob: String,
}

async fn fixture() -> Fixture {
    let store = SqlStore::open("sqlite::memory:").await.expect("in-memory store");
    let alice = tokens::new_token();
    let bob = tokens::new_token();
    assert!(store.add_counselor("alice", &tokens::hash(&alice), 1).await.unwrap());
    assert!(store.add_counselor("bob", &tokens::hash(&bob), 1).await.unwrap());
    let scenario = Arc::new(load("late-again.yaml", LATE_AGAIN, &ANALYZER).unwrap().scenario);
    let store = Arc::new(store);
    let app = Arc::new(App::new(Arc::clone(&store) as Arc<dyn SessionStore>, Arc::clone(&ANALYZER), vec![scenario]));
    Fixture { router: router(app), store, alice, bob }
}

/// Sends a request; `body` is JSON unless it is a string, which is sent as it is.
async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(Value::String(raw)) => request.body(Body::from(raw)).unwrap(),
        Some(json) => {
            request.header(header::CONTENT_TYPE, "application/json").body(Body::from(json.to_string())).unwrap()
        }
        None => request.body(Body::empty()).unwrap(),
    };
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

#[track_caller]
fn assert_error(response: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(response.0, status, "{}", response.1);
    assert_eq!(response.1["error"]["code"], code, "{}", response.1);
    assert!(response.1["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

async fn new_session(f: &Fixture) -> String {
    let (status, body) = call(
        &f.router,
        Method::POST,
        "/api/v1/sessions",
        Some(&f.alice),
        Some(json!({"scenario": "late-again", "seed": 7})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn health_needs_no_token_and_every_api_route_does() {
    let f = fixture().await;
    assert_eq!(
        call(&f.router, Method::GET, "/healthz", None, None).await,
        (StatusCode::OK, Value::String("ok".into()))
    );
    for (method, uri) in [
        (Method::GET, "/api/v1/scenarios"),
        (Method::GET, "/api/v1/scenarios/late-again"),
        (Method::POST, "/api/v1/scenarios/validate"),
        (Method::POST, "/api/v1/analyze"),
        (Method::GET, "/api/v1/principles"),
        (Method::GET, "/api/v1/sessions"),
        (Method::POST, "/api/v1/sessions"),
        (Method::GET, "/api/v1/sessions/x"),
        (Method::DELETE, "/api/v1/sessions/x"),
        (Method::POST, "/api/v1/sessions/x/replies"),
        (Method::POST, "/api/v1/sessions/x/undo"),
        (Method::GET, "/api/v1/sessions/x/report"),
        (Method::GET, "/api/v1/openapi.json"),
    ] {
        assert_error(&call(&f.router, method.clone(), uri, None, None).await, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_error(
            &call(&f.router, method, uri, Some("rh_wrong"), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        );
    }
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let f = fixture().await;
    assert!(f.store.revoke_counselor("bob", 2).await.unwrap());
    let refused = call(&f.router, Method::GET, "/api/v1/sessions", Some(&f.bob), None).await;
    assert_error(&refused, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(call(&f.router, Method::GET, "/api/v1/sessions", Some(&f.alice), None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn scenarios_are_listed_described_and_validated() {
    let f = fixture().await;
    let (status, list) = call(&f.router, Method::GET, "/api/v1/scenarios", Some(&f.alice), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["id"], "late-again");
    assert_eq!(list[0]["difficulty"], "gentle");
    let (status, detail) = call(&f.router, Method::GET, "/api/v1/scenarios/late-again", Some(&f.alice), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["endings"].as_array().unwrap().len(), 3);
    assert_error(
        &call(&f.router, Method::GET, "/api/v1/scenarios/nope", Some(&f.alice), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    let (status, valid) = call(
        &f.router,
        Method::POST,
        "/api/v1/scenarios/validate",
        Some(&f.alice),
        Some(Value::String(LATE_AGAIN.into())),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(valid, json!({"valid": true, "diagnostics": []}));
    let broken = LATE_AGAIN.replacen("start: door", "start: dor", 1);
    let (_, invalid) =
        call(&f.router, Method::POST, "/api/v1/scenarios/validate", Some(&f.alice), Some(Value::String(broken))).await;
    assert_eq!(invalid["valid"], false);
    assert_eq!(invalid["diagnostics"][0]["message"], "start node `dor` does not exist");
    assert_eq!(invalid["diagnostics"][0]["hint"], "did you mean `door`?");
    assert!(invalid["diagnostics"][0]["line"].as_u64().unwrap() > 1);
    // Scenario uploads may exceed the 64 KiB limit of other bodies, up to 1 MiB.
    let padded = format!("{LATE_AGAIN}\n#{}", "x".repeat(100 * 1024));
    let (status, _) =
        call(&f.router, Method::POST, "/api/v1/scenarios/validate", Some(&f.alice), Some(Value::String(padded))).await;
    assert_eq!(status, StatusCode::OK);
    let huge = "#".repeat(1024 * 1024 + 1);
    let response =
        call(&f.router, Method::POST, "/api/v1/scenarios/validate", Some(&f.alice), Some(Value::String(huge))).await;
    assert_error(&response, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
}

#[tokio::test]
async fn analyze_scores_a_reply_and_refuses_bad_bodies() {
    let f = fixture().await;
    let (status, analysis) = call(
        &f.router,
        Method::POST,
        "/api/v1/analyze",
        Some(&f.alice),
        Some(json!({"text": "That makes sense.", "context": "Long day."})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(analysis["style"], "active_listening");
    assert_eq!(analysis["tags"][0]["evidence"][0], json!({"start": 0, "end": 16, "text": "That makes sense"}));

    let router = &f.router;
    let token = Some(f.alice.as_str());
    assert_error(
        &call(router, Method::POST, "/api/v1/analyze", token, Some(Value::String("{\"text\": ".into()))).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let malformed = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/analyze")
        .header(header::AUTHORIZATION, format!("Bearer {}", f.alice))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"text\": "))
        .unwrap();
    let response = router.clone().oneshot(malformed).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_error(
        &call(router, Method::POST, "/api/v1/analyze", token, Some(json!({"txt": "hi"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    let long = "a".repeat(2_001);
    let response = call(router, Method::POST, "/api/v1/analyze", token, Some(json!({"text": long}))).await;
    assert_error(&response, StatusCode::UNPROCESSABLE_ENTITY, "too_long");
    assert_eq!(response.1["error"]["field"], "text");
    let huge = "a".repeat(70 * 1024);
    assert_error(
        &call(router, Method::POST, "/api/v1/analyze", token, Some(json!({"text": huge}))).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
    );
}

#[tokio::test]
async fn the_principles_come_from_the_rubric_in_use() {
    let f = fixture().await;
    let (status, principles) = call(&f.router, Method::GET, "/api/v1/principles", Some(&f.alice), None).await;
    assert_eq!(status, StatusCode::OK);
    let principles = principles.as_array().unwrap();
    assert_eq!(principles.len(), 18);
    assert_eq!(principles[0]["tag"], "i_statement");
    assert_eq!(principles[0]["title"], "I-statement");
    assert_eq!(principles[0]["breakdown"], false);
    let contempt = principles.iter().find(|p| p["tag"] == "contempt").unwrap();
    assert_eq!((contempt["breakdown"].clone(), contempt["weight"].clone()), (json!(true), json!(-4)));
}

#[tokio::test]
async fn a_session_plays_to_its_ending_with_replies_undo_and_report() {
    let f = fixture().await;
    let id = new_session(&f).await;
    let token = Some(f.alice.as_str());
    let replies = format!("/api/v1/sessions/{id}/replies");

    let (status, first) = call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1, "choice": 3}))).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["analysis"]["style"], "defensive");
    assert_eq!(first["next"]["turn"]["number"], 2);
    let (status, undone) = call(&f.router, Method::POST, &format!("/api/v1/sessions/{id}/undo"), token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(undone["next"]["turn"]["number"], 1);
    assert_error(
        &call(&f.router, Method::POST, &format!("/api/v1/sessions/{id}/undo"), token, None).await,
        StatusCode::CONFLICT,
        "nothing_to_undo",
    );

    for (turn, reply) in [
        (1, json!({"choice": 1})),
        (2, json!({"text": "You were checking your phone all night and nothing came. I'm so sorry."})),
        (3, json!({"choice": 1})),
        (4, json!({"choice": 1})),
        (5, json!({"choice": 1})),
        (6, json!({"choice": 2})),
    ] {
        let mut body = reply;
        body["turn"] = json!(turn);
        let (status, response) = call(&f.router, Method::POST, &replies, token, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "turn {turn}: {response}");
    }
    let (status, session) = call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}"), token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["next"]["ending"]["id"], "repaired");
    assert_eq!(session["transcript"].as_array().unwrap().len(), 6);
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 7, "choice": 1}))).await,
        StatusCode::CONFLICT,
        "session_finished",
    );

    let (status, report) = call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}/report"), token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["ending"]["id"], "repaired");
    let (status, markdown) =
        call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}/report?format=markdown"), token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(markdown.as_str().unwrap().contains("## Report: Late again, and no call"));
    assert_error(
        &call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}/report?format=pdf"), token, None).await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    );

    let (status, _) = call(&f.router, Method::DELETE, &format!("/api/v1/sessions/{id}"), token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_error(
        &call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}"), token, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &call(&f.router, Method::DELETE, &format!("/api/v1/sessions/{id}"), token, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn bad_replies_get_the_right_status_and_change_nothing() {
    let f = fixture().await;
    let id = new_session(&f).await;
    let token = Some(f.alice.as_str());
    let replies = format!("/api/v1/sessions/{id}/replies");
    let stale = call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 5, "choice": 1}))).await;
    assert_error(&stale, StatusCode::CONFLICT, "stale_turn");
    assert_eq!(stale.1["error"]["current_turn"], 1);
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1, "choice": 9}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_choice",
    );
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_reply",
    );
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1, "choice": 1, "text": "hi"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_reply",
    );
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1, "text": "  "}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "empty_reply",
    );
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": 1, "text": "a".repeat(2_001)}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_long",
    );
    assert_error(
        &call(&f.router, Method::POST, &replies, token, Some(json!({"turn": "one", "choice": 1}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    let (_, session) = call(&f.router, Method::GET, &format!("/api/v1/sessions/{id}"), token, None).await;
    assert_eq!(session["transcript"], json!([]), "nothing was stored");

    assert_error(
        &call(&f.router, Method::POST, "/api/v1/sessions", token, Some(json!({"scenario": "nope"}))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &call(
            &f.router,
            Method::POST,
            "/api/v1/sessions",
            token,
            Some(json!({"scenario": "late-again", "label": "x".repeat(201)})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_long",
    );
    assert_error(
        &call(&f.router, Method::GET, "/api/v1/sessions?limit=0", token, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_range",
    );
    assert_error(
        &call(&f.router, Method::GET, "/api/v1/sessions?limit=abc", token, None).await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    );
    assert_error(&call(&f.router, Method::GET, "/nowhere", token, None).await, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &call(&f.router, Method::PUT, "/api/v1/sessions", token, None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn counselors_see_only_their_own_sessions_newest_first() {
    let f = fixture().await;
    let first = new_session(&f).await;
    let second = new_session(&f).await;
    let (_, page) = call(&f.router, Method::GET, "/api/v1/sessions?limit=1", Some(&f.alice), None).await;
    assert_eq!(page["sessions"][0]["id"], second.as_str());
    assert_eq!(page["next_offset"], 1);
    let (_, page) = call(&f.router, Method::GET, "/api/v1/sessions?limit=1&offset=1", Some(&f.alice), None).await;
    assert_eq!(page["sessions"][0]["id"], first.as_str());

    let (_, theirs) = call(&f.router, Method::GET, "/api/v1/sessions", Some(&f.bob), None).await;
    assert_eq!(theirs["sessions"], json!([]));
    for (method, uri, body) in [
        (Method::GET, format!("/api/v1/sessions/{first}"), None),
        (Method::GET, format!("/api/v1/sessions/{first}/report"), None),
        (Method::POST, format!("/api/v1/sessions/{first}/replies"), Some(json!({"turn": 1, "choice": 1}))),
        (Method::POST, format!("/api/v1/sessions/{first}/undo"), None),
        (Method::DELETE, format!("/api/v1/sessions/{first}"), None),
    ] {
        assert_error(&call(&f.router, method, &uri, Some(&f.bob), body).await, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, _) = call(&f.router, Method::GET, &format!("/api/v1/sessions/{first}"), Some(&f.alice), None).await;
    assert_eq!(status, StatusCode::OK, "bob's attempts changed nothing");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let f = fixture().await;
    let (status, doc) = call(&f.router, Method::GET, "/api/v1/openapi.json", Some(&f.alice), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/scenarios",
        "/api/v1/scenarios/{id}",
        "/api/v1/scenarios/validate",
        "/api/v1/analyze",
        "/api/v1/principles",
        "/api/v1/sessions",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/{id}/replies",
        "/api/v1/sessions/{id}/undo",
        "/api/v1/sessions/{id}/report",
        "/api/v1/openapi.json",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["Analysis"].is_object());
}

#[tokio::test]
async fn the_web_page_is_served_with_a_strict_content_security_policy() {
    let f = fixture().await;
    for (path, content_type) in [("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css")] {
        let response = f.router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with(content_type), "{path}");
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    }
    let page = call(&f.router, Method::GET, "/", None, None).await.1;
    assert!(page.as_str().unwrap().contains("<script src=\"/app.js\" defer></script>"));
}

#[tokio::test]
async fn undo_can_name_its_turn_so_a_repeated_click_takes_back_one_reply() {
    let f = fixture().await;
    let id = new_session(&f).await;
    let token = Some(f.alice.as_str());
    let replies = format!("/api/v1/sessions/{id}/replies");
    let undo = format!("/api/v1/sessions/{id}/undo");
    for (turn, choice) in [(1, 1), (2, 1)] {
        assert_eq!(
            call(&f.router, Method::POST, &replies, token, Some(json!({"turn": turn, "choice": choice}))).await.0,
            StatusCode::OK
        );
    }
    let (status, undone) = call(&f.router, Method::POST, &undo, token, Some(json!({"turn": 3}))).await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["next"]["turn"]["number"], 2);
    let repeated = call(&f.router, Method::POST, &undo, token, Some(json!({"turn": 3}))).await;
    assert_error(&repeated, StatusCode::CONFLICT, "stale_turn");
    assert_eq!(repeated.1["error"]["current_turn"], 2);
    assert_error(
        &call(&f.router, Method::POST, &undo, token, Some(json!({"turn": "x"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
}

#[tokio::test]
async fn sessions_replay_as_they_were_played_after_the_rubric_changes() {
    let store: Arc<dyn SessionStore> = Arc::new(SqlStore::open("sqlite::memory:").await.unwrap());
    let token = tokens::new_token();
    assert!(store.add_counselor("alice", &tokens::hash(&token), 1).await.unwrap());
    let app_with = |analyzer: Arc<Analyzer>| {
        let scenario = Arc::new(load("late-again.yaml", LATE_AGAIN, &analyzer).unwrap().scenario);
        router(Arc::new(App::new(Arc::clone(&store), analyzer, vec![scenario])))
    };
    let before = app_with(Arc::clone(&ANALYZER));
    let (_, created) = call(
        &before,
        Method::POST,
        "/api/v1/sessions",
        Some(&token),
        Some(json!({"scenario": "late-again", "seed": 7})),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let reply = json!({"turn": 1, "text": "That makes sense. I'm so sorry."});
    let (_, played) =
        call(&before, Method::POST, &format!("/api/v1/sessions/{id}/replies"), Some(&token), Some(reply)).await;

    // A counselor tunes the rubric: validation now weighs 9.
    let tuned = rehearse_core::analyze::BUILTIN_RUBRIC.replacen(
        "  validation:\n    weight: 2\n",
        "  validation:\n    weight: 9\n",
        1,
    );
    let tuned =
        Arc::new(Analyzer::from_rubric(rehearse_core::analyze::Rubric::from_yaml("tuned.yaml", &tuned).unwrap()));
    assert_ne!(
        tuned.analyze("That makes sense. I'm so sorry.", "").score,
        played["analysis"]["score"].as_i64().unwrap() as i32
    );
    let after = app_with(tuned);
    let (status, session) = call(&after, Method::GET, &format!("/api/v1/sessions/{id}"), Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["transcript"][0]["analysis"], played["analysis"], "the reply keeps the analysis it was given");
    assert_eq!(session["meter"], played["meter"]);
}
