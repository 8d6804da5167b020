//! [`LiveKit`]: the API key, secret and server URL tokens are made with,
//! from the environment or a builder.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use url::Url;

use crate::env::{self, Env, EnvError};
use crate::jwt::Hs256Signer;
use crate::secret::Secret;

/// The environment variable holding the API key (the token's `iss`).
pub const ENV_API_KEY: &str = "LIVEKIT_API_KEY";
/// The environment variable holding the API secret (the HS256 key).
pub const ENV_API_SECRET: &str = "LIVEKIT_API_SECRET";
/// The environment variable holding the LiveKit server's URL, returned to
/// the client as `server_url`.
pub const ENV_URL: &str = "LIVEKIT_URL";
/// How long a token is valid by default: 6 hours, as LiveKit's SDKs.
pub const DEFAULT_TTL: Duration = Duration::from_secs(6 * 60 * 60);
/// API secrets shorter than this are accepted (LiveKit's dev mode uses
/// `secret`) but logged as a warning: LiveKit's server asks for 32.
const MIN_STRONG_SECRET_BYTES: usize = 32;

/// Issues LiveKit access tokens: HS256 JWTs signed with the API secret,
/// and the server URL the client connects to.
///
/// The secret is kept only as the keyed HMAC state; `Debug` shows the API
/// key (it is in every token's `iss`), the URL and the lifetime.
#[derive(Clone)]
pub struct LiveKit {
    pub(super) api_key: String,
    pub(super) signer: Hs256Signer,
    pub(super) server_url: String,
    pub(super) ttl: Duration,
}

impl fmt::Debug for LiveKit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveKit")
            .field("api_key", &self.api_key)
            .field("api_secret", &"[redacted]")
            .field("server_url", &self.server_url)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl LiveKit {
    /// A builder, in reqwest's style.
    pub fn builder() -> LiveKitBuilder {
        LiveKitBuilder::default()
    }

    /// Reads `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` and `LIVEKIT_URL`, all
    /// required; tokens live [`DEFAULT_TTL`].
    pub fn from_env() -> Result<LiveKit, ConfigError> {
        LiveKit::from_lookup(env::process)
    }

    /// [`LiveKit::from_env`] over any variable lookup (`None`: unset), read
    /// as [`Env`] reads: empty is unset, an empty secret is an error.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<LiveKit, ConfigError> {
        let env = Env::new(lookup);
        let mut builder = LiveKit::builder();
        if let Some(key) = env.optional(ENV_API_KEY)? {
            builder = builder.api_key(key);
        }
        if let Some(secret) = env.secret(ENV_API_SECRET, "the LiveKit API secret")? {
            builder = builder.api_secret(secret);
        }
        if let Some(url) = env.optional(ENV_URL)? {
            builder = builder.server_url(url);
        }
        builder.build()
    }

    /// The API key: the `iss` of every token.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The LiveKit server's URL, as configured.
    pub fn server_url(&self) -> &str {
        &self.server_url
    }

    /// How long a token is valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}

/// Builds a [`LiveKit`]; see [`LiveKit::builder`]. Errors are reported by
/// [`build`](LiveKitBuilder::build).
#[derive(Clone, Default)]
#[must_use]
pub struct LiveKitBuilder {
    api_key: Option<String>,
    api_secret: Option<Secret>,
    server_url: Option<String>,
    ttl: Option<Duration>,
}

impl fmt::Debug for LiveKitBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveKitBuilder")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("server_url", &self.server_url)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl LiveKitBuilder {
    /// The API key (required): visible ASCII, like LiveKit's `API…` keys.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API secret (required), the HS256 key.
    pub fn api_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.api_secret = Some(secret.into());
        self
    }

    /// The server URL (required) handed to the client: `ws://`, `wss://`,
    /// `http://` or `https://`.
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.server_url = Some(url.into());
        self
    }

    /// How long a token is valid (at least one second); default
    /// [`DEFAULT_TTL`].
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Checks the settings.
    pub fn build(self) -> Result<LiveKit, ConfigError> {
        let api_key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        if api_key.is_empty() || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidApiKey);
        }
        let secret = self.api_secret.ok_or(ConfigError::MissingApiSecret)?;
        let secret = secret.expose().as_bytes();
        if secret.is_empty() {
            return Err(ConfigError::EmptyApiSecret);
        }
        if secret.len() < MIN_STRONG_SECRET_BYTES {
            tracing::warn!(
                api_key = %api_key,
                "the LiveKit API secret is shorter than {MIN_STRONG_SECRET_BYTES} bytes: fine for LiveKit's dev mode, too weak anywhere else"
            );
        }
        let signer = Hs256Signer::new(secret).map_err(|_| ConfigError::EmptyApiSecret)?;
        let server_url = self.server_url.ok_or(ConfigError::MissingUrl)?;
        let server_url = check_server_url(server_url.trim())?;
        let ttl = self.ttl.unwrap_or(DEFAULT_TTL);
        if ttl < Duration::from_secs(1) {
            return Err(ConfigError::TtlTooShort);
        }
        Ok(LiveKit {
            api_key,
            signer,
            server_url,
            ttl,
        })
    }
}

/// `url` if it is an absolute ws(s) or http(s) URL with a host and without
/// credentials.
fn check_server_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidUrl {
        reason: reason.to_owned(),
    };
    let parsed = Url::parse(url).map_err(|err| ConfigError::InvalidUrl {
        reason: err.to_string(),
    })?;
    if !matches!(parsed.scheme(), "ws" | "wss" | "http" | "https") {
        return Err(invalid("the scheme must be ws, wss, http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "it contains credentials; the key and secret belong in LIVEKIT_API_KEY and LIVEKIT_API_SECRET",
        ));
    }
    Ok(url.to_owned())
}

/// A configuration problem found while building a [`LiveKit`]. Messages say
/// what to fix; none contains the secret.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key was given.
    #[error("no LiveKit API key: set LIVEKIT_API_KEY (or call LiveKit::builder().api_key(..))")]
    MissingApiKey,
    /// No API secret was given.
    #[error(
        "no LiveKit API secret: set LIVEKIT_API_SECRET (or call LiveKit::builder().api_secret(..))"
    )]
    MissingApiSecret,
    /// No server URL was given.
    #[error(
        "no LiveKit server URL: set LIVEKIT_URL, e.g. ws://127.0.0.1:7880 (or call LiveKit::builder().server_url(..))"
    )]
    MissingUrl,
    /// The API key is empty or has characters outside visible ASCII.
    #[error(
        "the LiveKit API key is empty or contains spaces or non-ASCII characters: check LIVEKIT_API_KEY"
    )]
    InvalidApiKey,
    /// The API secret is empty.
    #[error("the LiveKit API secret is empty: check LIVEKIT_API_SECRET")]
    EmptyApiSecret,
    /// The server URL is not an absolute ws(s) or http(s) URL.
    #[error(
        "LIVEKIT_URL is not a LiveKit server URL ({reason}): use e.g. wss://my-app.livekit.cloud"
    )]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// The token lifetime is under one second.
    #[error("the LiveKit token lifetime must be at least one second")]
    TtlTooShort,
    /// An environment variable cannot be used.
    #[error(transparent)]
    Env(#[from] EnvError),
}

crate::error::debug_is_display!(ConfigError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::fixture;

    fn from_vars(vars: &[(&'static str, &str)]) -> Result<LiveKit, ConfigError> {
        LiveKit::from_lookup(fixture::vars(vars))
    }

    const DEV: [(&str, &str); 3] = [
        (ENV_API_KEY, "devkey"),
        (ENV_API_SECRET, "secret"),
        (ENV_URL, "ws://127.0.0.1:7880"),
    ];

    #[test]
    fn reads_the_three_variables() {
        let livekit = from_vars(&DEV).unwrap();
        assert_eq!(livekit.api_key(), "devkey");
        assert_eq!(livekit.server_url(), "ws://127.0.0.1:7880");
        assert_eq!(livekit.ttl(), DEFAULT_TTL);
    }

    #[test]
    fn each_variable_is_required() {
        assert_eq!(
            from_vars(&DEV[1..]).unwrap_err(),
            ConfigError::MissingApiKey
        );
        assert_eq!(
            from_vars(&[DEV[0], DEV[2]]).unwrap_err(),
            ConfigError::MissingApiSecret
        );
        assert_eq!(from_vars(&DEV[..2]).unwrap_err(), ConfigError::MissingUrl);
    }

    #[test]
    fn refuses_bad_values() {
        let with = |name: &'static str, value: &'static str| {
            let mut vars = DEV.to_vec();
            vars.retain(|(k, _)| *k != name);
            vars.push((name, value));
            from_vars(&vars).unwrap_err()
        };
        assert_eq!(with(ENV_API_KEY, "dev key"), ConfigError::InvalidApiKey);
        for url in [
            "127.0.0.1:7880",
            "ftp://host",
            "ws://user:pw@host",
            "not a url",
        ] {
            assert!(
                matches!(with(ENV_URL, url), ConfigError::InvalidUrl { .. }),
                "{url}"
            );
        }
        let short = LiveKit::builder()
            .api_key("k")
            .api_secret("s")
            .server_url("wss://x.livekit.cloud")
            .ttl(Duration::from_millis(999))
            .build()
            .unwrap_err();
        assert_eq!(short, ConfigError::TtlTooShort);
    }

    #[test]
    fn empty_is_unset_and_an_empty_secret_is_refused() {
        let with = |name: &'static str, value: &'static str| {
            let mut vars = DEV.to_vec();
            vars.retain(|(k, _)| *k != name);
            vars.push((name, value));
            from_vars(&vars).unwrap_err()
        };
        assert_eq!(with(ENV_API_KEY, ""), ConfigError::MissingApiKey);
        assert_eq!(with(ENV_URL, " "), ConfigError::MissingUrl);
        let empty = with(ENV_API_SECRET, "");
        assert_eq!(
            empty,
            ConfigError::Env(EnvError::EmptySecret {
                name: ENV_API_SECRET,
                what: "the LiveKit API secret"
            })
        );
        assert!(empty.to_string().starts_with("LIVEKIT_API_SECRET is empty"));
        assert_eq!(
            LiveKit::builder()
                .api_key("k")
                .api_secret("")
                .server_url("ws://h")
                .build()
                .unwrap_err(),
            ConfigError::EmptyApiSecret
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        for name in [ENV_API_KEY, ENV_API_SECRET, ENV_URL] {
            assert_eq!(
                LiveKit::from_lookup(fixture::not_unicode(&DEV, name)).unwrap_err(),
                ConfigError::Env(EnvError::NotUnicode { name })
            );
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let livekit = LiveKit::builder()
            .api_key("APIkey")
            .api_secret("a-very-secret-secret-of-32-bytes!")
            .server_url("wss://x.livekit.cloud")
            .build()
            .unwrap();
        let debug = format!("{livekit:?}");
        assert!(debug.contains("APIkey"));
        assert!(!debug.contains("a-very-secret"));
        let builder = LiveKit::builder().api_secret("a-very-secret-secret");
        assert!(!format!("{builder:?}").contains("a-very-secret"));
    }
}
