//! The LiveKit endpoint in process, against the one thing it cannot avoid:
//! signing the token. roomauth's `Webhook` for `LiveKit` (decode the
//! `TokenSourceRequest`, dispatch the room, run the rule with its session,
//! build the claims, sign, serialize the answer) beside one HS256 signature
//! of the same claims. See BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --features livekit --bench livekit
//! ```
//!
//! The session is a plain `session=<user>` cookie, as in the webhook bench.
//! No `tracing` subscriber is installed.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use criterion::{Criterion, criterion_group, criterion_main};
use http::StatusCode;
use http::request::Parts;
use roomauth::axum::AxumContext;
use roomauth::livekit::{LiveKit, Participant};
use roomauth::rule::{Access, Grant};
use roomauth::{Deny, Webhook, room_auth, rules};
use serde_json::json;

#[path = "support/answer.rs"]
mod answer;
mod support;
use answer::in_process;
use support::{ITERATIONS, config, iter, print_iterations};

#[derive(Clone)]
struct AppState {
    members: Arc<HashMap<String, HashMap<u64, Access>>>,
}

struct CurrentUser(String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        parts
            .headers
            .get(http::header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("session="))
            .filter(|user| state.members.contains_key(*user))
            .map(|user| CurrentUser(user.to_owned()))
            .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The realtime example's rule.
#[room_auth(rooms = "project-<id>", session = user)]
async fn project_rooms(
    user: CurrentUser,
    id: u64,
    State(app): State<AppState>,
) -> Result<Grant, Deny> {
    match app.members.get(&user.0).and_then(|p| p.get(&id)) {
        Some(access) => Ok(Grant::new(user.0, *access).with_info(json!({ "name": "Alice" }))),
        None => Err(Deny::Forbidden),
    }
}

type LiveKitWebhook = Webhook<AxumContext<AppState>, LiveKit>;

fn livekit() -> LiveKit {
    LiveKit::builder()
        .api_key("APIbench")
        .api_secret("a-secret-of-at-least-thirty-two-bytes-for-benches")
        .server_url("wss://bench.livekit.cloud")
        .build()
        .expect("LiveKit config")
}

fn bench(c: &mut Criterion) {
    let state = AppState {
        members: Arc::new(HashMap::from([(
            "alice".to_owned(),
            HashMap::from([(1, Access::Write), (2, Access::Read)]),
        )])),
    };
    let webhook: LiveKitWebhook = Webhook::builder(livekit())
        .rules(rules![project_rooms])
        .build()
        .expect("rules build");
    let (parts, ()) = http::Request::builder()
        .method("POST")
        .uri("/livekit/token")
        .header("content-type", "application/json")
        .header("cookie", "session=alice")
        .body(())
        .expect("a request")
        .into_parts();
    let body = br#"{"room_name":"project-1"}"#;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");

    let (status, answer) = runtime.block_on(in_process(&webhook, &state, &parts, body));
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer)
    );

    let mut group = c.benchmark_group("livekit");
    group.bench_function("endpoint", |b| {
        b.iter_custom(|iters| {
            ITERATIONS.fetch_add(iters, Ordering::Relaxed);
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(in_process(&webhook, &state, &parts, body).await);
                }
                start.elapsed()
            })
        })
    });
    // One signature of the same claims: the floor of any token endpoint.
    let signer = livekit();
    let info = json!({ "name": "Alice" });
    let claims = signer.claims(
        &Participant {
            room: "project-1",
            identity: "alice",
            publish: true,
            info: Some(&info),
        },
        SystemTime::now(),
    );
    group.bench_function("hs256-sign", |b| {
        iter(b, || signer.sign(black_box(&claims)).expect("signs"))
    });
    group.finish();
    print_iterations();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
