// `?` converts boxed errors and `anyhow::Error` into `Deny::Internal`.
use roomauth::rule::Rule;
use roomauth::{Deny, room_auth};

fn boxed(id: u64) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
    if id == 0 { Err("no project 0".into()) } else { Ok(id) }
}

fn with_anyhow(id: u64) -> anyhow::Result<u64> {
    anyhow::ensure!(id != 13, "project 13 is archived");
    Ok(id)
}

#[room_auth(rooms = "project-<id>")]
async fn project_rooms(id: u64) -> Result<String, Deny> {
    let id = boxed(id)?;
    let id = with_anyhow(id)?;
    Ok(id.to_string())
}

#[room_auth(rooms = "team-<id>")]
fn team_rooms(id: u64) -> anyhow::Result<String> {
    Ok(with_anyhow(id)?.to_string())
}

fn main() {
    let _: &dyn Rule<()> = &project_rooms {};
    let _: &dyn Rule<()> = &team_rooms {};
}
