use roomauth::RoomResource;

struct Org;

#[derive(RoomResource)]
#[room(pattern = "org-<org>-project-<id>")]
struct ProjectRoom {
    org: Org,
    id: u64,
}

fn main() {}
