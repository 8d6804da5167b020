//! [`HttpUpstream`]: the HTTP core every relaying backend calls its service
//! through. One request, retried where it is safe, within one deadline, and
//! a bounded answer that quotes no key. The HTTP client stays in here.

use std::fmt;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use url::Url;

use super::redact::{MAX_REASON_BYTES, quotes_key, redact};
use super::settings::{CallPolicy, SettingsError, UpstreamSettings};
use super::status::status_error;
use crate::error::upstream::{Service, UpstreamError, UpstreamErrorKind};
use crate::secret::Secret;
use crate::text::{Escaped, escape_controls, truncate};

/// The HTTP core of a service client: sends one request, retrying where it
/// is safe, within the deadline, and reads a bounded answer. Cheap to clone
/// (the HTTP client's pool is shared).
#[derive(Clone)]
pub(crate) struct HttpUpstream {
    client: reqwest::Client,
    service: Service,
    policy: CallPolicy,
    /// Scrubbed from every reason that quotes an answer.
    key: Option<Secret>,
}

impl fmt::Debug for HttpUpstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpUpstream")
            .field("service", &self.service.name)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl HttpUpstream {
    /// A core for `service` with `settings`, checked; `key` is scrubbed from
    /// reasons and refused in answers.
    pub(crate) fn new(
        settings: &UpstreamSettings,
        service: Service,
        key: Option<Secret>,
    ) -> Result<HttpUpstream, SettingsError> {
        let (client, policy) = settings.build_client()?;
        Ok(HttpUpstream {
            client,
            service,
            policy,
            key,
        })
    }

    /// The call's settings.
    pub(crate) fn policy(&self) -> CallPolicy {
        self.policy
    }

    /// POSTs the JSON `payload` to `endpoint` (with `authorization` when
    /// given), a JSON answer expected, retrying where it is safe, all
    /// within the deadline; returns the body of a 2xx answer, at most
    /// `max_body` bytes, or the error.
    #[cfg_attr(
        not(any(
            feature = "room-service",
            feature = "liveblocks",
            feature = "y-sweet",
            feature = "livekit"
        )),
        allow(dead_code)
    )]
    pub(crate) async fn post_json(
        &self,
        endpoint: &Url,
        authorization: Option<&HeaderValue>,
        payload: Bytes,
        max_body: usize,
    ) -> Result<Bytes, UpstreamError> {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value.clone());
        }
        self.post_json_with(endpoint, &headers, payload, max_body)
            .await
    }

    /// [`post_json`](Self::post_json) with the service's own headers (a
    /// signature, an API key header) instead of `Authorization`.
    pub(crate) async fn post_json_with(
        &self,
        endpoint: &Url,
        headers: &HeaderMap,
        payload: Bytes,
        max_body: usize,
    ) -> Result<Bytes, UpstreamError> {
        self.call(
            || {
                self.client
                    .post(endpoint.clone())
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .headers(headers.clone())
                    .body(payload.clone())
            },
            max_body,
        )
        .await
    }

    /// Sends the request `build` makes (once per attempt), retrying where
    /// it is safe, all within the deadline.
    async fn call(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
        max_body: usize,
    ) -> Result<Bytes, UpstreamError> {
        let deadline = tokio::time::Instant::now() + self.policy.timeout;
        let mut retries = 0;
        loop {
            let attempt = tokio::time::timeout_at(deadline, self.attempt(build(), max_body)).await;
            let err = match attempt {
                Ok(Ok(answer)) => return Ok(answer),
                Ok(Err(Failure::Final(err))) => return Err(err),
                Ok(Err(Failure::Retryable(err))) => err,
                Err(_elapsed) => {
                    tracing::warn!(service = self.service.name, timeout = ?self.policy.timeout, retries, "the service did not answer in time");
                    return Err(self.error(UpstreamErrorKind::Timeout));
                }
            };
            if retries >= self.policy.max_retries {
                return Err(err);
            }
            let wait = self.backoff(retries);
            if tokio::time::Instant::now() + wait >= deadline {
                tracing::debug!(
                    service = self.service.name,
                    retries,
                    "no time left to retry"
                );
                return Err(err);
            }
            retries += 1;
            tracing::info!(service = self.service.name, retry = retries, wait = ?wait, error = %err, "retrying the provision");
            tokio::time::sleep(wait).await;
        }
    }

    /// The wait before retry `retries + 1`: the backoff doubled `retries`
    /// times, between half of that and all of it (jitter, so that clients
    /// failed together do not retry together).
    fn backoff(&self, retries: u32) -> Duration {
        let full = self
            .policy
            .retry_backoff
            .saturating_mul(1 << retries.min(16));
        let half = full / 2;
        let jitter = getrandom::u32().unwrap_or(0);
        half + half.mul_f64(f64::from(jitter) / f64::from(u32::MAX))
    }

    /// One request and its answer.
    async fn attempt(
        &self,
        request: reqwest::RequestBuilder,
        max_body: usize,
    ) -> Result<Bytes, Failure> {
        let mut response = request.send().await.map_err(|err| {
            // Only a connection that was never made is safe to retry: once
            // the request is sent, the server may have acted on it.
            let retryable = err.is_connect();
            let err = self.transport_error(&err);
            if retryable {
                Failure::Retryable(err)
            } else {
                Failure::Final(err)
            }
        })?;

        let status = response.status();
        if !status.is_success() {
            let err = self.error(status_error(status, response.headers()));
            tracing::warn!(service = self.service.name, status = status.as_u16(), error = %err, "the service refused the call");
            // A 5xx says the server failed; its body is not read.
            return Err(if status.is_server_error() {
                Failure::Retryable(err)
            } else {
                Failure::Final(err)
            });
        }

        let too_large = || {
            Failure::Final(self.invalid_answer(format!("the body is larger than {max_body} bytes")))
        };
        if response
            .content_length()
            .is_some_and(|len| len > max_body as u64)
        {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > max_body {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) if err.is_timeout() => {
                    return Err(Failure::Final(self.transport_error(&err)));
                }
                Err(_) => {
                    return Err(Failure::Final(
                        self.invalid_answer("the body was cut off".to_owned()),
                    ));
                }
            }
        }
        // The answer goes on to the browser: one that quotes the key
        // (an echoing or hostile server) is refused, never passed on.
        if self
            .key
            .as_ref()
            .is_some_and(|key| quotes_key(&body, key.expose()))
        {
            return Err(Failure::Final(
                self.invalid_answer("the answer quotes the API key".to_owned()),
            ));
        }
        Ok(body.freeze())
    }

    /// An error of `kind` from this service.
    pub(crate) fn error(&self, kind: UpstreamErrorKind) -> UpstreamError {
        UpstreamError::new(self.service, kind)
    }

    /// An [`UpstreamErrorKind::InvalidAnswer`] whose reason is cut to
    /// [`MAX_REASON_BYTES`], freed of control characters and of the key,
    /// and logged.
    pub(crate) fn invalid_answer(&self, reason: String) -> UpstreamError {
        let reason = escape_controls(&truncate(&reason, MAX_REASON_BYTES));
        let reason = match &self.key {
            Some(key) => redact(&reason, key.expose()),
            None => reason,
        };
        let err = self.error(UpstreamErrorKind::InvalidAnswer { reason });
        tracing::warn!(service = self.service.name, error = %err, "the service answered with an unusable body");
        err
    }

    /// Maps an HTTP client error that is not a status: a timeout or a
    /// failed connection.
    fn transport_error(&self, err: &reqwest::Error) -> UpstreamError {
        // The client's message names the URL, never a header: safe to log;
        // escaped, as it may quote what the server sent.
        let chain = Escaped(ErrorChain(err));
        if err.is_timeout() {
            tracing::warn!(service = self.service.name, timeout = ?self.policy.timeout, error = %chain, "the service did not answer in time");
            self.error(UpstreamErrorKind::Timeout)
        } else {
            tracing::warn!(service = self.service.name, connect = err.is_connect(), error = %chain, "cannot reach the service");
            self.error(UpstreamErrorKind::Connect)
        }
    }
}

/// How one attempt failed: whether another may be made.
enum Failure {
    /// The server cannot have acted (no connection), or said it failed
    /// (5xx): another attempt is safe.
    Retryable(UpstreamError),
    /// Anything else: the error is the call's.
    Final(UpstreamError),
}

/// Displays an error and its sources, `a: b: c`.
struct ErrorChain<'a>(&'a reqwest::Error);

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut current: Option<&dyn std::error::Error> = Some(self.0);
        let mut first = true;
        while let Some(err) = current {
            if !first {
                f.write_str(": ")?;
            }
            write!(f, "{err}")?;
            first = false;
            current = err.source();
        }
        Ok(())
    }
}
