//! Why a call to a backend's own service failed: the service, and what
//! happened. Every relaying backend's failures map onto this one type, so
//! that the webhook answers them alike (502, 503 with `Retry-After`, 504).

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::text::Escaped;

/// Which service a call went to, and the settings its errors point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Its name in messages: `"Room Service"`, `"Liveblocks"`.
    pub name: &'static str,
    /// The setting that holds its address, named in "check ..." advice.
    pub url_setting: &'static str,
    /// The setting that holds its key.
    pub key_setting: &'static str,
}

/// Why a call to a service failed: the service, and what happened.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamError {
    /// The service called.
    pub service: Service,
    /// What went wrong.
    pub kind: UpstreamErrorKind,
}

/// What went wrong in a call to a service. Each kind has its own answer
/// (see [`crate::webhook::WebhookError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpstreamErrorKind {
    /// No connection could be made (or it broke before an answer came).
    Connect,
    /// The service did not answer in time.
    Timeout,
    /// The service refused the key (401 or 403).
    KeyRefused {
        /// The status received.
        status: StatusCode,
    },
    /// The service is rate limiting (429).
    RateLimited {
        /// Its `Retry-After`, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// The service failed (5xx).
    Server {
        /// The status received.
        status: StatusCode,
    },
    /// A status that is neither success nor one of the above.
    UnexpectedStatus {
        /// The status received.
        status: StatusCode,
    },
    /// The answer is not what the service documents.
    InvalidAnswer {
        /// What is wrong with it (never the whole answer, never a key).
        reason: String,
    },
}

impl UpstreamError {
    /// An error of `kind` from `service`.
    pub fn new(service: Service, kind: UpstreamErrorKind) -> UpstreamError {
        UpstreamError { service, kind }
    }

    /// An [`UpstreamErrorKind::InvalidAnswer`].
    pub fn invalid_answer(service: Service, reason: impl Into<String>) -> UpstreamError {
        UpstreamError::new(
            service,
            UpstreamErrorKind::InvalidAnswer {
                reason: reason.into(),
            },
        )
    }

    /// Whether the service did not answer in time (answered 504).
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, UpstreamErrorKind::Timeout)
    }

    /// The service's `Retry-After` when it is rate limiting.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.kind {
            UpstreamErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Service {
            name,
            url_setting: url,
            key_setting: key,
        } = self.service;
        match &self.kind {
            UpstreamErrorKind::Connect => write!(
                f,
                "cannot connect to {name}: check {url} and that the server is running and reachable"
            ),
            UpstreamErrorKind::Timeout => write!(
                f,
                "{name} did not answer in time: check that the server at {url} is healthy"
            ),
            UpstreamErrorKind::KeyRefused { status } => {
                write!(f, "{name} refused the API key ({status}): check {key}")
            }
            UpstreamErrorKind::RateLimited { retry_after } => {
                write!(f, "{name} is rate limiting this API key (429)")?;
                if let Some(delay) = retry_after {
                    write!(f, ", retry after {} s", delay.as_secs())?;
                }
                f.write_str(": slow down or retry later")
            }
            UpstreamErrorKind::Server { status } => write!(
                f,
                "{name} failed with {status}: retry later or check the server's logs"
            ),
            UpstreamErrorKind::UnexpectedStatus { status } => write!(
                f,
                "{name} answered with unexpected status {status}: check that {url} points at {name}"
            ),
            UpstreamErrorKind::InvalidAnswer { reason } => write!(
                f,
                "{name} answered with a body that is not its documented answer ({}): check {url}",
                Escaped(reason)
            ),
        }
    }
}

impl std::error::Error for UpstreamError {}

crate::error::debug_is_display!(UpstreamError);

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
    fn an_invalid_answer_is_shown_escaped() {
        let service = Service {
            name: "Room Service",
            url_setting: "ROOM_SERVICE_URL",
            key_setting: "ROOM_SERVICE_API_KEY",
        };
        let err = UpstreamError::invalid_answer(service, "a\nFORGED INFO line");
        assert!(!err.to_string().contains('\n'), "{err}");
    }
}
