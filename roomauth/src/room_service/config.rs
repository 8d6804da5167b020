//! Room Service's configuration: its variables (`ENV_*`) and
//! [`ConfigError`], below both provisioners, which report it; the
//! environment's choice among them reads the variables in
//! [`env_provisioner`](super::env_provisioner).

use crate::env::EnvError;

/// The environment variable holding the Room Service API key.
pub const ENV_API_KEY: &str = "ROOMSERVICE_API_KEY";
/// The environment variable holding the Room Service base URL.
pub const ENV_URL: &str = "ROOMSERVICE_URL";
/// The environment variable choosing the `Authorization` scheme
/// (`bearer-colon` or `bearer`).
pub const ENV_AUTH_SCHEME: &str = "ROOMSERVICE_AUTH_SCHEME";

/// What [`ENV_API_KEY`] holds, as errors say it.
pub(super) const API_KEY_WHAT: &str =
    "your Room Service API key, or unset it to use the embedded local provisioner";

/// A configuration problem found while building a provisioner. Messages say
/// what to fix; none contains a secret.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key was given.
    #[error(
        "no Room Service API key: set ROOMSERVICE_API_KEY (or call HttpProvisioner::builder().api_key(..))"
    )]
    MissingApiKey,
    /// `ROOMSERVICE_URL` is set but `ROOMSERVICE_API_KEY` is not.
    #[error(
        "ROOMSERVICE_URL is set but ROOMSERVICE_API_KEY is not: set the API key too, or unset ROOMSERVICE_URL to use the embedded local provisioner"
    )]
    UrlWithoutApiKey,
    /// The API key given in code is empty.
    #[error(
        "the Room Service API key is empty: set ROOMSERVICE_API_KEY to your key, or unset it to use the embedded local provisioner"
    )]
    EmptyApiKey,
    /// The API key holds characters no key has.
    #[error(
        "the Room Service API key contains whitespace, quotes, backslashes, control or non-ASCII characters: check ROOMSERVICE_API_KEY for stray spaces, quotes or newlines"
    )]
    InvalidApiKey,
    /// The base URL is not an absolute `http(s)` URL.
    #[error(
        "invalid Room Service URL ({reason}): set ROOMSERVICE_URL to an http(s) URL such as https://super.roomservice.dev"
    )]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// `ROOMSERVICE_AUTH_SCHEME` names no known scheme.
    #[error(
        "unknown Authorization scheme {value:?}: set ROOMSERVICE_AUTH_SCHEME to `bearer-colon` (\"Bearer: <key>\", the default) or `bearer` (\"Bearer <key>\")"
    )]
    InvalidAuthScheme {
        /// The value given (at most 32 characters of it).
        value: String,
    },
    /// An environment variable is empty where a secret belongs, does not
    /// parse, or is not valid Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// A timeout of zero was configured.
    #[error("the {what} timeout must be greater than zero")]
    ZeroTimeout {
        /// Which timeout.
        what: &'static str,
    },
    /// A timeout or backoff that cannot be used (over a day, say).
    #[error("unusable call settings: {reason}")]
    Unusable {
        /// What to change.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built ({reason}): check the TLS setup of this machine")]
    HttpClient {
        /// reqwest's reason.
        reason: String,
    },
    /// A signing key is shorter than 32 bytes.
    #[error(
        "the signing key has {len} bytes; HS256 needs at least 32 random bytes (64 hex digits or 44 base64 characters)"
    )]
    WeakSigningKey {
        /// How many bytes it has.
        len: usize,
    },
    /// A signing key's text is neither hex nor base64.
    #[error(
        "the signing key is neither hex nor base64: give at least 32 random bytes, e.g. the output of `openssl rand -hex 32`"
    )]
    InvalidSigningKey,
    /// A signing key id is empty, too long, or not printable ASCII.
    #[error("invalid signing key id: use 1 to 64 printable ASCII characters")]
    InvalidKeyId,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed ({reason}): cannot generate a signing key")]
    Randomness {
        /// getrandom's reason.
        reason: String,
    },
}

crate::error::debug_is_display!(ConfigError);
