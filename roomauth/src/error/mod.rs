//! The error contract every endpoint speaks: one status and one JSON
//! message per failure.

pub mod upstream;

use std::sync::LazyLock;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::text::{escape_controls, truncate};
pub use upstream::{Service, UpstreamError, UpstreamErrorKind};

/// `Debug` as the `Display` message, for public error types: `main() ->
/// Result<(), Box<dyn Error>>` and `unwrap()` print an error with `Debug`,
/// and the message, which says what to fix, is what a developer needs to
/// read there (not `MasterKey(Base64)`).
macro_rules! debug_is_display {
    ($ty:ty) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self, f)
            }
        }
    };
}
pub(crate) use debug_is_display;

/// Longest message sent to the browser; longer ones (serde's, quoting the
/// input) are cut, so a hostile body is not echoed back whole.
const MAX_MESSAGE_LEN: usize = 300;

/// Why the webhook did not grant. [`status`](Self::status) and
/// [`to_json`](Self::to_json) give the response; no variant carries a secret.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// 400: the body is not a webhook request.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 401: the user is not logged in.
    #[error("not logged in: sign in, then join the room again")]
    Unauthorized,
    /// 403: not allowed, or no rule answers for this room (the same answer,
    /// so that probing reveals no rule).
    #[error("not allowed to join this room")]
    Forbidden,
    /// 403: the request's `Origin` is not one of the webhook's
    /// [allowed origins](crate::webhook::WebhookBuilder::allowed_origins)
    /// (a cross-site request).
    #[error(
        "requests from this origin are not accepted: call the webhook from the app's own pages"
    )]
    OriginRefused,
    /// 403: the rules granted read access, but the backend, as configured,
    /// cannot keep a reader from publishing (Pusher with client events on);
    /// the message says why and what to change.
    #[error("this user may only read this room, but {0}")]
    ReadOnlyUnavailable(&'static str),
    /// 413: the body is over the size limit.
    #[error("the request body is over the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: the body is not declared as JSON.
    #[error("the request body must be JSON: send it with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// 415: the body is not of the content type the backend takes.
    #[error("the request body must be sent with `Content-Type: {expected}`")]
    WrongContentType {
        /// The content type to send.
        expected: &'static str,
    },
    /// 401: a server-to-server call whose signature is missing or wrong.
    #[error("the request's signature is missing or wrong: sign it with the shared secret")]
    BadSignature,
    /// 500: the app's configuration lacks what this request needs; the
    /// message says what to configure (never a secret).
    #[error("the server is not configured for this request: {0}")]
    Misconfigured(&'static str),
    /// 500: the app's rule failed; the cause is logged, not shown.
    #[error("the authorization check failed; the server log has the details")]
    Internal,
    /// 502: the backend's service failed; 503 when it is rate limiting
    /// (with its `Retry-After`, see [`retry_after`](Self::retry_after));
    /// 504 when it did not answer in time. The [`UpstreamError`] names the
    /// service.
    #[error("the realtime service failed: {0}")]
    Upstream(#[from] UpstreamError),
}

crate::error::debug_is_display!(WebhookError);

impl WebhookError {
    /// A 400 with `reason`. Control characters in it (serde's messages quote
    /// the input) are escaped, so that a message cannot forge log lines; a
    /// long one is cut.
    pub fn malformed(reason: impl Into<String>) -> WebhookError {
        WebhookError::Malformed(truncate(&escape_controls(&reason.into()), MAX_MESSAGE_LEN))
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookError::Malformed(_) => StatusCode::BAD_REQUEST,
            WebhookError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebhookError::Forbidden
            | WebhookError::OriginRefused
            | WebhookError::ReadOnlyUnavailable(_) => StatusCode::FORBIDDEN,
            WebhookError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookError::UnsupportedMediaType | WebhookError::WrongContentType { .. } => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            WebhookError::BadSignature => StatusCode::UNAUTHORIZED,
            WebhookError::Internal | WebhookError::Misconfigured(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            WebhookError::Upstream(e) => match e.kind {
                UpstreamErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
                UpstreamErrorKind::RateLimited { .. } => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_GATEWAY,
            },
        }
    }

    /// How long the browser should wait before retrying, sent as
    /// `Retry-After`: the service's own `Retry-After` when it is rate
    /// limiting (503), `None` otherwise.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            WebhookError::Upstream(e) => e.retry_after(),
            _ => None,
        }
    }

    /// The response body: `{"error": "<message>"}`.
    ///
    /// The bodies of the variants whose message never changes (401, 403,
    /// 415, 500) are made once, from their `Display` text, and shared.
    pub fn to_json(&self) -> Bytes {
        match self.fixed_body() {
            Some(body) => Bytes::from_static(body),
            None => Bytes::from(json_body(self)),
        }
    }

    /// The body of a variant without data, made on first use by
    /// [`json_body`] from the `#[error]` text: the one place that text is
    /// written. `None` for the variants whose message has data in it.
    fn fixed_body(&self) -> Option<&'static [u8]> {
        /// The body of `$variant`, made once.
        macro_rules! once {
            ($variant:expr) => {{
                static BODY: LazyLock<String> = LazyLock::new(|| json_body(&$variant));
                Some(BODY.as_bytes())
            }};
        }
        match self {
            WebhookError::Unauthorized => once!(WebhookError::Unauthorized),
            WebhookError::Forbidden => once!(WebhookError::Forbidden),
            WebhookError::OriginRefused => once!(WebhookError::OriginRefused),
            WebhookError::UnsupportedMediaType => once!(WebhookError::UnsupportedMediaType),
            WebhookError::Internal => once!(WebhookError::Internal),
            WebhookError::BadSignature => once!(WebhookError::BadSignature),
            WebhookError::Malformed(_)
            | WebhookError::PayloadTooLarge { .. }
            | WebhookError::WrongContentType { .. }
            | WebhookError::Misconfigured(_)
            | WebhookError::ReadOnlyUnavailable(_)
            | WebhookError::Upstream(_) => None,
        }
    }
}

/// `{"error":"<message>"}`, the message JSON-escaped.
fn json_body(error: &WebhookError) -> String {
    serde_json::json!({ "error": error.to_string() }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service for the upstream errors below: the contract knows no
    /// backend's.
    const SERVICE: Service = Service {
        name: "Example",
        url_setting: "EXAMPLE_URL",
        key_setting: "EXAMPLE_API_KEY",
    };

    /// What `main() -> Result<(), Box<dyn Error>>` prints after `Error: `.
    fn as_main_prints(error: impl std::error::Error + 'static) -> (String, String) {
        let message = error.to_string();
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        (format!("{boxed:?}"), message)
    }

    #[test]
    fn debug_shows_the_message() {
        for (debug, message) in [
            as_main_prints(WebhookError::Forbidden),
            as_main_prints(crate::rules::BuildError::NoRules),
            as_main_prints(crate::pattern::Pattern::parse("room-<").unwrap_err()),
            as_main_prints(UpstreamError::new(SERVICE, UpstreamErrorKind::Timeout)),
            as_main_prints(
                crate::env::Env::new(|_| None)
                    .required("APP_URL", "the app's URL")
                    .unwrap_err(),
            ),
        ] {
            assert_eq!(debug, message);
        }
    }

    #[cfg(feature = "pusher")]
    #[test]
    fn debug_of_a_backend_error_shows_the_message() {
        for (debug, message) in [
            as_main_prints(crate::pusher::MasterKey::from_base64("!").unwrap_err()),
            as_main_prints(
                crate::pusher::Pusher::new("a:b", "secret", crate::pusher::ClientEvents::Off)
                    .unwrap_err(),
            ),
            as_main_prints(
                crate::pusher::Pusher::builder()
                    .app_key("k")
                    .app_secret("s")
                    .build()
                    .unwrap_err(),
            ),
        ] {
            assert_eq!(debug, message);
        }
        assert_eq!(
            format!(
                "{:?}",
                crate::pusher::Pusher::builder()
                    .app_key("k")
                    .app_secret("s")
                    .client_events(crate::pusher::ClientEvents::Off)
                    .encryption_master_key_base64("!")
                    .build()
                    .unwrap_err()
            ),
            "PUSHER_ENCRYPTION_MASTER_KEY_BASE64: the encryption master key is not valid base64"
        );
    }

    /// How `to_json` made every body before the fixed ones were made once.
    fn built_per_call(error: &WebhookError) -> Bytes {
        let body = serde_json::json!({ "error": error.to_string() });
        Bytes::from(body.to_string())
    }

    #[test]
    fn bodies_are_unchanged() {
        let errors = [
            WebhookError::malformed("bad \"quote\" \\ and \u{7f}"),
            WebhookError::Unauthorized,
            WebhookError::Forbidden,
            WebhookError::OriginRefused,
            WebhookError::PayloadTooLarge { limit: 16 },
            WebhookError::UnsupportedMediaType,
            WebhookError::Internal,
            WebhookError::Upstream(UpstreamError::new(SERVICE, UpstreamErrorKind::Timeout)),
        ];
        for error in &errors {
            // Twice: the first call makes a fixed body, the second reuses it.
            assert_eq!(error.to_json(), built_per_call(error), "{error:?}");
            assert_eq!(error.to_json(), built_per_call(error), "{error:?}");
        }
        assert_eq!(
            WebhookError::Forbidden.to_json(),
            &br#"{"error":"not allowed to join this room"}"#[..]
        );
        // Neutral words: the service's name comes from the upstream error.
        assert_eq!(
            WebhookError::Upstream(UpstreamError::new(SERVICE, UpstreamErrorKind::Connect))
                .to_string(),
            "the realtime service failed: cannot connect to Example: check EXAMPLE_URL \
             and that the server is running and reachable"
        );
        assert_eq!(
            WebhookError::UnsupportedMediaType.to_json(),
            &br#"{"error":"the request body must be JSON: send it with `Content-Type: application/json`"}"#[..]
        );
    }

    #[test]
    fn only_variants_without_data_are_made_once() {
        assert!(WebhookError::Forbidden.fixed_body().is_some());
        assert!(WebhookError::malformed("x").fixed_body().is_none());
        assert!(
            WebhookError::PayloadTooLarge { limit: 1 }
                .fixed_body()
                .is_none()
        );
        assert!(
            WebhookError::Upstream(UpstreamError::new(SERVICE, UpstreamErrorKind::Connect))
                .fixed_body()
                .is_none()
        );
    }
}
