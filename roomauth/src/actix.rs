//! The actix-web adapter: a [`Webhook`], and every endpoint beside it
//! ([`Served`]), is an actix-web handler, and every actix-web extractor
//! (`FromRequest`, with `web::Data` state) can be a parameter of a
//! `#[room_auth]` rule.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use roomauth::room_service::RoomService;
//! use roomauth::{Webhook, room_auth, rules};
//!
//! #[room_auth(rooms = "project-<id>")]
//! fn project_rooms(id: u64, state: web::Data<String>) -> Option<String> {
//!     (id == 1).then(|| state.to_string())
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook: roomauth::actix::Webhook<_> = Webhook::builder(RoomService::from_env()?)
//!     .rules(rules![project_rooms])
//!     .build()?;
//! let state = web::Data::new("alice".to_owned());
//! let server = HttpServer::new(move || {
//!     App::new()
//!         .app_data(state.clone())
//!         .route("/api/roomservice", web::post().to(webhook.clone()))
//! });
//! # Ok(()) }
//! ```
//!
//! actix-web runs each request on one thread, and its request type is not
//! `Send`; rules are written once for every framework, with `Send` futures.
//! The context therefore keeps the request in a [`SendWrapper`], which is
//! sound because actix-web never moves a request's future to another thread
//! (it would panic, not misbehave, if it did). Rule parameters must be
//! `Send` themselves, as with axum.
//!
//! # Extractors that are not `Send`
//!
//! That leaves out `HttpRequest` itself and the extractors that hold it or an
//! `Rc`, such as actix-session's `Session` and actix-identity's `Identity`:
//! as a parameter, the compiler reports "`Rc<..>` cannot be sent between
//! threads safely ... required for `HttpRequest` to implement
//! `FromContext<ActixContext>`" at its type. Give the rule what it needs
//! through an extractor of your own that reads it and returns a `Send` value:
//!
//! ```
//! use std::future::{Ready, ready};
//!
//! use actix_web::dev::Payload;
//! use actix_web::error::ErrorUnauthorized;
//! use actix_web::{FromRequest, HttpRequest};
//! use roomauth::room_auth;
//!
//! /// The logged-in user: a `String`, so `Send`.
//! struct CurrentUser(String);
//!
//! impl FromRequest for CurrentUser {
//!     type Error = actix_web::Error;
//!     type Future = Ready<Result<Self, Self::Error>>;
//!
//!     fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
//!         // With actix-session: `Session::extract(request).into_inner()?`,
//!         // then `session.get::<String>("user")`.
//!         let user = request.headers().get("x-user").and_then(|v| v.to_str().ok());
//!         ready(match user {
//!             Some(user) => Ok(CurrentUser(user.to_owned())),
//!             None => Err(ErrorUnauthorized("log in first")),
//!         })
//!     }
//! }
//!
//! #[room_auth(rooms = "project-<id>", session = user)]
//! fn project_rooms(id: u64, user: CurrentUser) -> Option<String> {
//!     (id == 1).then_some(user.0)
//! }
//! ```

use std::future::Future;

use actix_web::dev::Payload;
use actix_web::http::StatusCode as ActixStatus;
use actix_web::http::header::{CONTENT_LENGTH, RETRY_AFTER};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use send_wrapper::SendWrapper;

use crate::backend::Backend;
use crate::endpoint::{Endpoint, Served};
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::{FromContext, RequestContext};
use crate::webhook::Outcome;

/// A webhook served by actix-web.
pub type Webhook<B> = crate::webhook::Webhook<ActixContext, B>;

/// The request context of an actix-web webhook: the request, from which
/// rule parameters are extracted (state through `web::Data`).
pub struct ActixContext {
    request: SendWrapper<HttpRequest>,
}

impl ActixContext {
    /// A context for `request`: for policy tests that run rules without a
    /// server (see [`crate::testing`]), e.g. with `actix_web::test::TestRequest`.
    pub fn new(request: HttpRequest) -> ActixContext {
        ActixContext {
            request: SendWrapper::new(request),
        }
    }

    /// The request.
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }
}

/// An actix-web extractor's error, answered as actix-web would answer it.
pub struct ActixRejection(SendWrapper<actix_web::Error>);

impl ActixRejection {
    /// The extractor's error.
    pub fn into_inner(self) -> actix_web::Error {
        self.0.take()
    }
}

impl RequestContext for ActixContext {
    type Rejection = ActixRejection;
}

impl<T> FromContext<ActixContext> for T
where
    T: FromRequest + Send,
{
    fn from_context(
        cx: &mut ActixContext,
    ) -> impl Future<Output = Result<Self, ActixRejection>> + Send {
        let request: &HttpRequest = &cx.request;
        let extract = T::from_request(request, &mut Payload::None);
        SendWrapper::new(async move {
            extract
                .await
                .map_err(|e| ActixRejection(SendWrapper::new(e.into())))
        })
    }
}

/// `web::post().to(webhook.clone())`: the webhook answers the route's
/// requests.
impl<B: Backend> actix_web::Handler<(HttpRequest, web::Payload)> for Webhook<B> {
    type Output = HttpResponse;
    type Future = BoxFutureLocal;

    fn call(&self, (request, payload): (HttpRequest, web::Payload)) -> BoxFutureLocal {
        Box::pin(serve(self.clone(), request, payload))
    }
}

/// `web::post().to(webhook.batch())`: a backend's further endpoint answers
/// the route's requests.
impl<E> actix_web::Handler<(HttpRequest, web::Payload)> for Served<E>
where
    E: Endpoint<Context = ActixContext>,
{
    type Output = HttpResponse;
    type Future = BoxFutureLocal;

    fn call(&self, (request, payload): (HttpRequest, web::Payload)) -> BoxFutureLocal {
        Box::pin(serve(self.0.clone(), request, payload))
    }
}

/// Answers one actix-web request with `endpoint`: the body read up to its
/// limit, decoded with the head, then answered with the request as the
/// context. The one request path of every endpoint on actix-web.
async fn serve<E>(endpoint: E, request: HttpRequest, payload: web::Payload) -> HttpResponse
where
    E: Endpoint<Context = ActixContext>,
{
    let (headers, body) = match read_request(&request, payload, endpoint.body_limit()).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let decoded = match endpoint.decode(&RequestHead::new(&headers), &body) {
        Ok(decoded) => decoded,
        Err(error) => return reply(error.into()),
    };
    let mut cx = ActixContext::new(request);
    respond(endpoint.answer(decoded, &mut cx).await)
}

/// The request's headers (as the `http` crate's) and its body, read up to
/// `limit` bytes; or the error response (413 past the limit, declared or
/// not; 400 for a body cut short).
async fn read_request(
    request: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<(http::HeaderMap, web::Bytes), HttpResponse> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(reply(WebhookError::PayloadTooLarge { limit }.into()));
    }
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return Err(reply(
                WebhookError::malformed("the request body could not be read to its end").into(),
            ));
        }
        Err(_) => return Err(reply(WebhookError::PayloadTooLarge { limit }.into())),
    };
    Ok((http_headers(request.headers()), body))
}

/// The answer, or the extractor's rejection as actix-web answers it.
fn respond(outcome: Outcome<ActixRejection>) -> HttpResponse {
    match outcome {
        Outcome::Reply(r) => reply(r),
        Outcome::Rejected(rejection) => rejection.into_inner().error_response(),
    }
}

/// actix-web's headers as the `http` crate's (actix-web 4 has its own
/// header types).
fn http_headers(headers: &actix_web::http::header::HeaderMap) -> http::HeaderMap {
    let mut converted = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            converted.append(name, value);
        }
    }
    converted
}

/// The future of an endpoint's actix-web handler: not `Send`, like
/// actix-web's own.
pub type BoxFutureLocal = std::pin::Pin<Box<dyn Future<Output = HttpResponse>>>;

/// A [`Reply`] as an actix-web response.
pub fn reply(reply: Reply) -> HttpResponse {
    let status =
        ActixStatus::from_u16(reply.status.as_u16()).unwrap_or(ActixStatus::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if let Some(retry_after) = reply.retry_after_header() {
        response.insert_header((RETRY_AFTER, retry_after));
    }
    response.content_type("application/json").body(reply.body)
}
