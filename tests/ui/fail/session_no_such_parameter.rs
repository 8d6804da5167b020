use roomauth::{Deny, room_auth};

pub struct CurrentUser(pub String);

#[room_auth(rooms = "project-<id>", session = usr)]
async fn project_rooms(user: CurrentUser, id: u64) -> Result<String, Deny> {
    Ok(format!("{}{id}", user.0))
}

fn main() {}
