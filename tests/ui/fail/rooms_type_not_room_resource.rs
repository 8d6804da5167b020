use roomauth::{Deny, room_auth};

struct ProjectRoom {
    id: u64,
}

#[room_auth(rooms = ProjectRoom)]
async fn project_rooms(room: ProjectRoom) -> Result<u64, Deny> {
    Ok(room.id)
}

fn main() {}
