use roomauth::room_auth;

#[room_auth(rooms = "project-<id>", access = "read", permission = "join")]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {}
