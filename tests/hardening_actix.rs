//! Hardening over real HTTP on 127.0.0.1 (issue #6), the actix-web adapter:
//! the same `Origin` allow-list as the axum one, and a rate-limited
//! upstream's `Retry-After` passed on (from the fault-injecting provisioner
//! of `tests/hardening/fault_server.rs`), with no secret in the answer.
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too. What the
//! hardening tests share is in `tests/hardening/`.

#[path = "hardening/mod.rs"]
#[allow(dead_code)]
mod hardening;

use hardening::fault_server::{Fault, FaultServer};
use hardening::{BUDGET, assert_no_secret, room_service, send};
use roomauth::Webhook;
use roomauth::pattern::Pattern;
use roomauth::room::RoomMatch;
use roomauth::room_service::RoomService;
use roomauth::rule::{BoxFuture, Grant, Refusal, Rule};

/// Lets everyone into `room-<n>` as `alice`.
struct Open(Vec<Pattern>);

impl Rule<roomauth::actix::ActixContext> for Open {
    fn name(&self) -> &'static str {
        "open"
    }
    fn patterns(&self) -> &[Pattern] {
        &self.0
    }
    fn authorize<'a>(
        &'a self,
        _: RoomMatch<'a>,
        _: &'a mut roomauth::actix::ActixContext,
    ) -> BoxFuture<'a, Result<Grant, Refusal<roomauth::actix::ActixRejection>>> {
        Box::pin(async { Ok(Grant::write("alice")) })
    }
}

#[tokio::test]
async fn actix_checks_origins_and_passes_retry_after_on() {
    let upstream = FaultServer::start(Fault::RateLimited).await;
    let webhook = Webhook::builder(RoomService::new(room_service(upstream.url(), BUDGET)))
        .rule(Open(vec![Pattern::parse("room-<n>").unwrap()]))
        .allowed_origins(["http://app.example"])
        .build()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().route(
            "/api/roomservice",
            actix_web::web::post().to(webhook.clone()),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server));

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/roomservice");
    let body = r#"{"room":"room-1"}"#;
    let answer = send(
        &client,
        &url,
        Some("application/json"),
        &[("origin", b"http://evil.example")],
        body,
    )
    .await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert!(
        answer.error().is_some_and(|m| m.contains("origin")),
        "{answer:?}"
    );
    assert_eq!(upstream.attempts(), 0);

    let answer = send(
        &client,
        &url,
        Some("application/json"),
        &[("origin", b"http://app.example")],
        body,
    )
    .await;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(
        answer.headers.get("retry-after").unwrap(),
        "7",
        "{answer:?}"
    );
    assert!(
        answer.error().is_some_and(|m| m.contains("rate limiting")),
        "{answer:?}"
    );
    assert_eq!(upstream.attempts(), 1, "a 429 is not retried");
    assert_no_secret(&answer.transcript(), "a response");
    handle.stop(false).await;
}
