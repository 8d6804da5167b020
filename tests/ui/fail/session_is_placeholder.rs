use roomauth::{Deny, room_auth};

#[room_auth(rooms = "user-<user>", session = user)]
async fn user_rooms(user: String) -> Result<String, Deny> {
    Ok(user)
}

fn main() {}
