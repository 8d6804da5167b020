// `POST /hocuspocus/auth`: the endpoint of roomauth's Hocuspocus extension
// (`roomauth/src/hocuspocus/extension.mjs`), keyed with `HOCUSPOCUS_SECRET`.

use axum::Router;
use axum::routing::post;
use roomauth::Webhook;
use roomauth::hocuspocus::Hocuspocus;

use super::{AppState, not_configured, rules};

/// Mounts the endpoint; without `HOCUSPOCUS_SECRET` it answers 500 saying so.
pub fn mount(router: Router<AppState>) -> Result<Router<AppState>, roomauth::BuildError> {
    Ok(match Hocuspocus::from_env() {
        Ok(backend) => {
            let webhook = Webhook::builder(backend).rules(rules()).build()?;
            router.route("/hocuspocus/auth", post(webhook))
        }
        Err(error) => router.route("/hocuspocus/auth", not_configured(error.to_string())),
    })
}
