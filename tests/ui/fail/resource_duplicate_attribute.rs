use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
#[room(pattern = "p-<id>")]
struct ProjectRoom {
    id: u64,
}

fn main() {}
