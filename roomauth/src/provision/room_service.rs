//! [`RoomService`]: the HTTP client of a Room Service-compatible
//! `POST /provision` endpoint (PROTOCOL.md section 2).
//!
//! # Deadline and retries
//!
//! The configured [`timeout`](RoomServiceBuilder::timeout) is the budget of
//! the whole call: every attempt, the waits between them and reading the
//! answer's body. When it runs out, the call fails with
//! [`ProvisionError::Timeout`].
//!
//! A provision is not idempotent (each one issues a token), so a call is
//! retried only when the server cannot have acted on it, or said it did
//! not: when no connection could be made ([`ProvisionError::Connect`] from
//! the connect phase), and when the answer's status is a 5xx (the body of a
//! failed answer is never read). A connection that breaks after the request
//! was sent, a timeout, a 429, a 4xx and a body that is cut off or not the
//! documented JSON are never retried. At most
//! [`max_retries`](RoomServiceBuilder::max_retries) retries (default
//! [`DEFAULT_MAX_RETRIES`]) follow, after exponential backoff with jitter
//! starting at [`retry_backoff`](RoomServiceBuilder::retry_backoff)
//! (default [`DEFAULT_RETRY_BACKOFF`]); a retry whose wait would not leave
//! any of the budget is not made, and the last error is returned at once.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::BytesMut;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use reqwest::Url;
use serde::Deserialize;

use super::{
    ConfigError, ENV_API_KEY, ENV_AUTH_SCHEME, ENV_URL, ProvisionError, Provisioned, Provisioner,
    env_var, truncate,
};
use crate::protocol::{ProvisionRequest, ProvisionResponse};
use crate::secret::ApiKey;

/// Room Service's base URL.
pub const DEFAULT_BASE_URL: &str = "https://super.roomservice.dev";
/// How long a whole provisioning call, retries included, may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times a call that failed in a retryable way is retried by
/// default (see the [module docs](self)).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The wait before the first retry by default; it doubles at each retry
/// (with jitter: between half of it and all of it).
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(25);
/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many idle keep-alive connections are kept per host by default
/// (they close after 90 s unused): as many as a busy webhook has calls in
/// flight, so that load does not close and reopen connections. Each close
/// leaves a socket in TIME-WAIT for a minute; with 32, the soak
/// (`examples/soak/run.sh`, 1,000 clients) left 14,000 of them after a
/// minute at 2,500 requests/s, on its way to exhausting the ephemeral ports.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 1024;
/// The largest response body read; a longer one is an
/// [`ProvisionError::InvalidBody`].
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The longest serde reason quoted in an [`ProvisionError::InvalidBody`].
const MAX_REASON_BYTES: usize = 200;

/// How the API key is sent in the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AuthScheme {
    /// `Authorization: Bearer: <key>`, with the colon: what every official
    /// Room Service example sent (the default).
    #[default]
    BearerColon,
    /// `Authorization: Bearer <key>`, the standard form.
    Bearer,
}

impl AuthScheme {
    /// The header value's prefix, before the key.
    pub const fn prefix(self) -> &'static str {
        match self {
            AuthScheme::BearerColon => "Bearer: ",
            AuthScheme::Bearer => "Bearer ",
        }
    }

    /// The name used by `ROOMSERVICE_AUTH_SCHEME`: `bearer-colon` or `bearer`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthScheme::BearerColon => "bearer-colon",
            AuthScheme::Bearer => "bearer",
        }
    }
}

impl std::str::FromStr for AuthScheme {
    type Err = ConfigError;

    /// Parses `bearer-colon` or `bearer` (case-insensitive, surrounding
    /// whitespace ignored).
    fn from_str(value: &str) -> Result<AuthScheme, ConfigError> {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("bearer-colon") {
            Ok(AuthScheme::BearerColon)
        } else if trimmed.eq_ignore_ascii_case("bearer") {
            Ok(AuthScheme::Bearer)
        } else {
            Err(ConfigError::InvalidAuthScheme {
                value: truncate(value, 32),
            })
        }
    }
}

/// Provisions through a Room Service-compatible server over HTTP(S).
///
/// Holds one pooled keep-alive [`reqwest::Client`], built once; clone the
/// `RoomService` (cheap) or share it behind an `Arc` rather than building
/// one per call.
///
/// ```no_run
/// # fn main() -> Result<(), roomauth::provision::ConfigError> {
/// use roomauth::provision::{AuthScheme, RoomService};
/// let service = RoomService::builder()
///     .api_key(roomauth::ApiKey::new("sk_live_..."))
///     .base_url("https://super.roomservice.dev")
///     .auth_scheme(AuthScheme::BearerColon)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RoomService {
    client: reqwest::Client,
    endpoint: Url,
    api_key: ApiKey,
    authorization: HeaderValue,
    auth_scheme: AuthScheme,
    timeout: Duration,
    max_retries: u32,
    retry_backoff: Duration,
}

impl fmt::Debug for RoomService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomService")
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &self.api_key)
            .field("auth_scheme", &self.auth_scheme)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_backoff", &self.retry_backoff)
            .finish_non_exhaustive()
    }
}

/// Builds a [`RoomService`]; see [`RoomService::builder`]. Errors are
/// reported by [`build`](RoomServiceBuilder::build).
#[derive(Clone)]
#[must_use]
pub struct RoomServiceBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    auth_scheme: AuthScheme,
    timeout: Duration,
    connect_timeout: Duration,
    pool_max_idle_per_host: usize,
    max_retries: u32,
    retry_backoff: Duration,
}

impl fmt::Debug for RoomServiceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomServiceBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("auth_scheme", &self.auth_scheme)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_retries", &self.max_retries)
            .field("retry_backoff", &self.retry_backoff)
            .finish()
    }
}

impl Default for RoomServiceBuilder {
    fn default() -> Self {
        RoomServiceBuilder {
            api_key: None,
            base_url: None,
            auth_scheme: AuthScheme::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
        }
    }
}

impl RoomServiceBuilder {
    /// The API key (required).
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The server's base URL; `/provision` is appended. Default
    /// [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How the key is sent; default [`AuthScheme::BearerColon`].
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.auth_scheme = scheme;
        self
    }

    /// The timeout of a whole call, connecting, retries and reading the body
    /// included; default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout; default [`DEFAULT_CONNECT_TIMEOUT`] (never more
    /// than the whole call's timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many idle keep-alive connections are kept per host; default
    /// [`DEFAULT_POOL_MAX_IDLE_PER_HOST`].
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// How many times a call is retried when the server cannot have acted
    /// on it (no connection) or said it failed (5xx); default
    /// [`DEFAULT_MAX_RETRIES`], 0 for none. See the [module docs](self).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry, doubled at each retry; default
    /// [`DEFAULT_RETRY_BACKOFF`].
    pub fn retry_backoff(mut self, backoff: Duration) -> Self {
        self.retry_backoff = backoff;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<RoomService, ConfigError> {
        let api_key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        check_api_key(&api_key)?;
        let endpoint = provision_endpoint(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        if self.timeout.is_zero() {
            return Err(ConfigError::ZeroTimeout { what: "request" });
        }
        if self.connect_timeout.is_zero() {
            return Err(ConfigError::ZeroTimeout { what: "connect" });
        }
        let mut authorization =
            HeaderValue::try_from(format!("{}{}", self.auth_scheme.prefix(), api_key.expose()))
                .map_err(|_| ConfigError::InvalidApiKey)?;
        authorization.set_sensitive(true);

        let client = reqwest::Client::builder()
            .user_agent(concat!("roomauth/", env!("CARGO_PKG_VERSION")))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            // A redirected POST would turn into a GET and could carry the key
            // elsewhere: a 3xx is reported as an unexpected status instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ConfigError::HttpClient {
                reason: truncate(&err.to_string(), MAX_REASON_BYTES),
            })?;

        Ok(RoomService {
            client,
            endpoint,
            api_key,
            authorization,
            auth_scheme: self.auth_scheme,
            timeout: self.timeout,
            max_retries: self.max_retries,
            retry_backoff: self.retry_backoff,
        })
    }
}

/// Refuses keys no server would accept: empty, or with characters outside
/// visible ASCII (a stray space, quote or newline, usually).
fn check_api_key(key: &ApiKey) -> Result<(), ConfigError> {
    let key = key.expose();
    if key.is_empty() {
        return Err(ConfigError::EmptyApiKey);
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::InvalidApiKey);
    }
    Ok(())
}

/// `{base}/provision`, after checking that `base` is an absolute http(s) URL
/// without credentials, query or fragment.
fn provision_endpoint(base: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidUrl {
        reason: reason.to_owned(),
    };
    let url = Url::parse(base.trim()).map_err(|err| ConfigError::InvalidUrl {
        reason: err.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains credentials; the API key belongs in ROOMSERVICE_API_KEY",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    let joined = format!("{}/provision", url.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|err| ConfigError::InvalidUrl {
        reason: err.to_string(),
    })
}

impl RoomService {
    /// A builder, in reqwest's style.
    pub fn builder() -> RoomServiceBuilder {
        RoomServiceBuilder::default()
    }

    /// Reads `ROOMSERVICE_API_KEY` (required), `ROOMSERVICE_URL` (default
    /// [`DEFAULT_BASE_URL`]) and `ROOMSERVICE_AUTH_SCHEME` (`bearer-colon`,
    /// the default, or `bearer`).
    pub fn from_env() -> Result<RoomService, ConfigError> {
        RoomService::from_lookup(env_var)
    }

    /// [`RoomService::from_env`] over any variable lookup.
    pub(crate) fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<RoomService, ConfigError> {
        let key = lookup(ENV_API_KEY)?.ok_or(ConfigError::MissingApiKey)?;
        let mut builder = RoomService::builder().api_key(ApiKey::new(key));
        if let Some(url) = lookup(ENV_URL)?.filter(|url| !url.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        if let Some(scheme) = lookup(ENV_AUTH_SCHEME)?.filter(|s| !s.trim().is_empty()) {
            builder = builder.auth_scheme(scheme.parse()?);
        }
        builder.build()
    }

    /// The URL provisioning posts to: `{base}/provision`.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// How the key is sent.
    pub fn auth_scheme(&self) -> AuthScheme {
        self.auth_scheme
    }

    /// The timeout of a whole call, retries included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How many times a call may be retried.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// Sends the request and reads the answer, retrying where it is safe,
    /// all within the timeout; maps every failure to its own
    /// [`ProvisionError`].
    async fn call(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        let payload =
            serde_json::to_vec(request).map_err(|err| ProvisionError::InvalidRequest {
                reason: err.to_string(),
            })?;
        tracing::debug!(endpoint = %self.endpoint, resources = request.resources.len(), "provisioning through Room Service");
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut retries = 0;
        loop {
            let attempt = tokio::time::timeout_at(deadline, self.attempt(&payload)).await;
            let err = match attempt {
                Ok(Ok(provisioned)) => return Ok(provisioned),
                Ok(Err(Failure::Final(err))) => return Err(err),
                Ok(Err(Failure::Retryable(err))) => err,
                Err(_elapsed) => {
                    tracing::warn!(endpoint = %self.endpoint, timeout = ?self.timeout, retries, "Room Service did not answer in time");
                    return Err(ProvisionError::Timeout);
                }
            };
            if retries >= self.max_retries {
                return Err(err);
            }
            let wait = self.backoff(retries);
            if tokio::time::Instant::now() + wait >= deadline {
                tracing::debug!(endpoint = %self.endpoint, retries, "no time left to retry");
                return Err(err);
            }
            retries += 1;
            tracing::info!(endpoint = %self.endpoint, retry = retries, wait = ?wait, error = %err, "retrying the provision");
            tokio::time::sleep(wait).await;
        }
    }

    /// The wait before retry `retries + 1`: the backoff doubled `retries`
    /// times, between half of that and all of it (jitter, so that clients
    /// failed together do not retry together).
    fn backoff(&self, retries: u32) -> Duration {
        let full = self.retry_backoff.saturating_mul(1 << retries.min(16));
        let half = full / 2;
        let jitter = getrandom::u32().unwrap_or(0);
        half + half.mul_f64(f64::from(jitter) / f64::from(u32::MAX))
    }

    /// One request and its answer.
    async fn attempt(&self, payload: &[u8]) -> Result<Provisioned, Failure> {
        let mut response = self
            .client
            .post(self.endpoint.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(payload.to_vec())
            .send()
            .await
            .map_err(|err| {
                // Only a connection that was never made is safe to retry: once
                // the request is sent, the server may have provisioned.
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
            let err = status_error(status, response.headers());
            tracing::warn!(endpoint = %self.endpoint, status = status.as_u16(), error = %err, "Room Service refused to provision");
            // A 5xx says the server failed; its body is not read.
            return Err(if status.is_server_error() {
                Failure::Retryable(err)
            } else {
                Failure::Final(err)
            });
        }

        if response
            .content_length()
            .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
        {
            return Err(Failure::Final(self.invalid_body(format!(
                "the body is larger than {MAX_RESPONSE_BYTES} bytes"
            ))));
        }
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Err(Failure::Final(self.invalid_body(format!(
                            "the body is larger than {MAX_RESPONSE_BYTES} bytes"
                        ))));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) if err.is_timeout() => {
                    return Err(Failure::Final(self.transport_error(&err)));
                }
                Err(_) => {
                    return Err(Failure::Final(
                        self.invalid_body("the body was cut off".to_owned()),
                    ));
                }
            }
        }
        let body = body.freeze();
        let response = parse_response(&body).map_err(|err| {
            let err = self.scrub(err);
            tracing::warn!(endpoint = %self.endpoint, status = status.as_u16(), error = %err, "Room Service answered with an unusable body");
            Failure::Final(err)
        })?;
        Ok(Provisioned { response, body })
    }

    /// Maps a reqwest error that is not a status: a timeout or a failed
    /// connection.
    fn transport_error(&self, err: &reqwest::Error) -> ProvisionError {
        // reqwest's message names the URL, never a header: safe to log.
        if err.is_timeout() {
            tracing::warn!(endpoint = %self.endpoint, timeout = ?self.timeout, error = %ErrorChain(err), "Room Service did not answer in time");
            ProvisionError::Timeout
        } else {
            tracing::warn!(endpoint = %self.endpoint, connect = err.is_connect(), error = %ErrorChain(err), "cannot reach Room Service");
            ProvisionError::Connect
        }
    }

    fn invalid_body(&self, reason: String) -> ProvisionError {
        let err = ProvisionError::InvalidBody { reason };
        tracing::warn!(endpoint = %self.endpoint, error = %err, "Room Service answered with an unusable body");
        err
    }

    /// Removes the key from a reason quoting the body, should a server ever
    /// echo it back.
    fn scrub(&self, err: ProvisionError) -> ProvisionError {
        match err {
            ProvisionError::InvalidBody { reason } => ProvisionError::InvalidBody {
                reason: redact(&reason, self.api_key.expose()),
            },
            other => other,
        }
    }
}

/// `text` without `key`, nor the beginning of `key` where a quote of it was
/// cut short (a reason is truncated to [`MAX_REASON_BYTES`] before it is
/// scrubbed, and the cut may fall inside the key).
fn redact(text: &str, key: &str) -> String {
    const MARK: &str = "[redacted]";
    if key.is_empty() {
        return text.to_owned();
    }
    let text = text.replace(key, MARK);
    let Some(quoted) = text.strip_suffix("...") else {
        return text;
    };
    // The key is visible ASCII (checked at build time): every byte index
    // is a character boundary of it.
    match (1..key.len())
        .rev()
        .find(|&len| key.get(..len).is_some_and(|start| quoted.ends_with(start)))
    {
        Some(len) => format!("{}{MARK}...", &quoted[..quoted.len() - len]),
        None => text,
    }
}

/// How one attempt failed: whether another may be made.
enum Failure {
    /// The server cannot have provisioned (no connection), or said it
    /// failed (5xx): another attempt is safe.
    Retryable(ProvisionError),
    /// Anything else: the error is the call's.
    Final(ProvisionError),
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

/// The error for a non-success status.
fn status_error(status: StatusCode, headers: &HeaderMap) -> ProvisionError {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProvisionError::KeyRefused { status },
        StatusCode::TOO_MANY_REQUESTS => ProvisionError::RateLimited {
            retry_after: retry_after(headers),
        },
        s if s.is_server_error() => ProvisionError::Server { status },
        _ => ProvisionError::UnexpectedStatus { status },
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

/// Just the token, to tell "no token" from "not the documented JSON".
#[derive(Deserialize)]
struct TokenProbe<'a> {
    #[serde(default, borrow)]
    token: Option<Cow<'a, str>>,
}

/// Parses a success body: not JSON or not an object → `InvalidBody`; no
/// non-empty string `token` → `MissingToken`; otherwise the full
/// [`ProvisionResponse`] or `InvalidBody`.
fn parse_response(body: &[u8]) -> Result<ProvisionResponse, ProvisionError> {
    let invalid = |err: serde_json::Error| ProvisionError::InvalidBody {
        reason: truncate(&err.to_string(), MAX_REASON_BYTES),
    };
    // serde would read a struct from an array too: insist on an object.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ProvisionError::InvalidBody {
            reason: "the body is not a JSON object".to_owned(),
        });
    }
    // One parse on the success path; only a failed parse is probed again, to
    // tell "no token" apart from "not the documented JSON".
    match serde_json::from_slice::<ProvisionResponse>(body) {
        Ok(response) if response.token.is_empty() => Err(ProvisionError::MissingToken),
        Ok(response) => Ok(response),
        Err(err) => {
            let probe: TokenProbe<'_> = serde_json::from_slice(body).map_err(invalid)?;
            if probe.token.as_deref().is_none_or(str::is_empty) {
                Err(ProvisionError::MissingToken)
            } else {
                Err(invalid(err))
            }
        }
    }
}

#[async_trait]
impl Provisioner for RoomService {
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_TOPSECRETvalue123";

    fn service() -> RoomService {
        RoomService::builder()
            .api_key(ApiKey::new(KEY))
            .build()
            .unwrap()
    }

    #[test]
    fn defaults() {
        let service = service();
        assert_eq!(
            service.endpoint().as_str(),
            "https://super.roomservice.dev/provision"
        );
        assert_eq!(service.auth_scheme(), AuthScheme::BearerColon);
        assert_eq!(service.timeout(), DEFAULT_TIMEOUT);
    }

    #[test]
    fn authorization_header_forms() {
        let colon = service();
        assert_eq!(
            colon.authorization.to_str().unwrap(),
            format!("Bearer: {KEY}")
        );
        assert!(colon.authorization.is_sensitive());
        let plain = RoomService::builder()
            .api_key(KEY)
            .auth_scheme(AuthScheme::Bearer)
            .build()
            .unwrap();
        assert_eq!(
            plain.authorization.to_str().unwrap(),
            format!("Bearer {KEY}")
        );
    }

    #[test]
    fn debug_redacts_the_key() {
        let service = service();
        for text in [
            format!("{service:?}"),
            format!("{service:#?}"),
            format!("{:?}", RoomService::builder().api_key(KEY)),
        ] {
            assert!(!text.contains("TOPSECRET"), "{text}");
        }
    }

    #[test]
    fn endpoint_joins_base_paths() {
        for (base, endpoint) in [
            ("http://127.0.0.1:7070", "http://127.0.0.1:7070/provision"),
            ("http://127.0.0.1:7070/", "http://127.0.0.1:7070/provision"),
            (
                "https://example.com/api/rs",
                "https://example.com/api/rs/provision",
            ),
            (
                "https://example.com/api/rs/",
                "https://example.com/api/rs/provision",
            ),
        ] {
            assert_eq!(
                provision_endpoint(base).unwrap().as_str(),
                endpoint,
                "{base}"
            );
        }
    }

    #[test]
    fn bad_configuration_is_refused() {
        let build = |b: RoomServiceBuilder| b.build().err();
        assert_eq!(
            build(RoomService::builder()),
            Some(ConfigError::MissingApiKey)
        );
        assert_eq!(
            build(RoomService::builder().api_key("")),
            Some(ConfigError::EmptyApiKey)
        );
        assert_eq!(
            build(RoomService::builder().api_key("key\n")),
            Some(ConfigError::InvalidApiKey)
        );
        assert_eq!(
            build(RoomService::builder().api_key(KEY).timeout(Duration::ZERO)),
            Some(ConfigError::ZeroTimeout { what: "request" })
        );
        for url in [
            "not a url",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
            "https://example.com/#f",
        ] {
            let err = build(RoomService::builder().api_key(KEY).base_url(url));
            assert!(
                matches!(err, Some(ConfigError::InvalidUrl { .. })),
                "{url}: {err:?}"
            );
            assert!(!err.unwrap().to_string().contains("pw"));
        }
    }

    #[test]
    fn auth_scheme_parses() {
        assert_eq!(
            "bearer-colon".parse::<AuthScheme>().unwrap(),
            AuthScheme::BearerColon
        );
        assert_eq!(
            " Bearer ".parse::<AuthScheme>().unwrap(),
            AuthScheme::Bearer
        );
        assert!("basic".parse::<AuthScheme>().is_err());
    }

    #[test]
    fn statuses_map_to_distinct_errors() {
        let none = HeaderMap::new();
        let mut retry = HeaderMap::new();
        retry.insert(RETRY_AFTER, HeaderValue::from_static("30"));
        let mut date = HeaderMap::new();
        date.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            status_error(StatusCode::UNAUTHORIZED, &none),
            ProvisionError::KeyRefused {
                status: StatusCode::UNAUTHORIZED
            }
        );
        assert_eq!(
            status_error(StatusCode::FORBIDDEN, &none),
            ProvisionError::KeyRefused {
                status: StatusCode::FORBIDDEN
            }
        );
        assert_eq!(
            status_error(StatusCode::TOO_MANY_REQUESTS, &retry),
            ProvisionError::RateLimited {
                retry_after: Some(Duration::from_secs(30))
            }
        );
        assert_eq!(
            status_error(StatusCode::TOO_MANY_REQUESTS, &date),
            ProvisionError::RateLimited { retry_after: None }
        );
        assert_eq!(
            status_error(StatusCode::BAD_GATEWAY, &none),
            ProvisionError::Server {
                status: StatusCode::BAD_GATEWAY
            }
        );
        for status in [
            StatusCode::NOT_FOUND,
            StatusCode::FOUND,
            StatusCode::BAD_REQUEST,
        ] {
            assert_eq!(
                status_error(status, &none),
                ProvisionError::UnexpectedStatus { status }
            );
        }
    }

    #[test]
    fn bodies_map_to_distinct_errors() {
        let ok = br#"{"user":"u","resources":[{"object":"room","reference":"r","permission":"join","id":"rm_1"}],"token":"t"}"#;
        assert_eq!(parse_response(ok).unwrap().token, "t");
        for missing in [
            &br#"{"user":"u","resources":[]}"#[..],
            br#"{"user":"u","resources":[],"token":""}"#,
            br#"{"user":"u","resources":[],"token":null}"#,
            br#"{}"#,
        ] {
            assert_eq!(
                parse_response(missing),
                Err(ProvisionError::MissingToken),
                "{}",
                String::from_utf8_lossy(missing)
            );
        }
        for invalid in [
            &b"not json"[..],
            b"",
            b"[]",
            br#"{"token":1}"#,
            br#"{"token":"t"}"#,
            br#"{"user":"u","resources":[{"object":"file"}],"token":"t"}"#,
        ] {
            assert!(
                matches!(
                    parse_response(invalid),
                    Err(ProvisionError::InvalidBody { .. })
                ),
                "{}",
                String::from_utf8_lossy(invalid)
            );
        }
    }

    #[test]
    fn a_key_cut_short_is_redacted_too() {
        for cut in 1..KEY.len() {
            let text = format!("unknown variant `Bearer: {}...", &KEY[..cut]);
            let redacted = redact(&text, KEY);
            assert!(!redacted.contains(&KEY[..cut.max(4)]), "{redacted}");
            assert!(redacted.ends_with("[redacted]..."), "{redacted}");
        }
        assert_eq!(redact("no key here...", KEY), "no key here...");
        assert_eq!(redact(&format!("a {KEY} b"), KEY), "a [redacted] b");
    }

    #[test]
    fn invalid_body_reason_is_short_and_scrubbed() {
        let huge = format!(r#"{{"token":"t","user":{}}}"#, "1".repeat(100_000));
        let Err(ProvisionError::InvalidBody { reason }) = parse_response(huge.as_bytes()) else {
            panic!("expected InvalidBody");
        };
        assert!(reason.len() <= MAX_REASON_BYTES + 3, "{reason}");

        let echoed = format!(r#"{{"token":"t","user":"u","resources":[{{"object":"{KEY}"}}]}}"#);
        let err = service().scrub(parse_response(echoed.as_bytes()).unwrap_err());
        assert!(!err.to_string().contains(KEY), "{err}");
        assert!(!format!("{err:?}").contains(KEY), "{err:?}");
    }
}
