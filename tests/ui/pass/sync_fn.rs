use roomauth::{Deny, room_auth};
use roomauth::rule::Rule;

#[room_auth(rooms = "team-<team>-doc-<doc>")]
fn team_docs(team: String, doc: u32) -> Result<String, Deny> {
    if doc > 0 { Ok(team) } else { Err(Deny::Unauthorized) }
}

fn main() {
    assert!(team_docs("a".to_owned(), 1).is_ok());
    let _: &dyn Rule<()> = &team_docs {};
}
