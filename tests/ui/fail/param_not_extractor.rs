// A parameter that is neither a placeholder nor an extractor of the web
// framework: the error points at the parameter's type.
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{room_auth, rules};

struct Db;

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64, db: Db) -> Option<String> {
    let _ = db;
    Some(id.to_string())
}

fn main() {
    let _: Result<roomauth::axum::Webhook<(), _>, _> =
        roomauth::Webhook::builder(RoomService::new(LocalProvisioner::development()))
            .rules(rules![project_rooms])
            .build();
}
