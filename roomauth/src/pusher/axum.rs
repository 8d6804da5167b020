//! The batch and sign-in endpoints as axum handlers:
//! `post(webhook.batch_handler())`, `post(webhook.signin_handler(signin))`.
//! Channel authorization needs nothing here: the webhook itself is the
//! handler (`post(webhook)`).

use std::sync::Arc;

use axum::extract::Request;
use axum::response::Response;

use crate::axum::{AxumContext, read_body, reply, respond};
use crate::request::RequestHead;
use crate::rule::BoxFuture;

use super::config::Pusher;
use super::endpoints::SignIn;

type Webhook<S> = crate::webhook::Webhook<AxumContext<S>, Pusher>;

impl<S: Clone + Send + Sync + 'static> Webhook<S> {
    /// The batched-authorization endpoint (`pusher-js-auth`) as an axum
    /// handler.
    pub fn batch_handler(
        &self,
    ) -> impl Fn(axum::extract::State<S>, Request) -> BoxFuture<'static, Response>
    + Clone
    + Send
    + Sync
    + 'static {
        let webhook = self.clone();
        move |axum::extract::State(state), request| {
            let webhook = webhook.clone();
            Box::pin(async move {
                let (parts, body) = match read_body(request, webhook.body_limit()).await {
                    Ok(read) => read,
                    Err(response) => return response,
                };
                let batch = match webhook.decode_batch(&RequestHead::new(&parts.headers), &body) {
                    Ok(batch) => batch,
                    Err(error) => return reply(error.into()),
                };
                let mut cx = AxumContext { parts, state };
                respond(webhook.answer_batch(batch, &mut cx).await)
            })
        }
    }

    /// The sign-in endpoint (`pusher.signin()`) as an axum handler, with
    /// the user from `signin` ([`signin`](super::signin)).
    pub fn signin_handler(
        &self,
        signin: impl SignIn<AxumContext<S>>,
    ) -> impl Fn(axum::extract::State<S>, Request) -> BoxFuture<'static, Response>
    + Clone
    + Send
    + Sync
    + 'static {
        let webhook = self.clone();
        let signin: Arc<dyn SignIn<AxumContext<S>>> = Arc::new(signin);
        move |axum::extract::State(state), request| {
            let (webhook, signin) = (webhook.clone(), Arc::clone(&signin));
            Box::pin(async move {
                let (parts, body) = match read_body(request, webhook.body_limit()).await {
                    Ok(read) => read,
                    Err(response) => return response,
                };
                let user = match webhook.decode_signin(&RequestHead::new(&parts.headers), &body) {
                    Ok(user) => user,
                    Err(error) => return reply(error.into()),
                };
                let mut cx = AxumContext { parts, state };
                respond(webhook.answer_signin(&*signin, &user, &mut cx).await)
            })
        }
    }
}
