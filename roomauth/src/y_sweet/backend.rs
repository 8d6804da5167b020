//! [`YSweet`]: the [`Backend`] of the auth endpoint `@y-sweet/client` calls.

use url::Url;

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::name::floor_or;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::rule::Access;
use crate::rules::Decision;
use crate::upstream::{UpstreamError, UpstreamErrorKind};

use super::config::YSweet;
use super::doc_id::validate_doc_id;
use super::request::ClientRequest;
use super::token::ClientToken;
use super::wire::{AuthDocRequest, Authorization, NewDocAnswer, NewDocRequest};

/// The largest answer read from the server (a client token is ~300 bytes).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

impl YSweet {
    /// A POST of `body` as JSON to `path` of the server, with the server
    /// token, through the shared relay.
    async fn post(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<bytes::Bytes, UpstreamError> {
        let url = Url::parse(&self.connection.endpoint(path)).map_err(|err| {
            // The base was parsed with the connection string and the path
            // is validated: only a bug gets here.
            tracing::error!(error = %err, "the y-sweet endpoint is not a URL");
            self.upstream.error(UpstreamErrorKind::Connect)
        })?;
        let payload = serde_json::to_vec(body).map_err(|e| {
            self.upstream
                .invalid_answer(format!("cannot encode the request: {e}"))
        })?;
        self.upstream
            .post_json(
                &url,
                self.authorization.as_ref(),
                payload.into(),
                MAX_ANSWER_BYTES,
            )
            .await
    }

    /// `POST /doc/new`: creates the document when it is missing (a no-op
    /// otherwise, so every grant can call it).
    async fn create_doc(&self, doc_id: &str) -> Result<(), UpstreamError> {
        let body = self.post("/doc/new", &NewDocRequest { doc_id }).await?;
        let answer: NewDocAnswer = serde_json::from_slice(&body)
            .map_err(|e| self.upstream.invalid_answer(format!("/doc/new: {e}")))?;
        if answer.doc_id != doc_id {
            return Err(self
                .upstream
                .invalid_answer("/doc/new answered another docId".to_owned()));
        }
        Ok(())
    }

    /// `POST /doc/:id/auth`: the client token, checked, as the server sent it.
    async fn auth_doc(
        &self,
        doc_id: &str,
        user_id: &str,
        authorization: Authorization,
    ) -> Result<bytes::Bytes, UpstreamError> {
        let request = AuthDocRequest {
            authorization,
            user_id,
            valid_for_seconds: self.valid_for.as_secs().max(1),
        };
        // The id was validated ([A-Za-z0-9_-]+): nothing to escape in the path.
        let body = self.post(&format!("/doc/{doc_id}/auth"), &request).await?;
        let token: ClientToken = serde_json::from_slice(&body).map_err(|e| {
            self.upstream
                .invalid_answer(format!("/doc/{doc_id}/auth: {e}"))
        })?;
        token
            .check(doc_id, authorization)
            .map_err(|e| self.upstream.invalid_answer(e.to_string()))?;
        Ok(body)
    }
}

impl Backend for YSweet {
    type Request = ClientRequest;

    fn name(&self) -> &'static str {
        "y-sweet"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<ClientRequest, WebhookError> {
        let request: ClientRequest =
            decode_json(head.content_type(), body, r#"`{"docId": "<id>"}`"#)?;
        // A look-alike id gets the floor's refusal, as from every backend.
        validate_doc_id(&request.doc_id)
            .map_err(|e| floor_or(&request.doc_id, WebhookError::malformed(e.to_string())))?;
        Ok(request)
    }

    fn room<'r>(&self, request: &'r ClientRequest) -> &'r str {
        &request.doc_id
    }

    async fn grant(
        &self,
        request: &ClientRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let authorization = match decision.grant.access {
            Access::Write => Authorization::Full,
            Access::Read => Authorization::ReadOnly,
        };
        self.create_doc(&request.doc_id).await?;
        let token = self
            .auth_doc(&request.doc_id, decision.grant.user.as_str(), authorization)
            .await?;
        Ok(Reply::ok(token))
    }
}
