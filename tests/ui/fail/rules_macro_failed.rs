// A rule whose attribute has a mistake: one error, at the mistake; its use in
// `rules![..]` adds none.
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{Webhook, room_auth, rules};

#[room_auth(rooms = "project-<id")]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {
    let _ = Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![project_rooms])
        .build();
}
