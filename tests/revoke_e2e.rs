//! Keeping decisions true against the real thing (issue 21): the realtime
//! example's `POST /admin/access` removes alice from project-1, and
//!
//! - on a real Soketi with pusher-js, the app's `Revoker` terminates her
//!   connections through Soketi's HTTP API; the front end reconnects and
//!   the rules refuse project-1 only;
//! - on a real Hocuspocus with the provider, the extension's hook closes
//!   her project-1 connection at once (push), a server without the hook
//!   closes it at its next recheck (pull), and `sendToken()` re-asks now;
//!   an upgrade and a downgrade flip her project-2 connection.
//!
//! The Pusher API request is also checked against the official `pusher`
//! Node SDK's for the same call. Every figure printed here with
//! `--nocapture` is in BENCHMARKS.md.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::Duration;

use axum_extra::extract::cookie::Key;
use roomauth::hocuspocus::{Hocuspocus, HocuspocusHook, HocuspocusSecret};
use roomauth::pusher::{Pusher, PusherApi};
use roomauth::revoke::Revoker;
use roomauth_suite::node::{NodeServer, node_project, run_node_script};
use roomauth_suite::soketi::{APP_ID, APP_KEY, APP_SECRET, Soketi};
use roomauth_suite::tools::npm_project;
use roomauth_suite::{bearer_token, login_cookie, serve};
use serde_json::{Value, json};

fn pusher() -> Pusher {
    Pusher::new(APP_KEY, APP_SECRET, app::pusher::DEV_CLIENT_EVENTS).expect("a valid Pusher config")
}

/// roomauth's `terminate_connections` is byte for byte what
/// `pusher@5.3.4`'s `terminateUserConnections` sends (path, query,
/// signature, body), for several users and times.
#[test]
fn pusher_api_signs_as_the_node_sdk() {
    let node = npm_project("tests/pusher-node");
    let api = PusherApi::new(&pusher(), APP_ID, "http://127.0.0.1:6001").expect("api");
    for (user, timestamp) in [
        ("alice", 1_700_000_000u64),
        ("42", 1_765_000_123),
        ("user@example.com", 1),
    ] {
        let output = node
            .node("terminate.js")
            .envs([
                ("APP_ID", APP_ID),
                ("APP_KEY", APP_KEY),
                ("APP_SECRET", APP_SECRET),
                ("USER_ID", user),
                ("TIMESTAMP", &timestamp.to_string()),
            ])
            .output()
            .expect("run node");
        assert!(output.status.success(), "{output:?}");
        let sdk: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
        let (url, body) = api.terminate_request(user, timestamp).expect("sendable");
        assert_eq!(sdk["method"], "POST");
        assert_eq!(sdk["url"], url, "{user} at {timestamp}");
        assert_eq!(sdk["body"], body);
        assert_eq!(sdk["contentType"], "application/json");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pusher_revoke_through_soketi() {
    let node = npm_project("tests/pusher-node");
    // Client events as the app's development default says (off).
    let soketi = Soketi::start(node.dir(), app::pusher::DEV_CLIENT_EVENTS);
    let api = PusherApi::new(
        &pusher(),
        APP_ID,
        &format!("http://127.0.0.1:{}", soketi.port),
    )
    .expect("Soketi's API");
    let backends = app::Backends {
        pusher: app::pusher::dev_pusher(),
        revoker: Revoker::builder().target(api).build(),
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends).expect("the app");
    let server = serve(router).await;
    let app_url = server.url("");
    let port = soketi.port.to_string();
    let out = tokio::task::spawn_blocking(move || {
        let output = node
            .node("revoke.js")
            .env("APP_URL", &app_url)
            .env("SOKETI_PORT", &port)
            .env("APP_ID", APP_ID)
            .env("APP_KEY", APP_KEY)
            .env("APP_SECRET", APP_SECRET)
            .output()
            .expect("run node");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let out: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
            .unwrap_or_else(|_| {
                panic!(
                    "revoke.js printed no result: {stdout}\n{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        assert!(output.status.success(), "{out:#}");
        out
    })
    .await
    .unwrap();
    eprintln!("pusher revoke: {out}");
    assert_eq!(out["upgrade"]["status"], 200, "{out:#}");
    assert_eq!(
        out["upgrade"]["body"]["revoked"][0]["outcome"],
        json!("nothing to do (an upgrade takes effect on the client's next authorization)"),
        "{out:#}"
    );
    assert_eq!(
        out["before"],
        json!({"project1": {"ok": true}, "project2": {"ok": true},
               "project1_event": true, "project2_event": true}),
        "{out:#}"
    );
    assert_eq!(out["revoke"]["status"], 200, "{out:#}");
    assert_eq!(
        out["revoke"]["body"]["revoked"][0]["service"], "pusher",
        "{out:#}"
    );
    assert_eq!(
        out["revoke"]["body"]["revoked"][0]["outcome"], "done",
        "{out:#}"
    );
    assert_eq!(out["terminated"]["code"], 4009, "{out:#}");
    // Out of project-1, still in project-2, once the client reconnected.
    assert_eq!(
        out["after"],
        json!({"project1": {"status": 403}, "project2": {"ok": true},
               "project1_event": false, "project2_event": true}),
        "{out:#}"
    );
    let terminated_ms = out["terminated_ms"].as_u64().expect("a time");
    assert!(terminated_ms < 1500, "terminated after {terminated_ms} ms");
}

const SECRET: &str = "test-hocuspocus-secret";
/// The recheck interval of the Hocuspocus server without the hook.
const PULL_INTERVAL_MS: u64 = 2000;

#[tokio::test(flavor = "multi_thread")]
async fn hocuspocus_revoke_and_recheck() {
    let project = node_project("hocuspocus");
    roomauth_suite::tools::npm_project(&project);
    let hocuspocus = Hocuspocus::new(HocuspocusSecret::new(SECRET).expect("secret"));

    // The app needs the push server's address for its revoker, and the
    // servers need the app's: bind the app's port first, serve it later.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let auth_url = format!("{base}/hocuspocus/auth");
    let start = |interval: &str, hook: &str| {
        tokio::task::block_in_place(|| {
            NodeServer::start(
                &project,
                "server.mjs",
                &[
                    ("ROOMAUTH_URL", auth_url.as_str()),
                    ("HOCUSPOCUS_SECRET", SECRET),
                    ("RECHECK_INTERVAL_MS", interval),
                    ("HOOK", hook),
                ],
            )
        })
    };
    let push = start("60000", "on");
    let pull = start(&PULL_INTERVAL_MS.to_string(), "off");
    let hook = HocuspocusHook::new(push.ready["http"].as_str().expect("http"), &hocuspocus)
        .expect("the hook");
    let backends = app::Backends {
        hocuspocus,
        revoker: Revoker::builder().target(hook).build(),
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends).expect("the app");
    let served = tokio::spawn(async move { axum::serve(listener, router).await });

    let alice = login_cookie(&base, "alice").await;
    let bob = login_cookie(&base, "bob").await;
    let admin = login_cookie(&base, "admin").await;
    let alice_token = bearer_token(&base, &alice).await;
    let report = tokio::task::block_in_place(|| {
        run_node_script(
            &project,
            "revoke.mjs",
            &[
                ("APP_URL", base.as_str()),
                ("PUSH_URL", push.ready["ws"].as_str().expect("ws")),
                ("PUSH_HTTP", push.ready["http"].as_str().expect("http")),
                ("PULL_URL", pull.ready["ws"].as_str().expect("ws")),
                ("ALICE_COOKIE", &alice),
                ("BOB_COOKIE", &bob),
                ("ADMIN_COOKIE", &admin),
                ("HOCUSPOCUS_SECRET", SECRET),
                ("ALICE_TOKEN", &alice_token),
            ],
            None,
            Duration::from_secs(120),
        )
    });
    eprintln!("hocuspocus revoke: {report}");
    let ms = |key: &str| {
        report["ms"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key}: {report:#}"))
    };
    // Everything but the times.
    let mut outcome = report.clone();
    outcome.as_object_mut().expect("an object").remove("ms");
    assert_eq!(
        outcome,
        json!({
            "before": {"push1": "read-write", "pull1": "read-write", "push2": "readonly",
                        "bob2": "read-write", "pull2_token": "readonly"},
            "upgrade": {"status": 200, "hook": "done", "alice_edit_reaches_bob": true},
            "downgrade": {"status": 200, "hook": "done", "alice_edit_reaches_bob": false},
            "revoke": {"status": 200, "hook": "done"},
            "push1": {"closed": "permission-denied"},
            "pull1": {"closed": "permission-denied"},
            "push2_after": {"bob_edit_reaches_alice": true},
            "token_sync": {"closed": "permission-denied"},
            "hook_unsigned": 401,
            "hook_malformed": {"status": 400,
                               "error": "expected {\"user\": \"...\", \"documentName\": \"...\" (optional)}"},
            "hook_get": 405,
            "hook_user_bob": {"closed": 0, "readOnly": 0, "readWrite": 1, "kept": 0},
            "hook_oversized": 413
        }),
        "{report:#}"
    );
    assert!(ms("push1_closed") < 1500, "{report:#}");
    assert!(ms("pull1_closed") < PULL_INTERVAL_MS + 1500, "{report:#}");
    // sendToken() re-asks now, well before the next interval.
    assert!(ms("token_sync_closed") < PULL_INTERVAL_MS / 2, "{report:#}");
    served.abort();
}

/// `POST /admin/access` is admin's only, says what is wrong with a body,
/// and without configured services re-asks only (nothing revoked).
#[tokio::test]
async fn admin_access_is_for_admin_only() {
    let router =
        app::app(app::AppState::demo(Key::generate()), app::Backends::dev()).expect("the app");
    let server = serve(router).await;
    let base = server.url("");
    let post = |cookie: Option<String>, body: &'static str| {
        let url = server.url("/admin/access");
        async move {
            let mut request = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(body);
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            let answer = request.send().await.expect("post");
            let status = answer.status().as_u16();
            (status, answer.json::<Value>().await.unwrap_or_default())
        }
    };
    let change = r#"{"user": "alice", "project": 1, "access": null}"#;
    assert_eq!(post(None, change).await.0, 401);
    for user in ["alice", "bob", "carol"] {
        let cookie = login_cookie(&base, user).await;
        let (status, body) = post(Some(cookie), change).await;
        assert_eq!(status, 403, "{user}: {body}");
        assert_eq!(body["error"], "only admin may change access");
    }
    let admin = login_cookie(&base, "admin").await;
    for bad in [
        r#"{"user": "alice", "project": 1, "access": "admin"}"#,
        r#"{"user": "alice", "project": -1, "access": null}"#,
        r#"{"user": "alice", "access": null}"#,
        "not json",
    ] {
        let (status, body) = post(Some(admin.clone()), bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap_or_default()
                .starts_with("expected {"),
            "{body}"
        );
    }
    let (status, _) = post(
        Some(admin.clone()),
        r#"{"user": "mallory", "project": 1, "access": "read"}"#,
    )
    .await;
    assert_eq!(status, 404);
    // Changed, with no service to tell: alice is refused on her next ask.
    let (status, body) = post(Some(admin), change).await;
    assert_eq!((status, &body["revoked"]), (200, &json!([])), "{body}");
    let alice = login_cookie(&base, "alice").await;
    let asked = reqwest::Client::new()
        .post(server.url("/livekit/token"))
        .header("cookie", alice)
        .json(&json!({"room_name": "project-1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(asked.status(), 403);
}
