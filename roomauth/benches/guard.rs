//! The guard of the app's own realtime server (issue 22), per join, beside
//! the same check written by hand in the same handler:
//!
//! | benchmark | roomauth | hand-written |
//! | --- | --- | --- |
//! | `guard/join` | what `SocketGuard::join` runs around socketioxide's own join: the handshake head cloned into the rules' context, the name floor, dispatch, the realtime example's rule (cookie session, membership, user info), the decision logged (no subscriber), the admission | the cookie read, `project-` stripped, the id parsed, the membership looked up, the same owned answer (room, user, access, info) |
//! | `guard/route` | `GET /ws/project-1` through an axum `Router` to a handler taking `Admitted` (`RoomGuard` layer, room from the path) | the same route to a handler taking `Path`, `State` and the headers, checking as above |
//!
//! Both sides of a pair get the same request and state and answer the same
//! thing, checked before timing. See BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --features axum --bench guard
//! ```

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, Request, StatusCode};
use roomauth::axum::AxumContext;
use roomauth::axum::guard::{Admitted, RoomGuard};
use roomauth::guard::Guard;
use roomauth::rule::Access;
use roomauth::rules;
use serde_json::{Value, json};
use tower_service::Service as _;

#[path = "support/realtime.rs"]
mod realtime;
mod support;
use realtime::AppState;
use support::{ITERATIONS, config, print_iterations};

/// What the hand-written join decides: the same owned fields as an
/// `Admission`.
#[derive(Debug, PartialEq)]
struct HandAdmission {
    room: String,
    user: String,
    access: Access,
    info: Value,
}

/// The check a join handler has without roomauth: the session cookie, the
/// room's project, the membership.
fn hand_written(
    headers: &HeaderMap,
    state: &AppState,
    room: &str,
) -> Result<HandAdmission, StatusCode> {
    let user = headers
        .get(http::header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("session="))
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let id: u64 = room
        .strip_prefix("project-")
        .and_then(|id| id.parse().ok())
        .ok_or(StatusCode::FORBIDDEN)?;
    let access = state.access(user, id).ok_or(StatusCode::FORBIDDEN)?;
    Ok(HandAdmission {
        room: room.to_owned(),
        user: user.to_owned(),
        access,
        info: json!({ "name": "Alice" }),
    })
}

/// The hand-written route's handler.
async fn hand_written_route(
    Path(room): Path<String>,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<&'static str, StatusCode> {
    hand_written(&headers, &state, &room).map(|admission| admission.access.as_str())
}

/// roomauth's route's handler.
async fn guarded_route(admitted: Admitted) -> &'static str {
    admitted.access().as_str()
}

fn request() -> Request<Body> {
    Request::builder()
        .uri("/ws/project-1")
        .header("cookie", "session=alice")
        .body(Body::empty())
        .expect("a request")
}

fn bench(c: &mut Criterion) {
    let state = AppState::demo();
    let guard: Guard<AxumContext<AppState>> =
        Guard::new(rules![realtime::project_rooms, realtime::project_channels])
            .expect("the rules build");
    let (handshake, ()) = Request::builder()
        .uri("/socket.io/?EIO=4&transport=websocket")
        .header("cookie", "session=alice")
        .body(())
        .expect("a request")
        .into_parts();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");

    let join = async |room: &str| {
        let mut cx = AxumContext {
            parts: handshake.clone(),
            state: state.clone(),
        };
        guard.admit(room, &mut cx).await
    };
    // Both sides decide the same thing.
    let admission = runtime
        .block_on(join("project-1"))
        .expect("alice writes project-1");
    let by_hand =
        hand_written(&handshake.headers, &state, "project-1").expect("alice writes project-1");
    assert_eq!(
        (
            admission.room.as_str(),
            admission.user(),
            admission.access(),
            admission.info()
        ),
        (
            by_hand.room.as_str(),
            by_hand.user.as_str(),
            by_hand.access,
            Some(&by_hand.info)
        )
    );

    let mut group = c.benchmark_group("guard");
    group.bench_function("join/roomauth", |b| {
        b.iter_custom(|iters| {
            ITERATIONS.fetch_add(iters, Ordering::Relaxed);
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let _ = black_box(join(black_box("project-1")).await);
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("join/hand-written", |b| {
        support::iter(b, || {
            hand_written(
                black_box(&handshake.headers),
                &state,
                black_box("project-1"),
            )
        })
    });

    let guarded: Router = Router::new()
        .route("/ws/{room}", get(guarded_route))
        .layer(
            RoomGuard::new(rules![realtime::project_rooms, realtime::project_channels])
                .expect("the rules build")
                .layer(),
        )
        .with_state(state.clone());
    let by_hand: Router = Router::new()
        .route("/ws/{room}", get(hand_written_route))
        .with_state(state.clone());
    for (name, router) in [
        ("route/roomauth", &guarded),
        ("route/hand-written", &by_hand),
    ] {
        let answer = runtime.block_on(async {
            let response = router.clone().call(request()).await.expect("infallible");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 64)
                .await
                .expect("a body");
            (status, body)
        });
        assert_eq!(answer, (StatusCode::OK, "write".into()), "{name}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                ITERATIONS.fetch_add(iters, Ordering::Relaxed);
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let response = router.clone().call(request()).await;
                        black_box(response.map(|r| r.status()).ok());
                    }
                    start.elapsed()
                })
            })
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
