// Express's and Rails' placeholder syntax is not taken as literal text.
use roomauth::room_auth;

#[room_auth(rooms = "project-:id")]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {}
