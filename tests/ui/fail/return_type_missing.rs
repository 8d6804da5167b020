use roomauth::room_auth;

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64) {
    let _ = id;
}

fn main() {}
