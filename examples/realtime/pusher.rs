//! The Pusher endpoints of the realtime example, over the app's rules:
//!
//! | path | what |
//! | --- | --- |
//! | `POST /pusher/auth` | channel authorization (pusher-js `channelAuthorization`) |
//! | `POST /pusher/user-auth` | user sign-in (`pusher.signin()`, `userAuthentication`) |
//! | `POST /pusher/batch-auth` | batched authorization (the `pusher-js-auth` plugin's `authEndpoint`) |
//! | `GET /vendor/pusher.js` | pusher-js (with encryption) from `examples/realtime/pusher-web/node_modules` |
//! | `GET /vendor/pusher-auth.js` | the `pusher-js-auth` plugin, from the same folder |
//!
//! Configuration: `PUSHER_APP_KEY`, `PUSHER_APP_SECRET`,
//! `PUSHER_CLIENT_EVENTS` (`on` or `off`, required with them),
//! `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`. When the key and secret are unset,
//! the development default applies: Soketi's local app (`app-key`,
//! `app-secret`), a development master key, and client events `off`, as
//! `soketi start` runs its default app (`SOKETI_DEFAULT_APP_ENABLE_CLIENT_MESSAGES`
//! is false by default); `PUSHER_CLIENT_EVENTS` still overrides it, and a
//! value other than `on` or `off` stops the example at start. With client
//! events `on`, alice's read grant on project-2 is refused (403, with the
//! reason): the server would let her publish there. The endpoints refuse
//! cross-site requests (`same_site_only`): the page calling them is served
//! by the app itself.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use roomauth::axum::AxumContext;
use roomauth::env::Env;
use roomauth::pusher::{
    ClientEvents, ConfigError, ENV_APP_KEY, ENV_APP_SECRET, ENV_CLIENT_EVENTS, Pusher, SignIn,
};
use roomauth::{BuildError, Rules, Webhook};

/// Soketi's default app key, for local runs.
pub const DEV_APP_KEY: &str = "app-key";
/// Soketi's default app secret, for local runs.
pub const DEV_APP_SECRET: &str = "app-secret";
/// A development encryption master key: base64 of the 32 bytes
/// `roomauth-dev-master-key-32-bytes`. Never use it outside a laptop.
pub const DEV_MASTER_KEY_BASE64: &str = "cm9vbWF1dGgtZGV2LW1hc3Rlci1rZXktMzItYnl0ZXM=";

/// The stance on client events of the development default: `off`, as
/// Soketi's default app has them.
pub const DEV_CLIENT_EVENTS: ClientEvents = ClientEvents::Off;

/// `Pusher::from_env()`, or the local defaults when neither key nor secret
/// is set (with `PUSHER_CLIENT_EVENTS` when set, [`DEV_CLIENT_EVENTS`]
/// otherwise). An invalid `PUSHER_CLIENT_EVENTS` is an error either way.
pub fn pusher_from_env_or_dev() -> Result<Pusher, ConfigError> {
    pusher_from_lookup_or_dev(roomauth::env::process)
}

/// [`pusher_from_env_or_dev`] over any variable lookup.
pub fn pusher_from_lookup_or_dev(
    lookup: impl Fn(&str) -> Option<OsString> + Copy,
) -> Result<Pusher, ConfigError> {
    let env = Env::new(lookup);
    if env.optional(ENV_APP_KEY)?.is_some() || env.optional(ENV_APP_SECRET)?.is_some() {
        return Pusher::from_lookup(lookup);
    }
    let client_events = env
        .parsed(
            ENV_CLIENT_EVENTS,
            "`on` or `off` (the development default is `off`)",
        )?
        .unwrap_or(DEV_CLIENT_EVENTS);
    Ok(dev_pusher_with(client_events))
}

/// The Pusher app on Soketi's development defaults.
pub fn dev_pusher() -> Pusher {
    dev_pusher_with(DEV_CLIENT_EVENTS)
}

/// The Pusher app on Soketi's development defaults, with this stance on
/// client events.
pub fn dev_pusher_with(client_events: ClientEvents) -> Pusher {
    Pusher::builder()
        .app_key(DEV_APP_KEY)
        .app_secret(DEV_APP_SECRET)
        .client_events(client_events)
        .encryption_master_key_base64(DEV_MASTER_KEY_BASE64)
        .build()
        .expect("the development defaults are a valid configuration")
}

/// The Pusher routes over `rules`, with `signin` naming the signed-in user.
pub fn routes<S: Clone + Send + Sync + 'static>(
    pusher: Pusher,
    rules: &Rules<AxumContext<S>>,
    signin: impl SignIn<AxumContext<S>>,
) -> Result<Router<S>, BuildError> {
    let webhook: Webhook<AxumContext<S>, Pusher> = Webhook::builder(pusher)
        .rules(rules)
        .same_site_only()
        .build()?;
    Ok(Router::new()
        .route("/pusher/batch-auth", post(webhook.batch()))
        .route("/pusher/user-auth", post(webhook.signin(signin)))
        .route("/pusher/auth", post(webhook))
        .route(
            "/vendor/pusher.js",
            get(|| vendor("pusher-js/dist/web/pusher-with-encryption.min.js")),
        )
        .route(
            "/vendor/pusher-auth.js",
            get(|| vendor("pusher-js-auth/lib/pusher-auth.js")),
        ))
}

/// The browser packages' folder (`npm ci` there installs them).
pub fn web_packages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/realtime/pusher-web")
}

async fn vendor(file: &'static str) -> Response {
    let path = web_packages().join("node_modules").join(file);
    match std::fs::read(&path) {
        Ok(body) => ([(header::CONTENT_TYPE, "text/javascript")], body).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            format!(
                "{} is missing: run `npm ci` in {}",
                path.display(),
                web_packages().display()
            ),
        )
            .into_response(),
    }
}
