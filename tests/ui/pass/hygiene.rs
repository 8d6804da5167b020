#![no_implicit_prelude]

extern crate core;
extern crate roomauth;
extern crate std;

use roomauth::{RoomParam, RoomResource, room_auth};

// Constants named like the generated code's bindings would turn those
// bindings into constant patterns, if the generated code used plain names.
#[allow(non_upper_case_globals, dead_code)]
mod shadows {
    pub const value: u8 = 0;
    pub const inner: u8 = 0;
    pub const out: u8 = 0;
    pub const room: u8 = 0;
    pub const name: u8 = 0;
    pub const output: u8 = 0;
    pub const user: u8 = 0;
    pub const deny: u8 = 0;
    pub const rejection: u8 = 0;
}
#[allow(unused_imports)]
use shadows::*;

#[derive(RoomParam)]
struct ProjectId(u64);

#[derive(RoomParam)]
enum Mode {
    Read,
    Write,
}

#[derive(RoomResource)]
#[room(pattern = "org-<org>-project-<id>")]
struct ProjectRoom {
    org: std::string::String,
    id: ProjectId,
}

#[derive(RoomResource)]
enum AppRoom {
    #[room(pattern = "lobby")]
    Lobby,
    #[room(pattern = "doc-<id>-<mode>")]
    Doc { id: u64, mode: Mode },
}

#[room_auth(rooms = "project-<id>", permission = "join")]
async fn project_rooms(id: u64) -> std::result::Result<u64, roomauth::Deny> {
    std::result::Result::Ok(id)
}

#[room_auth(rooms = ProjectRoom)]
fn typed(project: ProjectRoom) -> std::option::Option<std::string::String> {
    std::option::Option::Some(project.org)
}

#[room_auth(rooms = AppRoom)]
fn app(_room: AppRoom) -> std::option::Option<&'static str> {
    std::option::Option::None
}

fn main() {
    let _ = (project_rooms {}, typed {}, app {});
}
