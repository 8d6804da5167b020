//! A multi-rule app over one `#[derive(RoomResource)]` enum:
//! `cargo run --example namespace`, then
//! `curl -H 'x-user: alice' -H 'Content-Type: application/json' -d '{"room":"doc-1-notes"}' http://127.0.0.1:8082/api/roomservice`.

mod app;

use roomauth::RoomResource;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Typed rooms parse and format from the same patterns.
    let room: app::AppRoom = "doc-1-notes".parse()?;
    println!(
        "`doc-1-notes` is {room:?}, formatted back as `{}`",
        room.to_room()?
    );

    let router = app::app(
        app::Directory::demo(),
        roomauth::room_service::provisioner_from_env()?,
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8082").await?;
    println!(
        "webhook POST http://{}/api/roomservice (header x-user: alice | bob)",
        listener.local_addr()?
    );
    axum::serve(listener, router).await?;
    Ok(())
}
