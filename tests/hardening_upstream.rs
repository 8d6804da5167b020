//! Hardening of the quickstart over real HTTP on 127.0.0.1 (issue #6),
//! upstream faults: a fault-injecting provisioner (raw HTTP over a tokio
//! `TcpListener`, in `tests/hardening/fault_server.rs`) behind the
//! quickstart; each fault answered with 502, 503 or 504 and a JSON error
//! within a bounded time, retried only where it is safe, no secret leaked.
//! And every relaying backend (Room Service, y-sweet, Liveblocks) answers
//! 502 when its service's answer grants more or other than was asked.
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too. What the
//! hardening tests share is in `tests/hardening/`.

#[path = "hardening/mod.rs"]
#[allow(dead_code)]
mod hardening;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hardening::fault_server::{Fault, FaultServer};
use hardening::logs::Logs;
use hardening::{
    API_KEY, Answer, BUDGET, PANICS, app, assert_no_secret, count_panics, login, room_service,
    send, state, url_strategy,
};
use roomauth::backend::Backend;
use roomauth::error::{UpstreamErrorKind, WebhookError};
use roomauth::liveblocks::{AuthRequest, Liveblocks};
use roomauth::room_service::HttpProvisioner;
use roomauth::rules::Decision;
use roomauth::secret::ApiKey;
use roomauth::y_sweet::request::ClientRequest;
use roomauth::y_sweet::{ConnectionString, YSweet};
use roomauth::{Access, Grant};
use roomauth_suite::serve;
use serde_json::json;

/// The correctness bound on a loaded CI machine, not a benchmark.
const BOUND: Duration = Duration::from_secs(3);

/// Runs one webhook request through the quickstart provisioning through
/// `base`; returns the answer and how long it took.
async fn through_quickstart(base: String, timeout: Duration) -> (Answer, Duration) {
    let server = serve(app::app(state(), room_service(base, timeout)).unwrap()).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &server, "alice").await;
    let started = Instant::now();
    let answer = send(
        &client,
        &server.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", cookie.as_bytes())],
        url_strategy("project-1").to_string(),
    )
    .await;
    (answer, started.elapsed())
}

#[tokio::test]
async fn upstream_faults_map_to_502_503_504_in_bounded_time() {
    count_panics();
    let (logs, _guard) = Logs::capture();
    // (fault, expected status, expected upstream attempts)
    let cases: &[(Fault, u16, usize)] = &[
        (Fault::ResetBeforeAnswer, 502, 1),
        (Fault::ResetMidBody, 502, 1),
        (Fault::Silent, 504, 1),
        (Fault::SlowBody, 504, 1),
        (Fault::Status(500), 502, 3),
        (Fault::Status(502), 502, 3),
        (Fault::Status(503), 502, 3),
        (Fault::Status(504), 502, 3),
        (Fault::RateLimited, 503, 1),
        (Fault::Status(401), 502, 1),
        (Fault::Status(403), 502, 1),
        (Fault::Status(404), 502, 1),
        (Fault::Status(400), 502, 1),
        (Fault::Redirect, 502, 1),
        (Fault::Garbage, 502, 1),
        (Fault::JsonArray, 502, 1),
        (Fault::NoToken, 502, 1),
        (Fault::EmptyToken, 502, 1),
        (Fault::OtherUser, 502, 1),
        (Fault::OtherRoom, 502, 1),
        (Fault::ExtraRoom, 502, 1),
        (Fault::ExtraDocument, 502, 1),
        (Fault::NoIds, 502, 1),
        (Fault::HugeDeclared, 502, 1),
        (Fault::HugeChunked, 502, 1),
        (Fault::EchoAuthorization(0), 502, 1),
        (Fault::NotHttp, 502, 1),
        (Fault::FailOnceThenOk, 200, 2),
        (Fault::Ok, 200, 1),
    ];
    // The key echoed at every offset around the cut of a quoted reason.
    let echoes: Vec<(Fault, u16, usize)> = (150..=190)
        .step_by(2)
        .map(|pad| (Fault::EchoAuthorization(pad), 502, 1))
        .collect();
    let mut everything = String::new();
    let mut survived = 0;
    for &(fault, expected, attempts) in cases.iter().chain(&echoes) {
        let upstream = FaultServer::start(fault).await;
        let (answer, took) = through_quickstart(upstream.url(), BUDGET).await;
        assert_eq!(answer.status, expected, "{fault:?}: {answer:?}");
        assert!(
            took < BOUND,
            "{fault:?}: answered in {took:?}, over {BOUND:?}"
        );
        if expected == 200 {
            assert_eq!(answer.json["token"], "tok_fault", "{fault:?}: {answer:?}");
        } else {
            assert!(
                answer
                    .error()
                    .is_some_and(|m| m.starts_with("the realtime service failed: ")
                        && m.contains("Room Service")),
                "{fault:?}: a JSON error: {answer:?}"
            );
            survived += 1;
        }
        if expected == 504 {
            assert!(
                took >= BUDGET - Duration::from_millis(50),
                "{fault:?}: a timeout before the budget ran out ({took:?})"
            );
        }
        // The retries, if any, have stopped: no attempt comes late (the
        // call is over once the webhook answered; a short wait to be sure).
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            upstream.attempts(),
            attempts,
            "{fault:?}: upstream attempts"
        );
        let retry_after = answer
            .headers
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            retry_after.as_deref(),
            (fault == Fault::RateLimited).then_some("7"),
            "{fault:?}: Retry-After"
        );
        everything += &format!("{fault:?} ({took:?}): {}\n", answer.transcript());
    }

    // Nothing listens: connection refused, retried twice, fast.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let before = logs.text().matches("retrying the provision").count();
    let (answer, took) = through_quickstart(format!("http://{closed}"), BUDGET).await;
    assert_eq!(answer.status, 502, "refused: {answer:?}");
    assert!(
        answer.error().is_some_and(|m| m.contains("connect")),
        "{answer:?}"
    );
    assert!(took < BOUND, "refused: {took:?}");
    let retries = logs.text().matches("retrying the provision").count() - before;
    assert_eq!(retries, 2, "a refused connection is retried twice");
    survived += 1;
    everything += &answer.transcript();

    // The budget covers the retries: each attempt takes 600 ms of a 1 s
    // budget, so the second is cut short (504) and there is no third.
    let upstream = FaultServer::start(Fault::SlowStatus(500, 600)).await;
    let (answer, took) = through_quickstart(upstream.url(), Duration::from_secs(1)).await;
    assert_eq!(answer.status, 504, "{answer:?}");
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "{took:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(upstream.attempts(), 2, "the deadline stopped the retries");
    survived += 1;
    everything += &answer.transcript();

    eprintln!("upstream faults survived: {survived} (+1 recovered by a retry)");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
    let logs = logs.text();
    assert!(
        logs.contains("provisioning failed"),
        "the failures were logged: {logs:.2000}"
    );
    assert_no_secret(&everything, "a response");
    assert_no_secret(&logs, "the logs");
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    // Logs through the capture subscriber like every test of this binary,
    // so that no log call site is first met with no subscriber (logs.rs).
    let (_logs, _guard) = Logs::capture();
    let upstream = FaultServer::start(Fault::Status(500)).await;
    let service = HttpProvisioner::builder()
        .api_key(ApiKey::new(API_KEY))
        .base_url(upstream.url())
        .max_retries(0)
        .build()
        .unwrap();
    let server = serve(app::app(state(), service).unwrap()).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &server, "alice").await;
    let answer = send(
        &client,
        &server.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", cookie.as_bytes())],
        r#"{"room":"project-1"}"#,
    )
    .await;
    assert_eq!(answer.status, 502, "{answer:?}");
    assert_eq!(upstream.attempts(), 1);
}

/// A decision granting `access` to `user` by rule `projects`.
fn decision(user: &str, access: Access) -> Decision {
    let grant = match access {
        Access::Write => Grant::write(user),
        Access::Read => Grant::read(user),
    };
    Decision {
        rule: "projects",
        grant,
    }
}

/// The reason of a 502 for an answer that is not the service's documented
/// one; panics on anything else.
fn invalid_answer(outcome: Result<roomauth::webhook::Reply, WebhookError>, what: &str) -> String {
    match outcome {
        Err(WebhookError::Upstream(error)) => match error.kind {
            UpstreamErrorKind::InvalidAnswer { reason } => reason,
            other => panic!("{what}: {other:?}"),
        },
        Err(other) => panic!("{what}: {other}"),
        Ok(reply) => panic!("{what}: relayed {:?}", reply.body),
    }
}

/// A JSON answer with a `'static` lifetime, for [`Fault::Answer`].
fn leak(value: serde_json::Value) -> &'static str {
    value.to_string().leak()
}

#[tokio::test]
async fn a_y_sweet_answer_granting_more_or_other_is_a_502() {
    let (logs, _guard) = Logs::capture();
    const SERVER_TOKEN: &str = "ysCANARYservertoken";
    // One body serves both calls: `/doc/new` reads its `docId` only.
    let token = |doc: &str, authorization: Option<&str>, token: Option<&str>| {
        let mut answer = json!({
            "url": format!("ws://127.0.0.1:1/d/{doc}/ws"),
            "baseUrl": format!("http://127.0.0.1:1/d/{doc}"),
            "docId": doc,
        });
        if let Some(authorization) = authorization {
            answer["authorization"] = json!(authorization);
        }
        if let Some(token) = token {
            answer["token"] = json!(token);
        }
        leak(answer)
    };
    let request = ClientRequest {
        doc_id: "project-1".to_owned(),
    };
    let cases = [
        // A server without `--auth`: no token, so read-only cannot hold.
        (
            token("project-1", Some("read-only"), None),
            Access::Read,
            "without `--auth`",
        ),
        (
            token("project-1", Some("full"), Some("t")),
            Access::Read,
            "another grant",
        ),
        (
            token("project-1", None, Some("t")),
            Access::Read,
            "does not say it is read-only",
        ),
        (
            token("project-1", Some("read-only"), Some("t")),
            Access::Write,
            "another grant",
        ),
    ];
    for (answer, access, reason) in cases {
        let upstream = FaultServer::start(Fault::Answer(answer)).await;
        let connection = format!(
            "ys://{SERVER_TOKEN}@{}",
            upstream.url().trim_start_matches("http://")
        );
        let y_sweet = YSweet::new(ConnectionString::parse(&connection).unwrap()).unwrap();
        let outcome = y_sweet.grant(&request, decision("alice", access)).await;
        let shown = invalid_answer(outcome, answer);
        assert!(shown.contains(reason), "{answer}: {shown}");
        assert_eq!(
            upstream.attempts(),
            2,
            "{answer}: /doc/new, then /doc/:id/auth"
        );
    }
    // The answer asked for is relayed, unchanged.
    for (answer, access) in [
        (
            token("project-1", Some("read-only"), Some("t")),
            Access::Read,
        ),
        (token("project-1", Some("full"), Some("t")), Access::Write),
        (token("project-1", Some("full"), None), Access::Write),
    ] {
        let upstream = FaultServer::start(Fault::Answer(answer)).await;
        let connection = format!(
            "ys://{SERVER_TOKEN}@{}",
            upstream.url().trim_start_matches("http://")
        );
        let y_sweet = YSweet::new(ConnectionString::parse(&connection).unwrap()).unwrap();
        let reply = y_sweet
            .grant(&request, decision("alice", access))
            .await
            .unwrap_or_else(|err| panic!("{answer}: {err}"));
        assert_eq!(reply.body, answer.as_bytes(), "{answer}");
    }
    assert_no_secret(&logs.text(), "the logs");
    assert!(!logs.text().contains(SERVER_TOKEN), "{}", logs.text());
}

#[test]
fn y_sweet_has_the_shared_relay_defaults() {
    let y_sweet = YSweet::new(ConnectionString::parse("ys://t@127.0.0.1:1").unwrap()).unwrap();
    let liveblocks = Liveblocks::builder().secret_key("sk_x").build().unwrap();
    assert_eq!(y_sweet.policy(), liveblocks.policy());
    assert_eq!(
        y_sweet.policy().timeout,
        roomauth::upstream::DEFAULT_TIMEOUT
    );
}

#[tokio::test]
async fn a_liveblocks_token_granting_more_or_other_is_a_502() {
    let (logs, _guard) = Logs::capture();
    const KEY: &str = "sk_CANARYliveblocks";
    // An unsigned access token with these claims, as the dev server makes them.
    let token = |uid: &str, perms: serde_json::Value, k: &str| {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = json!({"k": k, "pid": "localdev", "uid": uid, "perms": perms, "iat": 1, "exp": 3601, "jti": "j"});
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        leak(json!({ "token": format!("{header}.{payload}.") }))
    };
    let read = json!(["room:read", "room:presence:write"]);
    let request = AuthRequest {
        room: "project-1".to_owned(),
    };
    let cases = [
        (
            token("alice", json!({"project-1": ["room:write"]}), "acc"),
            Access::Read,
            "more than the access asked",
        ),
        (
            token(
                "alice",
                json!({"project-1": ["*:read", "storage:write"]}),
                "acc",
            ),
            Access::Read,
            "more than the access asked",
        ),
        (
            token("alice", json!({"project-1": read}), "acc"),
            Access::Write,
            "does not grant the write access",
        ),
        (
            token("mallory", json!({"project-1": read}), "acc"),
            Access::Read,
            "another user",
        ),
        (
            token("alice", json!({"project-2": read}), "acc"),
            Access::Read,
            "another room",
        ),
        (
            token("alice", json!({"project-*": ["room:write"]}), "acc"),
            Access::Write,
            "another room",
        ),
        (
            token(
                "alice",
                json!({"project-1": read, "admin": ["room:write"]}),
                "acc",
            ),
            Access::Read,
            "another room",
        ),
        (
            token("alice", json!({"project-1": read}), "id"),
            Access::Read,
            "not an access token",
        ),
    ];
    for (answer, access, reason) in cases {
        let upstream = FaultServer::start(Fault::Answer(answer)).await;
        let liveblocks = Liveblocks::builder()
            .secret_key(KEY)
            .base_url(upstream.url())
            .build()
            .unwrap();
        let outcome = liveblocks.grant(&request, decision("alice", access)).await;
        let shown = invalid_answer(outcome, answer);
        assert!(shown.contains(reason), "{answer}: {shown}");
        assert_eq!(upstream.attempts(), 1, "{answer}");
    }
    for (answer, access) in [
        (
            token("alice", json!({"project-1": read}), "acc"),
            Access::Read,
        ),
        (
            token("alice", json!({"project-1": ["room:write"]}), "acc"),
            Access::Write,
        ),
    ] {
        let upstream = FaultServer::start(Fault::Answer(answer)).await;
        let liveblocks = Liveblocks::builder()
            .secret_key(KEY)
            .base_url(upstream.url())
            .build()
            .unwrap();
        let reply = liveblocks
            .grant(&request, decision("alice", access))
            .await
            .unwrap_or_else(|err| panic!("{answer}: {err}"));
        assert_eq!(reply.body, answer.as_bytes(), "{answer}");
    }
    assert!(!logs.text().contains(KEY), "{}", logs.text());
}
