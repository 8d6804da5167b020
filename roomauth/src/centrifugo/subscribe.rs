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
        self.check_secret(head)?;
        let request: SubscribeRequest = decode_json(
            head.content_type(),
            body,
            "Centrifugo's subscribe proxy request",
        )?;
        decoded_room(&request.channel)?;
        Ok(request)
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
        let user = decision.grant.user.as_str();
        // The cookie is the browser's, the connection Centrifugo's: when
        // Centrifugo knows the connection's user, it must be the one the
        // rules granted, or presence and publications would carry another
        // user's name.
        let answer = if !request.user.is_empty() && request.user != user {
            // Both users are client text: escaped, or a `\n` in one would end
            // this line and forge the next.
            tracing::warn!(backend = "centrifugo", channel = %Escaped(&request.channel), connection_user = %Escaped(&request.user), session_user = %Escaped(user), "refused: the connection's user is not the session's");
            SubscribeAnswer::permission_denied()
        } else {
            SubscribeAnswer::subscribed(decision.grant.info.clone())
        };
        Ok(Reply::json(&answer))
    }
}
