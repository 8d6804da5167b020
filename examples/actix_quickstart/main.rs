//! The quickstart on actix-web: `cargo run --example actix_quickstart`.
//! Same flow, demo data and environment (`PORT`, `SESSION_KEY`,
//! `ROOMSERVICE_*`) as `examples/quickstart`, on port 8081 by default.

mod app;
#[path = "../common/mod.rs"]
mod common;

use actix_web::cookie::Key;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::init_logging();
    let port = common::port(8081)?;
    let cookie_key = match common::session_key()? {
        Some(bytes) => Key::try_from(bytes.as_slice())?,
        None => Key::generate(),
    };
    let state = app::AppState::demo(cookie_key);
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    println!(
        "roomauth actix-web quickstart: webhook POST http://{addr}/api/roomservice, login POST http://{addr}/login"
    );
    let server = app::server(
        listener,
        state,
        roomauth::room_service::provisioner_from_env()?,
    )?;
    actix_web::rt::System::new().block_on(server)?;
    Ok(())
}
