//! [`RoomService`] as a [`Backend`]: the browser's room in, the
//! provisioner's answer out, checked to grant exactly what was asked.

use super::{
    ConfigError, EnvProvisioner, ProvisionRequest, ProvisionResponse, Provisioner, Resource,
    RoomRequest, SERVICE, provisioner_from_env, provisioner_from_lookup,
};
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
