//! [`Hocuspocus`]: the [`Backend`] that answers roomauth's extension.

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::rule::Access;
use crate::rules::Decision;

use super::answer::AuthenticateAnswer;
use super::config::Hocuspocus;
use super::request::AuthenticateRequest;
use super::signature::SIGNATURE_HEADER;

impl Backend for Hocuspocus {
    type Request = AuthenticateRequest;

    fn name(&self) -> &'static str {
        "hocuspocus"
    }

    fn decode(
        &self,
        head: &RequestHead<'_>,
        body: &[u8],
    ) -> Result<AuthenticateRequest, WebhookError> {
        // The signature first: nothing of an unsigned body is parsed.
        if let Err(error) = self.secret.verify(head.header(SIGNATURE_HEADER), body) {
            tracing::warn!(backend = "hocuspocus", %error, "request refused: bad signature");
            return Err(WebhookError::BadSignature);
        }
        let request: AuthenticateRequest =
            decode_json(head.content_type(), body, r#"`{"documentName": "<name>"}`"#)?;
        request
            .validate()
            .map_err(|e| WebhookError::malformed(e.to_string()))?;
        Ok(request)
    }

    fn room<'r>(&self, request: &'r AuthenticateRequest) -> &'r str {
        &request.document_name
    }

    async fn grant(
        &self,
        _request: &AuthenticateRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let answer = AuthenticateAnswer {
            user: decision.grant.user.into_string(),
            read_only: decision.grant.access == Access::Read,
        };
        Ok(Reply::json(&answer))
    }
}
