//! The two endpoints beside channel authorization, on the same webhook
//! (same rules, same origin checks): batched authorization and user
//! sign-in.

use std::marker::PhantomData;

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::{BoxFuture, FromContext, IntoDecision, Refusal, RequestContext};
use crate::webhook::{Denied, Outcome, Webhook, refused};
use crate::{Access, Grant};

use super::backend::{auth_error, form_error, require_form};
use super::batch::{BatchAnswer, BatchEntry};
use super::config::Pusher;
use super::form::{BatchRequest, ChannelRequest, UserRequest};

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
/// ```ignore
/// let signin = pusher::signin(|user: CurrentUser| {
///     Some(Grant::read(user.id).with_info(json!({ "name": user.name })))
/// });
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

fn json_reply(value: &impl serde::Serialize) -> Reply {
    match serde_json::to_vec(value) {
        Ok(body) => Reply::ok(body),
        Err(_) => WebhookError::Internal.into(),
    }
}

impl<Cx: RequestContext> Webhook<Cx, Pusher> {
    /// Answers a batched authorization from the `pusher-js-auth` plugin:
    /// the origin and size checks of every request, then each channel
    /// decided and signed on its own ([`BatchAnswer`]). A malformed body
    /// or channel name fails the whole request (400); a refusal fails only
    /// its channel. An extractor's rejection is passed through whole.
    pub async fn handle_batch(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        let batch = match self.decode_batch(head, body) {
            Ok(batch) => batch,
            Err(error) => return Outcome::Reply(error.into()),
        };
        self.answer_batch(batch, cx).await
    }

    /// The checks of [`handle_batch`](Self::handle_batch) that need the
    /// head; adapters call it before the head moves into the context.
    pub fn decode_batch(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
    ) -> Result<BatchRequest, WebhookError> {
        self.check_source(head, body.len())?;
        require_form(head)?;
        BatchRequest::from_form(body).map_err(form_error)
    }

    /// Decides and signs each channel of a decoded batch.
    pub async fn answer_batch(&self, batch: BatchRequest, cx: &mut Cx) -> Outcome<Cx::Rejection> {
        let pusher = self.backend();
        let mut answer = BatchAnswer::with_capacity(batch.channels.len());
        for channel in batch.channels {
            let request = ChannelRequest {
                socket_id: batch.socket_id.clone(),
                channel,
            };
            let entry = match pusher.check_serves(&request) {
                Err(error) => refused_entry(&error),
                Ok(()) => match self.decide(request.channel.room(), cx).await {
                    Ok(decision) => match pusher.authorize_channel(
                        &request.socket_id,
                        &request.channel,
                        decision.grant.user.as_str(),
                        decision.grant.info.as_ref(),
                    ) {
                        Ok(auth) => BatchEntry::Granted(auth),
                        Err(error) => refused_entry(&auth_error(error)),
                    },
                    Err(Denied::Error(error)) => refused_entry(&error),
                    Err(Denied::Rejected(rejection)) => return Outcome::Rejected(rejection),
                },
            };
            answer.push(request.channel, entry);
        }
        Outcome::Reply(json_reply(&answer))
    }

    /// Answers `pusher.signin()`: the origin and size checks, the form's
    /// `socket_id`, the user from `signin` ([`signin`]), and
    /// `{"auth", "user_data"}` signed over `<socket_id>::user::<user_data>`.
    pub async fn handle_signin(
        &self,
        signin: &dyn SignIn<Cx>,
        head: &RequestHead<'_>,
        body: &[u8],
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        match self.decode_signin(head, body) {
            Ok(request) => self.answer_signin(signin, &request, cx).await,
            Err(error) => Outcome::Reply(error.into()),
        }
    }

    /// The checks of [`handle_signin`](Self::handle_signin) that need the
    /// head.
    pub fn decode_signin(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
    ) -> Result<UserRequest, WebhookError> {
        self.check_source(head, body.len())?;
        require_form(head)?;
        UserRequest::from_form(body).map_err(form_error)
    }

    /// Signs a decoded sign-in for the user `signin` names.
    pub async fn answer_signin(
        &self,
        signin: &dyn SignIn<Cx>,
        request: &UserRequest,
        cx: &mut Cx,
    ) -> Outcome<Cx::Rejection> {
        let grant = match signin.user(cx).await {
            Ok(grant) => grant,
            Err(refusal) => {
                return match refused("(pusher sign-in)", refusal) {
                    Denied::Error(error) => Outcome::Reply(error.into()),
                    Denied::Rejected(rejection) => Outcome::Rejected(rejection),
                };
            }
        };
        tracing::info!(
            backend = self.backend().name(),
            user = grant.user.as_str(),
            outcome = "signed in",
            "room auth"
        );
        Outcome::Reply(
            match self.backend().authenticate_user(
                &request.socket_id,
                grant.user.as_str(),
                grant.info.as_ref(),
            ) {
                Ok(answer) => json_reply(&answer),
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
