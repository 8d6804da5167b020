use roomauth::room_auth;

#[room_auth(rooms = "project-<id>")]
struct ProjectRooms {
    id: u64,
}

fn main() {}
