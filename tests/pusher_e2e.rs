//! roomauth's Pusher endpoints (examples/realtime/pusher.rs) against the
//! real thing: a Soketi 1.6.1 server and the official pusher-js 8.6.0 client
//! (with the pusher-js-auth batch plugin and the official `pusher` server
//! SDK publishing through Soketi's HTTP API), all on 127.0.0.1. The Node
//! side is tests/pusher-node/client.js; it prints one JSON line, checked
//! here.

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../examples/realtime/pusher.rs"]
#[allow(dead_code)]
mod pusher_routes;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use axum::extract::State;
use axum_extra::extract::cookie::Key;
use roomauth::pusher::{Pusher, signin};
use roomauth::room_service::LocalProvisioner;
use roomauth::{Deny, Grant, room_auth, rules};
use roomauth_suite::soketi::{APP_ID, APP_KEY, APP_SECRET, Soketi};
use roomauth_suite::{Served, serve};
use serde_json::{Value, json};

/// Who may join `project-<id>` (any of its Pusher channels): members, shown
/// to others by name.
#[room_auth(rooms = "project-<id>", session = user)]
async fn projects(
    user: app::CurrentUser,
    id: u64,
    State(state): State<app::AppState>,
) -> Result<Grant, Deny> {
    if state.is_member(&user.0, id) {
        let name = format!("{}{}", user.0[..1].to_uppercase(), &user.0[1..]);
        Ok(Grant::write(user.0).with_info(json!({ "name": name })))
    } else {
        Err(Deny::Forbidden)
    }
}

fn node_project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pusher-node")
}

fn pusher(secret: &str) -> Pusher {
    Pusher::builder()
        .app_key(APP_KEY)
        .app_secret(secret)
        .encryption_master_key_base64(pusher_routes::DEV_MASTER_KEY_BASE64)
        .build()
        .expect("a valid Pusher config")
}

/// The quickstart's session (login, signed cookie) with the Pusher routes;
/// `/forged/*` signs with another secret.
async fn app() -> Served {
    let state = app::AppState {
        cookie_key: Key::generate(),
        members: Arc::new(app::demo_members()),
    };
    let user = || {
        signin(|user: app::CurrentUser| {
            Some(Grant::read(user.0.clone()).with_info(json!({ "name": user.0 })))
        })
    };
    let real = pusher_routes::routes(pusher(APP_SECRET), rules![projects], user())
        .expect("the Pusher routes build");
    let forged = pusher_routes::routes(pusher("another-secret"), rules![projects], user())
        .expect("the forged routes build");
    let router = axum::Router::new()
        .merge(real)
        .nest("/forged", forged)
        .with_state(state.clone())
        .merge(
            app::app(state, Arc::new(LocalProvisioner::development()))
                .expect("the quickstart builds"),
        );
    serve(router).await
}

fn npm_ci(dir: &std::path::Path) {
    if dir.join("node_modules/.package-lock.json").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .expect("run npm (Node 20 and npm must be installed)");
    assert!(status.success(), "`npm ci` failed in {}", dir.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn pusher_js_through_soketi() {
    npm_ci(&node_project());
    let soketi = Soketi::start(&node_project());
    let server = app().await;
    let output = tokio::task::spawn_blocking({
        let (app_url, port) = (server.url(""), soketi.port);
        move || {
            Command::new("node")
                .arg("client.js")
                .current_dir(node_project())
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
        json!({"id": "alice", "user_info": {"name": "alice"}}),
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
