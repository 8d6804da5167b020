//! Calls to a backend's own service (Room Service's `/provision`,
//! Liveblocks' `/v2/authorize-user`, y-sweet's `/doc/:id/auth`): one HTTP
//! core with a deadline, bounded retries and a bounded body, and one error
//! type that every backend's failures map onto, so that the webhook answers
//! them alike (502, 503 with `Retry-After`, 504).
//!
//! # Deadline and retries
//!
//! The configured timeout is the budget of the whole call: every attempt,
//! the waits between them and reading the answer's body. When it runs out,
//! the call fails with [`UpstreamErrorKind::Timeout`].
//!
//! A call is retried only when the service cannot have acted on it, or said
//! it did not: when no connection could be made, and when the answer's
//! status is a 5xx (whose body is never read). A connection that breaks
//! after the request was sent, a timeout, a 429, a 4xx and a body that is cut
//! off are never retried. Retries follow exponential backoff with jitter; a
//! retry whose wait would not leave any of the budget is not made.
//!
//! No secret reaches an error or a log line: reqwest's messages name the
//! URL, never a header, and reasons that quote an answer are scrubbed of
//! the configured key.

use std::fmt;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use reqwest::Url;

use crate::secret::ApiKey;
use crate::text::{escape_controls, truncate};

pub use crate::error::upstream::{Service, UpstreamError, UpstreamErrorKind};

/// The largest answer body read by default; a longer one is an
/// [`UpstreamErrorKind::InvalidAnswer`].
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The longest reason quoted in an [`UpstreamErrorKind::InvalidAnswer`].
pub const MAX_REASON_BYTES: usize = 200;

/// The retry and deadline settings of an [`HttpUpstream`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    /// The budget of a whole call, retries included.
    pub timeout: Duration,
    /// How many retries may follow a retryable failure.
    pub max_retries: u32,
    /// The wait before the first retry, doubled at each retry.
    pub retry_backoff: Duration,
}

impl CallPolicy {
    /// The longest timeout or backoff accepted: a day. Longer ones (or
    /// `Duration::MAX`) would overflow the deadline arithmetic.
    pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

    /// Checks the settings: a timeout above zero, durations at most
    /// [`CallPolicy::MAX_DURATION`]. The message says what to fix.
    pub fn check(&self) -> Result<(), String> {
        if self.timeout.is_zero() {
            return Err("the request timeout must be greater than zero".to_owned());
        }
        if self.timeout > Self::MAX_DURATION || self.retry_backoff > Self::MAX_DURATION {
            return Err(
                "the request timeout and the retry backoff must be at most a day".to_owned(),
            );
        }
        Ok(())
    }
}

/// How long a whole call, retries included, may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a call that failed before the service could act on it
/// (no connection) or that the service failed (5xx) is retried by default.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The wait before the first retry by default; it doubles at each retry
/// (with jitter: between half of it and all of it).
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(25);
/// How many idle keep-alive connections are kept per host by default:
/// as many as a busy webhook has calls in flight, so that load does not
/// close and reopen connections. Each close leaves a socket in TIME-WAIT
/// for a minute; with 32, the soak (`examples/soak/run.sh`, 1,000 clients)
/// left 14,000 of them after a minute at 2,500 requests/s, on its way to
/// exhausting the ephemeral ports.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 1024;

/// The connection, deadline and retry settings of a service client: what
/// every backend's builder holds and forwards its setters to, checked and
/// turned into a client once by [`UpstreamSettings::build_client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpstreamSettings {
    /// The budget of a whole call: connecting, retries and reading the
    /// answer included.
    pub timeout: Duration,
    /// The connect timeout (never more than `timeout`).
    pub connect_timeout: Duration,
    /// How many retries may follow a retryable failure.
    pub max_retries: u32,
    /// The wait before the first retry, doubled at each retry.
    pub retry_backoff: Duration,
    /// How many idle keep-alive connections are kept per host.
    pub pool_max_idle_per_host: usize,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        UpstreamSettings {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
        }
    }
}

/// The setters of a backend builder's `upstream: UpstreamSettings` field,
/// with their docs, written once for every builder: `timeout`,
/// `connect_timeout`, `max_retries`, `retry_backoff` and
/// `pool_max_idle_per_host`. Expanded inside the builder's `impl` block.
#[cfg_attr(
    not(any(feature = "room-service", feature = "liveblocks")),
    allow(unused_macros)
)]
macro_rules! upstream_setters {
    () => {
        /// The timeout of a whole call, connecting, retries and reading the
        /// answer included; default
        /// [`DEFAULT_TIMEOUT`](crate::upstream::DEFAULT_TIMEOUT).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.upstream.timeout = timeout;
            self
        }

        /// The connect timeout; default
        /// [`DEFAULT_CONNECT_TIMEOUT`](crate::upstream::DEFAULT_CONNECT_TIMEOUT)
        /// (never more than the whole call's timeout).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.upstream.connect_timeout = timeout;
            self
        }

        /// How many times a call is retried when the service cannot have
        /// acted on it (no connection) or said it failed (5xx); default
        /// [`DEFAULT_MAX_RETRIES`](crate::upstream::DEFAULT_MAX_RETRIES), 0
        /// for none. See [`crate::upstream`].
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.upstream.max_retries = retries;
            self
        }

        /// The wait before the first retry, doubled at each retry; default
        /// [`DEFAULT_RETRY_BACKOFF`](crate::upstream::DEFAULT_RETRY_BACKOFF).
        pub fn retry_backoff(mut self, backoff: std::time::Duration) -> Self {
            self.upstream.retry_backoff = backoff;
            self
        }

        /// How many idle keep-alive connections are kept per host; default
        /// [`DEFAULT_POOL_MAX_IDLE_PER_HOST`](crate::upstream::DEFAULT_POOL_MAX_IDLE_PER_HOST).
        pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
            self.upstream.pool_max_idle_per_host = max;
            self
        }
    };
}
#[cfg_attr(
    not(any(feature = "room-service", feature = "liveblocks")),
    allow(unused_imports)
)]
pub(crate) use upstream_setters;

/// Why [`UpstreamSettings`] cannot be used. Each message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A timeout of zero: `what` is `"request"` or `"connect"`.
    #[error("the {what} timeout must be greater than zero")]
    ZeroTimeout {
        /// Which timeout.
        what: &'static str,
    },
    /// A timeout or backoff over [`CallPolicy::MAX_DURATION`].
    #[error("{reason}")]
    Unusable {
        /// What to change.
        reason: String,
    },
    /// reqwest could not build the client.
    #[error("{reason}")]
    HttpClient {
        /// reqwest's reason.
        reason: String,
    },
}

impl UpstreamSettings {
    /// The deadline and retries of a call.
    pub fn policy(&self) -> CallPolicy {
        CallPolicy {
            timeout: self.timeout,
            max_retries: self.max_retries,
            retry_backoff: self.retry_backoff,
        }
    }

    /// Checks the settings and builds the reqwest client with the settings
    /// every service call wants: the user agent, the timeouts, keep-alive,
    /// and no redirects (a redirected POST would turn into a GET and could
    /// carry the key elsewhere: a 3xx is an unexpected status instead).
    pub fn build_client(&self) -> Result<(reqwest::Client, CallPolicy), SettingsError> {
        if self.timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout { what: "request" });
        }
        if self.connect_timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout { what: "connect" });
        }
        let policy = self.policy();
        policy
            .check()
            .map_err(|reason| SettingsError::Unusable { reason })?;
        let client = reqwest::Client::builder()
            .user_agent(concat!("roomauth/", env!("CARGO_PKG_VERSION")))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            // Below the keep-alive idle timeout of servers (20 s in
            // `roomauth::serve`), so that the pool closes a connection
            // before the server does, not while a request is on its way.
            .pool_idle_timeout(Duration::from_secs(15))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| SettingsError::HttpClient {
                reason: truncate(&err.to_string(), MAX_REASON_BYTES),
            })?;
        Ok((client, policy))
    }
}

/// `{base}{path}` (`path` starts with `/`), after checking that `base` is
/// an absolute http(s) URL without credentials (they belong in
/// `key_setting`), query or fragment. The error says what is wrong.
pub fn service_endpoint(base: &str, path: &str, key_setting: &str) -> Result<Url, String> {
    let url = Url::parse(base.trim()).map_err(|err| err.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the scheme must be http or https".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "it contains credentials; the key belongs in {key_setting}"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it must not have a query or fragment".to_owned());
    }
    let joined = format!("{}{path}", url.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|err| err.to_string())
}

/// The HTTP core of a service client: sends one request, retrying where it
/// is safe, within the deadline, and reads a bounded answer. Cheap to clone
/// (reqwest's client is shared).
#[derive(Clone)]
pub struct HttpUpstream {
    client: reqwest::Client,
    service: Service,
    policy: CallPolicy,
    /// Scrubbed from every reason that quotes an answer.
    key: Option<ApiKey>,
}

impl fmt::Debug for HttpUpstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpUpstream")
            .field("service", &self.service.name)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// A successful answer: its status, headers and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// A 2xx status.
    pub status: StatusCode,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The whole body, at most the limit.
    pub body: Bytes,
}

impl HttpUpstream {
    /// A core for `service` over `client` (whose own timeouts should not
    /// be shorter than `policy.timeout`); `key` is scrubbed from reasons.
    pub fn new(
        client: reqwest::Client,
        service: Service,
        policy: CallPolicy,
        key: Option<ApiKey>,
    ) -> HttpUpstream {
        HttpUpstream {
            client,
            service,
            policy,
            key,
        }
    }

    /// The call's settings.
    pub fn policy(&self) -> CallPolicy {
        self.policy
    }

    /// Sends the request `build` makes (once per attempt), retrying where
    /// it is safe, all within the deadline; returns a 2xx answer with at
    /// most `max_body` bytes of body, or the error.
    pub async fn call(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        max_body: usize,
    ) -> Result<Answer, UpstreamError> {
        let deadline = tokio::time::Instant::now() + self.policy.timeout;
        let mut retries = 0;
        loop {
            let attempt =
                tokio::time::timeout_at(deadline, self.attempt(build(&self.client), max_body))
                    .await;
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

    /// [`call`](Self::call) with a JSON `payload` POSTed to `endpoint`
    /// with `authorization`, a JSON answer expected.
    pub async fn post_json(
        &self,
        endpoint: &Url,
        authorization: &HeaderValue,
        payload: Bytes,
        max_body: usize,
    ) -> Result<Answer, UpstreamError> {
        self.call(
            |client| {
                client
                    .post(endpoint.clone())
                    .header(AUTHORIZATION, authorization.clone())
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .header(ACCEPT, HeaderValue::from_static("application/json"))
                    .body(payload.clone())
            },
            max_body,
        )
        .await
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
    ) -> Result<Answer, Failure> {
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
        let headers = std::mem::take(response.headers_mut());
        Ok(Answer {
            status,
            headers,
            body: body.freeze(),
        })
    }

    /// An error of `kind` from this service.
    pub fn error(&self, kind: UpstreamErrorKind) -> UpstreamError {
        UpstreamError::new(self.service, kind)
    }

    /// An [`UpstreamErrorKind::InvalidAnswer`] whose reason is cut to
    /// [`MAX_REASON_BYTES`], freed of control characters and of the key,
    /// and logged.
    pub fn invalid_answer(&self, reason: String) -> UpstreamError {
        let reason = escape_controls(&truncate(&reason, MAX_REASON_BYTES));
        let reason = match &self.key {
            Some(key) => redact(&reason, key.expose()),
            None => reason,
        };
        let err = self.error(UpstreamErrorKind::InvalidAnswer { reason });
        tracing::warn!(service = self.service.name, error = %err, "the service answered with an unusable body");
        err
    }

    /// Maps a reqwest error that is not a status: a timeout or a failed
    /// connection.
    fn transport_error(&self, err: &reqwest::Error) -> UpstreamError {
        // reqwest's message names the URL, never a header: safe to log.
        if err.is_timeout() {
            tracing::warn!(service = self.service.name, timeout = ?self.policy.timeout, error = %ErrorChain(err), "the service did not answer in time");
            self.error(UpstreamErrorKind::Timeout)
        } else {
            tracing::warn!(service = self.service.name, connect = err.is_connect(), error = %ErrorChain(err), "cannot reach the service");
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

/// The error kind for a non-success status.
pub fn status_error(status: StatusCode, headers: &HeaderMap) -> UpstreamErrorKind {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            UpstreamErrorKind::KeyRefused { status }
        }
        StatusCode::TOO_MANY_REQUESTS => UpstreamErrorKind::RateLimited {
            retry_after: retry_after(headers),
        },
        s if s.is_server_error() => UpstreamErrorKind::Server { status },
        _ => UpstreamErrorKind::UnexpectedStatus { status },
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored), at most a day.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value
        .parse::<u64>()
        .ok()
        .map(|secs| Duration::from_secs(secs.min(24 * 60 * 60)))
}

/// Whether `body` holds `key`: as it is, or, in a JSON answer that uses
/// escapes (`\/`, `\u0073`), in a decoded string.
fn quotes_key(body: &[u8], key: &str) -> bool {
    if key.is_empty() {
        return false;
    }
    if memchr::memmem::find(body, key.as_bytes()).is_some() {
        return true;
    }
    // Escapes only: answers without a backslash were checked above.
    if memchr::memchr(b'\\', body).is_none() {
        return false;
    }
    fn holds(value: &serde_json::Value, key: &str) -> bool {
        match value {
            serde_json::Value::String(text) => text.contains(key),
            serde_json::Value::Array(items) => items.iter().any(|v| holds(v, key)),
            serde_json::Value::Object(fields) => fields
                .iter()
                .any(|(name, v)| name.contains(key) || holds(v, key)),
            _ => false,
        }
    }
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| holds(&value, key))
}

/// `text` without `key`, nor the beginning of `key` where a quote of it was
/// cut short (a reason is truncated before it is scrubbed, and the cut may
/// fall inside the key). Also scrubs the key as JSON would escape it.
pub(crate) fn redact(text: &str, key: &str) -> String {
    const MARK: &str = "[redacted]";
    if key.is_empty() {
        return text.to_owned();
    }
    let mut text = text.replace(key, MARK);
    let escaped = serde_json::to_string(key).unwrap_or_default();
    let escaped = escaped.trim_matches('"');
    if escaped != key && !escaped.is_empty() {
        text = text.replace(escaped, MARK);
    }
    let Some(quoted) = text.strip_suffix("...") else {
        return text;
    };
    match (1..key.len())
        .rev()
        .filter(|&len| key.is_char_boundary(len))
        .find(|&len| quoted.ends_with(&key[..len]))
    {
        Some(len) => format!("{}{MARK}...", &quoted[..quoted.len() - len]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM_SERVICE: Service = Service {
        name: "Room Service",
        url_setting: "ROOMSERVICE_URL",
        key_setting: "ROOMSERVICE_API_KEY",
    };

    #[test]
    fn messages_name_the_service_and_what_to_check() {
        let err = UpstreamError::new(
            ROOM_SERVICE,
            UpstreamErrorKind::KeyRefused {
                status: StatusCode::UNAUTHORIZED,
            },
        );
        assert_eq!(
            err.to_string(),
            "Room Service refused the API key (401 Unauthorized): check ROOMSERVICE_API_KEY"
        );
        let limited = UpstreamError::new(
            ROOM_SERVICE,
            UpstreamErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
        );
        assert!(limited.to_string().contains("retry after 7 s"), "{limited}");
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        assert!(UpstreamError::new(ROOM_SERVICE, UpstreamErrorKind::Timeout).is_timeout());
    }

    #[test]
    fn a_key_cut_short_is_redacted_too() {
        const KEY: &str = "sk_live_TOPSECRETvalue123";
        for cut in 1..KEY.len() {
            let text = format!("quoting {}...", &KEY[..cut]);
            let redacted = redact(&text, KEY);
            assert!(!redacted.contains(&KEY[..cut.max(4)]), "{redacted}");
            assert!(redacted.ends_with("[redacted]..."), "{redacted}");
        }
        assert_eq!(redact("no key here...", KEY), "no key here...");
        assert_eq!(redact(&format!("a {KEY} b"), KEY), "a [redacted] b");
    }

    #[test]
    fn a_key_with_json_escapes_is_redacted_as_printed() {
        let key = r#"k"ey\1"#;
        let printed = serde_json::json!({ "echo": key }).to_string();
        assert!(!redact(&printed, key).contains("ey\\\\1"), "{printed}");
    }

    #[test]
    fn a_quoted_key_is_found_also_behind_json_escapes() {
        const KEY: &str = "sk_live/TOPSECRET";
        for body in [
            format!(r#"{{"token":"t","echo":"{KEY}"}}"#),
            r#"{"token":"t","echo":"sk_live\/TOPSECRET"}"#.to_owned(),
            r#"{"token":"t","\u0073k_live/TOPSECRET":1}"#.to_owned(),
            format!("not json, {KEY}"),
        ] {
            assert!(quotes_key(body.as_bytes(), KEY), "{body}");
        }
        for body in [r#"{"token":"t"}"#, r#"{"token":"sk_live\/TOP"}"#, "\\"] {
            assert!(!quotes_key(body.as_bytes(), KEY), "{body}");
        }
    }

    #[test]
    fn policy_refuses_unusable_durations() {
        let ok = CallPolicy {
            timeout: Duration::from_secs(1),
            max_retries: 2,
            retry_backoff: Duration::from_millis(25),
        };
        assert!(ok.check().is_ok());
        assert!(
            CallPolicy {
                timeout: Duration::MAX,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            CallPolicy {
                retry_backoff: Duration::MAX,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            CallPolicy {
                timeout: Duration::ZERO,
                ..ok
            }
            .check()
            .is_err()
        );
    }
}
