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

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use http::StatusCode;
use roomauth::axum::AxumContext;
use roomauth::livekit::{LiveKit, Participant};
use roomauth::{Webhook, rules};
use serde_json::json;

#[path = "support/answer.rs"]
mod answer;
#[path = "support/realtime.rs"]
#[allow(dead_code)] // project_channels: the Centrifugo bench's
mod realtime;
mod support;
use answer::in_process;
use realtime::AppState;
use support::{ITERATIONS, config, iter, print_iterations};

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
    let state = AppState::demo();
    let webhook: LiveKitWebhook = Webhook::builder(livekit())
        .rules(rules![realtime::project_rooms])
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
            livekit: None,
            agents: &[],
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
