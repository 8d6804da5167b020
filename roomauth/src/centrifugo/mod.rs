//! Centrifugo: the subscribe and publish proxies, and subscription tokens.
//!
//! **Subscribe proxy** ([`CentrifugoSubscribe`]). With
//! `subscribe_proxy_enabled` on a namespace, Centrifugo posts each
//! subscription to the app (`proxy.proto` `SubscribeRequest`, JSON):
//!
//! ```text
//! POST /centrifugo/subscribe
//! Content-Type: application/json
//! Cookie: <the browser's, forwarded with `http_headers: ["Cookie"]`>
//! X-Centrifugo-Proxy-Secret: <optional static header, `static_headers`>
//!
//! {"client": "..", "transport": "websocket", "protocol": "json", "encoding": "json",
//!  "user": "alice", "channel": "project:1", "data": {..}}
//! ```
//!
//! The rules decide on the channel without its private prefix `$`
//! (`project:1` for `$project:1`: write patterns like `"project:<id>"`).
//! Centrifugo reads only HTTP 200 answers (any other status becomes a
//! temporary internal error and the client resubscribes forever), so the
//! rules' answers are all 200:
//!
//! | outcome | body |
//! | --- | --- |
//! | allowed | `{"result": {"info": <the grant's user info>}}` (`{"result": {}}` without) |
//! | not allowed, no rule, or the connection's `user` is not the session's | `{"error": {"code": 403, "message": "permission denied", "temporary": false}}` |
//! | not logged in (no or expired session cookie) | `{"error": {"code": 401, "message": "unauthorized", "temporary": false}}` |
//! | the rule failed | `{"error": {"code": 500, "message": "internal error", "temporary": true}}` |
//!
//! Requests Centrifugo never sends are HTTP errors: a wrong or missing
//! static header is a 401 (compared in constant time), a malformed body a
//! 400, a body not declared as JSON a 415, an oversized one a 413.
//!
//! **Publish proxy** ([`CentrifugoPublish`]): where a read grant stays
//! read-only. A subscription (by proxy or token) lets a client publish only
//! where the namespace allows it (`allow_publish_for_subscriber`, or any
//! client with `allow_publish_for_client`); with `publish_proxy_enabled`
//! instead, Centrifugo asks the app for each publication
//! (`PublishRequest`: the subscribe request's fields plus `data`), and the
//! rules decide on the channel as for subscribing:
//!
//! | outcome | body |
//! | --- | --- |
//! | a write grant | `{"result": {}}` (the data is published as sent) |
//! | a read grant | `{"error": {"code": 403, "message": "permission denied: read-only", "temporary": false}}` |
//! | no grant, no rule, or another connection's user | `{"error": {"code": 403, "message": "permission denied", "temporary": false}}` |
//! | not logged in | `{"error": {"code": 401, "message": "unauthorized", "temporary": false}}` |
//! | the rule failed | `{"error": {"code": 500, "message": "internal error", "temporary": true}}` |
//!
//! So that read means read, turn the publish proxy on for every namespace
//! whose subscribers may publish, and leave `allow_publish_for_subscriber`
//! and `allow_publish_for_client` off there (they let a publication through
//! without asking). The publication itself is not read; the webhook's body
//! limit bounds it (16 KiB by default: raise it with
//! [`body_limit`](crate::webhook::WebhookBuilder::body_limit) for bigger
//! publications; an oversized one is a 413, which Centrifugo reports to
//! the client as an internal error).
//!
//! **Re-asking** ([`CentrifugoSubscribe::expire_after`]). With an
//! interval set, allowed subscriptions carry `expire_at` (now + interval)
//! and Centrifugo asks the sub-refresh proxy ([`CentrifugoSubRefresh`],
//! `sub_refresh_proxy_enabled`) before they expire; the rules answer
//! again: `{"result": {"expire_at": ..}}` to extend, `{"result":
//! {"expired": true}}` when the grant is gone, so a withdrawn grant ends
//! within the interval. A token subscription (`$` channels) lasts until
//! its token expires ([`CentrifugoToken::ttl`], 10 minutes by default);
//! centrifuge-js then calls `getToken` again, which goes back through the
//! rules.
//!
//! **Revoking** (`CentrifugoApi`, feature `revoke`): Centrifugo's server
//! API, `unsubscribe` a user from a room's channels, `disconnect` a user,
//! with `X-API-Key`.
//!
//! **Subscription tokens** ([`CentrifugoToken`]). For channels a client
//! subscribes to with a token (`$` channels), the browser posts
//! `{"channel": "$project:1"}` (from centrifuge-js's `getToken`) and gets
//! `{"token": "<JWT>"}`: HS256 with `sub` (the granted user), `channel`,
//! `iat`, `exp` (10 minutes by default) and `info`, signed with Centrifugo's
//! `hmac_secret_key`. Centrifugo checks that `sub` is the connection's user.
//!
//! **Configuration**: [`CentrifugoSubscribe::from_env`] reads
//! `CENTRIFUGO_PROXY_SECRET` (optional: unset, no header is checked; set
//! but empty, an error at start); [`CentrifugoToken::from_env`] reads
//! `CENTRIFUGO_CLIENT_SUBSCRIPTION_TOKEN_HMAC_SECRET_KEY`, else
//! `CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY` (one required, never empty).
//!
//! No Centrifugo server installs from the registries this project builds
//! with: this backend is tested by contract, against request and answer
//! fixtures of `proxy.proto`, and its tokens are verified by an independent
//! JWT library.

pub mod channel;
mod config;
mod error;
pub mod proxy;
mod proxy_endpoint;
mod publish;
#[cfg(feature = "revoke")]
pub mod server_api;
mod sub_refresh;
mod subscribe;
mod subscription_token;
pub mod token;

pub use config::{
    CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken, ENV_PROXY_SECRET,
    ENV_SUBSCRIPTION_TOKEN_SECRET, ENV_TOKEN_SECRET, PROXY_SECRET_HEADER,
};
pub use error::ConfigError;
pub use proxy::{
    PublishAnswer, PublishRequest, SubRefreshAnswer, SubscribeAnswer, SubscribeRequest,
};
#[cfg(feature = "revoke")]
pub use server_api::{
    API_KEY_HEADER, CentrifugoApi, CentrifugoApiError, ENV_API_URL, ENV_HTTP_API_KEY,
};
pub use sub_refresh::{CentrifugoSubRefresh, DEFAULT_SUB_REFRESH_INTERVAL};
pub use subscription_token::{TokenAnswer, TokenRequest};
pub use token::{SubscriptionClaims, TokenSecret};
