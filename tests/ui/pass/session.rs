use roomauth::{Deny, room_auth};
use roomauth::rule::{FromContext, RequestContext, Rule};

pub struct Cx {
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

pub struct Db(Vec<u64>);

impl FromContext<Cx> for Db {
    async fn from_context(_: &mut Cx) -> Result<Self, &'static str> {
        Ok(Db(vec![1]))
    }
}

// Parameters may be patterns, and `mut`.
#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(user: CurrentUser, mut id: u64, Db(members): Db) -> Result<String, Deny> {
    id += 0;
    if members.contains(&id) { Ok(user.0) } else { Err(Deny::Forbidden) }
}

fn main() {
    let _: &dyn Rule<Cx> = &project_rooms {};
}
