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
//! `PUSHER_ENCRYPTION_MASTER_KEY_BASE64`; when the key and secret are unset,
//! Soketi's local defaults (`app-key`, `app-secret`) and a development master
//! key. The endpoints refuse cross-site requests (`same_site_only`): the
//! page calling them is served by the app itself.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use roomauth::axum::AxumContext;
use roomauth::env::Env;
use roomauth::pusher::{ConfigError, ENV_APP_KEY, ENV_APP_SECRET, Pusher, SignIn};
use roomauth::{BuildError, Rules, Webhook};

/// Soketi's default app key, for local runs.
pub const DEV_APP_KEY: &str = "app-key";
/// Soketi's default app secret, for local runs.
pub const DEV_APP_SECRET: &str = "app-secret";
/// A development encryption master key: base64 of the 32 bytes
/// `roomauth-dev-master-key-32-bytes`. Never use it outside a laptop.
pub const DEV_MASTER_KEY_BASE64: &str = "cm9vbWF1dGgtZGV2LW1hc3Rlci1rZXktMzItYnl0ZXM=";

/// `Pusher::from_env()`, or the local defaults when neither key nor secret
/// is set.
pub fn pusher_from_env_or_dev() -> Result<Pusher, ConfigError> {
    let env = Env::process();
    if env.optional(ENV_APP_KEY)?.is_some() || env.optional(ENV_APP_SECRET)?.is_some() {
        return Pusher::from_env();
    }
    Ok(dev_pusher())
}

/// The Pusher app on Soketi's development defaults.
pub fn dev_pusher() -> Pusher {
    Pusher::builder()
        .app_key(DEV_APP_KEY)
        .app_secret(DEV_APP_SECRET)
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
