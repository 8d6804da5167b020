//! The quickstart on actix-web: `cargo run --example actix_quickstart`.
//! Same flow, demo data and environment as `examples/quickstart`
//! (default port 8081).

mod app;

use std::sync::Arc;

use actix_web::cookie::Key;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let port = match std::env::var("PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| format!("PORT must be a port number, not `{port}`"))?,
        Err(_) => 8081,
    };
    let state = app::AppState {
        cookie_key: Key::generate(),
        members: Arc::new(app::demo_members()),
    };
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    println!(
        "roomauth actix-web quickstart: webhook POST http://{addr}/api/roomservice, login POST http://{addr}/login"
    );
    let server = app::server(
        listener,
        state,
        roomauth::provision::provisioner_from_env()?,
    )?;
    actix_web::rt::System::new().block_on(server)?;
    Ok(())
}
