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

mod client;
mod config;
mod env_provisioner;
pub mod local;
mod provision;
pub mod request;
#[cfg(feature = "axum")]
pub mod server;
pub mod wire;

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

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::{Access, Grant};
use crate::rules::Decision;
use crate::text::Escaped;
use crate::upstream::UpstreamError;

/// The Room Service backend: its auth webhook over a [`Provisioner`].
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use roomauth::room_service::{LocalProvisioner, RoomService};
///
/// let from_env = RoomService::from_env()?; // HTTP with ROOMSERVICE_API_KEY, else local
/// let local = RoomService::new(LocalProvisioner::development());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RoomService<P = EnvProvisioner> {
    provisioner: P,
}

impl RoomService<EnvProvisioner> {
    /// The provisioner the environment asks for: see
    /// [`provisioner_from_env`].
    pub fn from_env() -> Result<RoomService<EnvProvisioner>, ConfigError> {
        provisioner_from_env().map(RoomService::new)
    }

    /// [`RoomService::from_env`] over any variable lookup (`None`: unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<RoomService<EnvProvisioner>, ConfigError> {
        provisioner_from_lookup(lookup).map(RoomService::new)
    }
}

impl<P: Provisioner> RoomService<P> {
    /// Room Service's webhook, provisioning through `provisioner`.
    pub fn new(provisioner: P) -> RoomService<P> {
        RoomService { provisioner }
    }

    /// The provisioner.
    pub fn provisioner(&self) -> &P {
        &self.provisioner
    }
}

impl<P: Provisioner> Backend for RoomService<P> {
    type Request = RoomRequest;

    fn name(&self) -> &'static str {
        "room-service"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<RoomRequest, WebhookError> {
        RoomRequest::parse(head.content_type(), body)
    }

    fn room<'r>(&self, request: &'r RoomRequest) -> &'r str {
        &request.room
    }

    async fn grant(
        &self,
        request: &RoomRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let rule = decision.rule;
        let wanted = provision_request(decision.grant, request);
        let provisioned = self.provisioner.provision(&wanted).await.map_err(|error| {
            let error = UpstreamError::from(error);
            tracing::warn!(rule, error = %Escaped(&error), "provisioning failed");
            WebhookError::Upstream(error)
        })?;
        check_answer(&wanted, &provisioned.response).map_err(|reason| {
            tracing::warn!(rule, reason, "the provisioner answered another request");
            WebhookError::Upstream(UpstreamError::invalid_answer(SERVICE, reason))
        })?;
        Ok(Reply::ok(provisioned.body))
    }
}

/// The room with `join`, and, with write access, the documents the request
/// asked for (the `default` document for a `{"room"}` body): never more.
pub(crate) fn provision_request(grant: Grant, request: &RoomRequest) -> ProvisionRequest {
    let write = grant.access == Access::Write;
    let documents = if write { request.documents.len() } else { 0 };
    let mut resources = Vec::with_capacity(1 + documents);
    resources.push(Resource::room(&request.room));
    if write {
        resources.extend(
            request
                .documents
                .iter()
                .map(|doc| Resource::document(&request.room, doc)),
        );
    }
    ProvisionRequest {
        user: grant.user.into_string(),
        resources,
    }
}

/// The provisioner must answer for this user, give every requested
/// resource an id (the client cannot join otherwise), and grant nothing
/// beyond the request: no other room, no extra document, no higher
/// permission.
pub(crate) fn check_answer(
    request: &ProvisionRequest,
    response: &ProvisionResponse,
) -> Result<(), &'static str> {
    if response.user != request.user {
        return Err("the provisioner's answer names another user");
    }
    let same = |a: &Resource, b: &Resource| {
        a.object == b.object && a.reference == b.reference && a.room_name() == b.room_name()
    };
    let has_id = |wanted: &Resource| {
        response
            .resources
            .iter()
            .any(|r| same(r, wanted) && r.id.as_deref().is_some_and(|id| !id.is_empty()))
    };
    if !request.resources.iter().all(has_id) {
        return Err("the provisioner's answer lacks a requested resource or its id");
    }
    let room = request.resources.first().and_then(Resource::room_name);
    if response.resources.iter().any(|r| r.room_name() != room) {
        return Err("the provisioner's answer grants resources of another room");
    }
    let asked = |r: &Resource| {
        request
            .resources
            .iter()
            .any(|wanted| same(r, wanted) && r.permission == wanted.permission)
    };
    if !response.resources.iter().all(asked) {
        return Err("the provisioner's answer grants more than was asked");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
