use roomauth::RoomResource;

#[derive(RoomResource)]
enum AppRoom {
    #[room(pattern = "lobby")]
    Lobby,
    #[room(pattern = "project-<id>")]
    Project(u64),
}

fn main() {}
