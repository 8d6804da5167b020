use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
struct ProjectRoom(u64);

fn main() {}
