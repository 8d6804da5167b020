//! One axum app, one rule set over `project-<id>`, every realtime backend
//! roomauth speaks mounted on its own path:
//!
//! ```text
//! cargo run --example realtime --all-features
//! ```
//!
//! then open <http://127.0.0.1:8090/>, log in as alice, bob or carol and try
//! each backend. `PORT` overrides the port; `SESSION_KEY` (64+ bytes, hex)
//! keeps sessions across restarts. Every backend runs on development
//! defaults unless its variables are set: Room Service provisions through
//! the embedded local provisioner unless `ROOMSERVICE_API_KEY` is set;
//! LiveKit signs with LiveKit's dev-mode key unless `LIVEKIT_*` is set;
//! Liveblocks talks to its local dev server (`npx liveblocks dev`) unless
//! `LIVEBLOCKS_*` is set; Hocuspocus checks `hocuspocus::DEV_SECRET` unless
//! `HOCUSPOCUS_SECRET` is set; y-sweet asks `y-sweet serve` on
//! `ys://127.0.0.1:8080` unless `Y_SWEET_CONNECTION_STRING` is set;
//! Centrifugo's tokens are signed with `centrifugo::DEV_TOKEN_SECRET`
//! unless `CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY` is set. Pusher signs for
//! Soketi's local app (`app-key`) with client events `off` unless
//! `PUSHER_APP_KEY`/`PUSHER_APP_SECRET` are set, and then requires
//! `PUSHER_CLIENT_EVENTS=on|off` (an invalid value stops the example at
//! start either way). A production
//! Liveblocks key is never sent to the dev server: with
//! `LIVEBLOCKS_SECRET_KEY` set, the example talks to Liveblocks itself
//! unless `LIVEBLOCKS_BASE_URL` says otherwise. `POST /token` gives the
//! logged-in session a bearer token for the Hocuspocus provider's `token`,
//! good for five minutes and on `/hocuspocus/auth` only.
//! The same rules guard the app's own realtime server: Socket.IO
//! (socketioxide) at `/socket.io/` and a plain WebSocket at `/ws/{room}`
//! (`own_server.rs`).
//!
//! Keeping decisions true: log in as `admin` and `POST /admin/access
//! {"user": "alice", "project": 1, "access": "write" | "read" | null}`; the
//! app changes its record, then tells the services it can reach: Soketi's
//! (or Pusher's) HTTP API when `PUSHER_APP_ID`, `PUSHER_HOST`,
//! `PUSHER_PORT` and `PUSHER_SCHEME` are set, the Hocuspocus extension's
//! hook when `HOCUSPOCUS_URL` is (the Hocuspocus server's HTTP address).
//! Without them the services find out when they ask again.

mod app;
#[path = "../common/mod.rs"]
mod common;

use std::net::{Ipv4Addr, SocketAddr};

use axum_extra::extract::cookie::Key;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::init_logging();
    let port = common::port(8090)?;
    let cookie_key = match common::session_key()? {
        Some(bytes) => Key::try_from(bytes.as_slice())?,
        None => Key::generate(),
    };
    let backends = app::Backends::from_env_or_dev()?;
    let backends_revoked: Vec<&str> = backends.revoker.services().collect();
    let router = app::app(app::AppState::demo(cookie_key), backends)?;

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let addr = listener.local_addr()?;
    println!("roomauth realtime example on http://{addr}/");
    println!(
        "  log in as alice (writes project-1, reads project-2), bob (writes project-2) or carol"
    );
    println!("  Room Service   POST http://{addr}/api/roomservice");
    println!("  LiveKit        POST http://{addr}/livekit/token");
    println!("  Liveblocks     POST http://{addr}/liveblocks/auth");
    println!(
        "  Pusher         POST http://{addr}/pusher/auth, /pusher/user-auth, /pusher/batch-auth"
    );
    println!("  Bearer token   POST http://{addr}/token");
    println!(
        "  Access (admin) POST http://{addr}/admin/access         revoking on: {:?}",
        backends_revoked
    );
    println!("  Hocuspocus     POST http://{addr}/hocuspocus/auth          (HOCUSPOCUS_SECRET)");
    println!(
        "  y-sweet        POST http://{addr}/y-sweet/auth             (Y_SWEET_CONNECTION_STRING)"
    );
    println!(
        "  Centrifugo     POST http://{addr}/centrifugo/subscribe     (CENTRIFUGO_PROXY_SECRET, optional)"
    );
    println!("                 POST http://{addr}/centrifugo/sub-refresh");
    println!(
        "                 POST http://{addr}/centrifugo/publish       (the same secret header)"
    );
    println!(
        "                 POST http://{addr}/centrifugo/subscription-token (CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY)"
    );
    println!(
        "  Socket.IO      http://{addr}/socket.io/  (events `join`, `send`; socket.io-client)"
    );
    println!("  WebSocket      ws://{addr}/ws/{{room}}");
    // Idle and slow clients are bounded (roomauth::serve's defaults).
    roomauth::serve::serve(listener, router, roomauth::serve::ServeLimits::default())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
