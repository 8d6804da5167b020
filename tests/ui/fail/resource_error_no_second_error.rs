// A `RoomResource` whose derive has a mistake: one error, at the mistake;
// parsing the type and using it as `rooms = ..` add none.
use roomauth::{RoomResource, room_auth};

#[derive(RoomResource)]
#[room(pattern = "project-<id")]
struct ProjectRoom {
    id: u64,
}

#[room_auth(rooms = ProjectRoom)]
fn project_rooms(room: ProjectRoom) -> Option<String> {
    Some(room.id.to_string())
}

fn main() {
    let _ = "project-1".parse::<ProjectRoom>();
}
