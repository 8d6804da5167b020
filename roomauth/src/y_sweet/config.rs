//! [`YSweet`]: the y-sweet server tokens come from and the client
//! settings, from the environment or in code.

use std::ffi::OsString;
use std::time::Duration;

use crate::env::{self, Env, EnvError};
use crate::secret::Secret;
use http::HeaderValue;

use crate::upstream::{CallPolicy, HttpUpstream, Service, UpstreamSettings};

use super::connection::{ConnectionString, ConnectionStringError};

/// The environment variable holding the connection string,
/// `ys://<server token>@host:port` (`yss://` for HTTPS).
pub const ENV_CONNECTION_STRING: &str = "Y_SWEET_CONNECTION_STRING";

/// What [`ENV_CONNECTION_STRING`] holds, as errors say it.
const CONNECTION_STRING_WHAT: &str =
    "`ys://<server token>@<host>:<port>` (`y-sweet gen-auth` prints the token)";

/// The y-sweet server, as its errors name it.
pub const SERVICE: Service = Service {
    name: "y-sweet",
    url_setting: ENV_CONNECTION_STRING,
    key_setting: ENV_CONNECTION_STRING,
};

/// How long client tokens are valid unless configured: y-sweet's own default.
pub const DEFAULT_VALID_FOR: Duration = Duration::from_secs(3600);

/// The default deadline of one grant's calls to the server, retries
/// included: every relaying backend's.
pub use crate::upstream::DEFAULT_TIMEOUT;

/// The auth endpoint of `@y-sweet/client` (see the [module docs](super)).
#[derive(Debug, Clone)]
pub struct YSweet {
    pub(super) connection: ConnectionString,
    /// `Bearer <server token>`, marked sensitive; `None` for a server
    /// started without `--auth`.
    pub(super) authorization: Option<HeaderValue>,
    pub(super) upstream: HttpUpstream,
    pub(super) valid_for: Duration,
}

/// Why a [`YSweet`] could not be made. Never carries the connection
/// string (it holds the server token).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `Y_SWEET_CONNECTION_STRING` is unset, empty or not Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The connection string is wrong.
    #[error(transparent)]
    Connection(#[from] ConnectionStringError),
    /// The timeout or backoff is out of range, or the HTTP client could not
    /// be built.
    #[error("the y-sweet client settings are wrong: {0}")]
    Client(String),
}

crate::error::debug_is_display!(ConfigError);

impl YSweet {
    /// An endpoint that asks the server of `connection` for client tokens,
    /// with the deadline and retries every relaying backend has by default
    /// ([`UpstreamSettings::default`]: 10 s, up to 2 retries of safe
    /// failures).
    pub fn new(connection: ConnectionString) -> Result<YSweet, ConfigError> {
        YSweet::with_settings(connection, UpstreamSettings::default())
    }

    /// [`new`](Self::new) with the deadline and retries of `policy`, the
    /// other settings at their defaults.
    pub fn with_policy(
        connection: ConnectionString,
        policy: CallPolicy,
    ) -> Result<YSweet, ConfigError> {
        let settings = UpstreamSettings {
            timeout: policy.timeout,
            max_retries: policy.max_retries,
            retry_backoff: policy.retry_backoff,
            ..UpstreamSettings::default()
        };
        YSweet::with_settings(connection, settings)
    }

    /// [`new`](Self::new) with the connection, deadline and retry
    /// `settings` of every relaying backend.
    pub fn with_settings(
        connection: ConnectionString,
        settings: UpstreamSettings,
    ) -> Result<YSweet, ConfigError> {
        let authorization = match connection.server_token() {
            Some(token) => {
                let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                    ConfigError::Client(format!(
                        "the server token in {ENV_CONNECTION_STRING} contains control characters"
                    ))
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let key = connection.server_token().map(Secret::new);
        let upstream = HttpUpstream::new(&settings, SERVICE, key)
            .map_err(|err| ConfigError::Client(err.to_string()))?;
        Ok(YSweet {
            connection,
            authorization,
            upstream,
            valid_for: DEFAULT_VALID_FOR,
        })
    }

    /// The deadline and retries of a call.
    pub fn policy(&self) -> CallPolicy {
        self.upstream.policy()
    }

    /// An endpoint for the server of `Y_SWEET_CONNECTION_STRING`
    /// (required, not empty).
    pub fn from_env() -> Result<YSweet, ConfigError> {
        YSweet::from_lookup(env::process)
    }

    /// [`YSweet::from_env`] over any variable lookup (`None`: unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<YSweet, ConfigError> {
        // Read as a secret: it holds the server token.
        let value =
            Env::new(lookup).required_secret(ENV_CONNECTION_STRING, CONNECTION_STRING_WHAT)?;
        YSweet::new(ConnectionString::parse(value.expose())?)
    }

    /// How long the client tokens are valid (y-sweet's `validForSeconds`;
    /// the client fetches a new one when its connection fails).
    pub fn valid_for(mut self, valid_for: Duration) -> Self {
        self.valid_for = valid_for;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::fixture;

    #[test]
    fn reads_the_connection_string() {
        let y_sweet = YSweet::from_lookup(fixture::vars(&[(
            ENV_CONNECTION_STRING,
            "ys://tok@127.0.0.1:8080",
        )]))
        .unwrap();
        assert_eq!(y_sweet.connection.base_url(), "http://127.0.0.1:8080");
        assert!(!format!("{y_sweet:?}").contains("tok@"));
    }

    #[test]
    fn unset_and_empty_are_errors_naming_the_variable() {
        let missing = YSweet::from_lookup(fixture::vars(&[])).unwrap_err();
        assert_eq!(
            missing,
            ConfigError::Env(EnvError::Missing {
                name: ENV_CONNECTION_STRING,
                what: CONNECTION_STRING_WHAT
            })
        );
        assert!(
            missing
                .to_string()
                .starts_with("Y_SWEET_CONNECTION_STRING is not set")
        );
        for empty in ["", " "] {
            assert_eq!(
                YSweet::from_lookup(fixture::vars(&[(ENV_CONNECTION_STRING, empty)])).unwrap_err(),
                ConfigError::Env(EnvError::EmptySecret {
                    name: ENV_CONNECTION_STRING,
                    what: CONNECTION_STRING_WHAT
                })
            );
        }
        let wrong = YSweet::from_lookup(fixture::vars(&[(
            ENV_CONNECTION_STRING,
            "http://supersecret@h",
        )]))
        .unwrap_err();
        assert!(matches!(
            wrong,
            ConfigError::Connection(ConnectionStringError::Scheme(_))
        ));
        assert!(!wrong.to_string().contains("supersecret"));
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        assert_eq!(
            YSweet::from_lookup(fixture::not_unicode(&[], ENV_CONNECTION_STRING)).unwrap_err(),
            ConfigError::Env(EnvError::NotUnicode {
                name: ENV_CONNECTION_STRING
            })
        );
    }
}
