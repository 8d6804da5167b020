//! The quickstart: `cargo run --example quickstart`, then open the printed URL.
//!
//! Provisions through the embedded local provisioner unless
//! `ROOMSERVICE_API_KEY` is set (then Room Service at `ROOMSERVICE_URL`).
//! `PORT` sets the port (default 8080); `SESSION_KEY` (64+ bytes, hex) keeps
//! sessions across restarts.

mod app;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum_extra::extract::cookie::Key;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let port = match std::env::var("PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| format!("PORT must be a port number, not `{port}`"))?,
        Err(_) => 8080,
    };
    let cookie_key = match std::env::var("SESSION_KEY") {
        Ok(key) => Key::try_from(
            hex::decode(key.trim())
                .map_err(|_| "SESSION_KEY must be hex digits")?
                .as_slice(),
        )
        .map_err(|_| "SESSION_KEY must be at least 64 bytes (128 hex digits)")?,
        Err(_) => Key::generate(),
    };
    let state = app::AppState {
        cookie_key,
        members: Arc::new(app::demo_members()),
    };
    let provisioner = roomauth::provision::provisioner_from_env()?;
    let router = app::app(state, provisioner)?;

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let addr = listener.local_addr()?;
    println!("roomauth quickstart on http://{addr}/");
    println!("  open   http://{addr}/ and log in as alice (projects 1, 2) or bob (project 2)");
    println!("  webhook POST http://{addr}/api/roomservice");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
