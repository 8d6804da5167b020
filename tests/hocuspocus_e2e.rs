//! Hocuspocus end to end: the real `@hocuspocus/server` 4 with roomauth's
//! extension (the file shipped in the crate) and the real
//! `@hocuspocus/provider` with yjs, in Node, against the realtime example's
//! `POST /hocuspocus/auth` (examples/realtime) on 127.0.0.1.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::Duration;

use axum_extra::extract::cookie::Key;
use roomauth::hocuspocus::{Hocuspocus, HocuspocusSecret};
use roomauth_suite::node::{NodeServer, node_project, run_node_script};
use roomauth_suite::{bearer_token, login_cookie, serve};
use serde_json::json;

const SECRET: &str = "test-hocuspocus-secret";

#[tokio::test(flavor = "multi_thread")]
async fn real_hocuspocus_server_and_provider() {
    let project = node_project("hocuspocus");
    roomauth_suite::tools::npm_project(&project);
    let secret = HocuspocusSecret::new(SECRET).expect("secret");
    let backends = app::Backends {
        hocuspocus: Hocuspocus::new(secret),
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends)
        .expect("the realtime example builds");
    let app = serve(router).await;
    let base = app.url("");
    let auth_url = app.url("/hocuspocus/auth");

    // An unsigned POST straight to the endpoint: 401, whatever the session.
    let alice = login_cookie(&base, "alice").await;
    let unsigned = reqwest::Client::new()
        .post(&auth_url)
        .header("content-type", "application/json")
        .header("cookie", &alice)
        .body(r#"{"documentName":"project-1"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(unsigned.status(), 401);

    let bob = login_cookie(&base, "bob").await;
    let carol = login_cookie(&base, "carol").await;
    let alice_token = bearer_token(&base, &alice).await;
    let server = tokio::task::block_in_place(|| {
        NodeServer::start(
            &project,
            "server.mjs",
            &[("ROOMAUTH_URL", &auth_url), ("HOCUSPOCUS_SECRET", SECRET)],
        )
    });
    let ws = server.ready["ws"].as_str().expect("ws url").to_owned();
    let report = tokio::task::block_in_place(|| {
        run_node_script(
            &project,
            "client.mjs",
            &[
                ("HOCUSPOCUS_URL", &ws),
                ("ALICE_COOKIE", &alice),
                ("BOB_COOKIE", &bob),
                ("CAROL_COOKIE", &carol),
                ("ALICE_TOKEN", &alice_token),
            ],
            None,
            Duration::from_secs(120),
        )
    });
    assert_eq!(
        report,
        json!({
            "project1": {"scope": "read-write", "second_scope": "read-write", "second_sees_edit": true},
            "project2": {"scope": "readonly", "bob_scope": "read-write", "alice_sees_bob": true,
                         "bob_sees_alice": false, "later_client_sees_alice": false,
                         "later_client_sees_bob": true},
            "token": {"alice_token_project1": "read-write", "alice_token_project3": "permission-denied"},
            "refused": {"alice_project3": "permission-denied", "carol_project1": "permission-denied",
                        "nobody_project1": "permission-denied",
                        "nobody_with_unknown_token": "permission-denied"}
        }),
        "{report:#}"
    );
}
