//! [`Liveblocks`] as a [`Backend`]: `{"room"}` in, the rules' grant
//! authorized through `/v2/authorize-user`, `{"token"}` out.

use bytes::Bytes;

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::Access;
use crate::rules::Decision;
use crate::text::Escaped;
use crate::upstream::UpstreamError;

use super::answer::{MAX_ANSWER_BYTES, TokenAnswer};
use super::authorize::{AuthorizeUser, LiveblocksGrant, OneRoom, Permission, user_info};
use super::{AuthRequest, Liveblocks};

impl Backend for Liveblocks {
    type Request = AuthRequest;

    fn name(&self) -> &'static str {
        "liveblocks"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<AuthRequest, WebhookError> {
        AuthRequest::decode(head.content_type(), body)
    }

    fn room<'r>(&self, request: &'r AuthRequest) -> &'r str {
        &request.room
    }

    async fn grant(
        &self,
        request: &AuthRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let grant = &decision.grant;
        let user_info = user_info(grant.info.as_ref()).map_err(|err| {
            tracing::error!(rule = decision.rule, error = %err, "the rule's user info cannot be sent to Liveblocks");
            WebhookError::Internal
        })?;
        let write = grant.access == Access::Write;
        let levels = grant.extension::<LiveblocksGrant>();
        if !write && levels.is_some_and(LiveblocksGrant::storage_above_read) {
            tracing::warn!(rule = decision.rule, room = %Escaped(&request.room), "a read grant asked for storage:write: sent as storage:read");
        }
        let permissions = Permission::for_grant(write, levels);
        let body = AuthorizeUser {
            user_id: grant.user.as_str(),
            permissions: OneRoom {
                room: &request.room,
                permissions: &permissions,
            },
            user_info,
        };
        let payload = Bytes::from(serde_json::to_vec(&body).map_err(|err| {
            tracing::error!(rule = decision.rule, error = %err, "the authorize-user body could not be serialized");
            WebhookError::Internal
        })?);
        let answer = self
            .upstream
            .post_json(&self.endpoint, Some(&self.authorization), payload, MAX_ANSWER_BYTES)
            .await
            .map_err(|error| {
                tracing::warn!(rule = decision.rule, room = %Escaped(&request.room), %error, "Liveblocks did not authorize the session");
                WebhookError::Upstream(error)
            })?;
        let token = TokenAnswer::from_json(&answer)
            .and_then(|token| {
                token
                    .check_grant(grant.user.as_str(), &request.room, &permissions)
                    .map(|()| token)
            })
            .map_err(|err| {
                let error: UpstreamError = self.upstream.invalid_answer(err.reason.to_owned());
                WebhookError::Upstream(error)
            })?;
        tracing::debug!(rule = decision.rule, room = %Escaped(&request.room), access = ?grant.access, "Liveblocks session authorized");
        Ok(Reply::json(&token))
    }
}
