//! The namespace example's policy: several rules over one typed enum.

#[path = "../examples/namespace/app.rs"]
#[allow(dead_code)]
mod app;

use app::{AppRoom, ProjectId};
use roomauth::RoomResource;
use roomauth::axum::AxumContext;
use roomauth::room_service::LocalProvisioner;
use roomauth::testing::{Verdict, assert_policy};

#[tokio::test]
async fn who_may_join_which_room() {
    let webhook = app::webhook(LocalProvisioner::development()).unwrap();
    let context_for = async |user: Option<&str>| {
        let mut request = http::Request::builder();
        if let Some(user) = user {
            request = request.header("x-user", user);
        }
        AxumContext::new(request.body(()).unwrap(), app::Directory::demo())
    };
    assert_policy(
        webhook.rules(),
        context_for,
        [
            (Some("alice"), "project-1", Verdict::write("alice")),
            (Some("bob"), "project-1", Verdict::Forbidden),
            (Some("bob"), "doc-2-notes", Verdict::write("bob")),
            (Some("bob"), "doc-1-notes", Verdict::Forbidden),
            (Some("alice"), "doc-1-a-b", Verdict::write("alice")),
            // Not an integer in canonical form: `doc-<project>-<name>` does not match.
            (Some("alice"), "doc-01-notes", Verdict::NoRule),
            (Some("alice"), "user-alice", Verdict::write("alice")),
            (Some("alice"), "user-bob", Verdict::Forbidden),
            (Some("bob"), "lobby", Verdict::read("bob")),
            (None, "lobby", Verdict::Unauthorized),
            (None, "project-2", Verdict::Unauthorized),
            (Some("alice"), "elsewhere", Verdict::NoRule),
        ],
    )
    .await;
}

#[test]
fn typed_rooms_round_trip() {
    let room = AppRoom::Document {
        project: ProjectId(7),
        name: "notes".into(),
    };
    assert_eq!(room.to_room().unwrap(), "doc-7-notes");
    assert_eq!("doc-7-notes".parse::<AppRoom>().unwrap(), room);
    // An empty name has no room name that parses back: refused, not mangled.
    let bad = AppRoom::Document {
        project: ProjectId(7),
        name: String::new(),
    };
    assert!(bad.to_room().is_err());
    assert!("doc-x-notes".parse::<AppRoom>().is_err());
}
