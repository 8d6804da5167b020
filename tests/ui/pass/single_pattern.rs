use roomauth::{Deny, room_auth};
use roomauth::rule::Rule;

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: u64) -> Result<String, Deny> {
    if id == 1 { Ok("alice".to_owned()) } else { Err(Deny::Forbidden) }
}

fn main() {
    let rule = project_rooms {};
    assert_eq!(Rule::<()>::name(&rule), "project_rooms");
    assert_eq!(Rule::<()>::patterns(&rule)[0].as_str(), "project-<id>");
    assert_eq!(Rule::<()>::access(&rule), roomauth::Access::Write);
    // The function itself is untouched.
    let _future = project_rooms(1);
}
