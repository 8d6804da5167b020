//! [`CentrifugoSubscribe`]: the [`Backend`] of the subscribe proxy.

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::rules::Decision;
use crate::text::Escaped;

use super::channel::{decoded_room, room_of};
use super::config::CentrifugoSubscribe;
use super::proxy::{SubscribeAnswer, SubscribeRequest};
use super::sub_refresh::expire_at;

impl CentrifugoSubscribe {
    fn check_secret(&self, head: &RequestHead<'_>) -> Result<(), WebhookError> {
        let Some(secret) = &self.secret else {
            return Ok(());
        };
        let presented = head.header(secret.header.as_str()).unwrap_or("");
        if secret.value.matches(presented) {
            Ok(())
        } else {
            tracing::warn!(backend = "centrifugo", header = %secret.header, "proxy request refused: static secret header missing or wrong");
            Err(WebhookError::BadSignature)
        }
    }

    /// Decodes a proxy request (subscribe and sub-refresh share the
    /// shape): the static header first, then the JSON, then the channel.
    /// `what` names the request in errors.
    pub(super) fn decode_proxy(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
        what: &'static str,
    ) -> Result<SubscribeRequest, WebhookError> {
        self.check_secret(head)?;
        let request: SubscribeRequest = decode_json(head.content_type(), body, what)?;
        decoded_room(&request.channel)?;
        Ok(request)
    }

    /// Whether the connection's user (when Centrifugo knows one) is the
    /// user the rules granted. The cookie is the browser's, the connection
    /// Centrifugo's: another user would put another name on presence and
    /// publications. A mismatch is logged.
    pub(super) fn same_user(request: &SubscribeRequest, granted: &str) -> bool {
        if request.user.is_empty() || request.user == granted {
            return true;
        }
        // Both users are client text: escaped, or a `\n` in one would end
        // this line and forge the next.
        tracing::warn!(backend = "centrifugo", channel = %Escaped(&request.channel), connection_user = %Escaped(&request.user), session_user = %Escaped(granted), "refused: the connection's user is not the session's");
        false
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
        let answer = match error {
            WebhookError::Unauthorized => SubscribeAnswer::unauthorized(),
            WebhookError::Forbidden => SubscribeAnswer::permission_denied(),
            WebhookError::Internal => SubscribeAnswer::internal(),
            other => return other.into(),
        };
        Reply::json(&answer)
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
