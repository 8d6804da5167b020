//! [`YSweet`]: the [`Backend`] of the auth endpoint `@y-sweet/client` calls.

use std::time::Duration;

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::RequestHead;
use crate::request::require_json;
use crate::rule::Access;
use crate::rules::Decision;
use crate::secret::ApiKey;
use crate::upstream::{CallPolicy, HttpUpstream, Service, UpstreamError, UpstreamSettings};

use super::connection::{CONNECTION_STRING_ENV, ConnectionString, ConnectionStringError};
use super::doc_id::validate_doc_id;
use super::wire::{
    AuthDocRequest, Authorization, ClientRequest, ClientToken, NewDocAnswer, NewDocRequest,
};

/// The y-sweet server, as its errors name it.
pub const SERVICE: Service = Service {
    name: "y-sweet",
    url_setting: CONNECTION_STRING_ENV,
    key_setting: CONNECTION_STRING_ENV,
};

/// How long client tokens are valid unless configured: y-sweet's own default.
pub const DEFAULT_VALID_FOR: Duration = Duration::from_secs(3600);

/// The largest answer read from the server (a client token is ~300 bytes).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The default deadline of one grant's calls to the server, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The auth endpoint of `@y-sweet/client` (see the [module docs](super)).
#[derive(Debug, Clone)]
pub struct YSweet {
    connection: ConnectionString,
    upstream: HttpUpstream,
    valid_for: Duration,
}

/// Why a [`YSweet`] could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YSweetConfigError {
    /// The connection string is missing or wrong.
    #[error(transparent)]
    Connection(#[from] ConnectionStringError),
    /// The timeout or backoff is out of range, or the HTTP client could not
    /// be built.
    #[error("the y-sweet client settings are wrong: {0}")]
    Client(String),
}

impl YSweet {
    /// An endpoint that asks the server of `connection` for client tokens,
    /// with a 5 s deadline and up to 2 retries of safe failures.
    pub fn new(connection: ConnectionString) -> Result<YSweet, YSweetConfigError> {
        YSweet::with_policy(
            connection,
            CallPolicy {
                timeout: DEFAULT_TIMEOUT,
                max_retries: 2,
                retry_backoff: Duration::from_millis(50),
            },
        )
    }

    /// [`new`](Self::new) with the deadline and retries of `policy`.
    pub fn with_policy(
        connection: ConnectionString,
        policy: CallPolicy,
    ) -> Result<YSweet, YSweetConfigError> {
        let (client, policy) = UpstreamSettings {
            timeout: policy.timeout,
            connect_timeout: policy.timeout,
            max_retries: policy.max_retries,
            retry_backoff: policy.retry_backoff,
            pool_max_idle_per_host: 16,
        }
        .build_client()
        .map_err(|err| YSweetConfigError::Client(err.to_string()))?;
        let key = connection.server_token().map(ApiKey::new);
        Ok(YSweet {
            upstream: HttpUpstream::new(client, SERVICE, policy, key),
            connection,
            valid_for: DEFAULT_VALID_FOR,
        })
    }

    /// An endpoint for the server of `Y_SWEET_CONNECTION_STRING`.
    pub fn from_env() -> Result<YSweet, YSweetConfigError> {
        YSweet::new(ConnectionString::from_env()?)
    }

    /// How long the client tokens are valid (y-sweet's `validForSeconds`;
    /// the client fetches a new one when its connection fails).
    pub fn valid_for(mut self, valid_for: Duration) -> Self {
        self.valid_for = valid_for;
        self
    }

    /// A POST of `body` as JSON to `path` of the server, with the server token.
    async fn post(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<bytes::Bytes, UpstreamError> {
        let url = self.connection.endpoint(path);
        let body = serde_json::to_vec(body).map_err(|e| {
            self.upstream
                .invalid_answer(format!("cannot encode the request: {e}"))
        })?;
        let answer = self
            .upstream
            .call(
                |http| {
                    let request = http
                        .post(&url)
                        .header(http::header::CONTENT_TYPE, "application/json")
                        .body(body.clone());
                    match self.connection.server_token() {
                        Some(token) => request.bearer_auth(token),
                        None => request,
                    }
                },
                MAX_ANSWER_BYTES,
            )
            .await?;
        Ok(answer.body)
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
        require_json(head.content_type())?;
        let request: ClientRequest = serde_json::from_slice(body).map_err(|e| {
            WebhookError::malformed(format!("expected {{\"docId\": \"...\"}}: {e}"))
        })?;
        validate_doc_id(&request.doc_id).map_err(|e| WebhookError::malformed(e.to_string()))?;
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
