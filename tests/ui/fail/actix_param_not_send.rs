// actix-web's request is not `Send`, and a rule's parameters must be: the
// rule runs in a future that every framework may move between threads.
use roomauth::actix::ActixContext;
use roomauth::room_auth;

#[room_auth(rooms = "project-<id>", context = ActixContext)]
async fn project_rooms(id: u64, request: actix_web::HttpRequest) -> Option<String> {
    request.headers().get("x-user")?;
    Some(id.to_string())
}

fn main() {}
