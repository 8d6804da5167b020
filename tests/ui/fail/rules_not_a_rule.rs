// A function without `#[room_auth]` is not a rule.
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{Webhook, rules};

fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {
    let _ = Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![project_rooms])
        .build();
}
