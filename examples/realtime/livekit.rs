//! LiveKit for the realtime example: `LIVEKIT_API_KEY`,
//! `LIVEKIT_API_SECRET` and `LIVEKIT_URL` when set, else the values of
//! LiveKit's dev mode (`livekit-server --dev`), so that a fresh checkout
//! runs without an account.

use std::ffi::OsString;

use roomauth::livekit::{ConfigError, ENV_API_KEY, ENV_API_SECRET, ENV_URL, LiveKit};

/// The API key of `livekit-server --dev`.
pub const DEV_API_KEY: &str = "devkey";
/// The API secret of `livekit-server --dev`.
pub const DEV_API_SECRET: &str = "secret";
/// Where `livekit-server --dev` listens.
pub const DEV_URL: &str = "ws://127.0.0.1:7880";

/// LiveKit in dev mode: `devkey` / `secret` / `ws://127.0.0.1:7880`.
pub fn dev() -> LiveKit {
    LiveKit::builder()
        .api_key(DEV_API_KEY)
        .api_secret(DEV_API_SECRET)
        .server_url(DEV_URL)
        .build()
        .expect("the dev-mode values are a valid configuration")
}

/// LiveKit from the process environment: see [`from_lookup_or_dev`].
pub fn from_env_or_dev() -> Result<LiveKit, ConfigError> {
    from_lookup_or_dev(roomauth::env::process)
}

/// LiveKit from `lookup`'s variables, each unset one replaced by its
/// dev-mode value. Only dev mode's own short secret is warned about.
pub fn from_lookup_or_dev(
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<LiveKit, ConfigError> {
    LiveKit::from_lookup(|name| {
        lookup(name).filter(|value| !value.is_empty()).or_else(|| {
            let dev = match name {
                ENV_API_KEY => DEV_API_KEY,
                ENV_API_SECRET => DEV_API_SECRET,
                ENV_URL => DEV_URL,
                _ => return None,
            };
            Some(dev.into())
        })
    })
}
