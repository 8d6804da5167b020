// A placeholder taken by reference: its value is parsed from the room name.
use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: &u64) -> Result<String, Deny> {
    Ok(id.to_string())
}

fn main() {}
