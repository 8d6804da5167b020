use roomauth::{Deny, room_auth};

#[room_auth(rooms = ["project-<id>", "org-<org>-project-<id>"])]
async fn project_rooms(org: String, id: u64) -> Result<String, Deny> {
    Ok(format!("{org}{id}"))
}

fn main() {}
