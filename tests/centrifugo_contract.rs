//! Centrifugo by contract (no Centrifugo server installs from the
//! registries): requests shaped as `proxy.proto`'s `SubscribeRequest` in
//! Centrifugo's JSON encoding, answers checked against `SubscribeResponse`,
//! over real HTTP on 127.0.0.1 to the realtime example's endpoints
//! (examples/realtime); subscription tokens verified by `jose`, an
//! independent JWT library, in Node.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::Duration;

use axum_extra::extract::cookie::Key;
use roomauth::centrifugo::{CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken, TokenSecret};
use roomauth_suite::node::{node_project, run_node_script};
use roomauth_suite::{Served, login_cookie, serve};
use serde_json::{Value, json};

/// The realtime example with these `backends`.
async fn realtime_app(backends: app::Backends) -> Served {
    let router = app::app(app::AppState::demo(Key::generate()), backends)
        .expect("the realtime example builds");
    serve(router).await
}

/// A subscribe proxy request as Centrifugo v6 sends it (`http_headers:
/// ["Cookie"]`, `static_headers`).
fn proxy_request(user: &str, channel: &str) -> Value {
    json!({"client": "9336a229-2400-4ebc-8c50-0a643d22e8a0", "transport": "websocket",
           "protocol": "json", "encoding": "json", "user": user, "channel": channel,
           "data": {"optional": "client data"}})
}

async fn post(url: &str, cookie: Option<&str>, secret: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(url).json(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(secret) = secret {
        request = request.header("x-centrifugo-proxy-secret", secret);
    }
    let answer = request.send().await.expect("post");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or_default())
}

#[tokio::test]
async fn subscribe_proxy_answers_in_proxy_shape() {
    let backend = CentrifugoSubscribe::new()
        .require_header(
            axum::http::HeaderName::from_static("x-centrifugo-proxy-secret"),
            "static-secret",
        )
        .expect("a proxy secret");
    let app = realtime_app(app::Backends {
        centrifugo_subscribe: backend,
        ..app::Backends::dev()
    })
    .await;
    let url = app.url("/centrifugo/subscribe");
    let alice = login_cookie(&app.url(""), "alice").await;
    let bob = login_cookie(&app.url(""), "bob").await;
    let s = Some("static-secret");
    let denied =
        json!({"error": {"code": 403, "message": "permission denied", "temporary": false}});
    let granted = |name: &str| json!({"result": {"info": {"name": name}}});

    let cases = [
        (Some(&alice), "alice", "project:1", granted("Alice")),
        (Some(&alice), "alice", "project:2", granted("Alice")),
        (Some(&alice), "alice", "project-1", granted("Alice")),
        (Some(&bob), "bob", "$project:2", granted("Bob")),
        (Some(&alice), "", "project:1", granted("Alice")),
        (Some(&alice), "alice", "project:3", denied.clone()),
        (Some(&alice), "alice", "lobby", denied.clone()),
        (Some(&bob), "bob", "project:1", denied.clone()),
        // The connection is bob's, the cookie alice's: refused.
        (Some(&alice), "bob", "project:1", denied.clone()),
        (
            None,
            "alice",
            "project:1",
            json!({"error": {"code": 401, "message": "unauthorized", "temporary": false}}),
        ),
    ];
    for (cookie, user, channel, expected) in cases {
        let (status, body) = post(
            &url,
            cookie.map(String::as_str),
            s,
            &proxy_request(user, channel),
        )
        .await;
        assert_eq!((status, &body), (200, &expected), "{user} on {channel}");
    }

    // Requests Centrifugo never sends: HTTP errors.
    let (status, _) = post(
        &url,
        Some(&alice),
        None,
        &proxy_request("alice", "project:1"),
    )
    .await;
    assert_eq!(status, 401, "no static header");
    let (status, _) = post(
        &url,
        Some(&alice),
        Some("wrong"),
        &proxy_request("alice", "project:1"),
    )
    .await;
    assert_eq!(status, 401, "wrong static header");
    let (status, _) = post(&url, Some(&alice), s, &json!({"user": "alice"})).await;
    assert_eq!(status, 400, "no channel");
    let (status, _) = post(&url, Some(&alice), s, &proxy_request("alice", "project 1")).await;
    assert_eq!(status, 400, "space in channel");
}

/// A publish proxy request as Centrifugo v6 sends it: the subscribe
/// request's fields plus the publication.
fn publish_request(user: &str, channel: &str, data: Value) -> Value {
    let mut request = proxy_request(user, channel);
    request["data"] = data;
    request
}

#[tokio::test]
async fn publish_proxy_publishes_only_for_write_grants() {
    let backend = CentrifugoPublish::new()
        .require_header(
            axum::http::HeaderName::from_static("x-centrifugo-proxy-secret"),
            "static-secret",
        )
        .expect("a proxy secret");
    let app = realtime_app(app::Backends {
        centrifugo_publish: backend,
        ..app::Backends::dev()
    })
    .await;
    let url = app.url("/centrifugo/publish");
    let alice = login_cookie(&app.url(""), "alice").await;
    let bob = login_cookie(&app.url(""), "bob").await;
    let s = Some("static-secret");
    let published = json!({"result": {}});
    let read_only = json!({"error": {"code": 403, "message": "permission denied: read-only", "temporary": false}});
    let denied =
        json!({"error": {"code": 403, "message": "permission denied", "temporary": false}});
    let text = json!({"text": "hello"});

    let cases = [
        // alice writes project-1 and reads project-2; bob writes project-2.
        (Some(&alice), "alice", "project:1", published.clone()),
        (Some(&alice), "alice", "$project:1", published.clone()),
        (Some(&alice), "alice", "project-1", published.clone()),
        (Some(&alice), "", "project:1", published.clone()),
        (Some(&bob), "bob", "project:2", published.clone()),
        (Some(&alice), "alice", "project:2", read_only.clone()),
        (Some(&alice), "alice", "$project:2", read_only.clone()),
        (Some(&alice), "alice", "project:3", denied.clone()),
        (Some(&alice), "alice", "lobby", denied.clone()),
        (Some(&bob), "bob", "project:1", denied.clone()),
        // The connection is bob's, the cookie alice's: refused.
        (Some(&alice), "bob", "project:1", denied.clone()),
        (
            None,
            "alice",
            "project:1",
            json!({"error": {"code": 401, "message": "unauthorized", "temporary": false}}),
        ),
    ];
    for (cookie, user, channel, expected) in cases {
        let (status, body) = post(
            &url,
            cookie.map(String::as_str),
            s,
            &publish_request(user, channel, text.clone()),
        )
        .await;
        assert_eq!((status, &body), (200, &expected), "{user} on {channel}");
    }

    // A publication up to Centrifugo's default message size is decided;
    // a bigger body is an HTTP error.
    let big = json!({"text": "x".repeat(63 * 1024)});
    let (status, body) = post(
        &url,
        Some(&alice),
        s,
        &publish_request("alice", "project:1", big),
    )
    .await;
    assert_eq!((status, body), (200, published));
    let huge = json!({"text": "x".repeat(66 * 1024)});
    let (status, _) = post(
        &url,
        Some(&alice),
        s,
        &publish_request("alice", "project:1", huge),
    )
    .await;
    assert_eq!(status, 413, "over the body limit");

    // Requests Centrifugo never sends: HTTP errors.
    let request = publish_request("alice", "project:1", text.clone());
    assert_eq!(
        post(&url, Some(&alice), None, &request).await.0,
        401,
        "no static header"
    );
    assert_eq!(
        post(&url, Some(&alice), Some("wrong"), &request).await.0,
        401,
        "wrong static header"
    );
    let (status, _) = post(&url, Some(&alice), s, &json!({"user": "alice", "data": {}})).await;
    assert_eq!(status, 400, "no channel");
    let (status, _) = post(
        &url,
        Some(&alice),
        s,
        &publish_request("alice", "project 1", text),
    )
    .await;
    assert_eq!(status, 400, "space in channel");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscription_tokens_verify_with_an_independent_library() {
    let project = node_project("centrifugo");
    roomauth_suite::tools::npm_project(&project);
    let secret = "centrifugo-hmac-secret";
    let app = realtime_app(app::Backends {
        centrifugo_token: CentrifugoToken::new(TokenSecret::new(secret).expect("key")),
        ..app::Backends::dev()
    })
    .await;
    let url = app.url("/centrifugo/subscription-token");
    let alice = login_cookie(&app.url(""), "alice").await;

    let mut tokens = Vec::new();
    for channel in ["$project:1", "$project:2"] {
        let (status, body) = post(&url, Some(&alice), None, &json!({"channel": channel})).await;
        assert_eq!(status, 200, "{body}");
        tokens.push(body["token"].as_str().expect("token").to_owned());
    }
    assert_eq!(
        post(&url, Some(&alice), None, &json!({"channel": "$project:3"}))
            .await
            .0,
        403
    );
    assert_eq!(
        post(&url, None, None, &json!({"channel": "$project:1"}))
            .await
            .0,
        401
    );

    let input = json!({"secret": secret, "tokens": tokens.clone()}).to_string();
    let verified = tokio::task::block_in_place(|| {
        run_node_script(
            &project,
            "verify.mjs",
            &[],
            Some(&input),
            Duration::from_secs(60),
        )
    });
    for (result, channel) in verified
        .as_array()
        .expect("array")
        .iter()
        .zip(["$project:1", "$project:2"])
    {
        let payload = &result["payload"];
        assert_eq!(payload["sub"], "alice", "{result}");
        assert_eq!(payload["channel"], channel, "{result}");
        assert_eq!(payload["info"], json!({"name": "Alice"}), "{result}");
        let ttl = payload["exp"].as_u64().expect("exp") - payload["iat"].as_u64().expect("iat");
        assert_eq!(ttl, 600, "{result}");
        assert_eq!(result["header"]["alg"], "HS256");
    }
    // The same tokens under another key fail: the signature is checked.
    let input = json!({"secret": "another-secret", "tokens": tokens}).to_string();
    let refused = tokio::task::block_in_place(|| {
        run_node_script(
            &project,
            "verify.mjs",
            &[],
            Some(&input),
            Duration::from_secs(60),
        )
    });
    for result in refused.as_array().expect("array") {
        assert_eq!(
            result["error"], "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "{result}"
        );
    }
}

/// Re-asking: with `expire_after`, subscriptions carry `expire_at`; the
/// sub-refresh proxy extends them while the rules allow, and answers
/// `{"result": {"expired": true}}` once the admin removed alice.
#[tokio::test]
async fn sub_refresh_answers_from_the_rules() {
    let interval = Duration::from_secs(30);
    let app = realtime_app(app::Backends {
        centrifugo_subscribe: CentrifugoSubscribe::new().expire_after(interval),
        ..app::Backends::dev()
    })
    .await;
    let base = app.url("");
    let alice = login_cookie(&base, "alice").await;
    let admin = login_cookie(&base, "admin").await;
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    };
    let expires_in = |body: &Value, at: &str| {
        let expire_at = body["result"]["expire_at"]
            .as_u64()
            .unwrap_or_else(|| panic!("no expire_at in {at}: {body}"));
        expire_at.saturating_sub(now())
    };

    let subscribe = app.url("/centrifugo/subscribe");
    let (status, body) = post(
        &subscribe,
        Some(&alice),
        None,
        &proxy_request("alice", "project:1"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["info"], json!({"name": "Alice"}), "{body}");
    assert!(
        (29..=30).contains(&expires_in(&body, "subscribe")),
        "{body}"
    );

    let refresh = app.url("/centrifugo/sub-refresh");
    let (status, body) = post(
        &refresh,
        Some(&alice),
        None,
        &proxy_request("alice", "project:1"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["info"], json!({"name": "Alice"}), "{body}");
    assert!(body["result"].get("expired").is_none(), "{body}");
    assert!(
        (29..=30).contains(&expires_in(&body, "sub-refresh")),
        "{body}"
    );

    let expired = json!({"result": {"expired": true}});
    // Another user's connection, or no session: expired.
    let (_, body) = post(
        &refresh,
        Some(&alice),
        None,
        &proxy_request("bob", "project:1"),
    )
    .await;
    assert_eq!(body, expired);
    let (_, body) = post(&refresh, None, None, &proxy_request("alice", "project:1")).await;
    assert_eq!(body, expired);

    // The admin removes alice from project 1: the next refresh ends it,
    // project 2 stays.
    let changed = reqwest::Client::new()
        .post(app.url("/admin/access"))
        .header("cookie", &admin)
        .json(&json!({"user": "alice", "project": 1, "access": null}))
        .send()
        .await
        .expect("post");
    assert_eq!(changed.status(), 200);
    let (_, body) = post(
        &refresh,
        Some(&alice),
        None,
        &proxy_request("alice", "project:1"),
    )
    .await;
    assert_eq!(body, expired);
    let (_, body) = post(
        &refresh,
        Some(&alice),
        None,
        &proxy_request("alice", "$project:2"),
    )
    .await;
    assert!(expires_in(&body, "project 2") > 0, "{body}");
    // Malformed refreshes are HTTP errors, as on the subscribe proxy.
    let (status, _) = post(&refresh, Some(&alice), None, &json!({"user": "alice"})).await;
    assert_eq!(status, 400);
}

/// Revoking by contract: `CentrifugoApi` posts Centrifugo's server API
/// (`/api/unsubscribe`, `/api/disconnect`, `X-API-Key`, JSON) to a stub
/// that records what it got; Centrifugo's `error` answers (HTTP 200) are
/// failures, reported without losing the other services.
#[tokio::test]
async fn server_api_requests_by_contract() {
    use roomauth::centrifugo::CentrifugoApi;
    use roomauth::revoke::{Applied, Revoker};
    use roomauth::secret::ApiKey;
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(String, Option<String>, Option<String>, Value)>>>;
    let seen: Seen = Arc::default();
    let stub = {
        let seen = Arc::clone(&seen);
        axum::Router::new().route(
            "/api/{method}",
            axum::routing::post(
                move |axum::extract::Path(method): axum::extract::Path<String>,
                      headers: axum::http::HeaderMap,
                      body: String| {
                    let seen = Arc::clone(&seen);
                    async move {
                        let header = |name: &str| {
                            headers
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_owned)
                        };
                        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                        let channel = body["channel"].as_str().unwrap_or_default().to_owned();
                        seen.lock().unwrap().push((
                            method,
                            header("x-api-key"),
                            header("content-type"),
                            body,
                        ));
                        if channel == "$project:9" {
                            axum::Json(
                                json!({"error": {"code": 102, "message": "unknown channel"}}),
                            )
                        } else {
                            axum::Json(json!({"result": {}}))
                        }
                    }
                },
            ),
        )
    };
    let stub = serve(stub).await;
    let api = CentrifugoApi::new(&stub.url(""), ApiKey::new("centrifugo-api-key"))
        .expect("the API")
        .channels(|room: &str| {
            let channel = room.replacen("project-", "project:", 1);
            vec![channel.clone(), format!("${channel}")]
        });
    let down = CentrifugoApi::new("http://127.0.0.1:9", ApiKey::new("k")).expect("the API");
    let revoker = Revoker::builder().target(api).target(down).build();

    let report = revoker.revoke("alice", "project-1").await;
    assert_eq!(report.outcomes[0].result, Ok(Applied::Done), "{report}");
    assert!(report.outcomes[1].result.is_err(), "{report}");
    let report = revoker.revoke_user("bob").await;
    assert_eq!(report.outcomes[0].result, Ok(Applied::Done), "{report}");
    let report = revoker
        .access_changed("alice", "project-2", Some(roomauth::Access::Read))
        .await;
    assert!(
        matches!(report.outcomes[0].result, Ok(Applied::Nothing(_))),
        "{report}"
    );
    let report = revoker.revoke("alice", "project-9").await;
    let failure = report.outcomes[0]
        .result
        .as_ref()
        .expect_err("an error answer");
    assert!(
        failure
            .to_string()
            .contains("unsubscribe failed: error 102 unknown channel"),
        "{failure}"
    );
    assert!(
        !report.to_string().contains("centrifugo-api-key"),
        "{report}"
    );

    let key = Some("centrifugo-api-key".to_owned());
    let json_type = Some("application/json".to_owned());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (
                "unsubscribe".to_owned(),
                key.clone(),
                json_type.clone(),
                json!({"user": "alice", "channel": "project:1"})
            ),
            (
                "unsubscribe".to_owned(),
                key.clone(),
                json_type.clone(),
                json!({"user": "alice", "channel": "$project:1"})
            ),
            (
                "disconnect".to_owned(),
                key.clone(),
                json_type.clone(),
                json!({"user": "bob"})
            ),
            (
                "unsubscribe".to_owned(),
                key.clone(),
                json_type.clone(),
                json!({"user": "alice", "channel": "project:9"})
            ),
            (
                "unsubscribe".to_owned(),
                key,
                json_type,
                json!({"user": "alice", "channel": "$project:9"})
            ),
        ]
    );
}
