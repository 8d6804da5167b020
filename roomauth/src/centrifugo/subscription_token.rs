//! [`CentrifugoToken`]: the [`Backend`] of the subscription token endpoint.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::rules::Decision;

use super::channel::{decoded_room, room_of};
use super::config::CentrifugoToken;
use super::token::SubscriptionClaims;

/// The browser's request: `{"channel": "$project:1"}` (centrifuge-js's
/// `getToken({channel})` posts it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenRequest {
    /// The channel to subscribe to, exactly as the client will.
    pub channel: String,
}

/// The answer: `{"token": "<HS256 JWT>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenAnswer {
    /// The subscription token.
    pub token: String,
}

impl Backend for CentrifugoToken {
    type Request = TokenRequest;

    fn name(&self) -> &'static str {
        "centrifugo-token"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<TokenRequest, WebhookError> {
        let request: TokenRequest =
            decode_json(head.content_type(), body, r#"`{"channel": "<channel>"}`"#)?;
        decoded_room(&request.channel)?;
        Ok(request)
    }

    fn room<'r>(&self, request: &'r TokenRequest) -> &'r str {
        // Validated in `decode`.
        room_of(&request.channel).unwrap_or(&request.channel)
    }

    async fn grant(
        &self,
        request: &TokenRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let claims = SubscriptionClaims::new(
            decision.grant.user.as_str(),
            &request.channel,
            decision.grant.info.as_ref(),
            self.ttl,
        );
        let answer = TokenAnswer {
            token: self.secret.sign(&claims),
        };
        Ok(Reply::json(&answer))
    }
}
