//! The auth endpoint, independent of any web framework and of any
//! backend: from the request head, the body and the request context, the
//! status and JSON body of the answer.
//!
//! The request path: the `Origin` (and, for form-encoded backends,
//! `Sec-Fetch-Site`) is checked, then the body's size, then the backend
//! decodes and validates the request ([`Backend::decode`]), the room it
//! names is held to the [floor](crate::name) every backend shares, the rules
//! decide on that room ([`Rules::decide`]), and the backend issues the grant
//! ([`Backend::grant`]).
//!
//! | status | when |
//! | --- | --- |
//! | 200 | allowed: the backend's answer |
//! | 400 | the body is not a request of the backend, or its room name is a look-alike ([`crate::name`]) |
//! | 401 | not logged in |
//! | 403 | not allowed, or no rule answers for the room, or the request is cross-site |
//! | 413 | the body is over the limit |
//! | 415 | the body is not of the backend's content type |
//! | 500 | the app's rule failed (logged, never shown) |
//! | 502 | the backend's service failed |
//! | 503 | the backend's service is rate limiting (its `Retry-After` is passed on) |
//! | 504 | the backend's service timed out |
//!
//! Every non-200 body is `{"error": "<what went wrong>"}`.

use http::HeaderMap;

pub use crate::error::WebhookError;
pub use crate::reply::Reply;
pub use crate::request::{RequestHead, require_json};

use crate::backend::Backend;
use crate::name::check_room_name;
use crate::origin::OriginPolicy;
use crate::rule::{Deny, Refusal, RequestContext, Rule};
pub use crate::rules::BuildError;
use crate::rules::{Decision, IntoRules, Rules};
use crate::text::Escaped;

/// The default limit on the body: the clients' bodies are a few hundred
/// bytes.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024;

/// An auth endpoint: a backend, the rules, and limits. Cheap to clone.
///
/// ```
/// # use roomauth::{Webhook, rules, room_auth};
/// # use roomauth::testing::Stub;
/// # #[room_auth(rooms = "lobby")]
/// # fn lobby() -> Option<String> { Some("guest".into()) }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook: Webhook<(), _> = Webhook::builder(Stub)   // or RoomService, Pusher, LiveKit, ...
///     .rules(rules![lobby])
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Webhook<Cx: RequestContext, B: Backend> {
    inner: std::sync::Arc<Inner<Cx, B>>,
}

struct Inner<Cx: RequestContext, B: Backend> {
    rules: Rules<Cx>,
    backend: B,
    body_limit: usize,
    /// Which pages' requests are answered.
    origins: OriginPolicy,
}

impl<Cx: RequestContext, B: Backend> Clone for Webhook<Cx, B> {
    fn clone(&self) -> Self {
        Webhook {
            inner: std::sync::Arc::clone(&self.inner),
        }
    }
}

/// Builds a [`Webhook`]; see [`Webhook::builder`].
#[must_use]
pub struct WebhookBuilder<Cx: RequestContext, B: Backend> {
    rules: Vec<std::sync::Arc<dyn Rule<Cx>>>,
    backend: B,
    body_limit: usize,
    origins: OriginPolicy,
}

impl<Cx: RequestContext, B: Backend> WebhookBuilder<Cx, B> {
    /// Adds rules, as [`rules!`](crate::rules!) lists them
    /// (`.rules(rules![project_rooms, lobby])`), or the rules of a
    /// [`Rules`] value that several webhooks share
    /// (`.rules(shared.clone())`).
    pub fn rules(mut self, rules: impl IntoRules<Cx>) -> Self {
        self.rules.extend(rules.into_rules());
        self
    }

    /// Adds one rule: a hand-written [`Rule`], or a generated one.
    pub fn rule(mut self, rule: impl Rule<Cx>) -> Self {
        self.rules.push(std::sync::Arc::new(rule));
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
    /// from browsers always carry it. By default every origin is accepted
    /// by JSON backends, as the JSON-only content type already keeps
    /// cross-site forms out.
    pub fn allowed_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.origins.allow(origins);
        self
    }

    /// Refuses requests that a browser marks as coming from another site:
    /// `Sec-Fetch-Site: cross-site` or `same-site` (only `same-origin` and
    /// `none` pass), and, from browsers that do not send `Sec-Fetch-Site`,
    /// an `Origin` whose host is not the request's `Host`. For an endpoint
    /// served by the app's own origin; use
    /// [`allowed_origins`](Self::allowed_origins) when pages of other
    /// origins call it.
    pub fn same_site_only(mut self) -> Self {
        self.origins.require_same_site();
        self
    }

    /// Indexes the rules' patterns; fails when two could match one room,
    /// when there is no rule, when the backend can never be asked for a
    /// room of a pattern ([`Backend::check_pattern`]), or when a
    /// form-encoded backend has no cross-site protection.
    pub fn build(self) -> Result<Webhook<Cx, B>, BuildError> {
        if self.backend.accepts_form_bodies() && self.origins.is_open() {
            return Err(BuildError::Backend(format!(
                "the {} endpoint takes form-encoded bodies, which any site's HTML form can send: \
                 call `.same_site_only()` or `.allowed_origins([..])` on the builder",
                self.backend.name()
            )));
        }
        for rule in &self.rules {
            for pattern in rule.patterns() {
                self.backend.check_pattern(pattern).map_err(|reason| {
                    BuildError::PatternRefused {
                        rule: rule.name(),
                        reason,
                    }
                })?;
            }
        }
        Ok(Webhook {
            inner: std::sync::Arc::new(Inner {
                rules: Rules::index(self.rules)?,
                backend: self.backend,
                body_limit: self.body_limit,
                origins: self.origins,
            }),
        })
    }
}

/// What the webhook answers.
#[derive(Debug)]
pub enum Outcome<R> {
    /// A JSON answer: the backend's grant (200) or `{"error": ...}`.
    Reply(Reply),
    /// A framework extractor's rejection, to be sent as the framework would.
    Rejected(R),
}

/// A refusal as the contract answers it.
#[derive(Debug)]
pub enum Denied<R> {
    /// An error of the contract (401, 403, 500).
    Error(WebhookError),
    /// A framework extractor's rejection.
    Rejected(R),
}

impl<Cx: RequestContext, B: Backend> Webhook<Cx, B> {
    /// Starts a webhook for `backend`:
    /// `Webhook::builder(Pusher::from_env()?)`.
    pub fn builder(backend: B) -> WebhookBuilder<Cx, B> {
        WebhookBuilder {
            rules: Vec::new(),
            backend,
            body_limit: DEFAULT_BODY_LIMIT,
            origins: OriginPolicy::default(),
        }
    }

    /// The largest body accepted, for adapters that limit reading it.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The rules.
    pub fn rules(&self) -> &Rules<Cx> {
        &self.inner.rules
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.inner.backend
    }

    /// Answers a request that has no header but its `Content-Type`: for
    /// tests, and for callers outside HTTP.
    pub async fn handle(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type.and_then(|v| http::HeaderValue::from_str(v).ok()) {
            headers.insert(http::header::CONTENT_TYPE, value);
        }
        self.handle_request(RequestHead::new(&headers), body, cx)
            .await
    }

    /// Answers one request: [`decode`](Self::decode), then
    /// [`answer`](Self::answer).
    pub async fn handle_request(
        &self,
        head: RequestHead<'_>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        match self.decode(&head, body) {
            Ok(request) => self.answer(&request, cx).await,
            Err(error) => Outcome::Reply(error.into()),
        }
    }

    /// The checks that need the request's head: where it comes from
    /// ([`allowed_origins`](WebhookBuilder::allowed_origins),
    /// [`same_site_only`](WebhookBuilder::same_site_only)), the body's
    /// size, then the backend's decoding, then the [room-name
    /// floor](crate::name) on the room it names. Adapters call it before
    /// they hand the head to the request context, so that the head is not
    /// copied.
    pub fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<B::Request, WebhookError> {
        self.check_source(head, body.len())?;
        let backend = &self.inner.backend;
        backend
            .decode(head, body)
            .and_then(|request| {
                check_room_name(backend.room(&request))?;
                Ok(request)
            })
            .inspect_err(|error| {
                tracing::debug!(backend = backend.name(), error = %Escaped(error), "request refused");
            })
    }

    /// Decides on a decoded request's room and, for a yes, issues the
    /// grant.
    pub async fn answer(&self, request: &B::Request, cx: &mut Cx) -> Outcome<Cx::Rejection> {
        let backend = &self.inner.backend;
        let decision = match self.decide(backend.room(request), cx).await {
            Ok(decision) => decision,
            Err(Denied::Error(error)) => return Outcome::Reply(backend.refusal_reply(error)),
            Err(Denied::Rejected(rejection)) => return Outcome::Rejected(rejection),
        };
        Outcome::Reply(match backend.grant(request, decision).await {
            Ok(reply) => reply,
            Err(error) => error.into(),
        })
    }

    /// The checks before the body is read: where the request comes from,
    /// and the body's size. For backends' own extra endpoints.
    pub fn check_source(
        &self,
        head: &RequestHead<'_>,
        body_len: usize,
    ) -> Result<(), WebhookError> {
        self.inner.origins.check(head, "room auth")?;
        if body_len > self.inner.body_limit {
            return Err(WebhookError::PayloadTooLarge {
                limit: self.inner.body_limit,
            });
        }
        Ok(())
    }

    /// Whether a request with this head may be answered (see
    /// [`WebhookBuilder::allowed_origins`] and
    /// [`WebhookBuilder::same_site_only`]).
    pub fn origin_allowed(&self, head: &RequestHead<'_>) -> bool {
        self.inner.origins.allows(head)
    }

    /// Runs the rules on `room` and logs the outcome: the decision, or the
    /// contract's answer to a refusal.
    pub async fn decide(&self, room: &str, cx: &mut Cx) -> Result<Decision, Denied<Cx::Rejection>> {
        match self.inner.rules.decide(room, cx).await {
            Ok(decision) => {
                tracing::info!(
                    rule = decision.rule,
                    room,
                    user = decision.grant.user.as_str(),
                    access = %decision.grant.access,
                    outcome = "allowed",
                    "room auth"
                );
                Ok(decision)
            }
            Err(Refusal::NoRule) => {
                self.log_no_rule(room);
                Err(Denied::Error(WebhookError::Forbidden))
            }
            Err(refusal) => Err(refused(room, refusal)),
        }
    }

    /// A 403 the client cannot tell from a real refusal, so the log says
    /// it is none: no rule answers the room, and which patterns were near.
    fn log_no_rule(&self, room: &str) {
        // The search costs edit distances: only for a log that is read.
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        let near = self.inner.rules.near(room);
        let hint = if near.is_empty() {
            "no registered pattern is near it: add a rule whose `rooms` matches it, \
             or check what the client sends"
        } else {
            "check the spelling of the pattern and of the room, and the placeholders' \
             types (`<id>` bound to an integer matches digits only)"
        };
        let near = near
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        tracing::info!(
            room,
            outcome = "forbidden: no rule matches",
            near = near.as_str(),
            hint,
            "room auth"
        );
    }
}

/// Turns the rules' refusal into the contract's answer, and logs it. For
/// backends that answer several rooms in one request.
pub fn refused<R>(room: &str, refusal: Refusal<R>) -> Denied<R> {
    let (outcome, error) = match refusal {
        Refusal::NoRule => ("forbidden: no rule matches", WebhookError::Forbidden),
        Refusal::NoMatch => (
            "forbidden: a placeholder did not parse",
            WebhookError::Forbidden,
        ),
        Refusal::Deny(Deny::Forbidden) => ("forbidden", WebhookError::Forbidden),
        Refusal::Deny(Deny::Unauthorized) | Refusal::Unauthenticated => {
            ("unauthorized", WebhookError::Unauthorized)
        }
        Refusal::Deny(Deny::Internal(error)) => {
            // The app's error may quote input: escaped, it cannot forge lines.
            tracing::error!(
                room,
                error = %Escaped(&error),
                hint = "answered 500: if the rule meant to refuse, return \
                        `Err(Deny::Forbidden)` (403) or `None`; any other error is the \
                        app's failure",
                "the rule failed"
            );
            ("internal error", WebhookError::Internal)
        }
        Refusal::Rejected(rejection) => {
            // `#[room_auth]` rules have logged it, naming the extractor.
            tracing::debug!(room, outcome = "rejected by an extractor", "room auth");
            return Denied::Rejected(rejection);
        }
    };
    tracing::info!(room, outcome, "room auth");
    Denied::Error(error)
}

#[cfg(test)]
mod tests;
