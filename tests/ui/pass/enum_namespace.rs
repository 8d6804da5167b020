use roomauth::{RoomParam, RoomResource, room_auth};
use roomauth::rule::Rule;

#[derive(RoomParam, Debug, PartialEq, Clone, Copy)]
enum Mode {
    ReadOnly,
    #[room(rename = "rw")]
    ReadWrite,
}

#[derive(RoomParam, Debug, PartialEq, Clone, Copy)]
struct ProjectId(u64);

#[derive(RoomResource, Debug, PartialEq)]
enum AppRoom {
    #[room(pattern = "lobby")]
    Lobby,
    #[room(pattern = "project-<id>")]
    Project { id: ProjectId },
    #[room(pattern = "doc-<doc>-<mode>")]
    Doc { mode: Mode, doc: u64 },
}

#[room_auth(rooms = AppRoom)]
fn app_rooms(room: AppRoom) -> Option<String> {
    match room {
        AppRoom::Lobby => Some("guest".to_owned()),
        AppRoom::Project { id } => Some(format!("member-of-{}", id.0)),
        AppRoom::Doc { mode: Mode::ReadOnly, .. } => None,
        AppRoom::Doc { doc, .. } => Some(doc.to_string()),
    }
}

fn main() {
    assert_eq!("lobby".parse::<AppRoom>().unwrap(), AppRoom::Lobby);
    assert_eq!("project-3".parse::<AppRoom>().unwrap(), AppRoom::Project { id: ProjectId(3) });
    let doc = AppRoom::Doc { mode: Mode::ReadWrite, doc: 9 };
    assert_eq!(doc.to_room().unwrap(), "doc-9-rw");
    assert_eq!("doc-9-read_only".parse::<AppRoom>().unwrap(), AppRoom::Doc { mode: Mode::ReadOnly, doc: 9 });
    assert!("doc-9-read-only".parse::<AppRoom>().is_err());
    assert_eq!(Rule::<()>::patterns(&app_rooms {}).len(), 3);
}
