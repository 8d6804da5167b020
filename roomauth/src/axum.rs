//! The axum adapter: a [`Webhook`](crate::Webhook), and every endpoint
//! beside it ([`Served`]), is an axum handler, and every axum extractor (`FromRequestParts`, with the app's state) can be a
//! parameter of a `#[room_auth]` rule.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use roomauth::room_service::RoomService;
//! use roomauth::{room_auth, rules};
//!
//! #[room_auth(rooms = "project-<id>")]
//! fn project_rooms(id: u64) -> Option<String> {
//!     (id == 1).then(|| "guest".to_owned())
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook: roomauth::axum::Webhook<(), _> = roomauth::Webhook::builder(RoomService::from_env()?)
//!     .rules(rules![project_rooms])
//!     .build()?;
//! let app: Router = Router::new().route("/api/roomservice", post(webhook));
//! # Ok(()) }
//! ```

pub mod guard;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, request::Parts};

use crate::backend::Backend;
use crate::endpoint::{Endpoint, Served};
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::{BoxFuture, FromContext, RequestContext};
use crate::webhook::Outcome;

/// A webhook served by axum, for a router whose state is `S`.
pub type Webhook<S, B> = crate::webhook::Webhook<AxumContext<S>, B>;

/// The request context of an axum webhook: the request's head and the
/// app's state, from which rule parameters are extracted.
pub struct AxumContext<S> {
    /// The request line and headers (the body has been read by then).
    pub parts: Parts,
    /// The app's state, as `Router::with_state` gave it.
    pub state: S,
}

impl<S: Send + Sync + 'static> RequestContext for AxumContext<S> {
    type Rejection = Response;
}

impl<S, T> FromContext<AxumContext<S>> for T
where
    S: Send + Sync + 'static,
    T: FromRequestParts<S>,
{
    async fn from_context(cx: &mut AxumContext<S>) -> Result<Self, Response> {
        T::from_request_parts(&mut cx.parts, &cx.state)
            .await
            .map_err(IntoResponse::into_response)
    }
}

/// `post(webhook)`: the webhook answers the route's requests.
impl<S, B> axum::handler::Handler<(), S> for Webhook<S, B>
where
    S: Clone + Send + Sync + 'static,
    B: Backend,
{
    type Future = BoxFuture<'static, Response>;

    fn call(self, request: Request, state: S) -> Self::Future {
        Box::pin(serve(self, state, request))
    }
}

/// `post(webhook.batch())`: a backend's further endpoint answers the route's
/// requests.
impl<S, E> axum::handler::Handler<(), S> for Served<E>
where
    S: Clone + Send + Sync + 'static,
    E: Endpoint<Context = AxumContext<S>>,
{
    type Future = BoxFuture<'static, Response>;

    fn call(self, request: Request, state: S) -> Self::Future {
        Box::pin(serve(self.0, state, request))
    }
}

/// Answers one axum request with `endpoint`: the body read up to its limit,
/// decoded with the head, then answered with the head and `state` as the
/// context. The one request path of every endpoint on axum.
async fn serve<S, E>(endpoint: E, state: S, request: Request) -> Response
where
    S: Send + Sync + 'static,
    E: Endpoint<Context = AxumContext<S>>,
{
    let (parts, body) = match read_body(request, endpoint.body_limit()).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let request = match endpoint.decode(&RequestHead::new(&parts.headers), &body) {
        Ok(request) => request,
        Err(error) => return reply(error.into()),
    };
    let mut cx = AxumContext { parts, state };
    respond(endpoint.answer(request, &mut cx).await)
}

/// The request's head and its body, read up to `limit` bytes: a 413 beyond
/// it (checked against `Content-Length` first), a 400 for a body that breaks
/// off. What every axum endpoint of every backend reads first.
async fn read_body(request: Request, limit: usize) -> Result<(Parts, Bytes), Response> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(reply(WebhookError::PayloadTooLarge { limit }.into()));
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok((parts, bytes)),
        Err(error) if is_length_limit(&error) => {
            Err(reply(WebhookError::PayloadTooLarge { limit }.into()))
        }
        Err(_) => Err(reply(
            WebhookError::malformed("the request body could not be read to its end").into(),
        )),
    }
}

/// An outcome as an axum response: the reply, or the extractor's own
/// rejection.
fn respond(outcome: Outcome<Response>) -> Response {
    match outcome {
        Outcome::Reply(r) => reply(r),
        Outcome::Rejected(response) => response,
    }
}

/// Whether reading the body stopped at the length limit.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// A [`Reply`] as an axum response.
pub fn reply(reply: Reply) -> Response {
    let retry_after = reply.retry_after_header();
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = reply.status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(value) = retry_after.and_then(|v| HeaderValue::try_from(v).ok()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

impl<S> AxumContext<S> {
    /// A context for `request`'s head and `state`: for policy tests that
    /// run rules without a server (see [`crate::testing`]).
    pub fn new<B>(request: http::Request<B>, state: S) -> AxumContext<S> {
        AxumContext {
            parts: request.into_parts().0,
            state,
        }
    }
}
