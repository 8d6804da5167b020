use roomauth::RoomResource;

#[derive(RoomResource)]
#[room(pattern = "project-<id>")]
struct ProjectRoom<T> {
    id: T,
}

fn main() {}
