use roomauth::{Deny, room_auth};

#[room_auth(rooms = ["project-<id>", "project-<id>-settings"])]
async fn project_rooms(id: String) -> Result<String, Deny> {
    Ok(id)
}

fn main() {}
