use roomauth::RoomResource;

#[derive(RoomResource)]
enum AppRoom {
    #[room(pattern = "project-<id>")]
    Project { id: String },
    #[room(pattern = "project-<id>-notes")]
    Notes { id: u64 },
}

fn main() {}
