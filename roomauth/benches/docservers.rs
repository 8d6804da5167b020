//! The document server and subscribe proxy endpoints in process, each
//! beside the least that endpoint's backend makes any app do, with no
//! rules at all:
//!
//! | benchmark | roomauth | the floor beside it |
//! | --- | --- | --- |
//! | `hocuspocus` | `Webhook<_, Hocuspocus>`: signature check, decode, rules, `{user, readOnly}` | one HMAC-SHA256 check of the same body and header |
//! | `centrifugo-subscribe` | `Webhook<_, CentrifugoSubscribe>`: decode, channel, rules, `{"result": {"info"}}` | a plain serde parse of the proxy request and the same answer |
//! | `centrifugo-token` | `Webhook<_, CentrifugoToken>`: decode, rules, claims, HS256, `{"token"}` | one HS256 JWT of the same claims (hmac, sha2, base64) |
//! | `y-sweet` | `Webhook<_, YSweet>`: decode, rules, `POST /doc/new`, `POST /doc/:id/auth`, token check, relay | the same two POSTs with a bare `reqwest::Client` |
//!
//! y-sweet's calls go to a stub server on 127.0.0.1 in another thread
//! (`support/y_sweet_stub.rs`), the same for both sides. See BENCHMARKS.md
//! for the figures.
//!
//! ```text
//! cargo bench -p roomauth --features axum,hocuspocus,centrifugo,y-sweet --bench docservers
//! ```
//!
//! The session is a plain `session=<user>` cookie, as in the other benches.
//! No `tracing` subscriber is installed.

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::StatusCode;
use http::request::Parts;
use roomauth::axum::AxumContext;
use roomauth::backend::Backend;
use roomauth::centrifugo::{CentrifugoSubscribe, CentrifugoToken, SubscriptionClaims, TokenSecret};
use roomauth::hocuspocus::{Hocuspocus, HocuspocusSecret, SIGNATURE_HEADER};
use roomauth::y_sweet::{ConnectionString, YSweet};
use roomauth::{Webhook, rules};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

#[path = "support/answer.rs"]
mod answer;
#[path = "support/realtime.rs"]
mod realtime;
mod support;
use realtime::AppState;
#[path = "support/y_sweet_stub.rs"]
mod y_sweet_stub;
use answer::in_process;
use support::{ITERATIONS, config, iter, print_iterations};

type HmacSha256 = Hmac<Sha256>;

const HOCUSPOCUS_SECRET: &str = "a-hocuspocus-secret-for-benches";
const TOKEN_SECRET: &str = "a-centrifugo-token-secret-for-benches";
/// `{"alg":"HS256","typ":"JWT"}`, base64url: the fixed JOSE header.
const JWT_HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// The head of a JSON POST to `uri` with the session cookie and
/// `headers`, as the adapter sees it.
fn request(uri: &str, headers: &[(&str, &str)]) -> Parts {
    let mut builder = http::Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json")
        .header("cookie", "session=alice");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).expect("a request").into_parts().0
}

/// Benchmarks `group/endpoint`: `webhook` answering `body` with `parts`,
/// after checking that it answers 200 with `expect` in the body.
fn bench_endpoint<B: Backend>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    runtime: &tokio::runtime::Runtime,
    webhook: &Webhook<AxumContext<AppState>, B>,
    state: &AppState,
    parts: &Parts,
    body: &[u8],
    expect: &str,
) {
    let (status, answer) = runtime.block_on(in_process(webhook, state, parts, body));
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer.contains(expect), "{answer}");
    group.bench_function("endpoint", |b| {
        b.iter_custom(|iters| {
            ITERATIONS.fetch_add(iters, Ordering::Relaxed);
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(in_process(webhook, state, parts, body).await);
                }
                start.elapsed()
            })
        })
    });
}

/// The floor of the Hocuspocus endpoint: the header's digest decoded and
/// checked against one HMAC-SHA256 of the body, in constant time.
fn hmac_check(keyed: &HmacSha256, header: &str, body: &[u8]) -> bool {
    let Some(digest) = header
        .strip_prefix("sha256=")
        .and_then(|hex_digest| hex::decode(hex_digest).ok())
    else {
        return false;
    };
    let mut mac = keyed.clone();
    mac.update(body);
    mac.verify_slice(&digest).is_ok()
}

/// What the floor of the subscribe proxy reads of Centrifugo's request.
#[derive(Deserialize)]
struct BareSubscribe {
    user: String,
    channel: String,
}

/// The floor's answer: `{"result": {"info": ..}}`.
#[derive(Serialize)]
struct BareResult<'a> {
    result: BareInfo<'a>,
}

#[derive(Serialize)]
struct BareInfo<'a> {
    info: &'a Value,
}

/// The floor of the subscription token endpoint: one compact HS256 JWS of
/// `claims`, written with hmac, sha2 and base64.
fn hs256(keyed: &HmacSha256, claims: &SubscriptionClaims<'_>) -> String {
    let payload = serde_json::to_vec(claims).expect("claims serialize");
    let mut token = String::with_capacity(JWT_HEADER_B64.len() + payload.len() * 2 + 48);
    token.push_str(JWT_HEADER_B64);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let mut mac = keyed.clone();
    mac.update(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(mac.finalize().into_bytes(), &mut token);
    token
}

/// The floor of the y-sweet endpoint: the same two calls with a bare
/// client, each answer read whole.
async fn two_round_trips(http: &reqwest::Client, base: &str) -> (StatusCode, bytes::Bytes) {
    let bearer = format!("Bearer {}", y_sweet_stub::SERVER_TOKEN);
    let created = http
        .post(format!("{base}/doc/new"))
        .header("content-type", "application/json")
        .header("authorization", &bearer)
        .body(r#"{"docId":"project-1"}"#)
        .send()
        .await
        .expect("the stub answers");
    let status = created.status();
    let _ = created.bytes().await.expect("a body");
    if status != StatusCode::OK {
        return (status, bytes::Bytes::new());
    }
    let token = http
        .post(format!("{base}/doc/project-1/auth"))
        .header("content-type", "application/json")
        .header("authorization", &bearer)
        .body(r#"{"authorization":"full","userId":"alice","validForSeconds":3600}"#)
        .send()
        .await
        .expect("the stub answers");
    let status = token.status();
    (status, token.bytes().await.expect("a body"))
}

fn bench(c: &mut Criterion) {
    let state = AppState::demo();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let info = json!({ "name": "Alice" });

    // Hocuspocus: the extension's signed request for project-1.
    let secret = HocuspocusSecret::new(HOCUSPOCUS_SECRET).expect("a secret");
    let body = br#"{"documentName":"project-1"}"#;
    let signature = secret.sign(body);
    let parts = request("/hocuspocus/auth", &[(SIGNATURE_HEADER, &signature)]);
    let webhook = Webhook::builder(Hocuspocus::new(secret))
        .rules(rules![realtime::project_rooms])
        .build()
        .expect("rules build");
    let mut group = c.benchmark_group("hocuspocus");
    bench_endpoint(
        &mut group,
        &runtime,
        &webhook,
        &state,
        &parts,
        body,
        r#""readOnly":false"#,
    );
    let keyed = HmacSha256::new_from_slice(HOCUSPOCUS_SECRET.as_bytes()).expect("a key");
    assert!(hmac_check(&keyed, &signature, body));
    group.bench_function("hmac-check", |b| {
        iter(b, || {
            hmac_check(&keyed, black_box(&signature), black_box(body))
        })
    });
    group.finish();

    // Centrifugo's subscribe proxy request for project:1, as in its docs.
    let body = br#"{"client":"9336a229-2400-4ebc-8c50-0a643d22e8a0","transport":"websocket","protocol":"json","encoding":"json","user":"alice","channel":"project:1"}"#;
    let parts = request("/centrifugo/subscribe", &[]);
    let webhook = Webhook::builder(CentrifugoSubscribe::new())
        .rules(rules![realtime::project_channels])
        .build()
        .expect("rules build");
    let mut group = c.benchmark_group("centrifugo-subscribe");
    bench_endpoint(
        &mut group,
        &runtime,
        &webhook,
        &state,
        &parts,
        body,
        r#"{"result":{"info":{"name":"Alice"}}}"#,
    );
    group.bench_function("serde-parse-answer", |b| {
        iter(b, || {
            let request: BareSubscribe = serde_json::from_slice(black_box(body)).expect("parses");
            black_box((&request.user, &request.channel));
            serde_json::to_vec(&BareResult {
                result: BareInfo { info: &info },
            })
            .expect("serializes")
        })
    });
    group.finish();

    // centrifuge-js's getToken for $project:1.
    let body = br#"{"channel":"$project:1"}"#;
    let parts = request("/centrifugo/subscription-token", &[]);
    let webhook = Webhook::builder(CentrifugoToken::new(
        TokenSecret::new(TOKEN_SECRET).expect("a secret"),
    ))
    .rules(rules![realtime::project_channels])
    .build()
    .expect("rules build");
    let mut group = c.benchmark_group("centrifugo-token");
    bench_endpoint(
        &mut group,
        &runtime,
        &webhook,
        &state,
        &parts,
        body,
        r#"{"token":"eyJ"#,
    );
    let keyed = HmacSha256::new_from_slice(TOKEN_SECRET.as_bytes()).expect("a key");
    let claims =
        SubscriptionClaims::new("alice", "$project:1", Some(&info), Duration::from_secs(600));
    group.bench_function("hs256-sign", |b| {
        iter(b, || hs256(&keyed, black_box(&claims)))
    });
    group.finish();

    // y-sweet: @y-sweet/client's request for project-1, against the stub.
    let addr = y_sweet_stub::start();
    let base = format!("http://{addr}");
    let connection =
        ConnectionString::parse(&format!("ys://{}@{addr}", y_sweet_stub::SERVER_TOKEN))
            .expect("a connection string");
    let body = br#"{"docId":"project-1"}"#;
    let parts = request("/y-sweet/auth", &[]);
    let webhook = Webhook::builder(YSweet::new(connection).expect("a y-sweet client"))
        .rules(rules![realtime::project_rooms])
        .build()
        .expect("rules build");
    let mut group = c.benchmark_group("y-sweet");
    bench_endpoint(
        &mut group,
        &runtime,
        &webhook,
        &state,
        &parts,
        body,
        r#""authorization":"full""#,
    );
    let http = reqwest::Client::new();
    let (status, token) = runtime.block_on(two_round_trips(&http, &base));
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&token)
    );
    group.bench_function("two-round-trips", |b| {
        b.iter_custom(|iters| {
            ITERATIONS.fetch_add(iters, Ordering::Relaxed);
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(two_round_trips(&http, &base).await);
                }
                start.elapsed()
            })
        })
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
