use roomauth::room_auth;
use roomauth::rule::Rule;

#[room_auth(rooms = "lobby")]
fn lobby() -> Option<&'static str> {
    Some("guest")
}

#[room_auth(rooms = "user-<id>")]
async fn user_rooms(id: i64) -> Option<i64> {
    (id > 0).then_some(id)
}

fn main() {
    let _: &dyn Rule<()> = &lobby {};
    let _: &dyn Rule<()> = &user_rooms {};
}
