//! y-sweet end to end: the real y-sweet 0.9.1 server (built from crates.io
//! by the test tooling when missing) and the real `@y-sweet/client` with
//! yjs in Node, against the realtime example's `POST /y-sweet/auth`
//! (examples/realtime) on 127.0.0.1; then the server's faults (down, slow,
//! refused token, garbage).

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::Duration;

use axum_extra::extract::cookie::Key;
use roomauth::upstream::CallPolicy;
use roomauth::y_sweet::{ConnectionString, YSweet};
use roomauth_suite::node::{node_project, run_node_script};
use roomauth_suite::y_sweet::{YSweetServer, y_sweet_binary};
use roomauth_suite::{Served, login_cookie, serve};
use serde_json::json;

/// The realtime example with `y_sweet` as its y-sweet endpoint.
async fn realtime_app(y_sweet: YSweet) -> Served {
    let backends = app::Backends {
        y_sweet,
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends)
        .expect("the realtime example builds");
    serve(router).await
}

#[tokio::test(flavor = "multi_thread")]
async fn real_y_sweet_server_and_client() {
    let project = node_project("y-sweet");
    roomauth_suite::tools::npm_project(&project);
    let server = tokio::task::block_in_place(|| YSweetServer::start(&y_sweet_binary()));
    let connection = ConnectionString::parse(&server.connection_string).expect("ys://");
    let app = realtime_app(YSweet::new(connection).expect("client")).await;
    let base = app.url("");
    let alice = login_cookie(&base, "alice").await;
    let bob = login_cookie(&base, "bob").await;
    let auth = app.url("/y-sweet/auth");

    let report = tokio::task::block_in_place(|| {
        run_node_script(
            &project,
            "client.mjs",
            &[
                ("AUTH_ENDPOINT", &auth),
                ("ALICE_COOKIE", &alice),
                ("BOB_COOKIE", &bob),
            ],
            None,
            Duration::from_secs(120),
        )
    });
    assert_eq!(
        report,
        json!({
            "project1": {"authorization": "full", "second_sees_edit": true},
            "project2": {"authorization": "read-only", "bob_authorization": "full",
                         "alice_sees_bob": true, "bob_sees_alice": false,
                         "later_client_sees_alice": false, "later_client_sees_bob": true},
            "project3": {"refused": 403}
        }),
        "{report:#}"
    );

    // The token relayed is the server's own: a read-only token cannot write
    // through the server's HTTP API either.
    let answer = reqwest::Client::new()
        .post(&auth)
        .header("cookie", &alice)
        .json(&json!({"docId": "project-2"}))
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), 200);
    let token: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(token["docId"], "project-2");
    assert_eq!(token["authorization"], "read-only");
    let update = reqwest::Client::new()
        .post(format!(
            "{}/update",
            token["baseUrl"].as_str().expect("baseUrl")
        ))
        .bearer_auth(token["token"].as_str().expect("token"))
        .body(vec![0u8, 0])
        .send()
        .await
        .expect("post update");
    assert_eq!(update.status(), 403);
}

/// A y-sweet endpoint for `connection_string` with a short deadline.
fn y_sweet(connection_string: &str) -> YSweet {
    YSweet::with_policy(
        ConnectionString::parse(connection_string).expect("ys://"),
        CallPolicy {
            timeout: Duration::from_millis(800),
            max_retries: 1,
            retry_backoff: Duration::from_millis(20),
        },
    )
    .expect("client")
}

async fn ask(app: &Served, cookie: &str) -> (u16, serde_json::Value) {
    let answer = reqwest::Client::new()
        .post(app.url("/y-sweet/auth"))
        .header("cookie", cookie)
        .json(&json!({"docId": "project-1"}))
        .send()
        .await
        .expect("post");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn server_faults_are_bounded_5xx() {
    // Refused token: the real server with another server token.
    let server = tokio::task::block_in_place(|| YSweetServer::start(&y_sweet_binary()));
    let port = server.base_url.rsplit(':').next().expect("port");
    let app = realtime_app(y_sweet(&format!("ys://AAAgwrongtoken@127.0.0.1:{port}"))).await;
    let alice = login_cookie(&app.url(""), "alice").await;
    let (status, body) = ask(&app, &alice).await;
    assert_eq!(status, 502, "{body}");
    assert!(!body.to_string().contains("AAAgwrongtoken"), "{body}");

    // Down: nothing listens.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let app = realtime_app(y_sweet(&format!("ys://t@127.0.0.1:{closed}"))).await;
    let alice = login_cookie(&app.url(""), "alice").await;
    assert_eq!(ask(&app, &alice).await.0, 502);

    // Slow, garbage, and rate limiting: a stand-in that misbehaves on purpose.
    for (behaviour, expected) in [
        ("slow", 504),
        ("garbage", 502),
        ("limit", 503),
        ("other-doc", 502),
    ] {
        let fault = serve(faulty_server(behaviour)).await;
        let app = realtime_app(y_sweet(&format!("ys://t@{}", fault.addr))).await;
        let alice = login_cookie(&app.url(""), "alice").await;
        let started = std::time::Instant::now();
        let (status, body) = ask(&app, &alice).await;
        assert_eq!(status, expected, "{behaviour}: {body}");
        assert!(body["error"].is_string(), "{behaviour}: {body}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{behaviour}: bounded"
        );
    }
}

/// A y-sweet-shaped server that fails as `behaviour` says.
fn faulty_server(behaviour: &'static str) -> axum::Router {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::post;
    let handler = move || async move {
        match behaviour {
            "slow" => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                StatusCode::OK.into_response()
            }
            "garbage" => (StatusCode::OK, "<html>not json").into_response(),
            "limit" => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "7")]).into_response(),
            _ => (
                StatusCode::OK,
                [("content-type", "application/json")],
                r#"{"docId":"project-1","url":"ws://x/d/other/ws","authorization":"full"}"#,
            )
                .into_response(),
        }
    };
    let other_doc = move || async move {
        (
            axum::http::StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"url":"ws://127.0.0.1:1/d/other/ws","docId":"other","authorization":"full"}"#,
        )
    };
    let router = axum::Router::new().route("/doc/new", post(handler));
    if behaviour == "other-doc" {
        axum::Router::new()
            .route(
                "/doc/new",
                post(|| async { axum::Json(json!({"docId": "project-1"})) }),
            )
            .route("/doc/project-1/auth", post(other_doc))
    } else {
        router
    }
}
