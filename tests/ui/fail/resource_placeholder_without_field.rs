use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "org-<org>-project-<id>")]
struct ProjectRoom {
    id: u64,
}

fn main() {}
