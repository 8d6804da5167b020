//! [`HttpProvisioner`]: the HTTP client of a Room Service-compatible
//! `POST /provision` endpoint (the [module docs](super) describe it).
//!
//! # Deadline and retries
//!
//! The configured [`timeout`](HttpProvisionerBuilder::timeout) is the budget
//! of the whole call, as [`crate::upstream`] describes: a provision is not
//! idempotent (each one issues a token), so a call is retried only when no
//! connection could be made or the answer's status is a 5xx, at most
//! [`max_retries`](HttpProvisionerBuilder::max_retries) times (default
//! [`DEFAULT_MAX_RETRIES`]), after exponential backoff with jitter starting
//! at [`retry_backoff`](HttpProvisionerBuilder::retry_backoff) (default
//! [`DEFAULT_RETRY_BACKOFF`]).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use http::header::HeaderValue;
use serde::Deserialize;
use url::Url;

use super::config::{ConfigError, ENV_API_KEY};
use super::provision::{ProvisionError, Provisioned, Provisioner, SERVICE};
use super::wire::{ProvisionRequest, ProvisionResponse};
use crate::secret::ApiKey;
use crate::text::{Escaped, truncate};
use crate::upstream::{
    HttpUpstream, MAX_REASON_BYTES, SettingsError, UpstreamSettings, service_endpoint,
};

/// Room Service's base URL.
pub const DEFAULT_BASE_URL: &str = "https://super.roomservice.dev";
pub use crate::upstream::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT,
};
/// The largest response body read; a longer one is an
/// [`ProvisionError::InvalidBody`].
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

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
/// Holds one pooled keep-alive HTTP client, built once; clone the
/// `HttpProvisioner` (cheap) or share it behind an `Arc` rather than building
/// one per call.
///
/// ```no_run
/// # fn main() -> Result<(), roomauth::room_service::ConfigError> {
/// use roomauth::room_service::{AuthScheme, HttpProvisioner};
/// let service = HttpProvisioner::builder()
///     .api_key(roomauth::secret::ApiKey::new("sk_live_..."))
///     .base_url("https://super.roomservice.dev")
///     .auth_scheme(AuthScheme::BearerColon)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpProvisioner {
    upstream: HttpUpstream,
    endpoint: Url,
    api_key: ApiKey,
    authorization: HeaderValue,
    auth_scheme: AuthScheme,
}

impl fmt::Debug for HttpProvisioner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpProvisioner")
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &self.api_key)
            .field("auth_scheme", &self.auth_scheme)
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

/// Builds a [`HttpProvisioner`]; see [`HttpProvisioner::builder`]. Errors are
/// reported by [`build`](HttpProvisionerBuilder::build).
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct HttpProvisionerBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    auth_scheme: AuthScheme,
    upstream: UpstreamSettings,
}

impl HttpProvisionerBuilder {
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

    crate::upstream::upstream_setters!();

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<HttpProvisioner, ConfigError> {
        let api_key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        check_api_key(&api_key)?;
        let endpoint = provision_endpoint(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let upstream =
            HttpUpstream::new(&self.upstream, SERVICE, Some(api_key.clone())).map_err(|err| {
                match err {
                    SettingsError::ZeroTimeout { what } => ConfigError::ZeroTimeout { what },
                    SettingsError::Unusable { reason } => ConfigError::Unusable { reason },
                    SettingsError::HttpClient { reason } => ConfigError::HttpClient { reason },
                }
            })?;
        let mut authorization =
            HeaderValue::try_from(format!("{}{}", self.auth_scheme.prefix(), api_key.expose()))
                .map_err(|_| ConfigError::InvalidApiKey)?;
        authorization.set_sensitive(true);
        Ok(HttpProvisioner {
            upstream,
            endpoint,
            api_key,
            authorization,
            auth_scheme: self.auth_scheme,
        })
    }
}

/// Refuses keys no server would accept: empty, or with characters outside
/// visible ASCII (a stray space, quote or newline, usually). `"` and `\`
/// are refused too: JSON and log formats escape them, and a key printed
/// escaped would slip past redaction.
fn check_api_key(key: &ApiKey) -> Result<(), ConfigError> {
    let key = key.expose();
    if key.is_empty() {
        return Err(ConfigError::EmptyApiKey);
    }
    if !key
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        return Err(ConfigError::InvalidApiKey);
    }
    Ok(())
}

/// `{base}/provision`, after checking that `base` is an absolute http(s) URL
/// without credentials, query or fragment.
fn provision_endpoint(base: &str) -> Result<Url, ConfigError> {
    service_endpoint(base, "/provision", ENV_API_KEY)
        .map_err(|reason| ConfigError::InvalidUrl { reason })
}

impl HttpProvisioner {
    /// A builder, in reqwest's style.
    pub fn builder() -> HttpProvisionerBuilder {
        HttpProvisionerBuilder::default()
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
        self.upstream.policy().timeout
    }

    /// How many times a call may be retried.
    pub fn max_retries(&self) -> u32 {
        self.upstream.policy().max_retries
    }

    /// Sends the request and reads the answer through the shared upstream
    /// core (deadline, retries, bounded body), then parses it.
    async fn call(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        let payload = bytes::Bytes::from(serde_json::to_vec(request).map_err(|err| {
            ProvisionError::InvalidRequest {
                reason: err.to_string(),
            }
        })?);
        tracing::debug!(endpoint = %self.endpoint, resources = request.resources.len(), "provisioning through Room Service");
        let answer = self
            .upstream
            .post_json(
                &self.endpoint,
                Some(&self.authorization),
                payload,
                MAX_RESPONSE_BYTES,
            )
            .await?;
        let response = parse_response(&answer).map_err(|err| self.scrub(err))?;
        Ok(Provisioned {
            response,
            body: answer,
        })
    }

    /// Logs an unusable body, its reason cut, freed of control characters
    /// and of the key, should a server ever echo it back.
    fn scrub(&self, err: ProvisionError) -> ProvisionError {
        match err {
            ProvisionError::InvalidBody { reason } => {
                ProvisionError::from(self.upstream.invalid_answer(reason))
            }
            other => {
                tracing::warn!(endpoint = %self.endpoint, error = %Escaped(&other), "Room Service answered with an unusable body");
                other
            }
        }
    }
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
impl Provisioner for HttpProvisioner {
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::CallPolicy;
    use http::header::RETRY_AFTER;
    use http::{HeaderMap, StatusCode};

    /// The error the provisioner reports for an answer's status.
    fn status_error(status: StatusCode, headers: &HeaderMap) -> ProvisionError {
        let kind = crate::upstream::status_error(status, headers);
        ProvisionError::from(crate::upstream::UpstreamError::new(
            super::super::SERVICE,
            kind,
        ))
    }

    const KEY: &str = "sk_live_TOPSECRETvalue123";

    fn service() -> HttpProvisioner {
        HttpProvisioner::builder()
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
        let plain = HttpProvisioner::builder()
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
            format!("{:?}", HttpProvisioner::builder().api_key(KEY)),
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
        let build = |b: HttpProvisionerBuilder| b.build().err();
        assert_eq!(
            build(HttpProvisioner::builder()),
            Some(ConfigError::MissingApiKey)
        );
        assert_eq!(
            build(HttpProvisioner::builder().api_key("")),
            Some(ConfigError::EmptyApiKey)
        );
        assert_eq!(
            build(HttpProvisioner::builder().api_key("key\n")),
            Some(ConfigError::InvalidApiKey)
        );
        assert_eq!(
            build(
                HttpProvisioner::builder()
                    .api_key(KEY)
                    .timeout(Duration::ZERO)
            ),
            Some(ConfigError::ZeroTimeout { what: "request" })
        );
        // Quotes and backslashes: printed escaped, they would escape redaction.
        for key in [r#"sk_"live"#, r"sk_\live", "sk_live\u{7f}"] {
            assert_eq!(
                build(HttpProvisioner::builder().api_key(key)),
                Some(ConfigError::InvalidApiKey),
                "{key}"
            );
        }
        // Timeouts and backoffs that would overflow the deadline arithmetic
        // (and panic on every request) are refused here, at build.
        for builder in [
            HttpProvisioner::builder().timeout(Duration::MAX),
            HttpProvisioner::builder().retry_backoff(Duration::MAX),
            HttpProvisioner::builder().timeout(Duration::from_secs(365 * 24 * 3600)),
            HttpProvisioner::builder().retry_backoff(Duration::from_secs(u64::MAX / 2)),
        ] {
            let err = build(builder.api_key(KEY));
            assert!(matches!(err, Some(ConfigError::Unusable { .. })), "{err:?}");
        }
        // A day is the longest accepted.
        assert!(
            build(
                HttpProvisioner::builder()
                    .api_key(KEY)
                    .timeout(CallPolicy::MAX_DURATION)
                    .retry_backoff(CallPolicy::MAX_DURATION)
            )
            .is_none()
        );
        for url in [
            "not a url",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
            "https://example.com/#f",
        ] {
            let err = build(HttpProvisioner::builder().api_key(KEY).base_url(url));
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
