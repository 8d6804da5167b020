//! Centrifugo for the realtime example, four endpoints:
//!
//! | path | what |
//! | --- | --- |
//! | `POST /centrifugo/subscribe` | the subscribe proxy (`subscribe_proxy_enabled`); checks `X-Centrifugo-Proxy-Secret` when `CENTRIFUGO_PROXY_SECRET` is set |
//! | `POST /centrifugo/sub-refresh` | the sub-refresh proxy (`sub_refresh_proxy_enabled`): the rules asked again before a subscription's `expire_at` |
//! | `POST /centrifugo/publish` | the publish proxy (`publish_proxy_enabled`): write grants publish, read grants do not; the same header check |
//! | `POST /centrifugo/subscription-token` | HS256 subscription tokens for `$` channels (centrifuge-js `getToken`) |
//!
//! Tokens are signed with `CENTRIFUGO_CLIENT_SUBSCRIPTION_TOKEN_HMAC_SECRET_KEY`
//! or `CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY` when set, else with
//! [`DEV_TOKEN_SECRET`] (give Centrifugo the same key). The app's rules
//! answer `project-<id>` and `project:<id>`: channels without a namespace
//! (`project-1`, `$project-1`) or in a `project` namespace (`project:1`,
//! `$project:1`).

use axum::Router;
use axum::routing::post;
use roomauth::axum::AxumContext;
use roomauth::centrifugo::{
    CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken, ConfigError,
    ENV_SUBSCRIPTION_TOKEN_SECRET, ENV_TOKEN_SECRET, TokenSecret,
};
use roomauth::{BuildError, Rules, Webhook};

/// A development token HMAC key. Never use it outside a laptop.
pub const DEV_TOKEN_SECRET: &str = "roomauth-dev-centrifugo-token-secret";

/// The subscription token endpoint keyed with [`DEV_TOKEN_SECRET`].
pub fn dev_token() -> CentrifugoToken {
    CentrifugoToken::new(
        TokenSecret::new(DEV_TOKEN_SECRET).expect("the development key is not empty"),
    )
}

/// `CentrifugoToken::from_env()`, or [`dev_token`] when neither key
/// variable is set.
pub fn token_from_env_or_dev() -> Result<CentrifugoToken, ConfigError> {
    let set = |name| roomauth::env::process(name).is_some();
    if set(ENV_SUBSCRIPTION_TOKEN_SECRET) || set(ENV_TOKEN_SECRET) {
        return CentrifugoToken::from_env();
    }
    Ok(dev_token())
}

/// The largest publish proxy request taken: a publication as big as
/// Centrifugo's default WebSocket message limit (64 KiB) and the request's
/// other fields.
pub const PUBLISH_BODY_LIMIT: usize = 65 * 1024;

/// The four endpoints over `rules`.
pub fn routes<S: Clone + Send + Sync + 'static>(
    subscribe: CentrifugoSubscribe,
    publish: CentrifugoPublish,
    token: CentrifugoToken,
    rules: &Rules<AxumContext<S>>,
) -> Result<Router<S>, BuildError> {
    let refresh = Webhook::builder(subscribe.sub_refresh())
        .rules(rules)
        .build()?;
    let subscribe = Webhook::builder(subscribe).rules(rules).build()?;
    let publish = Webhook::builder(publish)
        .rules(rules)
        .body_limit(PUBLISH_BODY_LIMIT)
        .build()?;
    let token = Webhook::builder(token).rules(rules).build()?;
    Ok(Router::new()
        .route("/centrifugo/subscribe", post(subscribe))
        .route("/centrifugo/sub-refresh", post(refresh))
        .route("/centrifugo/publish", post(publish))
        .route("/centrifugo/subscription-token", post(token)))
}
