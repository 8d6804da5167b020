//! The auth webhook, independent of any web framework: from the body bytes,
//! the content type and the request context, the status and JSON body of
//! the answer (the request path of DESIGN.md).
//!
//! | status | when |
//! | --- | --- |
//! | 200 | allowed: the provisioner's body, unchanged |
//! | 400 | the body is not a webhook request |
//! | 401 | not logged in |
//! | 403 | not allowed, or no rule answers for the room |
//! | 413 | the body is over the limit |
//! | 415 | the body is not declared as JSON |
//! | 500 | the app's rule failed (logged, never shown) |
//! | 502 | the provisioner failed |
//! | 504 | the provisioner timed out |
//!
//! Every non-200 body is `{"error": "<what went wrong>"}`.

mod error;
mod request;

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;

pub use error::WebhookError;
pub use request::{MAX_NAME_LEN, MAX_RESOURCES, RoomRequest};

use crate::pattern::{Dispatcher, OverlapError};
use crate::protocol::{Permission, ProvisionRequest, ProvisionResponse, Resource};
use crate::provision::{ProvisionError, Provisioner};
use crate::rule::{Deny, Refusal, RequestContext, RoomMatch, Rule, UserId};

/// The default limit on the webhook body: the client's body is ~250 bytes.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024;

/// An auth webhook: rules, a provisioner, and limits. Cheap to clone.
pub struct Webhook<Cx: RequestContext> {
    inner: Arc<Inner<Cx>>,
}

struct Inner<Cx: RequestContext> {
    rules: Vec<Box<dyn Rule<Cx>>>,
    /// Every pattern of every rule, with (rule index, pattern index).
    index: Dispatcher<(usize, usize)>,
    provisioner: Arc<dyn Provisioner>,
    body_limit: usize,
}

impl<Cx: RequestContext> Clone for Webhook<Cx> {
    fn clone(&self) -> Self {
        Webhook { inner: Arc::clone(&self.inner) }
    }
}

/// Builds a [`Webhook`]; see [`Webhook::builder`].
#[must_use]
pub struct WebhookBuilder<Cx: RequestContext> {
    rules: Vec<Box<dyn Rule<Cx>>>,
    provisioner: Arc<dyn Provisioner>,
    body_limit: usize,
}

/// Why a [`Webhook`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Two patterns (of two rules, or of one) could match the same room.
    #[error("rule `{first_rule}` and rule `{second_rule}` overlap: {source}")]
    Overlap {
        /// The rule added first.
        first_rule: &'static str,
        /// The rule added later.
        second_rule: &'static str,
        /// The two patterns and a room both match.
        source: OverlapError,
    },
    /// No rule was added, so every room would be refused.
    #[error("the webhook has no rules and would refuse every room; add one with `.rule(...)`")]
    NoRules,
}

impl<Cx: RequestContext> WebhookBuilder<Cx> {
    /// Adds a rule: for `#[room_auth] fn project_rooms`, `.rule(project_rooms {})`.
    pub fn rule(mut self, rule: impl Rule<Cx>) -> Self {
        self.rules.push(Box::new(rule));
        self
    }

    /// Sets the largest body accepted (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Indexes the rules' patterns; fails when two could match one room.
    pub fn build(self) -> Result<Webhook<Cx>, BuildError> {
        if self.rules.is_empty() {
            return Err(BuildError::NoRules);
        }
        let mut index = Dispatcher::builder();
        // The rule of each pattern, in insertion order, to name both rules
        // of an overlap.
        let mut owners: Vec<usize> = Vec::new();
        for (rule_index, rule) in self.rules.iter().enumerate() {
            for (pattern_index, pattern) in rule.patterns().iter().enumerate() {
                index
                    .insert(pattern.clone(), (rule_index, pattern_index))
                    .map_err(|source| BuildError::Overlap {
                        first_rule: self.rules[owners[source.existing_index]].name(),
                        second_rule: rule.name(),
                        source,
                    })?;
                owners.push(rule_index);
            }
        }
        let index = index.build();
        Ok(Webhook {
            inner: Arc::new(Inner {
                rules: self.rules,
                index,
                provisioner: self.provisioner,
                body_limit: self.body_limit,
            }),
        })
    }
}

/// What the webhook answers.
#[derive(Debug)]
pub enum Outcome<R> {
    /// A JSON answer: the provisioner's body (200) or `{"error": ...}`.
    Reply(Reply),
    /// A framework extractor's rejection, to be sent as the framework would.
    Rejected(R),
}

/// A JSON response: status and body (`Content-Type: application/json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Bytes,
}

impl From<WebhookError> for Reply {
    fn from(error: WebhookError) -> Reply {
        Reply { status: error.status(), body: error.to_json() }
    }
}

/// A rule's yes: who is let in, and what the provisioner is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The name of the rule that decided.
    pub rule: &'static str,
    /// The request for the provisioner: the user and exactly the resources
    /// that were asked for and that the rule allows.
    pub request: ProvisionRequest,
}

/// A rule's no.
#[derive(Debug)]
pub enum Denied<R> {
    /// An error of the contract (401, 403, 500).
    Error(WebhookError),
    /// A framework extractor's rejection.
    Rejected(R),
}

impl<Cx: RequestContext> Webhook<Cx> {
    /// Starts a webhook that provisions through `provisioner`.
    pub fn builder(provisioner: impl Provisioner) -> WebhookBuilder<Cx> {
        WebhookBuilder { rules: Vec::new(), provisioner: Arc::new(provisioner), body_limit: DEFAULT_BODY_LIMIT }
    }

    /// The largest body accepted, for adapters that limit reading it.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// Answers one webhook request.
    pub async fn handle(&self, content_type: Option<&str>, body: &[u8], cx: &mut Cx) -> Outcome<Cx::Rejection> {
        if body.len() > self.inner.body_limit {
            return Outcome::Reply(WebhookError::PayloadTooLarge { limit: self.inner.body_limit }.into());
        }
        let request = match RoomRequest::parse(content_type, body) {
            Ok(request) => request,
            Err(error) => {
                tracing::debug!(%error, "webhook request refused");
                return Outcome::Reply(error.into());
            }
        };
        let grant = match self.authorize(&request, cx).await {
            Ok(grant) => grant,
            Err(Denied::Error(error)) => return Outcome::Reply(error.into()),
            Err(Denied::Rejected(rejection)) => return Outcome::Rejected(rejection),
        };
        Outcome::Reply(match self.provision(&grant).await {
            Ok(body) => Reply { status: StatusCode::OK, body },
            Err(error) => error.into(),
        })
    }

    /// Finds the rule for `request.room` and runs it: steps 2 to 5 of the
    /// request path, without provisioning. Deny by default: no rule, a
    /// placeholder that does not parse, or a refusal are all a no.
    pub async fn authorize(&self, request: &RoomRequest, cx: &mut Cx) -> Result<Grant, Denied<Cx::Rejection>> {
        let room = request.room.as_str();
        let Some(found) = self.inner.index.lookup(room) else {
            tracing::info!(room, outcome = "forbidden", reason = "no rule matches", "room auth");
            return Err(Denied::Error(WebhookError::Forbidden));
        };
        let (rule_index, pattern_index) = *found.value;
        let rule = &self.inner.rules[rule_index];
        let name = rule.name();
        let matched = RoomMatch { room, pattern: found.pattern, pattern_index, captures: found.captures };
        let user = match rule.authorize(matched, cx).await {
            Ok(user) => user,
            Err(refusal) => return Err(refused(name, room, refusal)),
        };
        if user.as_str().is_empty() {
            tracing::error!(rule = name, room, "the rule returned an empty user id");
            return Err(Denied::Error(WebhookError::Internal));
        }
        tracing::info!(rule = name, room, user = user.as_str(), outcome = "allowed", "room auth");
        Ok(Grant { rule: name, request: provision_request(user, request, rule.permission()) })
    }

    /// Provisions a grant; returns the provisioner's body, checked to answer
    /// this request.
    async fn provision(&self, grant: &Grant) -> Result<Bytes, WebhookError> {
        let provisioned = self.inner.provisioner.provision(&grant.request).await.map_err(|error| {
            tracing::warn!(rule = grant.rule, user = grant.request.user.as_str(), %error, "provisioning failed");
            WebhookError::Upstream(error)
        })?;
        check_answer(&grant.request, &provisioned.response).map_err(|reason| {
            tracing::warn!(rule = grant.rule, reason, "the provisioner answered another request");
            WebhookError::Upstream(ProvisionError::InvalidBody { reason: reason.to_owned() })
        })?;
        Ok(provisioned.body)
    }
}

/// Turns a rule's refusal into the contract's answer, and logs it.
fn refused<R>(rule: &'static str, room: &str, refusal: Refusal<R>) -> Denied<R> {
    let (outcome, error) = match refusal {
        Refusal::NoMatch => ("forbidden: a placeholder did not parse", WebhookError::Forbidden),
        Refusal::Deny(Deny::Forbidden) => ("forbidden", WebhookError::Forbidden),
        Refusal::Deny(Deny::Unauthorized) | Refusal::Unauthenticated => ("unauthorized", WebhookError::Unauthorized),
        Refusal::Deny(Deny::Internal(error)) => {
            tracing::error!(rule, room, error = %error, "the rule failed");
            ("internal error", WebhookError::Internal)
        }
        Refusal::Rejected(rejection) => {
            tracing::info!(rule, room, outcome = "rejected by an extractor", "room auth");
            return Denied::Rejected(rejection);
        }
    };
    tracing::info!(rule, room, outcome, "room auth");
    Denied::Error(error)
}

/// The room with `join`, and, when the rule allows `read_write`, the
/// documents the request asked for: never more.
fn provision_request(user: UserId, request: &RoomRequest, permission: Permission) -> ProvisionRequest {
    let mut resources = vec![Resource::room(&request.room)];
    if permission == Permission::ReadWrite {
        resources.extend(request.documents.iter().map(|doc| Resource::document(&request.room, doc)));
    }
    ProvisionRequest { user: user.into_string(), resources }
}

/// The provisioner must answer for this user, and give every requested
/// resource an id; the client cannot join otherwise.
fn check_answer(request: &ProvisionRequest, response: &ProvisionResponse) -> Result<(), &'static str> {
    if response.user != request.user {
        return Err("the provisioner's answer names another user");
    }
    let has_id = |wanted: &Resource| {
        response.resources.iter().any(|r| {
            r.object == wanted.object
                && r.reference == wanted.reference
                && r.room_name() == wanted.room_name()
                && r.id.as_deref().is_some_and(|id| !id.is_empty())
        })
    };
    if !request.resources.iter().all(has_id) {
        return Err("the provisioner's answer lacks a requested resource or its id");
    }
    let room = request.resources.first().and_then(Resource::room_name);
    if response.resources.iter().any(|r| r.room_name() != room) {
        return Err("the provisioner's answer grants resources of another room");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
