//! [`CentrifugoSubscribe`]: the [`Backend`] of the subscribe proxy.

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rules::Decision;

use super::channel::room_of;
use super::config::CentrifugoSubscribe;
use super::proxy::{SubscribeAnswer, SubscribeRequest, SubscribeResult};
use super::proxy_endpoint::{decode_proxy, refusal_reply, same_user};
use super::sub_refresh::expire_at;

impl CentrifugoSubscribe {
    /// Decodes a proxy request (subscribe and sub-refresh share the
    /// shape): the static header first, then the JSON, then the channel.
    /// `what` names the request in errors.
    pub(super) fn decode_proxy(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
        what: &'static str,
    ) -> Result<SubscribeRequest, WebhookError> {
        decode_proxy(
            self.secret.as_ref(),
            head,
            body,
            what,
            |request: &SubscribeRequest| &request.channel,
        )
    }

    /// Whether the connection's user (when Centrifugo knows one) is the
    /// user the rules granted; a mismatch is logged.
    pub(super) fn same_user(request: &SubscribeRequest, granted: &str) -> bool {
        same_user(&request.user, granted, &request.channel)
    }
}

impl Backend for CentrifugoSubscribe {
    type Request = SubscribeRequest;

    fn name(&self) -> &'static str {
        "centrifugo"
    }

    fn decode(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
    ) -> Result<SubscribeRequest, WebhookError> {
        self.decode_proxy(head, body, "Centrifugo's subscribe proxy request")
    }

    fn room<'r>(&self, request: &'r SubscribeRequest) -> &'r str {
        // Validated in `decode`.
        room_of(&request.channel).unwrap_or(&request.channel)
    }

    fn refusal_reply(&self, error: WebhookError) -> Reply {
        refusal_reply::<SubscribeResult>(error)
    }

    async fn grant(
        &self,
        request: &SubscribeRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let info = decision.grant.info;
        let answer = if !Self::same_user(request, decision.grant.user.as_str()) {
            SubscribeAnswer::permission_denied()
        } else if let Some(interval) = self.expire_after {
            SubscribeAnswer::subscribed_until(info, expire_at(interval))
        } else {
            SubscribeAnswer::subscribed(info)
        };
        Ok(Reply::json(&answer))
    }
}
