use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: u64, _state: impl Send) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {}
