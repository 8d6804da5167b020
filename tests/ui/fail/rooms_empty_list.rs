use roomauth::{Deny, room_auth};

#[room_auth(rooms = [])]
async fn nothing() -> Result<String, Deny> {
    Ok("guest".to_owned())
}

fn main() {}
