use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: f64) -> Result<String, Deny> {
    Ok(id.to_string())
}

fn main() {}
