// An earlier, unrelated mistake does not hide a later variant's missing
// `pattern`.
use roomauth::RoomResource;

#[derive(RoomResource)]
enum AppRoom {
    #[room(pattern = "lobby", colour = "red")]
    Lobby,
    #[room()]
    Project { id: u64 },
}

fn main() {}
