//! Room Service's auth webhook, byte for byte, with its provisioners
//! (feature `room-service`, on by default).
//!
//! Room Service stopped operating around 2021; its browser client
//! (`@roomservice/browser` 1.x to 3.0.4) and its wire contract live on, and
//! roomauth ships a Room Service-compatible provisioner so that the contract
//! runs with no account and no key.
//!
//! # Browser -> app: the auth webhook
//!
//! The browser posts, with `Content-Type: application/json`, either the
//! documented custom-auth body
//!
//! ```text
//! {"room": "express-minimal"}
//! ```
//!
//! or, from the client's built-in URL strategy,
//!
//! ```text
//! {"resources": [
//!    {"object": "document", "reference": "default", "permission": "read_write", "room": "express-minimal"},
//!    {"object": "room", "reference": "express-minimal", "permission": "join"}
//! ]}
//! ```
//!
//! ([`request`] reads both). A yes is answered 200 with the provisioner's
//! body unchanged, `{"user", "resources": [{.., "id"}], "token"}`; the
//! client reads the `room` and `document` resources' ids from it. Any
//! non-200 is a failure to the client (it says "unauthorized" for a 401).
//!
//! # App -> Room Service: provisioning
//!
//! ```text
//! POST https://super.roomservice.dev/provision
//! Authorization: Bearer: <API_KEY>        (note the colon; `Bearer <key>` is configurable)
//! Content-Type: application/json
//!
//! {"user": "alice", "resources": [{"object": "room", "reference": "express-minimal", "permission": "join"}]}
//! ```
//!
//! The answer carries the same resources with ids, and a session token
//! (six hours). roomauth checks that the answer is for this user and grants
//! exactly what was asked: an answer that grants more (another room, an
//! extra document, a higher permission) is refused with a 502.
//!
//! # Grants
//!
//! [`Access::Write`] provisions the room (`join`) and its documents
//! (`read_write`): those a `{"resources"}` body names, or the room's
//! [`DEFAULT_DOCUMENT`] for a `{"room"}` body, the one document
//! `@roomservice/browser` opens. That is the seed's "full read-write access
//! to the room".
//!
//! [`Access::Read`] provisions the room alone: Room Service has no
//! read-only document (`read_write` is the only permission a document
//! carries), so no document is issued. `@roomservice/browser` 3.0.4 cannot
//! use such an answer: `room(name)` reads the document's id from it and
//! fails with `TypeError: Cannot read properties of undefined (reading
//! 'id')`, from the auth function and the URL strategy alike. A read rule
//! is for clients that only join the room (presence); for people who may
//! look but not edit, grant write here and keep them read-only in the
//! app's UI, or use a backend that enforces read-only on its server
//! (Liveblocks, Hocuspocus, y-sweet, LiveKit). User info has no place in
//! this protocol.
//!
//! # Provisioners
//!
//! - [`HttpProvisioner`]: the HTTP client of a Room Service-compatible
//!   `POST /provision` endpoint (the original service, or `roomauth-local`).
//! - [`LocalProvisioner`]: the embedded provisioner that issues and
//!   verifies its own signed tokens.
//!
//! [`RoomService::from_env`] picks one: with `ROOMSERVICE_API_KEY` set, the
//! HTTP client (at `ROOMSERVICE_URL`, default [`DEFAULT_BASE_URL`]); without
//! it, the local provisioner.

mod backend;
mod client;
mod config;
mod env_provisioner;
pub mod local;
mod provision;
pub mod request;
#[cfg(feature = "axum")]
pub mod server;
pub mod wire;

pub use backend::RoomService;
pub use client::{
    AuthScheme, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT, HttpProvisioner,
    HttpProvisionerBuilder, MAX_RESPONSE_BYTES,
};
pub use config::{ConfigError, ENV_API_KEY, ENV_AUTH_SCHEME, ENV_URL};
pub use env_provisioner::{EnvProvisioner, provisioner_from_env, provisioner_from_lookup};
pub use local::{
    LocalProvisioner, SigningKey, SigningKeys, TOKEN_LIFETIME, TokenClaims, TokenError,
};
pub use provision::{ProvisionError, Provisioned, Provisioner, SERVICE};
pub use request::{DEFAULT_DOCUMENT, MAX_NAME_LEN, MAX_RESOURCES, RoomRequest};
pub use wire::{ObjectKind, Permission, ProvisionRequest, ProvisionResponse, Resource};

#[cfg(test)]
use backend::provision_request;
#[cfg(test)]
mod tests;
