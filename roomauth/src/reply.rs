//! The answer every endpoint sends: a status and a JSON body.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::error::WebhookError;

/// A JSON response: status and body (`Content-Type: application/json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Bytes,
    /// To be sent as `Retry-After` (whole seconds): the backend's service's own
    /// delay when it is rate limiting (503); `None` otherwise.
    pub retry_after: Option<Duration>,
}

impl Reply {
    /// A 200 with this JSON body.
    pub fn ok(body: impl Into<Bytes>) -> Reply {
        Reply::new(StatusCode::OK, body.into())
    }

    /// A 200 with `value` as its JSON body: the one reply encoder of every
    /// backend. Serialization fails only for a value no backend sends (a
    /// map with non-string keys, a failing `Serialize`): then a logged 500.
    pub fn json(value: &impl serde::Serialize) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply::ok(body),
            Err(error) => {
                tracing::error!(%error, "the answer could not be serialized");
                WebhookError::Internal.into()
            }
        }
    }

    /// A reply without `Retry-After`.
    pub fn new(status: StatusCode, body: Bytes) -> Reply {
        Reply {
            status,
            body,
            retry_after: None,
        }
    }

    /// The `Retry-After` header value, in whole seconds (rounded up).
    pub fn retry_after_header(&self) -> Option<String> {
        self.retry_after.map(|delay| {
            let secs = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
            secs.to_string()
        })
    }
}

impl From<WebhookError> for Reply {
    fn from(error: WebhookError) -> Reply {
        Reply {
            status: error.status(),
            body: error.to_json(),
            retry_after: error.retry_after(),
        }
    }
}
