use roomauth::room_auth;

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: u64) -> u64 {
    id
}

fn main() {}
