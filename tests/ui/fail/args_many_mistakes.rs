// Every mistake is reported at once, not only the first.
use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id", permision = "join", session = usr)]
async fn project_rooms(user: String, id: u64) -> Result<String, Deny> {
    Ok(format!("{user}{id}"))
}

fn main() {}
