// `rules![..]` registers generated rules by their function names; grants
// choose the access, and a rule's `access` is its maximum.
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{Grant, Webhook, room_auth, rules};

mod projects {
    use roomauth::{Deny, Grant, room_auth};

    #[room_auth(rooms = "project-<id>")]
    pub fn project_rooms(id: u64) -> Result<Grant, Deny> {
        match id {
            1 => Ok(Grant::write("alice")),
            2 => Ok(Grant::read("alice").with_info(serde_json::json!({ "name": "Alice" }))),
            _ => Err(Deny::Forbidden),
        }
    }
}

#[room_auth(rooms = "lobby", access = "read")]
fn lobby() -> Option<String> {
    Some("guest".to_owned())
}

#[room_auth(rooms = "hall", permission = "join")]
fn hall() -> Option<Grant> {
    Some(Grant::read("guest"))
}

fn main() {
    let webhook: Webhook<(), _> = Webhook::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![projects::project_rooms, lobby, hall,])
        .build()
        .unwrap();
    let names: Vec<&str> = webhook.rules().iter().map(|rule| rule.name()).collect();
    assert_eq!(names, ["project_rooms", "lobby", "hall"]);
}
