use roomauth::RoomParam;

#[derive(RoomParam)]
struct Ratio(f32);

fn main() {}
