//! Hardening of the quickstart over real HTTP on 127.0.0.1 (issue #6),
//! secrets and browser safety:
//!
//! - secrets: every run starts with recognisable keys (API key, session
//!   cookie key, token-signing key), and no response (status line, headers,
//!   body), `Debug` output nor captured log line (at trace level) contains
//!   any of them;
//! - the session cookie's attributes and signature;
//! - deny by default, and the user id taken from the rule only;
//! - the `Origin` allow-list of the axum adapter (the actix-web one is in
//!   `tests/hardening_actix.rs`).
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too. What the
//! hardening tests share is in `tests/hardening/`.

#[path = "hardening/mod.rs"]
#[allow(dead_code)]
mod hardening;

use std::sync::Arc;
use std::time::Duration;

use axum::routing::post;
use axum_extra::extract::cookie::Key;
use hardening::logs::Logs;
use hardening::{
    API_KEY, BUDGET, COOKIE_KEY, Counting, SIGNING_SECRET, app, assert_no_secret, doc_res,
    local_provisioner, login, resources, room_res, room_service, send, state, url_strategy,
};
use roomauth::Webhook;
use roomauth::room_service::{RoomService, SigningKey};
use roomauth::secret::ApiKey;
use roomauth_suite::{serve, serve_local_provisioner};
use serde_json::json;

#[tokio::test]
async fn allowed_requests_leak_no_secret_and_grant_exactly_what_was_asked() {
    let (logs, _guard) = Logs::capture();
    // Over HTTP through the local provisioner's server, with the same key.
    let local = Arc::new(local_provisioner());
    let upstream = serve_local_provisioner(local.clone()).await;
    let counting = Counting::new();
    let server = serve(
        app::app(
            state(),
            room_service(upstream.url(""), Duration::from_secs(5)),
        )
        .unwrap(),
    )
    .await;
    let in_process = serve(app::app(state(), counting.clone()).unwrap()).await;
    let client = reqwest::Client::new();
    let mut everything = String::new();

    for server in [&server, &in_process] {
        let webhook = server.url("/api/roomservice");
        let (alice, answer) = login(&client, server, "alice").await;
        everything += &answer.transcript();
        let (bob, answer) = login(&client, server, "bob").await;
        everything += &answer.transcript();

        let two_docs = resources(&[
            doc_res("project-1", "default"),
            doc_res("project-1", "notes"),
            room_res("project-1"),
        ]);
        let cases: Vec<(&str, String, u16)> = vec![
            (
                alice.as_str(),
                json!({"room": "project-1"}).to_string(),
                200,
            ),
            (alice.as_str(), two_docs.clone(), 200),
            (bob.as_str(), json!({"room": "project-2"}).to_string(), 200),
            // Deny by default: not a member, no rule, not logged in.
            (bob.as_str(), json!({"room": "project-1"}).to_string(), 403),
            (bob.as_str(), url_strategy("project-1").to_string(), 403),
            (
                alice.as_str(),
                json!({"room": "project-3"}).to_string(),
                403,
            ),
            (alice.as_str(), json!({"room": "lobby"}).to_string(), 403),
            ("", json!({"room": "project-2"}).to_string(), 401),
        ];
        for (session, body, expected) in cases {
            let headers: Vec<(&str, &[u8])> = if session.is_empty() {
                Vec::new()
            } else {
                vec![("cookie", session.as_bytes())]
            };
            let answer = send(
                &client,
                &webhook,
                Some("application/json"),
                &headers,
                body.clone(),
            )
            .await;
            assert_eq!(answer.status, expected, "{body}: {answer:?}");
            if expected == 200 {
                let token = answer.json["token"].as_str().unwrap();
                let claims = local
                    .verify(token)
                    .expect("a token of the canary signing key");
                let user = if session == alice { "alice" } else { "bob" };
                assert_eq!(
                    claims.sub, user,
                    "the user id comes from the session, through the rule"
                );
                assert_eq!(answer.json["user"], user);
                assert_eq!(claims.rooms.len(), 1, "exactly one room: {claims:?}");
                let room = &claims.rooms[0];
                assert!(
                    body.contains(room.as_str()),
                    "the room asked for: {claims:?}"
                );
                if body == two_docs {
                    assert!(
                        claims.grants_document("project-1", "default")
                            && claims.grants_document("project-1", "notes")
                    );
                    assert_eq!(claims.docs.len(), 2, "{claims:?}");
                }
            }
            everything += &answer.transcript();
        }
    }
    // What the in-process provisioner was asked: the session's user, the
    // room and documents of the request (a `{"room"}` body asks for the
    // room's `default` document, which the client opens), nothing else.
    let asked = counting.requests.lock().unwrap().clone();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert_eq!(asked[0].user, "alice");
    assert_eq!(
        asked[0].resources,
        vec![
            roomauth::room_service::Resource::room("project-1"),
            roomauth::room_service::Resource::document("project-1", "default")
        ]
    );
    assert_eq!(
        asked[1].resources,
        vec![
            roomauth::room_service::Resource::room("project-1"),
            roomauth::room_service::Resource::document("project-1", "default"),
            roomauth::room_service::Resource::document("project-1", "notes")
        ]
    );
    assert_eq!(asked[2].user, "bob");
    assert_eq!(
        asked[2].resources,
        vec![
            roomauth::room_service::Resource::room("project-2"),
            roomauth::room_service::Resource::document("project-2", "default")
        ]
    );

    // Debug output of everything that holds a secret.
    everything += &format!(
        "{:?} {:?} {:?} {:?} {:?}",
        room_service(upstream.url(""), BUDGET),
        local,
        SigningKey::new("kid", SIGNING_SECRET).unwrap(),
        Key::from(COOKIE_KEY),
        ApiKey::new(API_KEY)
    );
    let logs = logs.text();
    assert!(
        logs.contains("provisioned"),
        "the local server logged: {logs:.2000}"
    );
    assert_no_secret(&everything, "a response or a Debug output");
    assert_no_secret(&logs, "the logs");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_signed() {
    // Logs through the capture subscriber like every test of this binary,
    // so that no log call site is first met with no subscriber (logs.rs).
    let (_logs, _guard) = Logs::capture();
    let server = serve(app::app(state(), Counting::new()).unwrap()).await;
    let client = reqwest::Client::new();
    let (pair, answer) = login(&client, &server, "alice").await;
    let set_cookie = answer
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let attributes: Vec<String> = set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.iter().any(|a| a == "httponly"), "{set_cookie}");
    assert!(
        attributes.iter().any(|a| a == "samesite=lax"),
        "{set_cookie}"
    );
    assert!(attributes.iter().any(|a| a == "path=/"), "{set_cookie}");
    let value = pair.strip_prefix("session=").expect("the session cookie");
    assert_ne!(value, "alice", "the cookie is signed, not the bare user id");
    assert!(
        value.ends_with("alice") && value.len() >= 44 + 5,
        "a signature (base64 HMAC) precedes the value: {value}"
    );
    // A cookie signed with another key is no session.
    let other =
        serve(app::app(app::AppState::demo(Key::generate()), Counting::new()).unwrap()).await;
    let answer = send(
        &client,
        &other.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", pair.as_bytes())],
        r#"{"room":"project-1"}"#,
    )
    .await;
    assert_eq!(answer.status, 401, "{answer:?}");
}

/// The quickstart's rule behind an `Origin` allow-list.
fn with_origins(provisioner: Arc<Counting>, state: app::AppState) -> axum::Router {
    let webhook = Webhook::builder(RoomService::new(provisioner))
        .rule(app::project_rooms {})
        .allowed_origins(["http://app.example", "https://app.example:8443/"])
        .build()
        .unwrap();
    axum::Router::new()
        .route("/api/roomservice", post(webhook))
        .with_state(state)
}

#[tokio::test]
async fn origins_outside_the_allow_list_are_refused_before_anything_else() {
    // Logs through the capture subscriber like every test of this binary,
    // so that no log call site is first met with no subscriber (logs.rs).
    let (_logs, _guard) = Logs::capture();
    let provisioner = Counting::new();
    // Sessions live in the app's state: both servers share it.
    let state = state();
    let login_server = serve(app::app(state.clone(), Counting::new()).unwrap()).await;
    let server = serve(with_origins(provisioner.clone(), state)).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &login_server, "alice").await;
    let webhook = server.url("/api/roomservice");
    let body = r#"{"room":"project-1"}"#;
    let cases: &[(Option<&[u8]>, u16)] = &[
        (None, 200),
        (Some(b"http://app.example"), 200),
        (Some(b"HTTP://APP.EXAMPLE/"), 200),
        (Some(b"https://app.example:8443"), 200),
        (Some(b"http://evil.example"), 403),
        (Some(b"http://app.example.evil.example"), 403),
        (Some(b"http://app.example:8080"), 403),
        (Some(b"https://app.example"), 403),
        (Some(b"null"), 403),
        (Some(b""), 403),
        (Some(b"http://app.example\xff"), 403),
    ];
    let mut calls = 0;
    for &(origin, expected) in cases {
        let mut headers: Vec<(&str, &[u8])> = vec![("cookie", cookie.as_bytes())];
        headers.extend(origin.map(|o| ("origin", o)));
        let answer = send(&client, &webhook, Some("application/json"), &headers, body).await;
        assert_eq!(
            answer.status,
            expected,
            "{:?}: {answer:?}",
            origin.map(String::from_utf8_lossy)
        );
        if expected == 403 {
            assert!(
                answer.error().is_some_and(|m| m.contains("origin")),
                "{answer:?}"
            );
        } else {
            calls += 1;
        }
        assert_eq!(
            provisioner.calls(),
            calls,
            "{:?}",
            origin.map(String::from_utf8_lossy)
        );
    }
    // Refused before the body is looked at: a bad body from a bad origin is a 403.
    let answer = send(
        &client,
        &webhook,
        Some("text/plain"),
        &[("origin", b"http://evil.example")],
        "room=project-1",
    )
    .await;
    assert_eq!(answer.status, 403, "{answer:?}");
}
