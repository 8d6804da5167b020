use roomauth::{Deny, room_auth};

#[room_auth(rooms = "org-<org>-project-<id>")]
async fn project_rooms(org: String, ids: u64) -> Result<String, Deny> {
    Ok(format!("{org}{ids}"))
}

fn main() {}
