use roomauth::{Deny, room_auth};
use roomauth::rule::Rule;

#[room_auth(rooms = ["project-<id>", "team-<id>-project"], permission = "join")]
async fn project_rooms(id: u64) -> Result<u64, Deny> {
    Ok(id)
}

fn main() {
    let rule = project_rooms {};
    let patterns: Vec<&str> = Rule::<()>::patterns(&rule).iter().map(|p| p.as_str()).collect();
    assert_eq!(patterns, ["project-<id>", "team-<id>-project"]);
    assert_eq!(Rule::<()>::access(&rule), roomauth::Access::Read);
}
