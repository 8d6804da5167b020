//! roomauth's Pusher endpoints (examples/realtime/pusher.rs) against the
//! real thing: a Soketi 1.6.1 server and the official pusher-js 8.6.0 client
//! (with the pusher-js-auth batch plugin and the official `pusher` server
//! SDK publishing through Soketi's HTTP API), all on 127.0.0.1. The Node
//! side is tests/pusher-node/client.js; it prints one JSON line, checked
//! here.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use axum_extra::extract::cookie::Key;
use roomauth::pusher::{Pusher, signin};
use roomauth_suite::soketi::{APP_ID, APP_KEY, APP_SECRET, Soketi};
use roomauth_suite::tools::npm_project;
use roomauth_suite::{Served, serve};
use serde_json::{Value, json};

use app::pusher as pusher_routes;

fn pusher(secret: &str) -> Pusher {
    Pusher::builder()
        .app_key(APP_KEY)
        .app_secret(secret)
        .encryption_master_key_base64(pusher_routes::DEV_MASTER_KEY_BASE64)
        .build()
        .expect("a valid Pusher config")
}

/// The realtime example with Soketi's app; `/forged/pusher/auth` answers
/// the same rules but signs with another secret.
async fn app() -> Served {
    let state = app::AppState::demo(Key::generate());
    let forged = pusher_routes::routes(
        pusher("another-secret"),
        app::rules(),
        signin(|user: app::CurrentUser| Some(user.id)),
    )
    .expect("the forged routes build");
    let backends = app::Backends {
        pusher: pusher(APP_SECRET),
        ..app::Backends::dev()
    };
    let router = app::app(state.clone(), backends)
        .expect("the realtime example builds")
        .nest("/forged", forged.with_state(state));
    serve(router).await
}

#[tokio::test(flavor = "multi_thread")]
async fn pusher_js_through_soketi() {
    let node = npm_project("tests/pusher-node");
    let soketi = Soketi::start(node.dir());
    let server = app().await;
    let output = tokio::task::spawn_blocking({
        let node = node.clone();
        let (app_url, port) = (server.url(""), soketi.port);
        move || {
            node.node("client.js")
                .env("APP_URL", &app_url)
                .env("SOKETI_PORT", port.to_string())
                .env("APP_ID", APP_ID)
                .env("APP_KEY", APP_KEY)
                .env("APP_SECRET", APP_SECRET)
                .env("MASTER_KEY_BASE64", pusher_routes::DEV_MASTER_KEY_BASE64)
                .env("FORGED_AUTH_URL", format!("{app_url}/forged/pusher/auth"))
                .env("BATCH_AUTH_URL", format!("{app_url}/pusher/batch-auth"))
                .output()
                .expect("run node")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let out: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| {
            panic!(
                "client.js printed no result: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    assert!(output.status.success(), "{out:#}");

    assert_eq!(out["connect"]["ok"], true, "{out:#}");
    assert_eq!(
        out["signin"]["user_data"],
        json!({"id": "alice", "user_info": {"name": "Alice"}}),
        "{out:#}"
    );
    assert_eq!(out["private-project-1"]["ok"], true, "{out:#}");
    assert_eq!(out["presence-project-1"]["ok"], true, "{out:#}");
    assert_eq!(
        out["presence-project-1"]["members"],
        json!({"alice": {"name": "Alice"}})
    );
    assert_eq!(out["private-encrypted-project-1"]["ok"], true, "{out:#}");
    for refused in ["private-project-3", "presence-project-3"] {
        assert_eq!(out[refused]["error"]["type"], "AuthError", "{out:#}");
        assert_eq!(out[refused]["error"]["status"], 403, "{out:#}");
    }
    assert_eq!(
        out["event_private"]["data"],
        json!({"hello": "world"}),
        "{out:#}"
    );
    assert_eq!(
        out["event_encrypted"]["data"],
        json!({"answer": 42}),
        "{out:#}"
    );
    assert_eq!(out["anonymous"]["error"]["status"], 401, "{out:#}");
    // Signed by roomauth with the wrong secret: Soketi refuses it.
    assert!(out["forged"]["error"].is_object(), "{out:#}");
    assert!(out["forged"]["ok"].is_null(), "{out:#}");

    let batch = &out["batch"];
    assert_eq!(batch["private-project-1"]["ok"], true, "{out:#}");
    assert_eq!(batch["presence-project-2"]["ok"], true, "{out:#}");
    assert_eq!(
        batch["presence-project-2"]["members"],
        json!({"alice": {"name": "Alice"}})
    );
    assert_eq!(batch["private-encrypted-project-1"]["ok"], true, "{out:#}");
    assert!(batch["private-project-3"]["error"].is_object(), "{out:#}");
    assert_eq!(
        out["batch_requests"], 1,
        "four channels, one request: {out:#}"
    );
}
