// A parameter under `#[cfg]` would leave the rule passing one argument too
// many: said so at the attribute.
use roomauth::room_auth;

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64, #[cfg(any())] verbose: bool) -> Option<String> {
    Some(id.to_string())
}

fn main() {}
