use roomauth::RoomResource;

#[derive(RoomResource)]
struct ProjectRoom {
    id: u64,
}

fn main() {}
