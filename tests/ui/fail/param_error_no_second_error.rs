// A `RoomParam` whose derive has a mistake: one error, at the mistake; its
// use as a placeholder type adds none.
use roomauth::{RoomParam, room_auth};

#[derive(RoomParam)]
struct ProjectId {
    id: u64,
}

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: ProjectId) -> Option<String> {
    Some(id.id.to_string())
}

fn main() {}
