// A rule that answers yes or no does not say who the user is.
use roomauth::room_auth;

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64) -> bool {
    id == 1
}

fn main() {}
