use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id>")]
async fn project_rooms<S: Send>(id: u64, _state: S) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {}
