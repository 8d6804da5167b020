use roomauth::RoomParam;

#[derive(RoomParam)]
struct ProjectId {
    id: u64,
}

fn main() {}
