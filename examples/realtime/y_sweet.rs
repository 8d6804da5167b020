// `POST /y-sweet/auth`: the auth endpoint `@y-sweet/client` calls, asking
// the y-sweet server of `Y_SWEET_CONNECTION_STRING` for client tokens.

use axum::Router;
use axum::routing::post;
use roomauth::Webhook;
use roomauth::y_sweet::YSweet;

use super::{AppState, not_configured, rules};

/// Mounts the endpoint; without `Y_SWEET_CONNECTION_STRING` it answers 500
/// saying so.
pub fn mount(router: Router<AppState>) -> Result<Router<AppState>, roomauth::BuildError> {
    Ok(match YSweet::from_env() {
        Ok(backend) => {
            let webhook = Webhook::builder(backend).rules(rules()).build()?;
            router.route("/y-sweet/auth", post(webhook))
        }
        Err(error) => router.route("/y-sweet/auth", not_configured(error.to_string())),
    })
}
