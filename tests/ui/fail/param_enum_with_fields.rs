use roomauth::RoomParam;

#[derive(RoomParam)]
enum Mode {
    Read,
    Custom(String),
}

fn main() {}
