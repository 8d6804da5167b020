//! Liveblocks for the realtime example: `LIVEBLOCKS_SECRET_KEY` and
//! `LIVEBLOCKS_BASE_URL` when set, else Liveblocks' local dev server
//! (`npx liveblocks dev`, on `http://127.0.0.1:1153` with `sk_localdev`).

use roomauth::liveblocks::{
    ConfigError, ENV_BASE_URL, ENV_SECRET_KEY, LOCAL_DEV_SECRET_KEY, Liveblocks,
};

/// Where `liveblocks dev` listens by default.
pub const DEV_BASE_URL: &str = "http://127.0.0.1:1153";

/// Liveblocks' local dev server: `http://127.0.0.1:1153`, `sk_localdev`.
pub fn dev() -> Liveblocks {
    Liveblocks::builder()
        .secret_key(LOCAL_DEV_SECRET_KEY)
        .base_url(DEV_BASE_URL)
        .build()
        .expect("the dev server's values are a valid configuration")
}

/// Liveblocks from the environment, each unset variable replaced by the
/// local dev server's value.
pub fn from_env_or_dev() -> Result<Liveblocks, ConfigError> {
    Liveblocks::from_lookup(|name| {
        roomauth::env::process(name).or_else(|| {
            let dev = match name {
                ENV_SECRET_KEY => LOCAL_DEV_SECRET_KEY,
                ENV_BASE_URL => DEV_BASE_URL,
                _ => return None,
            };
            Some(dev.into())
        })
    })
}
