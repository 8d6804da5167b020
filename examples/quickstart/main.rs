//! The quickstart: `cargo run --example quickstart`, then open the printed URL.
//!
//! Provisions through the embedded local provisioner unless
//! `ROOMSERVICE_API_KEY` is set (then Room Service at `ROOMSERVICE_URL`).
//! `PORT` sets the port (default 8080); `SESSION_KEY` (64+ bytes, hex) keeps
//! sessions across restarts.

mod app;
#[path = "../common/mod.rs"]
mod common;

use std::net::{Ipv4Addr, SocketAddr};

use axum_extra::extract::cookie::Key;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::init_logging();
    let port = common::port(8080)?;
    let cookie_key = match common::session_key()? {
        Some(bytes) => Key::try_from(bytes.as_slice())?,
        None => Key::generate(),
    };
    let state = app::AppState::demo(cookie_key);
    let provisioner = roomauth::room_service::provisioner_from_env()?;
    let router = app::app(state, provisioner)?;

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let addr = listener.local_addr()?;
    println!("roomauth quickstart on http://{addr}/");
    println!("  open   http://{addr}/ and log in as alice (projects 1, 2) or bob (project 2)");
    println!("  webhook POST http://{addr}/api/roomservice");
    // Idle and slow clients are bounded: header-read and idle timeouts,
    // a connection limit (roomauth::serve's defaults).
    roomauth::serve::serve(listener, router, roomauth::serve::ServeLimits::default())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
