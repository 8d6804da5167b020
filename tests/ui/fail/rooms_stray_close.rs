use roomauth::{Deny, room_auth};

#[room_auth(rooms = "project-id>")]
async fn project_rooms() -> Result<String, Deny> {
    Ok("guest".to_owned())
}

fn main() {}
