//! The auth webhook, independent of any web framework: from the body bytes,
//! the content type and the request context, the status and JSON body of
//! the answer (the request path of DESIGN.md).
//!
//! | status | when |
//! | --- | --- |
//! | 200 | allowed: the provisioner's body, unchanged |
//! | 400 | the body is not a webhook request |
//! | 401 | not logged in |
//! | 403 | not allowed, or no rule answers for the room, or the `Origin` is not allowed |
//! | 413 | the body is over the limit |
//! | 415 | the body is not declared as JSON |
//! | 500 | the app's rule failed (logged, never shown) |
//! | 502 | the provisioner failed |
//! | 503 | the provisioner is rate limiting (its `Retry-After` is passed on) |
//! | 504 | the provisioner timed out |
//!
//! Every non-200 body is `{"error": "<what went wrong>"}`.

mod error;
mod request;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

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
    /// `None`: any origin; otherwise the allowed `Origin` values, normalized.
    allowed_origins: Option<Vec<String>>,
}

impl<Cx: RequestContext> Clone for Webhook<Cx> {
    fn clone(&self) -> Self {
        Webhook {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// Builds a [`Webhook`]; see [`Webhook::builder`].
#[must_use]
pub struct WebhookBuilder<Cx: RequestContext> {
    rules: Vec<Box<dyn Rule<Cx>>>,
    provisioner: Arc<dyn Provisioner>,
    body_limit: usize,
    allowed_origins: Option<Vec<String>>,
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

    /// Accepts browser requests only from these origins
    /// (`https://app.example.com`, scheme, host and port as the browser
    /// sends them in `Origin`; compared ASCII case-insensitively, a trailing
    /// `/` ignored). A request whose `Origin` is another one, `null`, or
    /// not readable is refused with 403 before its body is looked at. A
    /// request without `Origin` (not from a browser, or a same-origin `GET`,
    /// which the webhook never answers) is accepted: cross-site requests
    /// from browsers always carry it. By default every origin is accepted,
    /// as the JSON-only content type already keeps cross-site forms out.
    ///
    /// Adapters pass the header through [`Webhook::handle_request`]; the
    /// plain [`Webhook::handle`] has no `Origin` to check.
    pub fn allowed_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let list = self.allowed_origins.get_or_insert_with(Vec::new);
        list.extend(origins.into_iter().map(|o| normalize_origin(o.as_ref())));
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
                allowed_origins: self.allowed_origins,
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
    /// To be sent as `Retry-After` (whole seconds): the provisioner's own
    /// delay when it is rate limiting (503); `None` otherwise.
    pub retry_after: Option<Duration>,
}

impl Reply {
    /// A reply without `Retry-After`.
    pub fn new(status: StatusCode, body: Bytes) -> Reply {
        Reply {
            status,
            body,
            retry_after: None,
        }
    }

    /// The `Retry-After` header value, in whole seconds (rounded up).
    pub fn retry_after_header(&self) -> Option<String> {
        self.retry_after.map(|delay| {
            let secs = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
            secs.to_string()
        })
    }
}

impl From<WebhookError> for Reply {
    fn from(error: WebhookError) -> Reply {
        Reply {
            status: error.status(),
            body: error.to_json(),
            retry_after: error.retry_after(),
        }
    }
}

/// What the webhook reads from the request's head, besides the rule
/// parameters the request context gives: see [`Webhook::handle_request`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestHead<'a> {
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The `Origin` header, if any (checked against
    /// [`WebhookBuilder::allowed_origins`]); an unreadable one should be
    /// passed as `Some("")`, which no allow-list contains.
    pub origin: Option<&'a str>,
}

impl<'a> RequestHead<'a> {
    /// A head with this `Content-Type` and no `Origin`.
    pub fn new(content_type: Option<&'a str>) -> RequestHead<'a> {
        RequestHead {
            content_type,
            origin: None,
        }
    }

    /// The same head with this `Origin`.
    #[must_use]
    pub fn with_origin(mut self, origin: Option<&'a str>) -> RequestHead<'a> {
        self.origin = origin;
        self
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
    /// Starts a webhook that provisions through `provisioner`: any
    /// [`Provisioner`], such as a [`LocalProvisioner`](crate::provision::LocalProvisioner),
    /// a [`RoomService`](crate::provision::RoomService), or the
    /// `Arc<dyn Provisioner>` that
    /// [`provisioner_from_env`](crate::provision::provisioner_from_env)
    /// returns.
    ///
    /// The webhook keeps its provisioner in an `Arc<dyn Provisioner>`. An
    /// `Arc<dyn Provisioner>` is kept as it is, and a `Box<dyn Provisioner>`
    /// moved into one, rather than wrapped in another `Arc`: each call then
    /// goes straight to the provisioner, not through the `Arc`'s (or the
    /// `Box`'s) own [`Provisioner`] implementation first. Any other
    /// provisioner, `Arc<LocalProvisioner>` included, is wrapped.
    pub fn builder(provisioner: impl Provisioner) -> WebhookBuilder<Cx> {
        WebhookBuilder {
            rules: Vec::new(),
            provisioner: into_shared(provisioner),
            body_limit: DEFAULT_BODY_LIMIT,
            allowed_origins: None,
        }
    }

    /// The largest body accepted, for adapters that limit reading it.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// Answers one webhook request, with no `Origin` to check: see
    /// [`Webhook::handle_request`].
    pub async fn handle(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        self.handle_request(RequestHead::new(content_type), body, cx)
            .await
    }

    /// Answers one webhook request: checks the `Origin` (when
    /// [`allowed_origins`](WebhookBuilder::allowed_origins) are set), the
    /// body's size, content type and form, then runs the rule and
    /// provisions.
    pub async fn handle_request(
        &self,
        head: RequestHead<'_>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        if !self.origin_allowed(head.origin) {
            // At most 128 characters of it: the header is the client's.
            let origin = head
                .origin
                .map(|o| o.char_indices().nth(128).map_or(o, |(end, _)| &o[..end]));
            tracing::info!(origin, outcome = "origin refused", "room auth");
            return Outcome::Reply(WebhookError::OriginRefused.into());
        }
        let content_type = head.content_type;
        if body.len() > self.inner.body_limit {
            return Outcome::Reply(
                WebhookError::PayloadTooLarge {
                    limit: self.inner.body_limit,
                }
                .into(),
            );
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
            Ok(body) => Reply::new(StatusCode::OK, body),
            Err(error) => error.into(),
        })
    }

    /// Whether a request with this `Origin` header may be answered.
    pub fn origin_allowed(&self, origin: Option<&str>) -> bool {
        match (&self.inner.allowed_origins, origin) {
            (None, _) | (Some(_), None) => true,
            (Some(allowed), Some(origin)) => {
                let origin = normalize_origin(origin);
                !origin.is_empty() && allowed.contains(&origin)
            }
        }
    }

    /// Finds the rule for `request.room` and runs it: steps 2 to 5 of the
    /// request path, without provisioning. Deny by default: no rule, a
    /// placeholder that does not parse, or a refusal are all a no.
    pub async fn authorize(
        &self,
        request: &RoomRequest,
        cx: &mut Cx,
    ) -> Result<Grant, Denied<Cx::Rejection>> {
        let room = request.room.as_str();
        let Some(found) = self.inner.index.lookup(room) else {
            tracing::info!(
                room,
                outcome = "forbidden",
                reason = "no rule matches",
                "room auth"
            );
            return Err(Denied::Error(WebhookError::Forbidden));
        };
        let (rule_index, pattern_index) = *found.value;
        let rule = &self.inner.rules[rule_index];
        let name = rule.name();
        let matched = RoomMatch {
            room,
            pattern: found.pattern,
            pattern_index,
            captures: found.captures,
        };
        let user = match rule.authorize(matched, cx).await {
            Ok(user) => user,
            Err(refusal) => return Err(refused(name, room, refusal)),
        };
        if user.as_str().is_empty() {
            tracing::error!(rule = name, room, "the rule returned an empty user id");
            return Err(Denied::Error(WebhookError::Internal));
        }
        tracing::info!(
            rule = name,
            room,
            user = user.as_str(),
            outcome = "allowed",
            "room auth"
        );
        Ok(Grant {
            rule: name,
            request: provision_request(user, request, rule.permission()),
        })
    }

    /// Provisions a grant; returns the provisioner's body, checked to answer
    /// this request.
    async fn provision(&self, grant: &Grant) -> Result<Bytes, WebhookError> {
        // Through `dyn Provisioner` itself: `.provision` on the `Arc` would
        // pick `Arc<P>`'s implementation, one more boxed future.
        let provisioner: &dyn Provisioner = &*self.inner.provisioner;
        let provisioned = provisioner.provision(&grant.request).await.map_err(|error| {
            tracing::warn!(rule = grant.rule, user = grant.request.user.as_str(), %error, "provisioning failed");
            WebhookError::Upstream(error)
        })?;
        check_answer(&grant.request, &provisioned.response).map_err(|reason| {
            tracing::warn!(
                rule = grant.rule,
                reason,
                "the provisioner answered another request"
            );
            WebhookError::Upstream(ProvisionError::InvalidBody {
                reason: reason.to_owned(),
            })
        })?;
        Ok(provisioned.body)
    }
}

/// `provisioner` as the webhook keeps it: an `Arc<dyn Provisioner>` as it
/// is, a `Box<dyn Provisioner>` moved into an `Arc`, anything else wrapped
/// in a new `Arc` (see [`Webhook::builder`]).
fn into_shared<P: Provisioner>(provisioner: P) -> Arc<dyn Provisioner> {
    let mut slot = Some(provisioner);
    let any: &mut dyn Any = &mut slot;
    if let Some(shared) = any
        .downcast_mut::<Option<Arc<dyn Provisioner>>>()
        .and_then(Option::take)
    {
        return shared;
    }
    if let Some(boxed) = any
        .downcast_mut::<Option<Box<dyn Provisioner>>>()
        .and_then(Option::take)
    {
        return Arc::from(boxed);
    }
    match slot {
        Some(provisioner) => Arc::new(provisioner),
        // Taken above only when `P` is one of the two.
        None => unreachable!("a shared or boxed provisioner was returned"),
    }
}

/// An origin as compared: trimmed, without a trailing `/`, lower case.
fn normalize_origin(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Turns a rule's refusal into the contract's answer, and logs it.
fn refused<R>(rule: &'static str, room: &str, refusal: Refusal<R>) -> Denied<R> {
    let (outcome, error) = match refusal {
        Refusal::NoMatch => (
            "forbidden: a placeholder did not parse",
            WebhookError::Forbidden,
        ),
        Refusal::Deny(Deny::Forbidden) => ("forbidden", WebhookError::Forbidden),
        Refusal::Deny(Deny::Unauthorized) | Refusal::Unauthenticated => {
            ("unauthorized", WebhookError::Unauthorized)
        }
        Refusal::Deny(Deny::Internal(error)) => {
            tracing::error!(rule, room, error = %error, "the rule failed");
            ("internal error", WebhookError::Internal)
        }
        Refusal::Rejected(rejection) => {
            tracing::info!(
                rule,
                room,
                outcome = "rejected by an extractor",
                "room auth"
            );
            return Denied::Rejected(rejection);
        }
    };
    tracing::info!(rule, room, outcome, "room auth");
    Denied::Error(error)
}

/// The room with `join`, and, when the rule allows `read_write`, the
/// documents the request asked for: never more.
fn provision_request(
    user: UserId,
    request: &RoomRequest,
    permission: Permission,
) -> ProvisionRequest {
    let read_write = permission == Permission::ReadWrite;
    let documents = if read_write {
        request.documents.len()
    } else {
        0
    };
    let mut resources = Vec::with_capacity(1 + documents);
    resources.push(Resource::room(&request.room));
    if read_write {
        resources.extend(
            request
                .documents
                .iter()
                .map(|doc| Resource::document(&request.room, doc)),
        );
    }
    ProvisionRequest {
        user: user.into_string(),
        resources,
    }
}

/// The provisioner must answer for this user, and give every requested
/// resource an id; the client cannot join otherwise.
fn check_answer(
    request: &ProvisionRequest,
    response: &ProvisionResponse,
) -> Result<(), &'static str> {
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
