use roomauth::{Deny, room_auth};

#[room_auth(rooms = "doc-<type>")]
async fn docs(kind: String) -> Result<String, Deny> {
    Ok(kind)
}

fn main() {}
