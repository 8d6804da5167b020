// A parameter of a value type that no placeholder binds: reported at the
// parameter, not as a missing extractor at the registration.
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{Webhook, room_auth, rules};

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64, project_id: u64) -> Option<String> {
    Some(format!("{id}/{project_id}"))
}

fn main() {
    let _ = Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![project_rooms])
        .build();
}
