use roomauth::room_auth;

#[room_auth(rooms = "project-<id>", access = "wrte")]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {}
