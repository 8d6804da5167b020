// A constant cannot be read by the macro: said so, not "not a RoomResource".
use roomauth::room_auth;

const ROOMS: &str = "project-<id>";

#[room_auth(rooms = ROOMS)]
fn project_rooms(id: u64) -> Option<String> {
    Some(id.to_string())
}

fn main() {
    let _ = ROOMS;
}
