use roomauth::RoomParam;

#[derive(RoomParam)]
enum Mode {
    ReadWrite,
    #[room(rename = "read_write")]
    Edit,
}

fn main() {}
