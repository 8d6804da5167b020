use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
struct ProjectRoom {
    org: String,
    id: u64,
}

fn main() {}
