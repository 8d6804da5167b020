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
//! | `video` | `room`, `roomJoin`, `canSubscribe`; `canPublish` and `canPublishData` true for write, false for read; `canPublishSources` for write when the rule's [`LiveKitGrant`] names them |
//! | `attributes` | the [`LiveKitGrant`]'s attributes |
//! | `roomConfig` | `{"agents": [{"agentName"}]}`: the agents the client asked to dispatch, each in the [`LiveKitGrant`]'s allow-list |
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
//! under another name.
//!
//! # What the client asks for
//!
//! Nothing the client chooses is dropped silently ([`request::Asked`]): its
//! `participant_name`, `participant_metadata`, each
//! `participant_attributes` entry and each `room_config` field are
//! accepted only where the grant decides the same (the name and metadata
//! of the grant's user info; an attribute the rule's [`LiveKitGrant`]
//! gives the same value; an agent, by `agent_name`, from its allow-list),
//! and otherwise refused with one 400 that names every such field:
//!
//! ```text
//! 400 {"error": "malformed request: the client may not set participant_name, room_config.agents[0].agent_name: ..."}
//! ```
//!
//! An allowed agent is dispatched through the token (`roomConfig`); an
//! agent's `metadata` or `deployment`, and every other `room_config` field,
//! are nothing a rule decides and always refused. A rule attaches LiveKit's
//! part with [`Grant::with_extension`](crate::Grant::with_extension).
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
mod grant;
pub mod request;
#[cfg(feature = "revoke")]
pub mod room_service;
mod token;

pub use config::{
    ConfigError, DEFAULT_TTL, ENV_API_KEY, ENV_API_SECRET, ENV_URL, LiveKit, LiveKitBuilder,
};
pub use grant::{LiveKitGrant, TrackSource};
pub use request::{Asked, TokenRequest, TokenSourceRequest};
#[cfg(feature = "revoke")]
pub use room_service::{LiveKitRoomService, RoomServiceError};
pub use token::{Participant, TokenSourceResponse};
