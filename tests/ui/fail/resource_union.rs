use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
union ProjectRoom {
    id: u64,
}

fn main() {}
