//! The seam between the rules and a realtime service: a [`Backend`] reads
//! its client's request, names the room, and issues the grant the rules
//! decided, in its own protocol.
//!
//! Every service roomauth speaks has the same shape: a client (or the
//! service's server) asks the app's endpoint whether a user may enter a
//! room; the app decides and signs or provisions a grant for exactly that
//! room. The [`Webhook`](crate::webhook::Webhook) runs the shared part
//! (origin and size checks, the room-name floor, the rules, the error
//! contract); a backend
//! supplies the three steps that differ.

use std::future::Future;

use crate::error::WebhookError;
use crate::pattern::Pattern;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rules::Decision;

/// A realtime service's auth endpoint: how its request reads, which room it
/// names, and how a grant is issued.
///
/// The webhook calls [`decode`](Backend::decode), holds the
/// [`room`](Backend::room) to the [room-name floor](crate::name), runs the
/// rules on it, then calls [`grant`](Backend::grant) for a yes. A backend
/// validates in `decode` everything the floor does not (ids, sizes, its own
/// limits on names), so that nothing is signed or sent on that was not
/// checked; it reads JSON with [`decode_json`](crate::request::decode_json)
/// and answers with [`Reply::json`].
pub trait Backend: Send + Sync + 'static {
    /// The client's request, decoded and validated.
    type Request: Send + Sync;

    /// The backend's name in logs (`"room-service"`, `"pusher"`).
    fn name(&self) -> &'static str;

    /// Decodes and validates the request from its head and body. Nothing
    /// is signed or sent here; errors are the contract's answers (400, 415).
    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<Self::Request, WebhookError>;

    /// The room the rules decide on.
    fn room<'r>(&self, request: &'r Self::Request) -> &'r str;

    /// Issues the grant the rules decided: the 200 reply, or why not (an
    /// upstream failure, say).
    fn grant(
        &self,
        request: &Self::Request,
        decision: Decision,
    ) -> impl Future<Output = Result<Reply, WebhookError>> + Send;

    /// Whether the endpoint takes bodies that a plain cross-site HTML form
    /// can send (form-encoded), so that the webhook must refuse cross-site
    /// requests itself: then [`WebhookBuilder::build`](crate::webhook::WebhookBuilder::build)
    /// refuses a webhook without [`allowed_origins`](crate::webhook::WebhookBuilder::allowed_origins)
    /// or [`same_site_only`](crate::webhook::WebhookBuilder::same_site_only).
    /// JSON-only backends answer `false` (the default): a cross-site page
    /// cannot send JSON without a preflight the webhook never answers.
    fn accepts_form_bodies(&self) -> bool {
        false
    }

    /// Refuses, when the webhook is built, a pattern that no request of
    /// this backend can ever match, saying what to write instead (`Err` is
    /// the message). Pusher's rules see the channel name after its prefix,
    /// so a pattern `presence-project-<id>` would match nothing and every
    /// subscription would get a plausible 403. Every pattern is fine by
    /// default.
    fn check_pattern(&self, pattern: &Pattern) -> Result<(), String> {
        let _ = pattern;
        Ok(())
    }

    /// The reply to a refusal of the rules (401 not logged in, 403, 500 the
    /// rule failed): the contract's error by default. A backend whose
    /// service reads only 200 answers (Centrifugo's proxy) answers in its
    /// own shape instead.
    fn refusal_reply(&self, error: WebhookError) -> Reply {
        error.into()
    }
}
