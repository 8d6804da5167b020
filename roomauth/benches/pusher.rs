//! The Pusher channel authorization in process, against the one thing it
//! cannot avoid: signing the string. roomauth's `Webhook` for `Pusher`
//! (check the source, decode the form, validate the socket id and the
//! channel, dispatch the room, run the rule with its session, sign,
//! serialize the answer) beside one HMAC-SHA256 plus hex of the same
//! string (the floor), for a private and a presence channel. See
//! BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --features pusher --bench pusher
//! ```
//!
//! The session is a plain `session=<user>` cookie, as in the other webhook
//! benches. The floor's MAC is keyed once and cloned per signature, as
//! roomauth's signer does: the tightest floor. No `tracing` subscriber is
//! installed.

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::StatusCode;
use roomauth::axum::AxumContext;
use roomauth::pusher::{ClientEvents, Pusher};
use roomauth::{Webhook, rules};
use serde_json::Value;
use sha2::Sha256;

#[path = "support/answer.rs"]
mod answer;
#[path = "support/realtime.rs"]
#[allow(dead_code)] // project_channels: the Centrifugo bench's
mod realtime;
mod support;
use answer::in_process;
use realtime::AppState;
use support::{ITERATIONS, config, iter, print_iterations};

const APP_KEY: &str = "bench-key";
const APP_SECRET: &str = "bench-secret";

type PusherWebhook = Webhook<AxumContext<AppState>, Pusher>;

fn bench(c: &mut Criterion) {
    let state = AppState::demo();
    let pusher = Pusher::new(APP_KEY, APP_SECRET, ClientEvents::Off).expect("Pusher config");
    let webhook: PusherWebhook = Webhook::builder(pusher)
        .rules(rules![realtime::project_rooms])
        .same_site_only()
        .build()
        .expect("rules build");
    let (parts, ()) = http::Request::builder()
        .method("POST")
        .uri("/pusher/auth")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", "session=alice")
        .body(())
        .expect("a request")
        .into_parts();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    // The floor: the MAC keyed once, cloned, fed the string, hex-encoded.
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(APP_SECRET.as_bytes()).expect("a key");
    let floor = |signed: &str| {
        let mut mac = keyed.clone();
        mac.update(signed.as_bytes());
        let mut auth = String::with_capacity(APP_KEY.len() + 1 + 64);
        auth.push_str(APP_KEY);
        auth.push(':');
        auth.push_str(&hex::encode(mac.finalize().into_bytes()));
        auth
    };

    let mut group = c.benchmark_group("pusher");
    for (kind, channel) in [
        ("private", "private-project-1"),
        ("presence", "presence-project-1"),
    ] {
        let body = format!("socket_id=1234.5678&channel_name={channel}");
        let body = body.as_bytes();
        let (status, answer) = runtime.block_on(in_process(&webhook, &state, &parts, body));
        let text = String::from_utf8_lossy(&answer);
        assert_eq!(status, StatusCode::OK, "{text}");
        // The floor signs exactly the string the endpoint signed.
        let json: Value = serde_json::from_slice(&answer).expect("JSON");
        let signed = match json.get("channel_data").and_then(Value::as_str) {
            Some(data) => format!("1234.5678:{channel}:{data}"),
            None => format!("1234.5678:{channel}"),
        };
        assert_eq!(json["auth"], floor(&signed), "{text}");

        group.bench_function(format!("{kind}/endpoint"), |b| {
            b.iter_custom(|iters| {
                ITERATIONS.fetch_add(iters, Ordering::Relaxed);
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(in_process(&webhook, &state, &parts, black_box(body)).await);
                    }
                    start.elapsed()
                })
            })
        });
        group.bench_function(format!("{kind}/hmac-sha256-hex"), |b| {
            iter(b, || floor(black_box(&signed)))
        });
    }
    group.finish();
    print_iterations();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
