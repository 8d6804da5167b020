//! The one shape of every auth endpoint, so that the web framework
//! adapters are written once for all of them (as axum's `Handler` and
//! tower's `Service` give every route one call shape).
//!
//! An [`Endpoint`] answers in two steps: [`decode`](Endpoint::decode) checks
//! where the request comes from and reads it from the head and body, then
//! [`answer`](Endpoint::answer) decides with the request context. The split
//! lets an adapter hand the head over to the context after decoding, without
//! copying it. The [`Webhook`] is an endpoint (channel authorization, the
//! backend's one room per request); a backend's further endpoints on the same
//! webhook (Pusher's batch and sign-in) are endpoints too, served as
//! [`Served`] values.

use std::future::Future;

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::request::RequestHead;
use crate::rule::RequestContext;
use crate::webhook::{Outcome, Webhook};

/// What an endpoint's request context answers when an extractor refuses.
pub type Rejection<E> = <<E as Endpoint>::Context as RequestContext>::Rejection;

/// An auth endpoint as the adapters serve it: cheap to clone (one clone per
/// request), with the limit on its body, how its request decodes, and how it
/// answers.
pub trait Endpoint: Clone + Send + Sync + 'static {
    /// The web framework's request context the rules extract from.
    type Context: RequestContext;
    /// The request, decoded and validated.
    type Request: Send;

    /// The largest body accepted: adapters stop reading past it (413).
    fn body_limit(&self) -> usize;

    /// Checks where the request comes from and its size (the webhook's
    /// origin and same-site checks), then decodes and validates it. Errors
    /// are the contract's answers (400, 403, 413, 415).
    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<Self::Request, WebhookError>;

    /// Decides on the decoded request with the request context, and
    /// answers it.
    fn answer(
        &self,
        request: Self::Request,
        cx: &mut Self::Context,
    ) -> impl Future<Output = Outcome<Rejection<Self>>> + Send;
}

/// Channel authorization: the backend's request, one room, one grant.
impl<Cx: RequestContext, B: Backend> Endpoint for Webhook<Cx, B> {
    type Context = Cx;
    type Request = B::Request;

    fn body_limit(&self) -> usize {
        Webhook::body_limit(self)
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<B::Request, WebhookError> {
        Webhook::decode(self, head, body)
    }

    async fn answer(&self, request: B::Request, cx: &mut Cx) -> Outcome<Cx::Rejection> {
        Webhook::answer(self, &request, cx).await
    }
}

/// An [`Endpoint`] beside a webhook's own, ready to be mounted:
/// `post(webhook.batch())` on axum, `web::post().to(webhook.batch())` on
/// actix-web. (The webhook itself is mounted as it is: `post(webhook)`.)
#[derive(Debug, Clone)]
pub struct Served<E>(pub E);
