//! Hardening of the quickstart over real HTTP on 127.0.0.1 (issue #6),
//! upstream faults: a fault-injecting provisioner (raw HTTP over a tokio
//! `TcpListener`, in `tests/hardening/fault_server.rs`) behind the
//! quickstart; each fault answered with 502, 503 or 504 and a JSON error
//! within a bounded time, retried only where it is safe, no secret leaked.
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too. What the
//! hardening tests share is in `tests/hardening/`.

#[path = "hardening/mod.rs"]
#[allow(dead_code)]
mod hardening;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use hardening::fault_server::{Fault, FaultServer};
use hardening::logs::Logs;
use hardening::{
    API_KEY, Answer, BUDGET, PANICS, app, assert_no_secret, count_panics, login, room_service,
    send, state, url_strategy,
};
use roomauth::room_service::HttpProvisioner;
use roomauth::secret::ApiKey;
use roomauth_suite::serve;

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
