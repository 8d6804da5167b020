// The same pattern twice is its own mistake, not an overlap.
use roomauth::room_auth;

#[room_auth(rooms = ["project-<id>", "project-<id>"])]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {}
