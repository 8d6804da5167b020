// User types named like the std and runtime items that generated code uses.
#![allow(dead_code)]

use roomauth::{RoomResource, room_auth};

struct Result;
struct Option;
struct Deny;
struct Box;
struct String;
struct Some;
struct None;
struct Ok;
struct Err;
struct Pattern;
struct FromStr;

#[room_auth(rooms = "project-<id>")]
fn project_rooms(id: u64) -> core::result::Result<u64, roomauth::Deny> {
    core::result::Result::Ok(id)
}

#[room_auth(rooms = ["a-<id>", "b-<id>"])]
async fn maybe(id: u64) -> core::option::Option<u64> {
    core::option::Option::Some(id)
}

#[derive(RoomResource)]
#[room(pattern = "org-<org>")]
struct OrgRoom {
    org: std::string::String,
}

fn main() {
    let _ = (project_rooms {}, maybe {});
}
