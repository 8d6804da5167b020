//! Hocuspocus for the realtime example: `POST /hocuspocus/auth`, the
//! endpoint of roomauth's Hocuspocus extension
//! (`roomauth/src/hocuspocus/extension.mjs`), keyed with `HOCUSPOCUS_SECRET`
//! when set, else with [`DEV_SECRET`] (start the Hocuspocus server with the
//! same value).
//!
//! The extension forwards the browser's `Cookie` header, and the provider's
//! `token` as `Authorization: Bearer <token>`: get one for the logged-in
//! session from the app's `POST /token`.

use axum::Router;
use axum::routing::post;
use roomauth::axum::AxumContext;
use roomauth::hocuspocus::{ConfigError, ENV_SECRET, Hocuspocus, HocuspocusSecret};
use roomauth::{BuildError, Rules, Webhook};

/// A development secret shared with the Hocuspocus extension. Never use it
/// outside a laptop.
pub const DEV_SECRET: &str = "roomauth-dev-hocuspocus-secret";

/// Where the extension calls: the one path that takes a bearer token from
/// `POST /token` in place of the cookie.
pub const AUTH_PATH: &str = "/hocuspocus/auth";

/// The endpoint keyed with [`DEV_SECRET`].
pub fn dev() -> Hocuspocus {
    Hocuspocus::new(HocuspocusSecret::new(DEV_SECRET).expect("the development secret is not empty"))
}

/// `Hocuspocus::from_env()`, or [`dev`] when `HOCUSPOCUS_SECRET` is unset
/// (set but empty is an error).
pub fn from_env_or_dev() -> Result<Hocuspocus, ConfigError> {
    match roomauth::env::process(ENV_SECRET) {
        Some(_) => Hocuspocus::from_env(),
        None => Ok(dev()),
    }
}

/// `POST /hocuspocus/auth` over `rules`.
pub fn routes<S: Clone + Send + Sync + 'static>(
    hocuspocus: Hocuspocus,
    rules: &Rules<AxumContext<S>>,
) -> Result<Router<S>, BuildError> {
    let webhook = Webhook::builder(hocuspocus).rules(rules).build()?;
    Ok(Router::new().route(AUTH_PATH, post(webhook)))
}
