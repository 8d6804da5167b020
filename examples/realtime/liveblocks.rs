//! Liveblocks for the realtime example. Without `LIVEBLOCKS_SECRET_KEY`,
//! Liveblocks' local dev server (`npx liveblocks dev`, on
//! `http://127.0.0.1:1153` with `sk_localdev`). With it, Liveblocks itself
//! (`https://api.liveblocks.io`, or `LIVEBLOCKS_BASE_URL`): a real secret key
//! is never sent to the dev server's address, where anything may listen.

use std::ffi::OsString;

use roomauth::env::Env;
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

/// Liveblocks from the process environment: see [`from_lookup_or_dev`].
pub fn from_env_or_dev() -> Result<Liveblocks, ConfigError> {
    from_lookup_or_dev(roomauth::env::process)
}

/// Liveblocks from `lookup`'s variables: the app's own secret key goes to
/// `LIVEBLOCKS_BASE_URL` or Liveblocks' API, never to the dev server's
/// default address; without a key, the local dev server.
pub fn from_lookup_or_dev(
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<Liveblocks, ConfigError> {
    let own_key = Env::new(&lookup).optional(ENV_SECRET_KEY)?.is_some();
    Liveblocks::from_lookup(|name| {
        lookup(name).filter(|value| !value.is_empty()).or_else(|| {
            let dev = match name {
                ENV_SECRET_KEY => LOCAL_DEV_SECRET_KEY,
                ENV_BASE_URL if !own_key => DEV_BASE_URL,
                _ => return None,
            };
            Some(dev.into())
        })
    })
}
