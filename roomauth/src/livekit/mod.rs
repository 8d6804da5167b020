//! LiveKit: access tokens for one room, minted from the rules' grant.
//!
//! # Protocol
//!
//! The browser asks the app for a token with `livekit-client`'s
//! `TokenSource.endpoint(url)`:
//!
//! ```text
//! POST /livekit/token                      Content-Type: application/json
//! {"room_name":"project-1","participant_identity":"alice", ...}     (TokenSourceRequest)
//!
//! 200 {"server_url":"wss://…","participant_token":"<jwt>"}         (TokenSourceResponse)
//! ```
//!
//! The rules decide on `room_name` ([`request`]). The token is an HS256
//! JWT signed with the API secret (HMAC-SHA256 over
//! `base64url(header).base64url(claims)`), with the claims of
//! [`claims::Claims`]:
//!
//! | claim | value |
//! | --- | --- |
//! | `iss` | the API key |
//! | `sub` | the grant's user (the identity) |
//! | `nbf`, `exp` | now, now + [`DEFAULT_TTL`] (configurable) |
//! | `name`, `metadata` | the grant's user info: its `name`; all of it as JSON text |
//! | `video` | `room`, `roomJoin`, `canSubscribe`; `canPublish` and `canPublishData` true for write, false for read |
//!
//! `room`, `exp` and the three capabilities are always written: LiveKit
//! reads a token without `room` as "any room" and a missing capability as
//! allowed. `roomCreate`, `roomList` and `roomAdmin` are never granted.
//!
//! # Identity
//!
//! The identity is the grant's user, never the client's. A request that
//! names a `participant_identity` other than the logged-in user's is
//! refused with 400 (after the rules said yes), so that a client which
//! believes it is someone else finds out at once rather than appearing
//! under another name. The client's `participant_name`, metadata,
//! attributes and `room_config` are ignored.
//!
//! # Keeping grants true
//!
//! A token admits its holder until it expires ([`DEFAULT_TTL`], or the
//! builder's `ttl`: shorter lifetimes bound a withdrawn grant tighter, and
//! livekit-client's `TokenSource` asks the endpoint again, through the
//! rules, when its cached token expires). A participant already in the
//! room stays until removed: `LiveKitRoomService` (feature `revoke`)
//! removes her (`RemoveParticipant`) or changes her publish rights
//! (`UpdateParticipant`) through LiveKit's server API.
//!
//! # Configuration
//!
//! [`LiveKit::from_env`] reads `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` and
//! `LIVEKIT_URL`; [`LiveKit::builder`] sets them, and the token lifetime,
//! in code.

mod backend;
pub mod claims;
mod config;
pub mod request;
#[cfg(feature = "revoke")]
pub mod room_service;
mod token;

pub use config::{
    ConfigError, DEFAULT_TTL, ENV_API_KEY, ENV_API_SECRET, ENV_URL, LiveKit, LiveKitBuilder,
};
pub use request::{TokenRequest, TokenSourceRequest};
#[cfg(feature = "revoke")]
pub use room_service::{LiveKitRoomService, RoomServiceError};
pub use token::{Participant, TokenSourceResponse};
