// With `context = ..`, a parameter that is no extractor of that context is
// reported at the parameter, and the registration adds no second error.
use roomauth::axum::AxumContext;
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{room_auth, rules};

struct Db;

#[room_auth(rooms = "project-<id>", context = AxumContext<()>)]
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
