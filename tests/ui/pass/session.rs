use roomauth::{Deny, FromContext, RequestContext, Rule, room_auth};

struct Cx {
    user: Option<String>,
}

impl RequestContext for Cx {
    type Rejection = &'static str;
}

pub struct CurrentUser(String);

impl FromContext<Cx> for CurrentUser {
    async fn from_context(cx: &mut Cx) -> Result<Self, &'static str> {
        cx.user.clone().map(CurrentUser).ok_or("not logged in")
    }
}

#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(user: CurrentUser, id: u64) -> Result<String, Deny> {
    if id == 1 { Ok(user.0) } else { Err(Deny::Forbidden) }
}

fn main() {
    let _: &dyn Rule<Cx> = &project_rooms {};
}
