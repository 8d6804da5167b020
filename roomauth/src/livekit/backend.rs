//! [`LiveKit`] as a [`Backend`]: `TokenSourceRequest` in, a signed token out.

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::rule::Access;
use crate::rules::Decision;
use crate::text::Escaped;

use super::claims::name_and_metadata;
use super::{LiveKit, LiveKitGrant, Participant, TokenRequest};

impl Backend for LiveKit {
    type Request = TokenRequest;

    fn name(&self) -> &'static str {
        "livekit"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<TokenRequest, WebhookError> {
        TokenRequest::decode(head.content_type(), body)
    }

    fn room<'r>(&self, request: &'r TokenRequest) -> &'r str {
        &request.room
    }

    async fn grant(
        &self,
        request: &TokenRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let grant = &decision.grant;
        let identity = grant.user.as_str();
        if !request.identity_matches(identity) {
            tracing::info!(
                rule = decision.rule,
                room = %Escaped(&request.room),
                "the client named another participant_identity than the session's user"
            );
            return Err(WebhookError::malformed(
                "`participant_identity` is not the logged-in user: leave it out, the token's identity comes from the session",
            ));
        }
        let livekit = grant.extension::<LiveKitGrant>();
        let (name, metadata) = name_and_metadata(grant.info.as_ref());
        let refused = request
            .asked
            .not_granted(name.as_deref(), metadata.as_deref(), livekit);
        if !refused.is_empty() {
            let fields = refused.join(", ");
            tracing::info!(
                rule = decision.rule,
                room = %request.room,
                fields = %fields,
                "the client asked for what the rule did not decide"
            );
            return Err(WebhookError::malformed(format!(
                "the client may not set {fields}: the app decides them (the name and metadata from the session, attributes and agents from its rules); leave them out"
            )));
        }
        let participant = Participant {
            room: &request.room,
            identity,
            publish: grant.access == Access::Write,
            info: grant.info.as_ref(),
            livekit,
            agents: &request.asked.agents,
        };
        let response = self.token_response(&participant).map_err(|err| {
            tracing::error!(rule = decision.rule, error = %err, "the LiveKit token could not be serialized");
            WebhookError::Internal
        })?;
        tracing::debug!(rule = decision.rule, room = %Escaped(&request.room), access = ?grant.access, "LiveKit token issued");
        Ok(Reply::json(&response))
    }
}
