// An associated function that names `Self`: said to go on a free function,
// not raw errors about a struct inside an `impl` block.
use axum::extract::State;
use roomauth::room_auth;

#[derive(Clone)]
struct Policy {
    open: bool,
}

impl Policy {
    #[room_auth(rooms = "project-<id>")]
    fn project_rooms(id: u64, policy: State<Self>) -> Option<String> {
        policy.open.then(|| id.to_string())
    }
}

fn main() {}
