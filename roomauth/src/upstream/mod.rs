//! Calls to a backend's own service (Room Service's `/provision`,
//! Liveblocks' `/v2/authorize-user`, y-sweet's `/doc/:id/auth`): one HTTP
//! core with a deadline, bounded retries and a bounded body, and one error
//! type that every backend's failures map onto, so that the webhook answers
//! them alike (502, 503 with `Retry-After`, 504). Compiled only with the
//! backends that call out (`room-service`, `liveblocks`, `y-sweet`) and
//! with `revoke`'s server API targets (Pusher, Hocuspocus, Centrifugo,
//! LiveKit); the HTTP client it uses is its own and appears in no public
//! signature.
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
//! # What is relayed
//!
//! Each backend checks that the answer is for what it asked, and grants no
//! more: the same user, room or document, and access; an answer that
//! grants more or other is an [`UpstreamErrorKind::InvalidAnswer`] (502).
//! No secret reaches an error or a log line: the HTTP client's messages
//! name the URL, never a header, reasons that quote an answer are scrubbed
//! of the configured key, and an answer that quotes the key is refused.

mod redact;
mod relay;
mod settings;
mod status;

pub use crate::error::upstream::{Service, UpstreamError, UpstreamErrorKind};
pub use redact::MAX_REASON_BYTES;
pub(crate) use relay::HttpUpstream;
pub use settings::{
    CallPolicy, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT, SettingsError, UpstreamSettings,
};
#[cfg(any(feature = "room-service", feature = "liveblocks"))]
pub(crate) use settings::{service_endpoint, upstream_setters};
#[cfg(all(test, feature = "room-service"))]
pub(crate) use status::status_error;

/// The largest answer body read by default; a longer one is an
/// [`UpstreamErrorKind::InvalidAnswer`].
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
