//! The batch and sign-in endpoints as actix-web handlers:
//! `web::post().to(webhook.actix_batch_handler())`,
//! `web::post().to(webhook.actix_signin_handler(signin))`. Channel
//! authorization needs nothing here: it is the webhook's own
//! [`actix_handler`](crate::webhook::Webhook::actix_handler).

use std::sync::Arc;

use actix_web::{HttpRequest, web};

use crate::actix::{ActixContext, BoxFutureLocal, read_request, respond};
use crate::request::RequestHead;

use super::config::Pusher;
use super::endpoints::SignIn;

type Webhook = crate::webhook::Webhook<ActixContext, Pusher>;

impl Webhook {
    /// The batched-authorization endpoint (`pusher-js-auth`) as an
    /// actix-web handler.
    pub fn actix_batch_handler(
        &self,
    ) -> impl Fn(HttpRequest, web::Payload) -> BoxFutureLocal + Clone + 'static {
        let webhook = self.clone();
        move |request, payload| {
            let webhook = webhook.clone();
            Box::pin(async move {
                let (headers, body) =
                    match read_request(&request, payload, webhook.body_limit()).await {
                        Ok(read) => read,
                        Err(response) => return response,
                    };
                let batch = match webhook.decode_batch(&RequestHead::new(&headers), &body) {
                    Ok(batch) => batch,
                    Err(error) => return crate::actix::reply(error.into()),
                };
                let mut cx = ActixContext::new(request);
                respond(webhook.answer_batch(batch, &mut cx).await)
            })
        }
    }

    /// The sign-in endpoint (`pusher.signin()`) as an actix-web handler,
    /// with the user from `signin` ([`signin`](super::signin)).
    pub fn actix_signin_handler(
        &self,
        signin: impl SignIn<ActixContext>,
    ) -> impl Fn(HttpRequest, web::Payload) -> BoxFutureLocal + Clone + 'static {
        let webhook = self.clone();
        let signin: Arc<dyn SignIn<ActixContext>> = Arc::new(signin);
        move |request, payload| {
            let (webhook, signin) = (webhook.clone(), Arc::clone(&signin));
            Box::pin(async move {
                let (headers, body) =
                    match read_request(&request, payload, webhook.body_limit()).await {
                        Ok(read) => read,
                        Err(response) => return response,
                    };
                let user = match webhook.decode_signin(&RequestHead::new(&headers), &body) {
                    Ok(user) => user,
                    Err(error) => return crate::actix::reply(error.into()),
                };
                let mut cx = ActixContext::new(request);
                respond(webhook.answer_signin(&*signin, &user, &mut cx).await)
            })
        }
    }
}
