use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id>", permission = "join", permission = "read_write")]
async fn project_rooms(id: u64) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {}
