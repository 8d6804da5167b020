//! The realtime example over HTTP on 127.0.0.1: the session cookie, and the
//! Room Service endpoint answering from the shared rules, the grant read
//! from the token the embedded provisioner issued.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::Arc;

use axum_extra::extract::cookie::Key;
use roomauth::room_service::LocalProvisioner;
use roomauth_suite::room_service_client::{Strategy, assert_joined_with_write, join_rooms};
use roomauth_suite::{Browser, Served, serve};
use serde_json::json;

async fn start() -> (Served, Arc<LocalProvisioner>) {
    let provisioner = Arc::new(LocalProvisioner::development());
    let backends = app::Backends {
        room_service: provisioner.clone(),
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends).unwrap();
    (serve(router).await, provisioner)
}

/// The URL-strategy body of `@roomservice/browser` for `room`.
fn url_strategy(room: &str) -> serde_json::Value {
    json!({"resources": [
        {"object": "document", "reference": "default", "permission": "read_write", "room": room},
        {"object": "room", "reference": room, "permission": "join"}
    ]})
}

#[tokio::test]
async fn room_service_grants_follow_the_rules() {
    let (server, provisioner) = start().await;
    let endpoint = server.url("/api/roomservice");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;

    // project-1: write, so the document too.
    let answer = alice.post_json(&endpoint, &url_strategy("project-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let claims = provisioner
        .verify(answer.json["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.rooms, ["project-1"]);
    assert_eq!(
        claims.docs,
        [("project-1".to_owned(), "default".to_owned())]
    );

    // project-2: read, so the room alone, although the document was asked.
    let answer = alice.post_json(&endpoint, &url_strategy("project-2")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["resources"].as_array().unwrap().len(), 1);
    let claims = provisioner
        .verify(answer.json["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.rooms, ["project-2"]);
    assert!(claims.docs.is_empty(), "{claims:?}");

    // project-3 has no members; carol is in no project.
    let answer = alice
        .post_json(&endpoint, &json!({"room": "project-3"}))
        .await;
    assert_eq!(answer.status, 403, "{}", answer.text);
    let mut carol = Browser::logged_in(&server.url("/login"), "carol").await;
    let answer = carol
        .post_json(&endpoint, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 403, "{}", answer.text);

    // No session.
    let answer = Browser::new()
        .post_json(&endpoint, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.text);
}

/// The real `@roomservice/browser` 3.0.4 client with both strategies: alice
/// writes project-1 (the room and its document: she edits it) and reads
/// project-2, where the answer holds the room alone (Room Service has no
/// read-only document) and the client, which reads the document's id from
/// every answer, fails as the Room Service module documents.
#[tokio::test(flavor = "multi_thread")]
async fn the_real_client_with_write_and_read_grants() {
    let (server, provisioner) = start().await;
    let app = server.url("");
    let joins: Vec<_> = Strategy::BOTH
        .into_iter()
        .flat_map(|strategy| {
            [
                ("alice", "project-1", strategy),
                ("alice", "project-2", strategy),
            ]
        })
        .collect();
    let reports = tokio::task::block_in_place(|| join_rooms(&app, &joins));
    for (report, (_, room, _)) in reports.iter().zip(&joins) {
        if *room == "project-1" {
            assert_joined_with_write(report, &provisioner);
            continue;
        }
        assert_eq!(report["answer"]["status"], 200, "{report:#}");
        let resources = &report["answer"]["body"]["resources"];
        assert_eq!(resources.as_array().map(Vec::len), Some(1), "{report:#}");
        assert_eq!(resources[0]["object"], "room", "{report:#}");
        assert_eq!(report["joined"], false, "{report:#}");
        assert_eq!(
            report["error"], "TypeError: Cannot read properties of undefined (reading 'id')",
            "{report:#}"
        );
        assert_eq!(report["docs"], json!([]), "{report:#}");
        let claims = provisioner
            .verify(report["answer"]["body"]["token"].as_str().unwrap())
            .unwrap();
        assert_eq!(claims.rooms, ["project-2"]);
        assert!(claims.docs.is_empty(), "{claims:?}");
    }
}

#[tokio::test]
async fn logout_ends_the_session_even_for_a_copied_cookie() {
    let (server, _) = start().await;
    let endpoint = server.url("/api/roomservice");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;
    let copied = alice.cookie().unwrap().to_owned();
    let answer = alice
        .post_json(&endpoint, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let logout = alice.post(&server.url("/logout"), None, "").await;
    assert_eq!(logout.status, 204);
    let mut replay = Browser::new();
    replay.set_cookie(Some(copied));
    let answer = replay
        .post_json(&endpoint, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 401, "{}", answer.text);
}

#[tokio::test]
async fn unknown_users_cannot_log_in() {
    let (server, _) = start().await;
    let answer = Browser::new()
        .post_json(&server.url("/login"), &json!({"user": "mallory"}))
        .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert!(answer.json["error"].as_str().unwrap().contains("alice"));
}

/// `POST /token`: a short-lived bearer token for the logged-in session,
/// taken in place of the cookie by the Hocuspocus endpoint only (where the
/// extension forwards the provider's `token`), ending with the session: not
/// a copy of the session for every endpoint.
#[tokio::test]
async fn bearer_tokens_are_for_the_hocuspocus_provider_only() {
    let (server, _) = start().await;
    let client = reqwest::Client::new();
    let secret = roomauth::hocuspocus::HocuspocusSecret::new(app::hocuspocus::DEV_SECRET).unwrap();
    // As the Hocuspocus extension calls: signed body, the provider's token.
    let hocuspocus = async |token: &str, cookie: Option<&str>| {
        let body = br#"{"documentName":"project-1"}"#;
        let mut request = client
            .post(server.url(app::hocuspocus::AUTH_PATH))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header(roomauth::hocuspocus::SIGNATURE_HEADER, secret.sign(body))
            .body(&body[..]);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap().status().as_u16()
    };

    // No session, no token.
    let answer = Browser::new().post(&server.url("/token"), None, "").await;
    assert_eq!(answer.status, 401, "{}", answer.text);

    let mut alice = Browser::new();
    alice
        .post_json(&server.url("/login"), &json!({"user": "alice"}))
        .await;
    let answer = alice.post(&server.url("/token"), None, "").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["expires_in"], 300, "{}", answer.text);
    let token = answer.json["token"].as_str().unwrap().to_owned();
    let again = alice.post(&server.url("/token"), None, "").await;
    assert_ne!(
        again.json["token"],
        token.as_str(),
        "a fresh token per call"
    );
    assert_eq!(hocuspocus(&token, None).await, 200);
    assert_eq!(hocuspocus("not-a-token", None).await, 401);

    // Elsewhere a bearer token is no session (alice's cookie gets 200).
    let answer = client
        .post(server.url("/api/roomservice"))
        .bearer_auth(&token)
        .json(&json!({"room": "project-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let answer = alice
        .post_json(
            &server.url("/api/roomservice"),
            &json!({"room": "project-1"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    // A wrong bearer token is refused even with a valid cookie.
    assert_eq!(hocuspocus("not-a-token", alice.cookie()).await, 401);

    // Logout ends the token too.
    let logout = alice.post(&server.url("/logout"), None, "").await;
    assert_eq!(logout.status, 204);
    assert_eq!(hocuspocus(&token, None).await, 401);
}
