//! The Pusher Channels protocol: channel authorization, user sign-in and
//! batched authorization for pusher-js, served from the app's rules.
//!
//! Every server of the protocol (Pusher, Soketi, Laravel Reverb, Ably's
//! Pusher adapter, Sockudo) lets a client into a `private-`, `presence-` or
//! `private-encrypted-` channel only with a signature from the app. pusher-js
//! asks the app for it:
//!
//! ```text
//! POST /pusher/auth        Content-Type: application/x-www-form-urlencoded
//! socket_id=1234.5678&channel_name=private-project-1
//! ```
//!
//! and the app answers with `auth = "<app_key>:" + hex(HMAC-SHA256(app_secret, s))`:
//!
//! | channel | `s`, the string signed | answer |
//! | --- | --- | --- |
//! | `private-…` | `<socket_id>:<channel_name>` | `{"auth"}` |
//! | `presence-…` | `<socket_id>:<channel_name>:<channel_data>` | `{"auth", "channel_data"}`, `channel_data` = `{"user_id", "user_info"}` as a JSON string, exactly the bytes signed |
//! | `private-encrypted-…` | `<socket_id>:<channel_name>` | `{"auth", "shared_secret"}`, `shared_secret` = base64(SHA256(channel_name ‖ master_key)) |
//! | sign-in (`pusher.signin()`, body `socket_id=…`) | `<socket_id>::user::<user_data>` | `{"auth", "user_data"}`, `user_data` = `{"id", "user_info", "watchlist"}` as a JSON string |
//!
//! Only HTTP 200 with JSON is success for pusher-js; any other status
//! becomes the channel's `pusher:subscription_error` (`AuthError` with that
//! status).
//!
//! **Rules** decide on the channel name *after* its prefix
//! (`private-encrypted-`, `private-`, `presence-`, longest first), so one
//! `#[room_auth(rooms = "project-<id>")]` serves all three kinds of
//! `project-1`, as Laravel's `Broadcast::channel` does. The grant's user
//! becomes the presence `user_id`, its info the `user_info`.
//!
//! **Read means read.** A signature lets a socket into a channel and
//! carries no right to publish: the protocol has no read-only
//! subscription. What members can publish are client events (`client-*`),
//! which the server relays from every member of a private or presence
//! channel when the app has them on (and on `private-encrypted-`
//! channels, a member holds the channel's key, so her events decrypt as
//! genuine wherever the server relays them). So configuring the backend
//! requires a stance, [`ClientEvents`] (`.client_events(..)`, or
//! `PUSHER_CLIENT_EVENTS=on|off`; no default):
//!
//! - `off`, the server relays no client events: a read grant signs as a
//!   write grant does, and the reader can subscribe and receive, not send;
//! - `on`, the server relays them: a read grant cannot be kept, so it is
//!   refused, 403 `{"error": "this user may only read this room, but this
//!   Pusher app relays client events ..."}`, logged at warn; only write
//!   grants sign. On the batch endpoint the channel's entry is that 403.
//!
//! Sign-in (below) names the user and grants no channel: it signs under
//! both stances.
//!
//! | server | its client events switch | a read grant with pusher-js |
//! | --- | --- | --- |
//! | Pusher Channels | the app setting "Enable client events" (off until turned on) | off: subscribe and receive; on: refused |
//! | Soketi | `enableClientMessages` per app (`SOKETI_DEFAULT_APP_ENABLE_CLIENT_MESSAGES`, false by default); off, it answers a client event with `pusher:error` 4301 | off: subscribe and receive; on: refused (both tested against Soketi 1.6.1) |
//! | Laravel Reverb | `accept_client_events_from` per app: `members` in its published config, `all` when an app's config omits it; any other value (`none`) turns them off and answers `pusher:error` 4301 (`src/Protocols/Pusher/ClientEvent.php`) | `members`: refused; `none`: subscribe and receive; `all` lets any connection, member or not, send to any channel: no endpoint keeps read-only there (say `on`) |
//! | Sockudo | `enable_client_messages` per app (`SOCKUDO_DEFAULT_APP_ENABLE_CLIENT_MESSAGES`) | as Soketi: per-user publish rights exist only for its Protocol V2 clients (below) |
//! | Ably's Pusher adapter | the Ably app's settings (hosted only, not checked here) | say `on` unless the app relays no client events |
//!
//! **Sockudo and per-user read-only.** Sockudo (5.2.0) has per-connection
//! publish rights: `capabilities` (`{"subscribe": [..], "publish": [..]}`,
//! lists of channel patterns) from the sign-in's `user_data`
//! (`parse_and_validate_user_data`, `src/handler/signin_management.rs` of
//! the `sockudo-adapter` crate) or from a V2 capability token. But its
//! check of a client event, `validate_client_event`
//! (`src/handler/validation.rs`), tests them only `if is_v2` (a Protocol V2
//! connection, `@sockudo/client` with `?protocol=2`), and
//! `validate_v2_capability` returns `Ok` for any other connection; a
//! pusher-js (V1) connection is limited by the app-wide switch alone. So
//! with pusher-js roomauth cannot issue per-user read-only on Sockudo.
//! With V2 clients it would take the user's writable channel patterns at
//! sign-in, set once per connection, not per subscription: rules that
//! decide one room at a time do not enumerate them. Sockudo refuses client
//! events on `private-encrypted-` channels itself.
//!
//! **Validation before signing**: `socket_id` must match `^\d+\.\d+$`
//! ([`SocketId`]; an unchecked `1234.5678:private-other` would sign another
//! channel, the 2015 format injection), channel names only
//! `[A-Za-z0-9_\-=@,.;]` and at most 200 bytes ([`Channel`]), presence
//! `user_info` at most 2 KB ([`MAX_USER_INFO_LEN`]); form bodies are decoded
//! strictly ([`ChannelRequest`]). Each failure is a 400 with
//! `{"error": "<what to fix>"}`.
//!
//! **Sign-in** (`pusher.signin()`, [`signin`]): the app's function names
//! the user from its own session and returns a grant: its user is
//! `user_data.id`, its info `user_info`, and a [`Watchlist`] attached with
//! `Grant::with_extension` becomes `user_data.watchlist`, the users whose
//! online status the user follows (`pusher.user.watchlist.bind("online",
//! ..)`), signed with the rest. Servers differ: Pusher serves watchlist
//! events when the app turns them on; Sockudo reads the watchlist at
//! sign-in; Soketi 1.6 signs users in and ignores it (tested); Laravel
//! Reverb has no user sign-in at all (its `EventHandler` knows
//! `subscribe`, `unsubscribe`, `ping` and `pong`, and fails on
//! `pusher:signin` as an unknown event): with Reverb, mount only the
//! channel endpoints, do not call `pusher.signin()`, and use presence
//! channels for who is online.
//!
//! **Batched authorization**, as the `pusher-js-auth` plugin (4.x) sends it:
//! `socket_id=…&channel_name[0]=a&channel_name[1]=b`, answered with one
//! entry per channel, `{"a": {"status": 200, "data": {"auth": …}},
//! "b": {"status": 403}}`, so that one refusal does not fail the rest.
//!
//! **Cross-site requests**: the bodies are forms, which any site's plain
//! HTML form can send with the user's cookies; so the webhook refuses
//! cross-site requests (`Sec-Fetch-Site`, `Origin`) unless their origin is
//! allowed.
//!
//! **Serving**: channel authorization is the webhook itself (`post(webhook)`
//! on axum, `web::post().to(webhook.clone())` on actix-web); the batch and
//! sign-in endpoints are [`Webhook::batch`](crate::Webhook::batch) and
//! [`Webhook::signin`](crate::Webhook::signin) on the same webhook, with the
//! same rules and checks (`post(webhook.batch())`,
//! `post(webhook.signin(signin))`; `web::post().to(..)` on actix-web).
//!
//! **Sign-in needs the server's user authentication on.** pusher-js's
//! `pusher.signin()` gets its signature from the sign-in endpoint, sends it
//! to the server as `pusher:signin`, and waits for `pusher:signin_success`.
//! A server whose user authentication is off ignores `pusher:signin`: the
//! endpoint answered 200, no error comes back, and the sign-in waits
//! forever (Soketi 1.6: `enableUserAuthentication: true` on the app, or
//! `SOKETI_DEFAULT_APP_USER_AUTHENTICATION=true`; Pusher Channels: "Enable
//! user authentication" in the app's settings). With it on, Soketi also
//! closes, after 30 s, a connection that neither signs in nor joins a
//! private channel (4009).
//!
//! **Config**: [`Pusher::from_env`] reads `PUSHER_APP_KEY`,
//! `PUSHER_APP_SECRET`, `PUSHER_CLIENT_EVENTS` (`on` or `off`, required)
//! and (optional) `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` (an empty secret
//! or master key is an error at start); the secret and the master key
//! never appear in `Debug`, errors or logs.

#[cfg(feature = "revoke")]
mod api;
mod auth;
mod backend;
mod batch;
mod channel;
mod client_events;
mod config;
mod endpoints;
mod form;
mod master_key;
mod sign;
mod socket_id;
mod watchlist;

pub use crate::request::form::FORM_CONTENT_TYPE;
#[cfg(feature = "revoke")]
pub use api::{
    ENV_APP_ID, ENV_HOST, ENV_PORT, ENV_SCHEME, MAX_USER_ID_LEN, PusherApi, PusherApiError,
};
pub use auth::{AuthError, ChannelAuth, MAX_USER_INFO_LEN, UserAuth};
pub use batch::{BatchAnswer, BatchEntry};
pub use channel::{Channel, ChannelError, ChannelKind, MAX_CHANNEL_NAME_LEN};
pub use client_events::{ClientEvents, ClientEventsError};
pub use config::{
    ConfigError, ENV_APP_KEY, ENV_APP_SECRET, ENV_CLIENT_EVENTS, ENV_ENCRYPTION_MASTER_KEY_BASE64,
    Pusher, PusherBuilder,
};
pub use endpoints::{Batch, SignIn, SignInEndpoint, SignInFn, signin};
pub use form::{BatchRequest, ChannelRequest, FormError, MAX_BATCH_CHANNELS, UserRequest};
pub use master_key::{MasterKey, MasterKeyError};
pub use socket_id::{MAX_SOCKET_ID_LEN, SocketId, SocketIdError};
pub use watchlist::{MAX_WATCHLIST_LEN, Watchlist};
