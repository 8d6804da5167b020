use roomauth::RoomResource;

#[derive(RoomResource)]
enum AppRoom {
    #[room(pattern = "lobby")]
    Lobby,
    Project { id: u64 },
}

fn main() {}
