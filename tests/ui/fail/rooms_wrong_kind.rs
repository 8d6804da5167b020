use roomauth::{Deny, room_auth};

#[room_auth(rooms = 42)]
async fn project_rooms() -> Result<String, Deny> {
    Ok("guest".to_owned())
}

fn main() {}
