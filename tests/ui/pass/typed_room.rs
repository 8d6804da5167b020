use roomauth::{Deny, RoomResource, room_auth};
use roomauth::rule::Rule;

#[derive(RoomResource, Debug, PartialEq)]
#[room(pattern = "org-<org>-project-<id>")]
struct ProjectRoom {
    org: String,
    id: u64,
}

#[derive(RoomResource, Debug, PartialEq)]
#[room(pattern = "lobby")]
struct Lobby {}

#[room_auth(rooms = ProjectRoom)]
async fn projects(room: ProjectRoom) -> Result<String, Deny> {
    if room.id == 7 { Ok(room.org) } else { Err(Deny::Forbidden) }
}

fn main() {
    let room: ProjectRoom = "org-acme-project-7".parse().unwrap();
    assert_eq!(room, ProjectRoom { org: "acme".to_owned(), id: 7 });
    assert_eq!(room.to_room().unwrap(), "org-acme-project-7");
    assert_eq!(Rule::<()>::patterns(&projects {}), ProjectRoom::PATTERNS);
    assert_eq!("lobby".parse::<Lobby>().unwrap(), Lobby {});
    assert_eq!(Lobby {}.to_room().unwrap(), "lobby");
    assert!("lobby2".parse::<Lobby>().is_err());
}
