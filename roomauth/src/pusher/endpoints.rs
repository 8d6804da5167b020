//! The two endpoints beside channel authorization, on the same webhook
//! (same rules, same origin checks, same limits): batched authorization and
//! user sign-in.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::backend::Backend;
use crate::endpoint::{Endpoint, Served};
use crate::error::WebhookError;
use crate::name::check_room_name;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::{BoxFuture, FromContext, IntoDecision, Refusal, RequestContext};
use crate::webhook::{Denied, Outcome, Webhook, refused};
use crate::{Access, Grant};

use super::backend::{auth_error, form_error, require_form};
use super::batch::{BatchAnswer, BatchEntry};
use super::config::Pusher;
use super::form::{BatchRequest, ChannelRequest, FormError, UserRequest};
use super::watchlist::Watchlist;

/// How the app names the user of `pusher.signin()`: its own session
/// extractor and what to show of the user. Made with [`signin`].
pub trait SignIn<Cx: RequestContext>: Send + Sync + 'static {
    /// The signed-in user (its id, and `user_info` from the grant's info),
    /// or why not. A refused session extractor is
    /// [`Refusal::Unauthenticated`] (401).
    fn user<'a>(&'a self, cx: &'a mut Cx) -> BoxFuture<'a, Result<Grant, Refusal<Cx::Rejection>>>;
}

/// Declares the sign-in user from the app's session extractor `U`:
///
/// ```
/// # use axum::extract::FromRequestParts;
/// # use axum::http::{StatusCode, request::Parts};
/// # use roomauth::Grant;
/// # use roomauth::axum::AxumContext;
/// use roomauth::pusher::{self, SignIn};
/// # struct CurrentUser { id: String, name: String }
/// # impl FromRequestParts<()> for CurrentUser {
/// #     type Rejection = StatusCode;
/// #     async fn from_request_parts(_: &mut Parts, _: &()) -> Result<Self, StatusCode> {
/// #         Err(StatusCode::UNAUTHORIZED)
/// #     }
/// # }
/// let signin = pusher::signin(|user: CurrentUser| {
///     Some(Grant::read(user.id).with_info(serde_json::json!({ "name": user.name })))
/// });
/// # fn is_signin(_: impl SignIn<AxumContext<()>>) {}
/// # is_signin(signin);
/// ```
///
/// `U` is any extractor of the web framework (the same type a rule's
/// `session =` parameter has); when it refuses, the answer is 401. The
/// function returns what a rule returns: `Option` or `Result` of a user id
/// or a [`Grant`].
pub fn signin<U, F, R>(f: F) -> SignInFn<U, F>
where
    F: Fn(U) -> R + Send + Sync + 'static,
    R: IntoDecision,
{
    SignInFn {
        f,
        user: PhantomData,
    }
}

/// A [`SignIn`] made by [`signin`].
pub struct SignInFn<U, F> {
    f: F,
    user: PhantomData<fn() -> U>,
}

impl<Cx, U, F, R> SignIn<Cx> for SignInFn<U, F>
where
    Cx: RequestContext,
    U: FromContext<Cx> + Send + 'static,
    F: Fn(U) -> R + Send + Sync + 'static,
    R: IntoDecision,
{
    fn user<'a>(&'a self, cx: &'a mut Cx) -> BoxFuture<'a, Result<Grant, Refusal<Cx::Rejection>>> {
        Box::pin(async move {
            let user = U::from_context(cx)
                .await
                .map_err(|_| Refusal::Unauthenticated)?;
            (self.f)(user)
                .into_decision(Access::Read)
                .map_err(Refusal::Deny)
        })
    }
}

impl<Cx: RequestContext> Webhook<Cx, Pusher> {
    /// The batched-authorization endpoint of the `pusher-js-auth` plugin,
    /// with this webhook's rules, origin checks and limits:
    /// `post(webhook.batch())` on axum, `web::post().to(webhook.batch())` on
    /// actix-web. See [`Batch`].
    pub fn batch(&self) -> Served<Batch<Cx>> {
        Served(Batch {
            webhook: self.clone(),
        })
    }

    /// The sign-in endpoint of `pusher.signin()`, with this webhook's
    /// origin checks and limits and the user from `signin` ([`signin`]):
    /// `post(webhook.signin(signin))` on axum,
    /// `web::post().to(webhook.signin(signin))` on actix-web. See
    /// [`SignInEndpoint`].
    pub fn signin(&self, signin: impl SignIn<Cx>) -> Served<SignInEndpoint<Cx>> {
        Served(SignInEndpoint {
            webhook: self.clone(),
            signin: Arc::new(signin),
        })
    }
}

/// A form body of one of the endpoints beside channel authorization, after
/// the webhook's origin and size checks.
fn decode_form<Cx: RequestContext, T>(
    webhook: &Webhook<Cx, Pusher>,
    head: &RequestHead<'_>,
    body: &[u8],
    from_form: fn(&[u8]) -> Result<T, FormError>,
) -> Result<T, WebhookError> {
    webhook.check_source(head, body.len())?;
    require_form(head)?;
    from_form(body).map_err(form_error)
}

/// Batched authorization (`pusher-js-auth`): the webhook's origin and size
/// checks, then each channel decided and signed on its own
/// ([`BatchAnswer`]). A malformed body or channel name fails the whole
/// request (400); a refusal fails only its channel. An extractor's rejection
/// is passed through whole. Made by [`Webhook::batch`].
pub struct Batch<Cx: RequestContext> {
    webhook: Webhook<Cx, Pusher>,
}

impl<Cx: RequestContext> Clone for Batch<Cx> {
    fn clone(&self) -> Self {
        Batch {
            webhook: self.webhook.clone(),
        }
    }
}

impl<Cx: RequestContext> Endpoint for Batch<Cx> {
    type Context = Cx;
    type Request = BatchRequest;

    fn body_limit(&self) -> usize {
        self.webhook.body_limit()
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<BatchRequest, WebhookError> {
        let batch = decode_form(&self.webhook, head, body, BatchRequest::from_form)?;
        // The floor on every channel's room, as the webhook holds a single
        // request's room to it.
        for channel in &batch.channels {
            check_room_name(channel.room())?;
        }
        Ok(batch)
    }

    async fn answer(&self, batch: BatchRequest, cx: &mut Cx) -> Outcome<Cx::Rejection> {
        let pusher = self.webhook.backend();
        let mut answer = BatchAnswer::with_capacity(batch.channels.len());
        for channel in batch.channels {
            let request = ChannelRequest {
                socket_id: batch.socket_id.clone(),
                channel,
            };
            let entry = match pusher.check_serves(&request) {
                Err(error) => refused_entry(&error),
                Ok(()) => match self.webhook.decide(request.channel.room(), cx).await {
                    Ok(decision) => match pusher.answer_channel(&request, &decision) {
                        Ok(auth) => BatchEntry::Granted(auth),
                        Err(error) => refused_entry(&error),
                    },
                    Err(Denied::Error(error)) => refused_entry(&error),
                    Err(Denied::Rejected(rejection)) => return Outcome::Rejected(rejection),
                },
            };
            answer.push(request.channel, entry);
        }
        Outcome::Reply(Reply::json(&answer))
    }
}

/// User sign-in (`pusher.signin()`): the webhook's origin and size checks,
/// the form's `socket_id`, the user from [`SignIn`], and
/// `{"auth", "user_data"}` signed over `<socket_id>::user::<user_data>`.
/// Made by [`Webhook::signin`].
pub struct SignInEndpoint<Cx: RequestContext> {
    webhook: Webhook<Cx, Pusher>,
    signin: Arc<dyn SignIn<Cx>>,
}

impl<Cx: RequestContext> Clone for SignInEndpoint<Cx> {
    fn clone(&self) -> Self {
        SignInEndpoint {
            webhook: self.webhook.clone(),
            signin: Arc::clone(&self.signin),
        }
    }
}

impl<Cx: RequestContext> Endpoint for SignInEndpoint<Cx> {
    type Context = Cx;
    type Request = UserRequest;

    fn body_limit(&self) -> usize {
        self.webhook.body_limit()
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<UserRequest, WebhookError> {
        decode_form(&self.webhook, head, body, UserRequest::from_form)
    }

    async fn answer(&self, request: UserRequest, cx: &mut Cx) -> Outcome<Cx::Rejection> {
        let grant = match self.signin.user(cx).await {
            Ok(grant) => grant,
            Err(refusal) => {
                return match refused("(pusher sign-in)", refusal) {
                    Denied::Error(error) => Outcome::Reply(error.into()),
                    Denied::Rejected(rejection) => Outcome::Rejected(rejection),
                };
            }
        };
        let pusher = self.webhook.backend();
        tracing::info!(
            backend = pusher.name(),
            user = grant.user.as_str(),
            outcome = "signed in",
            "room auth"
        );
        Outcome::Reply(
            match pusher.authenticate_user(
                &request.socket_id,
                grant.user.as_str(),
                grant.info.as_ref(),
                grant.extension::<Watchlist>(),
            ) {
                Ok(answer) => Reply::json(&answer),
                Err(error) => auth_error(error).into(),
            },
        )
    }
}

fn refused_entry(error: &WebhookError) -> BatchEntry {
    BatchEntry::Refused {
        status: error.status().as_u16(),
        error: error.to_string(),
    }
}
