//! The axum adapter: a [`Webhook`] becomes an axum handler, and every axum
//! extractor (`FromRequestParts`, with the app's state) can be a parameter
//! of a `#[room_auth]` rule.
//!
//! ```ignore
//! let webhook = Webhook::builder(roomauth::provision::provisioner_from_env()?)
//!     .rule(project_rooms {})
//!     .build()?;
//! let app = Router::new()
//!     .route("/api/roomservice", post(webhook.axum_handler()))
//!     .with_state(state);
//! ```

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, ORIGIN, RETRY_AFTER};
use http::{HeaderValue, request::Parts};

use crate::rule::{BoxFuture, FromContext, RequestContext};
use crate::webhook::{Outcome, Reply, RequestHead, Webhook, WebhookError};

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

impl<S> Webhook<AxumContext<S>>
where
    S: Clone + Send + Sync + 'static,
{
    /// The webhook as an axum handler, for `post(...)` on a router whose
    /// state is `S`.
    pub fn axum_handler(
        &self,
    ) -> impl Fn(State<S>, Request) -> BoxFuture<'static, Response> + Clone + Send + Sync + 'static
    {
        let webhook = self.clone();
        move |State(state), request| {
            let webhook = webhook.clone();
            Box::pin(async move { webhook.handle_axum(state, request).await })
        }
    }

    /// Answers one axum request: reads the body up to the limit, then
    /// [`Webhook::handle_request`] with its `Content-Type` and `Origin`.
    pub async fn handle_axum(&self, state: S, request: Request) -> Response {
        let limit = self.body_limit();
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return reply(WebhookError::PayloadTooLarge { limit }.into());
        }
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(error) if is_length_limit(&error) => {
                return reply(WebhookError::PayloadTooLarge { limit }.into());
            }
            Err(_) => {
                return reply(
                    WebhookError::malformed("the request body could not be read to its end").into(),
                );
            }
        };
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // An unreadable `Origin` is passed as "", which no allow-list holds.
        let origin = parts
            .headers
            .get(ORIGIN)
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let head = RequestHead::new(content_type.as_deref()).with_origin(origin.as_deref());
        let mut cx = AxumContext { parts, state };
        match self.handle_request(head, &bytes, &mut cx).await {
            Outcome::Reply(r) => reply(r),
            Outcome::Rejected(response) => response,
        }
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
