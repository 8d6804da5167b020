//! [`CentrifugoPublish`]: the [`Backend`] of the publish proxy, where a
//! read grant is kept read-only.

use crate::Access;
use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rules::Decision;
use crate::text::Escaped;

use super::channel::room_of;
use super::config::CentrifugoPublish;
use super::proxy::{PublishAnswer, PublishRequest, PublishResult};
use super::proxy_endpoint::{decode_proxy, refusal_reply, same_user};

impl Backend for CentrifugoPublish {
    type Request = PublishRequest;

    fn name(&self) -> &'static str {
        "centrifugo"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<PublishRequest, WebhookError> {
        decode_proxy(
            self.secret.as_ref(),
            head,
            body,
            "Centrifugo's publish proxy request",
            |request: &PublishRequest| &request.channel,
        )
    }

    fn room<'r>(&self, request: &'r PublishRequest) -> &'r str {
        // Validated in `decode`.
        room_of(&request.channel).unwrap_or(&request.channel)
    }

    fn refusal_reply(&self, error: WebhookError) -> Reply {
        refusal_reply::<PublishResult>(error)
    }

    async fn grant(
        &self,
        request: &PublishRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let grant = &decision.grant;
        let answer = if !same_user(&request.user, grant.user.as_str(), &request.channel) {
            PublishAnswer::permission_denied()
        } else if grant.access < Access::Write {
            tracing::info!(backend = "centrifugo", rule = decision.rule, channel = %Escaped(&request.channel), user = %Escaped(grant.user.as_str()), "publish refused: a read grant");
            PublishAnswer::read_only()
        } else {
            PublishAnswer::published()
        };
        Ok(Reply::json(&answer))
    }
}
