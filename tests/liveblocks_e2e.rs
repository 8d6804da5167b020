//! The Liveblocks endpoint of the realtime example (`POST /liveblocks/auth`),
//! end to end: the official `@liveblocks/client` in Node against Liveblocks'
//! own local dev server (`liveblocks dev` on Bun); the request roomauth
//! sends compared with the one `@liveblocks/node` sends for the same grant;
//! Liveblocks down, slow, refusing or answering garbage; hostile requests.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::Key;
use roomauth::liveblocks::Liveblocks;
use roomauth_suite::liveblocks_dev::LiveblocksDevServer;
use roomauth_suite::tools::{NpmProject, npm_project};
use roomauth_suite::{Answer, Browser, Served, serve};
use serde_json::{Value, json};

const DEV_KEY: &str = "sk_localdev";

/// Liveblocks at `base` with the dev key, short deadlines for the fault
/// tests.
fn liveblocks_at(base: &str) -> Liveblocks {
    Liveblocks::builder()
        .secret_key(DEV_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(2))
        .retry_backoff(Duration::from_millis(10))
        .build()
        .expect("Liveblocks config")
}

/// The realtime example on a free port with this Liveblocks.
async fn realtime(liveblocks: Liveblocks) -> Served {
    let backends = app::Backends {
        liveblocks,
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends).expect("rules build");
    serve(router).await
}

/// alice, logged in on `server`, asks to enter project-1; the answer.
async fn alice_asks_for_project_1(server: &Served) -> Answer {
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;
    alice
        .post_json(
            &server.url("/liveblocks/auth"),
            &json!({"room": "project-1"}),
        )
        .await
}

/// `node <script> <args..>` in the Liveblocks npm project, off the
/// runtime; its JSON output.
async fn node_json(project: &NpmProject, script: &'static str, args: Vec<String>) -> Value {
    let project = project.clone();
    tokio::task::spawn_blocking(move || project.node_json(script, args))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn liveblocks_client_enters_through_the_rules() {
    let project = tokio::task::spawn_blocking(|| npm_project("tests/node/liveblocks"))
        .await
        .unwrap();
    let dev = LiveblocksDevServer::start(project.dir()).await;
    let server = realtime(liveblocks_at(&dev.url)).await;
    let out = node_json(
        &project,
        "client.mjs",
        vec![server.url(""), dev.url.clone()],
    )
    .await;

    // alice writes project-1: connected with write access, her name shown,
    // and a storage write that a second client reads back from the server.
    let p1 = &out["project-1"];
    assert_eq!(p1["status"], "connected", "{p1}");
    assert_eq!(p1["canWrite"], true, "{p1}");
    assert_eq!(p1["canComment"], true, "{p1}");
    assert_eq!(p1["id"], "alice");
    assert_eq!(p1["info"], json!({"name": "Alice"}));
    assert_eq!(p1["synchronized"], true, "{p1}");
    assert_eq!(p1["persisted"], true, "{p1}");
    assert_eq!(p1["authRequests"], 1);

    // alice reads project-2: connected, cannot write.
    let p2 = &out["project-2"];
    assert_eq!(p2["status"], "connected", "{p2}");
    assert_eq!(p2["canWrite"], false, "{p2}");
    // The rule's per-resource level: a viewer may comment, not edit
    // (`["*:read", "comments:write"]`, accepted by the dev server).
    assert_eq!(p2["canComment"], true, "{p2}");
    assert!(p2["write"].as_str().unwrap().starts_with("refused"), "{p2}");

    // project-3 (403) and no session (401): refused, and the client stops
    // after the one answer.
    for (label, status) in [("project-3", 403), ("no-session", 401)] {
        let refused = &out[label];
        assert_eq!(refused["status"], "disconnected", "{label}: {refused}");
        assert_eq!(refused["authRequests"], 1, "{label}: {refused}");
        assert_eq!(
            refused["authStatuses"],
            json!([status]),
            "{label}: {refused}"
        );
        let error = refused["errors"][0].as_str().unwrap_or_default();
        assert!(error.starts_with("Unauthorized"), "{label}: {refused}");
    }
}

/// What a capture server saw of one request.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: String,
}

/// A stand-in for Liveblocks' API that records every request and answers
/// with `answer`. Counting calls is all it is for: the protocol itself is
/// tested against the real dev server above.
async fn recorder(answer: fn() -> Response) -> (Served, Arc<Mutex<Vec<Seen>>>) {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let router = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            let header = |name: &str| {
                headers
                    .get(name)
                    .map(|v| v.to_str().unwrap_or_default().to_owned())
            };
            log.lock().unwrap().push(Seen {
                path: uri.path().to_owned(),
                authorization: header("authorization"),
                content_type: header("content-type"),
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            answer()
        }
    });
    (serve(router).await, seen)
}

fn dev_token() -> Response {
    (
        [("content-type", "application/json")],
        r#"{"token":"eyJhbGciOiJub25lIn0.eyJrIjoiYWNjIn0."}"#,
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread")]
async fn sends_what_liveblocks_node_sends_for_the_same_grant() {
    let (upstream, seen) = recorder(dev_token).await;
    let server = realtime(liveblocks_at(&upstream.url(""))).await;
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;
    for room in ["project-1", "project-2"] {
        let answer = alice
            .post_json(&server.url("/liveblocks/auth"), &json!({ "room": room }))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(
            answer.text,
            r#"{"token":"eyJhbGciOiJub25lIn0.eyJrIjoiYWNjIn0."}"#
        );
    }
    let ours = seen.lock().unwrap().clone();

    let project = tokio::task::spawn_blocking(|| npm_project("tests/node/liveblocks"))
        .await
        .unwrap();
    let cases = json!([
        {"userId": "alice", "room": "project-1", "permissions": ["*:write", "comments:write"],
         "userInfo": {"name": "Alice"}},
        {"userId": "alice", "room": "project-2",
         "permissions": ["*:read", "comments:write"], "userInfo": {"name": "Alice"}},
    ]);
    let sdk = node_json(&project, "capture-node-sdk.mjs", vec![cases.to_string()]).await;
    let sdk: Vec<Seen> = sdk
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Seen {
            path: r["path"].as_str().unwrap().to_owned(),
            authorization: r["authorization"].as_str().map(str::to_owned),
            content_type: r["contentType"].as_str().map(str::to_owned),
            body: r["body"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(ours, sdk);
    assert_eq!(
        ours[0].body,
        r#"{"userId":"alice","permissions":{"project-1":["*:write","comments:write"]},"userInfo":{"name":"Alice"}}"#
    );
}

/// At least 20 hostile requests: each is a 4xx with `{"error": ..}`, and
/// none reaches Liveblocks.
#[tokio::test]
async fn hostile_requests_never_reach_liveblocks() {
    let (upstream, seen) = recorder(dev_token).await;
    let server = realtime(liveblocks_at(&upstream.url(""))).await;
    let url = server.url("/liveblocks/auth");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;

    let json = Some("application/json");
    let long = format!(r#"{{"room":"project-1{}"}}"#, "1".repeat(120));
    let huge = format!(
        r#"{{"room":"project-1","pad":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    let cases: Vec<(Option<&str>, Vec<u8>, u16)> = vec![
        (None, br#"{"room":"project-1"}"#.to_vec(), 415),
        (Some("text/plain"), br#"{"room":"project-1"}"#.to_vec(), 415),
        (
            Some("application/x-www-form-urlencoded"),
            b"room=project-1".to_vec(),
            415,
        ),
        (json, b"".to_vec(), 400),
        (json, b"null".to_vec(), 400),
        (json, b"[]".to_vec(), 400),
        (json, br#"["project-1"]"#.to_vec(), 400),
        (json, br#""project-1""#.to_vec(), 400),
        (json, b"{}".to_vec(), 400),
        (json, br#"{"room":null}"#.to_vec(), 400),
        (json, br#"{"room":""}"#.to_vec(), 400),
        (json, br#"{"room":1}"#.to_vec(), 400),
        (json, br#"{"room":"*"}"#.to_vec(), 400),
        (json, br#"{"room":"project-*"}"#.to_vec(), 400),
        (json, br#"{"room":"project-1*"}"#.to_vec(), 400),
        (
            json,
            br#"{"room":"project-1","room":"project-2"}"#.to_vec(),
            400,
        ),
        (json, br#"{"room":"project-1\u0000"}"#.to_vec(), 400),
        (json, long.into_bytes(), 400),
        (json, b"{\"room\":\"project-\xff\"}".to_vec(), 400),
        (json, br#"{"room":"project-1""#.to_vec(), 400),
        (json, huge.into_bytes(), 413),
        (json, br#"{"room":"project-01"}"#.to_vec(), 403),
        (json, br#"{"room":"project-3"}"#.to_vec(), 403),
        (json, br#"{"room":"project-1/../project-3"}"#.to_vec(), 403),
        (json, br#"{"room":"Project-1"}"#.to_vec(), 403),
    ];
    assert!(cases.len() >= 20);
    for (content_type, body, status) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(80)
            .collect::<String>();
        let answer = alice.post(&url, content_type, body).await;
        assert_eq!(answer.status, status, "{shown}: {}", answer.text);
        assert!(
            answer.json["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{shown}: {}",
            answer.text
        );
    }
    // Also without a session.
    let anonymous = Browser::new()
        .post_json(&url, &json!({"room": "project-1"}))
        .await;
    assert_eq!(anonymous.status, 401);
    assert!(
        seen.lock().unwrap().is_empty(),
        "a hostile request reached Liveblocks"
    );
}

/// Liveblocks failing: each failure a bounded 502/503/504 with JSON, the key
/// never in it, retries only where Liveblocks cannot have acted or failed.
#[tokio::test]
async fn liveblocks_failures_are_bounded_gateway_errors() {
    struct Fault {
        name: &'static str,
        answer: fn() -> Response,
        status: u16,
        calls: usize,
    }
    let faults = [
        Fault {
            name: "key refused (401)",
            answer: || (StatusCode::UNAUTHORIZED, r#"{"error":"Unauthorized"}"#).into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "key refused (403)",
            answer: || {
                (
                    StatusCode::FORBIDDEN,
                    r#"{"error":"Forbidden","message":"Invalid secret key sk_localdev"}"#,
                )
                    .into_response()
            },
            status: 502,
            calls: 1,
        },
        Fault {
            name: "422",
            answer: || {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    r#"{"error":"Unprocessable Entity"}"#,
                )
                    .into_response()
            },
            status: 502,
            calls: 1,
        },
        Fault {
            name: "429 with Retry-After",
            answer: || {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "7")],
                    "slow down",
                )
                    .into_response()
            },
            status: 503,
            calls: 1,
        },
        Fault {
            name: "500",
            answer: || StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            status: 502,
            calls: 3,
        },
        Fault {
            name: "503",
            answer: || StatusCode::SERVICE_UNAVAILABLE.into_response(),
            status: 502,
            calls: 3,
        },
        Fault {
            name: "redirect",
            answer: || (StatusCode::FOUND, [("location", "http://127.0.0.1:9/")]).into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "HTML",
            answer: || (StatusCode::OK, "<html>hello</html>").into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "empty object",
            answer: || (StatusCode::OK, "{}").into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "token not a string",
            answer: || (StatusCode::OK, r#"{"token":42}"#).into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "token not a JWT",
            answer: || (StatusCode::OK, r#"{"token":"sk_localdev"}"#).into_response(),
            status: 502,
            calls: 1,
        },
        Fault {
            name: "body over the limit",
            answer: || (StatusCode::OK, "x".repeat(128 * 1024)).into_response(),
            status: 502,
            calls: 1,
        },
    ];
    for fault in faults {
        let (upstream, seen) = recorder(fault.answer).await;
        let server = realtime(liveblocks_at(&upstream.url(""))).await;
        let answer = alice_asks_for_project_1(&server).await;
        let name = fault.name;
        assert_eq!(answer.status, fault.status, "{name}: {}", answer.text);
        assert!(answer.json["error"].is_string(), "{name}: {}", answer.text);
        assert!(!answer.text.contains(DEV_KEY), "{name}: {}", answer.text);
        assert_eq!(seen.lock().unwrap().len(), fault.calls, "{name}");
    }
}

#[tokio::test]
async fn rate_limit_passes_retry_after_on() {
    let (upstream, _) =
        recorder(|| (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "7")], "").into_response())
            .await;
    let server = realtime(liveblocks_at(&upstream.url(""))).await;
    let cookie = Browser::logged_in(&server.url("/login"), "alice")
        .await
        .cookie()
        .unwrap()
        .to_owned();
    let response = reqwest::Client::new()
        .post(server.url("/liveblocks/auth"))
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(r#"{"room":"project-1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn liveblocks_down_or_slow() {
    // Down: nothing listens on the port.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let server = realtime(liveblocks_at(&format!("http://{closed}"))).await;
    let answer = alice_asks_for_project_1(&server).await;
    assert_eq!(answer.status, 502, "{}", answer.text);
    assert!(
        answer.json["error"]
            .as_str()
            .unwrap()
            .contains("LIVEBLOCKS_BASE_URL")
    );

    // Slow: answers after the deadline.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let slow = Router::new().fallback(|| async {
        CALLS.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(5)).await;
        dev_token()
    });
    let upstream = serve(slow).await;
    let liveblocks = Liveblocks::builder()
        .secret_key(DEV_KEY)
        .base_url(upstream.url(""))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let server = realtime(liveblocks).await;
    let started = std::time::Instant::now();
    let answer = alice_asks_for_project_1(&server).await;
    assert_eq!(answer.status, 504, "{}", answer.text);
    assert!(answer.json["error"].is_string());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
}
