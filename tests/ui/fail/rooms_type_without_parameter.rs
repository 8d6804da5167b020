use roomauth::{Deny, RoomResource, room_auth};

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
struct ProjectRoom {
    id: u64,
}

#[room_auth(rooms = ProjectRoom)]
async fn project_rooms(id: u64) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {}
