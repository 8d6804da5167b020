//! Liveblocks: sessions for one room, authorized through Liveblocks' REST
//! API from the rules' grant.
//!
//! # Protocol
//!
//! `@liveblocks/client`, created with `authEndpoint: "/liveblocks/auth"`,
//! asks the app for an access token when it enters a room:
//!
//! ```text
//! POST /liveblocks/auth                    Content-Type: application/json
//! {"room":"project-1"}
//! ```
//!
//! The rules decide on `room` ([`request`]: `{}` and wildcard-looking ids
//! are a 400). roomauth then asks Liveblocks for the token ([`authorize`]):
//!
//! ```text
//! POST {base}/v2/authorize-user            Authorization: Bearer sk_…
//! {"userId":"alice","permissions":{"project-1":["*:write"]},"userInfo":{"name":"Alice"}}
//! ```
//!
//! | grant | permissions |
//! | --- | --- |
//! | read | `["*:read"]`: the room read-only, presence included |
//! | write | `["*:write"]` |
//! | either, with a [`LiveblocksGrant`] | + `storage:<level>`, `comments:<level>`, `feeds:<level>` as the rule set them (a read grant's storage at most `read`) |
//!
//! for exactly the requested room, never a pattern, and relays Liveblocks'
//! `{"token": …}` ([`answer`]) with 200. These are the permission names of
//! `@liveblocks/core` 3.x (`*:read`, `*:write` and per-resource levels);
//! `room:read`, `room:write` and `room:presence:write` are its legacy
//! aliases, and the local dev server (`liveblocks` 1.9) accepts both. A
//! rule that lets a reader comment without editing returns
//! `Grant::read(id).with_extension(LiveblocksGrant::new().comments(Level::Write))`:
//! `["*:read", "comments:write"]`, which `@liveblocks/client` reads as
//! `canWrite: false`, `canComment: true`.
//!
//! # Failures, next to `@liveblocks/node`
//!
//! `@liveblocks/node`'s `authorize()` hands the app Liveblocks' own status
//! to relay (5xx as 503, a refused key as 401/403, so the browser's client
//! stops and reports "Unauthorized"). roomauth keeps the browser's 401 and
//! 403 for the rules' answer and reports upstream failures as the
//! project's upstream contract says: the key refused, a 422, another
//! status or an unusable body is a 502; Liveblocks rate limiting (429) is a
//! 503 with its `Retry-After`; no answer in time is a 504; a failed
//! connection and a 5xx are retried a bounded number of times first. Every
//! one is `{"error": "…"}`, and none contains the secret key.
//!
//! **Keeping grants true.** Liveblocks has no server call that ends a
//! session, and it sets the lifetime of the tokens it issues:
//! `@liveblocks/client` asks this endpoint again, through the rules, when
//! its token expires or it reconnects, so that lifetime bounds a withdrawn
//! grant.
//!
//! # Configuration
//!
//! [`Liveblocks::from_env`] reads `LIVEBLOCKS_SECRET_KEY` and
//! `LIVEBLOCKS_BASE_URL` (default `https://api.liveblocks.io`; the local
//! dev server `liveblocks dev` listens on `http://127.0.0.1:1153` and
//! accepts only `sk_localdev`).

pub mod answer;
pub mod authorize;
mod backend;
mod config;
pub mod request;

pub use answer::TokenAnswer;
pub use authorize::{AuthorizeUser, Level, LiveblocksGrant, Permission};
pub use config::{
    ConfigError, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT, ENV_BASE_URL,
    ENV_SECRET_KEY, LOCAL_DEV_SECRET_KEY, Liveblocks, LiveblocksBuilder, SERVICE,
};
pub use request::AuthRequest;
