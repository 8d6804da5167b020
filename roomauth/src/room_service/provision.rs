//! Provisioning: turning "this user may use these rooms" into a Room Service
//! session token, by the [`Provisioner`] the app chose; its answer and its
//! errors (the configuration's are in [`config`](super::config)).
//!
//! Below the provisioners ([`client`](super::client), [`local`](super::local))
//! and the environment's choice among them ([`env_provisioner`](super::env_provisioner)):
//! it names none of them.
//!
//! No secret (API key, signing key) ever appears in a `Debug` or `Display`
//! output, an error message, a log line or a response of this module.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::StatusCode;

use super::config::{ENV_API_KEY, ENV_URL};
use super::wire::{ProvisionRequest, ProvisionResponse};
use crate::text::Escaped;
use crate::upstream::{Service, UpstreamError, UpstreamErrorKind};

/// Room Service as named in errors.
pub const SERVICE: Service = Service {
    name: "Room Service",
    url_setting: ENV_URL,
    key_setting: ENV_API_KEY,
};

/// Something that provisions Room Service sessions: Room Service itself over
/// HTTP, or the embedded local provisioner.
#[async_trait]
pub trait Provisioner: Send + Sync + 'static {
    /// Grants `request.resources` to `request.user` and returns the
    /// provisioner's answer, both parsed and as the exact body bytes.
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError>;
}

/// The future [`Provisioner::provision`] returns (what `#[async_trait]`
/// makes of it).
pub(super) type ProvisionFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Provisioned, ProvisionError>> + Send + 'a>>;

/// A shared provisioner: one `LocalProvisioner` behind the webhook and a
/// verify endpoint, say. It hands back the inner provisioner's future as
/// is: no second boxed future per request.
impl<P: Provisioner + ?Sized> Provisioner for std::sync::Arc<P> {
    fn provision<'s, 'r, 'f>(&'s self, request: &'r ProvisionRequest) -> ProvisionFuture<'f>
    where
        's: 'f,
        'r: 'f,
        Self: 'f,
    {
        (**self).provision(request)
    }
}

/// A successful provisioning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    /// The parsed answer: the user, the resources with ids, the token.
    pub response: ProvisionResponse,
    /// The provisioner's body, byte for byte; the webhook returns it to the
    /// browser unchanged.
    pub body: Bytes,
}

impl Provisioned {
    /// Builds a `Provisioned` whose body is `response` serialized as JSON
    /// (what the local provisioner and test doubles answer).
    pub fn from_response(response: ProvisionResponse) -> Result<Provisioned, ProvisionError> {
        let body = serde_json::to_vec(&response).map_err(|err| ProvisionError::InvalidBody {
            reason: format!("the response could not be serialized: {err}"),
        })?;
        Ok(Provisioned {
            response,
            body: Bytes::from(body),
        })
    }
}

/// Why provisioning failed. One variant per failure, so that a webhook can
/// answer each the right way (a timeout is a 504, the rest 502, say).
///
/// Messages say what went wrong and what to check; none contains the API key.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisionError {
    /// No connection to the provisioner could be made (or it broke before an
    /// answer arrived).
    #[error(
        "cannot connect to Room Service: check ROOMSERVICE_URL and that the server is running and reachable"
    )]
    Connect,
    /// The provisioner did not answer in time.
    #[error(
        "Room Service did not answer in time: check that the server at ROOMSERVICE_URL is healthy"
    )]
    Timeout,
    /// The provisioner refused the API key (401 or 403).
    #[error("Room Service refused the API key ({status}): check ROOMSERVICE_API_KEY")]
    KeyRefused {
        /// The status received: 401 or 403.
        status: StatusCode,
    },
    /// The provisioner is rate limiting this API key (429).
    #[error("Room Service is rate limiting this API key (429){}: slow down or retry later", retry_after_text(.retry_after))]
    RateLimited {
        /// The `Retry-After` delay, when the answer gave one in seconds.
        retry_after: Option<Duration>,
    },
    /// The provisioner failed (5xx).
    #[error("Room Service failed with {status}: retry later or check the server's logs")]
    Server {
        /// The 5xx status received.
        status: StatusCode,
    },
    /// The provisioner answered with a status that is neither success nor
    /// one of the above.
    #[error(
        "Room Service answered with unexpected status {status}: check ROOMSERVICE_URL points at a Room Service-compatible /provision endpoint"
    )]
    UnexpectedStatus {
        /// The status received.
        status: StatusCode,
    },
    /// The provisioner's body is not the documented JSON.
    #[error(
        "Room Service answered with a body that is not the documented provision response ({}): check ROOMSERVICE_URL",
        Escaped(.reason)
    )]
    InvalidBody {
        /// What is wrong with the body (never the body itself).
        reason: String,
    },
    /// The provisioner's JSON carries no non-empty `token`.
    #[error(
        "Room Service answered without a session token: check ROOMSERVICE_URL points at a Room Service-compatible server"
    )]
    MissingToken,
    /// The request itself is invalid (the local provisioner checks it):
    /// an empty user, no resources, a document without a room.
    #[error("invalid provision request: {}", Escaped(.reason))]
    InvalidRequest {
        /// What is wrong with the request.
        reason: String,
    },
}

crate::error::debug_is_display!(ProvisionError);

impl From<UpstreamError> for ProvisionError {
    fn from(error: UpstreamError) -> ProvisionError {
        match error.kind {
            UpstreamErrorKind::Connect => ProvisionError::Connect,
            UpstreamErrorKind::Timeout => ProvisionError::Timeout,
            UpstreamErrorKind::KeyRefused { status } => ProvisionError::KeyRefused { status },
            UpstreamErrorKind::RateLimited { retry_after } => {
                ProvisionError::RateLimited { retry_after }
            }
            UpstreamErrorKind::Server { status } => ProvisionError::Server { status },
            UpstreamErrorKind::UnexpectedStatus { status } => {
                ProvisionError::UnexpectedStatus { status }
            }
            UpstreamErrorKind::InvalidAnswer { reason } => ProvisionError::InvalidBody { reason },
        }
    }
}

/// How the webhook answers a provisioner's failure: as every backend's
/// upstream failure.
impl From<ProvisionError> for UpstreamError {
    fn from(error: ProvisionError) -> UpstreamError {
        let kind = match error {
            ProvisionError::Connect => UpstreamErrorKind::Connect,
            ProvisionError::Timeout => UpstreamErrorKind::Timeout,
            ProvisionError::KeyRefused { status } => UpstreamErrorKind::KeyRefused { status },
            ProvisionError::RateLimited { retry_after } => {
                UpstreamErrorKind::RateLimited { retry_after }
            }
            ProvisionError::Server { status } => UpstreamErrorKind::Server { status },
            ProvisionError::UnexpectedStatus { status } => {
                UpstreamErrorKind::UnexpectedStatus { status }
            }
            ProvisionError::InvalidBody { reason } => UpstreamErrorKind::InvalidAnswer { reason },
            ProvisionError::MissingToken => UpstreamErrorKind::InvalidAnswer {
                reason: "it carries no session token".to_owned(),
            },
            ProvisionError::InvalidRequest { reason } => UpstreamErrorKind::InvalidAnswer {
                reason: format!("it refused the request: {reason}"),
            },
        };
        UpstreamError::new(SERVICE, kind)
    }
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(delay) => format!(", retry after {} s", delay.as_secs()),
        None => String::new(),
    }
}

impl ProvisionError {
    /// Whether the provisioner did not answer in time (a webhook answers 504).
    pub fn is_timeout(&self) -> bool {
        matches!(self, ProvisionError::Timeout)
    }

    /// The upstream HTTP status, for the errors that carry one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ProvisionError::KeyRefused { status }
            | ProvisionError::Server { status }
            | ProvisionError::UnexpectedStatus { status } => Some(*status),
            ProvisionError::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_name_what_to_check() {
        let refused = ProvisionError::KeyRefused {
            status: StatusCode::UNAUTHORIZED,
        };
        assert_eq!(
            refused.to_string(),
            "Room Service refused the API key (401 Unauthorized): check ROOMSERVICE_API_KEY"
        );
        let limited = ProvisionError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert!(limited.to_string().contains("retry after 7 s"), "{limited}");
        assert!(ProvisionError::Timeout.is_timeout());
        assert!(!ProvisionError::Connect.is_timeout());
        assert_eq!(limited.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(ProvisionError::MissingToken.status(), None);
    }
}
