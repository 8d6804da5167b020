use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(patern = "project-<id>")]
struct ProjectRoom {
    id: u64,
}

fn main() {}
