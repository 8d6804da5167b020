use roomauth::{Deny, room_auth};

struct Policy;

impl Policy {
    #[room_auth(rooms = "project-<id>")]
    async fn project_rooms(&self, id: u64) -> Result<u64, Deny> {
        Ok(id)
    }
}

fn main() {}
