// Placeholder types keep patterns apart that share their literals: an
// integer is never `7-chat`, so neither the macro nor `Rules::new` refuses.
use roomauth::pattern::Shape;
use roomauth::rule::Rule;
use roomauth::rules::Rules;
use roomauth::{RoomResource, room_auth};

#[room_auth(rooms = ["ticket-<id>", "ticket-<id>-chat"])]
fn tickets(id: u64) -> Option<String> {
    Some(id.to_string())
}

#[derive(RoomResource, Debug, PartialEq)]
enum DocRoom {
    #[room(pattern = "doc-<id>")]
    Doc { id: uuid::Uuid },
    #[room(pattern = "doc-<id>-history")]
    History { id: uuid::Uuid },
}

fn main() {
    let rule = tickets {};
    let patterns = Rule::<()>::patterns(&rule);
    assert_eq!(patterns[1].shape(0), Shape::Unsigned);
    Rules::<()>::new(roomauth::rules![tickets]).expect("no room matches both patterns");
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let history: DocRoom = format!("doc-{id}-history").parse().unwrap();
    assert!(matches!(history, DocRoom::History { .. }));
}
