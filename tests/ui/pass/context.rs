// `context = ..`: the rule serves that request context only.
use axum::http::HeaderMap;
use roomauth::axum::AxumContext;
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::{room_auth, rules};

#[room_auth(rooms = "project-<id>", context = AxumContext<()>)]
async fn project_rooms(id: u64, headers: HeaderMap) -> Option<String> {
    headers.get("x-user")?;
    Some(id.to_string())
}

fn main() {
    let _: Result<roomauth::axum::Webhook<(), _>, _> =
        roomauth::Webhook::builder(RoomService::new(LocalProvisioner::development()))
            .rules(rules![project_rooms])
            .build();
}
