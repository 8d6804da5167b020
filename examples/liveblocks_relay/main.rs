//! The baseline of the Liveblocks overhead comparison (BENCHMARKS.md,
//! `examples/load/liveblocks.sh`): the realtime example, plus the same
//! Liveblocks auth endpoint written by hand at `POST /liveblocks/relay`:
//! the same session, the same membership check, one reqwest call to
//! `/v2/authorize-user`, the token relayed; none of roomauth's webhook,
//! rules, validation or retries.
//!
//! ```text
//! LIVEBLOCKS_BASE_URL=http://127.0.0.1:1153 PORT=0 cargo run --release --example liveblocks_relay
//! ```

#[path = "../realtime/app.rs"]
#[allow(dead_code)]
mod app;
#[path = "../common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::cookie::Key;
use roomauth::Access;
use serde_json::json;

/// What the relay needs besides the app's state.
#[derive(Clone)]
struct Relay {
    app: app::AppState,
    client: reqwest::Client,
    endpoint: String,
    authorization: String,
}

impl axum::extract::FromRef<Relay> for app::AppState {
    fn from_ref(relay: &Relay) -> app::AppState {
        relay.app.clone()
    }
}

impl axum::extract::FromRef<Relay> for Key {
    fn from_ref(relay: &Relay) -> Key {
        relay.app.cookie_key.clone()
    }
}

/// The endpoint as one would write it by hand with reqwest.
async fn relay(
    State(relay): State<Relay>,
    parts: axum::http::request::Parts,
    body: Bytes,
) -> Response {
    let mut parts = parts;
    let user = match <app::CurrentUser as axum::extract::FromRequestParts<app::AppState>>::from_request_parts(
        &mut parts, &relay.app,
    )
    .await
    {
        Ok(user) => user,
        Err(rejection) => return rejection,
    };
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad json").into_response();
    };
    let Some(room) = request["room"].as_str() else {
        return (StatusCode::BAD_REQUEST, "no room").into_response();
    };
    let access = room
        .strip_prefix("project-")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| user.member.projects.get(&id));
    let permissions = match access {
        // What roomauth sends for the realtime example's rule.
        Some(Access::Write) => json!(["*:write", "comments:write"]),
        Some(Access::Read) => json!(["*:read", "comments:write"]),
        None => return (StatusCode::FORBIDDEN, r#"{"error":"forbidden"}"#).into_response(),
    };
    let answer = relay
        .client
        .post(&relay.endpoint)
        .header("authorization", &relay.authorization)
        .json(&json!({
            "userId": user.id,
            "permissions": { room: permissions },
            "userInfo": { "name": user.member.name },
        }))
        .send()
        .await;
    match answer {
        Ok(answer) if answer.status().is_success() => match answer.bytes().await {
            Ok(body) => ([("content-type", "application/json")], body).into_response(),
            Err(_) => StatusCode::BAD_GATEWAY.into_response(),
        },
        _ => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::init_logging();
    let port = common::port(8091)?;
    let state = app::AppState::demo(Key::generate());
    let backends = app::Backends::from_env_or_dev()?;
    let base = std::env::var("LIVEBLOCKS_BASE_URL")
        .unwrap_or_else(|_| app::liveblocks::DEV_BASE_URL.to_owned());
    let key = std::env::var("LIVEBLOCKS_SECRET_KEY")
        .unwrap_or_else(|_| roomauth::liveblocks::LOCAL_DEV_SECRET_KEY.to_owned());
    let relay_state = Relay {
        app: state.clone(),
        client: reqwest::Client::new(),
        endpoint: format!("{}/v2/authorize-user", base.trim_end_matches('/')),
        authorization: format!("Bearer {key}"),
    };
    let router = app::app(state, backends)?.merge(
        Router::new()
            .route("/liveblocks/relay", post(relay))
            .with_state(relay_state),
    );
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!(
        "roomauth Liveblocks relay comparison on http://{}/",
        listener.local_addr()?
    );
    axum::serve(listener, router).await?;
    Ok(())
}
