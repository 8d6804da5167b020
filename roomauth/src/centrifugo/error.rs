//! Why a Centrifugo endpoint could not be configured.

use crate::env::EnvError;

/// Why a Centrifugo endpoint could not be configured. Never carries a
/// secret.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is unset, empty or not Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The proxy's static header value given in code is empty (it would
    /// check nothing).
    #[error(
        "the Centrifugo proxy secret is empty: give `require_header` the value of Centrifugo's `static_headers`, or do not call it"
    )]
    EmptyProxySecret,
    /// The token HMAC key given in code is empty (anyone could sign tokens).
    #[error("the Centrifugo token HMAC secret key is empty")]
    EmptyTokenSecret,
}

crate::error::debug_is_display!(ConfigError);
