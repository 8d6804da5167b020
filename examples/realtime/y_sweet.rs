//! y-sweet for the realtime example: `POST /y-sweet/auth`, the auth
//! endpoint `@y-sweet/client` calls, asking the y-sweet server of
//! `Y_SWEET_CONNECTION_STRING` for client tokens; when it is unset, the
//! server `y-sweet serve` starts without `--auth` on its default port
//! ([`DEV_CONNECTION_STRING`]).

use axum::Router;
use axum::routing::post;
use roomauth::axum::AxumContext;
use roomauth::y_sweet::{ConfigError, ConnectionString, ENV_CONNECTION_STRING, YSweet};
use roomauth::{BuildError, Rules, Webhook};

/// Where `y-sweet serve` listens by default, without a server token.
pub const DEV_CONNECTION_STRING: &str = "ys://127.0.0.1:8080";

/// The endpoint for `y-sweet serve` on [`DEV_CONNECTION_STRING`].
pub fn dev() -> YSweet {
    let connection = ConnectionString::parse(DEV_CONNECTION_STRING)
        .expect("the development connection string parses");
    YSweet::new(connection).expect("the default client settings are valid")
}

/// `YSweet::from_env()`, or [`dev`] when `Y_SWEET_CONNECTION_STRING` is
/// unset.
pub fn from_env_or_dev() -> Result<YSweet, ConfigError> {
    match roomauth::env::process(ENV_CONNECTION_STRING) {
        Some(_) => YSweet::from_env(),
        None => Ok(dev()),
    }
}

/// `POST /y-sweet/auth` over `rules`.
pub fn routes<S: Clone + Send + Sync + 'static>(
    y_sweet: YSweet,
    rules: &Rules<AxumContext<S>>,
) -> Result<Router<S>, BuildError> {
    let webhook = Webhook::builder(y_sweet).rules(rules).build()?;
    Ok(Router::new().route("/y-sweet/auth", post(webhook)))
}
