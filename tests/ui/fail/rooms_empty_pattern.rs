use roomauth::{Deny, room_auth};

#[room_auth(rooms = "")]
async fn lobby() -> Result<String, Deny> {
    Ok("guest".to_owned())
}

fn main() {}
