use roomauth::{Deny, room_auth};

#[room_auth(room = "project-<id>")]
async fn project_rooms(id: u64) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {}
