//! [`Hocuspocus`]: the [`Backend`] that answers roomauth's extension.

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::request::require_json;
use crate::rule::Access;
use crate::rules::Decision;

use super::signature::{HocuspocusSecret, SIGNATURE_HEADER};
use super::wire::{AuthenticateAnswer, AuthenticateRequest};

/// The environment variable read by [`Hocuspocus::from_env`].
pub const SECRET_ENV: &str = "HOCUSPOCUS_SECRET";

/// The endpoint of roomauth's Hocuspocus extension (see the
/// [module docs](super)).
#[derive(Debug, Clone)]
pub struct Hocuspocus {
    secret: HocuspocusSecret,
}

/// Why [`Hocuspocus::from_env`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HocuspocusConfigError {
    /// `HOCUSPOCUS_SECRET` is unset or empty.
    #[error(
        "set {SECRET_ENV} to the secret shared with the Hocuspocus extension (the same value on both sides)"
    )]
    MissingSecret,
}

impl Hocuspocus {
    /// An endpoint that accepts requests signed with `secret`.
    pub fn new(secret: HocuspocusSecret) -> Hocuspocus {
        Hocuspocus { secret }
    }

    /// An endpoint keyed with `HOCUSPOCUS_SECRET`.
    pub fn from_env() -> Result<Hocuspocus, HocuspocusConfigError> {
        let secret = std::env::var(SECRET_ENV).unwrap_or_default();
        HocuspocusSecret::new(secret)
            .map(Hocuspocus::new)
            .ok_or(HocuspocusConfigError::MissingSecret)
    }
}

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
        require_json(head.content_type())?;
        let request: AuthenticateRequest = serde_json::from_slice(body).map_err(|e| {
            WebhookError::malformed(format!("expected {{\"documentName\": \"...\"}}: {e}"))
        })?;
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
        let body = serde_json::to_vec(&answer).map_err(|_| WebhookError::Internal)?;
        Ok(Reply::ok(body))
    }
}
