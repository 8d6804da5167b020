// axum's and Laravel's placeholder syntax is not taken as literal text.
use roomauth::room_auth;

#[room_auth(rooms = "team.{team}")]
fn team_rooms(team: String) -> Option<String> {
    Some(team)
}

fn main() {}
