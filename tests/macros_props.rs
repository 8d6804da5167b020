//! Round trips of derived room types: `parse(format(v)) == v` for generated
//! values, and `format(parse(s)) == s` for generated room names that parse.

use proptest::prelude::*;
use roomauth::{RoomParam, RoomResource};

#[derive(RoomParam, Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    View,
    ReadOnly,
    #[room(rename = "rw")]
    Edit,
}

#[derive(RoomParam, Debug, Clone, Copy, PartialEq, Eq)]
struct SpaceId(i64);

#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
#[room(pattern = "org-<org>-project-<id>")]
struct ProjectRoom {
    org: String,
    id: u64,
}

#[derive(RoomResource, Debug, Clone, PartialEq, Eq)]
enum SpaceRoom {
    #[room(pattern = "lobby")]
    Lobby,
    #[room(pattern = "space-<space>")]
    Space { space: SpaceId },
    #[room(pattern = "doc-<doc>:<mode>@<space>")]
    Doc {
        space: SpaceId,
        doc: String,
        mode: Mode,
    },
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::View), Just(Mode::ReadOnly), Just(Mode::Edit)]
}

fn space_room() -> impl Strategy<Value = SpaceRoom> {
    prop_oneof![
        Just(SpaceRoom::Lobby),
        any::<i64>().prop_map(|id| SpaceRoom::Space { space: SpaceId(id) }),
        (any::<i64>(), "\\PC{1,8}", mode()).prop_map(|(id, doc, mode)| SpaceRoom::Doc {
            space: SpaceId(id),
            doc,
            mode
        }),
    ]
}

/// Whether the `literal` that follows a placeholder would be found before
/// the end of `value` (searching from its second character, as matching
/// does): then the value would end early, so it cannot round-trip.
fn ends_early(value: &str, literal: &str) -> bool {
    let first = value.chars().next().map_or(0, char::len_utf8);
    let rest = &value[first..];
    format!("{rest}{literal}").find(literal) != Some(rest.len())
}

fn write<T: RoomParam>(value: &T) -> String {
    let mut out = String::new();
    value.write_param(&mut out);
    out
}

proptest! {
    #[test]
    fn project_rooms_round_trip(org in "\\PC{1,16}|[a-z]{1,3}(-project-)?[a-z]{0,3}", id in any::<u64>()) {
        let room = ProjectRoom { org: org.clone(), id };
        match room.to_room() {
            Ok(name) => prop_assert_eq!(name.parse::<ProjectRoom>(), Ok(room)),
            // Refused only for a value that would not parse back.
            Err(_) => prop_assert!(ends_early(&org, "-project-"), "refused {:?}", room),
        }
    }

    #[test]
    fn space_rooms_round_trip(room in space_room()) {
        match room.to_room() {
            Ok(name) => prop_assert_eq!(name.parse::<SpaceRoom>(), Ok(room)),
            Err(_) => match &room {
                SpaceRoom::Doc { doc, .. } => prop_assert!(ends_early(doc, ":"), "refused {:?}", room),
                _ => prop_assert!(false, "refused {:?}", room),
            },
        }
    }

    #[test]
    fn parsed_project_rooms_format_back(name in "org-[a-z-]{0,8}-project-(0|[1-9][0-9]{0,20}|0[0-9]|-[0-9])|\\PC{0,24}") {
        if let Ok(room) = name.parse::<ProjectRoom>() {
            prop_assert_eq!(room.to_room(), Ok(name));
        }
    }

    #[test]
    fn parsed_space_rooms_format_back(
        name in "lobby|space--?[0-9]{1,20}|doc-[a-z:@]{1,5}:(view|read_only|rw|edit)@-?[0-9]{1,3}|\\PC{0,16}"
    ) {
        if let Ok(room) = name.parse::<SpaceRoom>() {
            prop_assert_eq!(room.to_room(), Ok(name));
        }
    }

    #[test]
    fn params_round_trip(mode in mode(), id in any::<i64>()) {
        prop_assert_eq!(Mode::parse_param(&write(&mode)), Some(mode));
        prop_assert_eq!(SpaceId::parse_param(&write(&SpaceId(id))), Some(SpaceId(id)));
        prop_assert_eq!(write(&SpaceId(id)), id.to_string());
    }
}

#[test]
fn mode_names() {
    assert_eq!(write(&Mode::ReadOnly), "read_only");
    assert_eq!(write(&Mode::Edit), "rw");
    assert_eq!(Mode::parse_param("edit"), None);
    assert_eq!(Mode::parse_param("View"), None);
}

#[test]
fn examples_parse() {
    assert_eq!(
        "org-a-project-b-project-1"
            .parse::<ProjectRoom>()
            .map(|r| r.org),
        Err("org-a-project-b-project-1"
            .parse::<ProjectRoom>()
            .unwrap_err()),
        "`b-project-1` is not a u64",
    );
    assert_eq!(
        "doc-x:y:rw@3".parse::<SpaceRoom>(),
        Err("doc-x:y:rw@3".parse::<SpaceRoom>().unwrap_err()),
        "the first `:` ends the doc",
    );
    assert_eq!(
        "doc-x@y:rw@-3".parse::<SpaceRoom>(),
        Ok(SpaceRoom::Doc {
            space: SpaceId(-3),
            doc: "x@y".to_owned(),
            mode: Mode::Edit
        })
    );
}
