//! A y-sweet server stand-in for the docservers bench: the two calls the
//! y-sweet endpoint makes (`POST /doc/new`, `POST /doc/:id/auth`), answered
//! as y-sweet 0.9.1 answers them, on 127.0.0.1 in a thread of its own, so
//! that the bench times the app's side of a round trip and not the server's
//! storage.

use std::net::{SocketAddr, TcpListener};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

/// The server token the stub expects as `Authorization: Bearer`.
pub const SERVER_TOKEN: &str = "bench-server-token";

/// Starts the stub on a free port of 127.0.0.1; it serves until the
/// process ends.
pub fn start() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the stub's runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let app = Router::new()
                .route("/doc/new", post(new_doc))
                .route("/doc/{id}/auth", post(auth_doc))
                .with_state(addr);
            axum::serve(listener, app).await.expect("the stub serves");
        });
    });
    addr
}

/// Refuses a request without the server token, as y-sweet started with
/// `--auth` does.
fn authorized(headers: &HeaderMap) -> Result<(), StatusCode> {
    let expected = format!("Bearer {SERVER_TOKEN}");
    match headers.get(http::header::AUTHORIZATION) {
        Some(value) if value.as_bytes() == expected.as_bytes() => Ok(()),
        _ => Err(StatusCode::UNAUTHORIZED),
    }
}

/// `POST /doc/new {"docId"}` → `{"docId"}`.
async fn new_doc(headers: HeaderMap, Json(body): Json<Value>) -> Result<Json<Value>, StatusCode> {
    authorized(&headers)?;
    Ok(Json(json!({ "docId": body["docId"] })))
}

/// `POST /doc/:id/auth {"authorization", ..}` → the client token.
async fn auth_doc(
    State(addr): State<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Json<Value>, StatusCode> {
    authorized(&headers)?;
    Ok(Json(json!({
        "url": format!("ws://{addr}/d/{id}/ws"),
        "baseUrl": format!("http://{addr}/d/{id}"),
        "docId": id,
        "token": "AAAgYmVuY2g",
        "authorization": body["authorization"],
    })))
}
