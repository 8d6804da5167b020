// An extractor taken by reference: the rule passes each argument by value.
use roomauth::{Deny, room_auth};

pub struct CurrentUser(pub String);

#[room_auth(rooms = "project-<id>", session = user)]
async fn project_rooms(user: &CurrentUser, id: u64) -> Result<String, Deny> {
    Ok(format!("{}{id}", user.0))
}

fn main() {}
