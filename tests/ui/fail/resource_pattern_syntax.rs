use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "org-<org>-project-<id")]
struct ProjectRoom {
    org: String,
    id: u64,
}

fn main() {}
