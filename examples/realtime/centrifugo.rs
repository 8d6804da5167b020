// `POST /centrifugo/subscribe` (the subscribe proxy; checks
// `X-Centrifugo-Proxy-Secret` when `CENTRIFUGO_PROXY_SECRET` is set) and
// `POST /centrifugo/subscription-token` (HS256 tokens signed with
// `CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY`). The demo's rules are over
// `project-<id>`: use channels without a namespace (`project-1`,
// `$project-1`) and `without_namespace.subscribe_proxy_enabled`.

use axum::Router;
use axum::routing::post;
use roomauth::Webhook;
use roomauth::centrifugo::{CentrifugoSubscribe, CentrifugoToken};

use super::{AppState, not_configured, rules};

/// Mounts both endpoints; without a token key the token endpoint answers
/// 500 saying which variable to set.
pub fn mount(router: Router<AppState>) -> Result<Router<AppState>, roomauth::BuildError> {
    let subscribe = Webhook::builder(CentrifugoSubscribe::from_env())
        .rules(rules())
        .build()?;
    let router = router.route("/centrifugo/subscribe", post(subscribe));
    Ok(match CentrifugoToken::from_env() {
        Ok(backend) => {
            let token = Webhook::builder(backend).rules(rules()).build()?;
            router.route("/centrifugo/subscription-token", post(token))
        }
        Err(error) => router.route(
            "/centrifugo/subscription-token",
            not_configured(error.to_string()),
        ),
    })
}
