//! [`Liveblocks`]: the secret key and the API it is sent to, from the
//! environment or a builder.

use std::ffi::OsString;
use std::fmt;

use http::HeaderValue;
use url::Url;

use crate::env::{self, Env, EnvError};
use crate::secret::Secret;
use crate::upstream::{CallPolicy, HttpUpstream, Service, UpstreamSettings, service_endpoint};

/// The environment variable holding the secret key (`sk_…`).
pub const ENV_SECRET_KEY: &str = "LIVEBLOCKS_SECRET_KEY";
/// The environment variable holding the API's base URL.
pub const ENV_BASE_URL: &str = "LIVEBLOCKS_BASE_URL";
/// Liveblocks' API.
pub const DEFAULT_BASE_URL: &str = "https://api.liveblocks.io";
/// The secret key of Liveblocks' local dev server (`liveblocks dev`), the
/// only one it accepts.
pub const LOCAL_DEV_SECRET_KEY: &str = "sk_localdev";
pub use crate::upstream::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_POOL_MAX_IDLE_PER_HOST,
    DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT,
};

/// Liveblocks, as upstream errors name it: which settings to check.
pub const SERVICE: Service = Service {
    name: "Liveblocks",
    url_setting: ENV_BASE_URL,
    key_setting: ENV_SECRET_KEY,
};

/// Authorizes Liveblocks sessions through its REST API: the secret key, the
/// `/v2/authorize-user` endpoint, and one pooled HTTP client with a
/// deadline and bounded retries ([`crate::upstream`]). Clone it (cheap) rather
/// than building one per call. `Debug` never shows the key.
#[derive(Clone)]
pub struct Liveblocks {
    pub(super) secret_key: Secret,
    pub(super) endpoint: Url,
    /// `Bearer <key>`, marked sensitive.
    pub(super) authorization: HeaderValue,
    pub(super) upstream: HttpUpstream,
}

impl fmt::Debug for Liveblocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Liveblocks")
            .field("secret_key", &self.secret_key)
            .field("endpoint", &self.endpoint.as_str())
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

impl Liveblocks {
    /// A builder, in reqwest's style.
    pub fn builder() -> LiveblocksBuilder {
        LiveblocksBuilder::default()
    }

    /// Reads `LIVEBLOCKS_SECRET_KEY` (required) and `LIVEBLOCKS_BASE_URL`
    /// (default [`DEFAULT_BASE_URL`]).
    pub fn from_env() -> Result<Liveblocks, ConfigError> {
        Liveblocks::from_lookup(env::process)
    }

    /// [`Liveblocks::from_env`] over any variable lookup (`None`: unset),
    /// read as [`Env`] reads: empty is unset, an empty secret is an error.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Liveblocks, ConfigError> {
        let env = Env::new(lookup);
        let mut builder = Liveblocks::builder();
        if let Some(key) = env.secret(ENV_SECRET_KEY, "the Liveblocks secret key (`sk_…`)")? {
            builder = builder.secret_key(key);
        }
        if let Some(url) = env.optional(ENV_BASE_URL)? {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// Where sessions are authorized: `{base}/v2/authorize-user`.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The deadline and retries of a call.
    pub fn policy(&self) -> CallPolicy {
        self.upstream.policy()
    }
}

/// Builds a [`Liveblocks`]; see [`Liveblocks::builder`]. Errors are
/// reported by [`build`](LiveblocksBuilder::build).
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct LiveblocksBuilder {
    secret_key: Option<Secret>,
    base_url: Option<String>,
    upstream: UpstreamSettings,
}

impl LiveblocksBuilder {
    /// The secret key (required): `sk_` and letters, digits, `_` or `-`,
    /// as `@liveblocks/node` requires.
    pub fn secret_key(mut self, key: impl Into<Secret>) -> Self {
        self.secret_key = Some(key.into());
        self
    }

    /// The API's base URL; `/v2/authorize-user` is appended. Default
    /// [`DEFAULT_BASE_URL`]; the local dev server is `http://127.0.0.1:1153`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    crate::upstream::upstream_setters!();

    /// Checks the settings and builds the HTTP client.
    pub fn build(self) -> Result<Liveblocks, ConfigError> {
        let secret_key = self.secret_key.ok_or(ConfigError::MissingSecretKey)?;
        check_secret_key(secret_key.expose())?;
        let endpoint = authorize_endpoint(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let upstream = HttpUpstream::new(&self.upstream, SERVICE, Some(secret_key.clone()))
            .map_err(|err| ConfigError::Unusable {
                reason: err.to_string(),
            })?;
        // The key was checked to be `sk_` and word characters: a valid header.
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", secret_key.expose()))
            .map_err(|_| ConfigError::InvalidSecretKey)?;
        authorization.set_sensitive(true);
        Ok(Liveblocks {
            secret_key,
            endpoint,
            authorization,
            upstream,
        })
    }
}

/// `sk_` then `[A-Za-z0-9_-]+`: a public key (`pk_…`) or a stray space is
/// caught here rather than as a 403 from Liveblocks.
fn check_secret_key(key: &str) -> Result<(), ConfigError> {
    let Some(rest) = key.strip_prefix("sk_") else {
        return Err(ConfigError::InvalidSecretKey);
    };
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(ConfigError::InvalidSecretKey);
    }
    Ok(())
}

/// `{base}/v2/authorize-user`, after checking that `base` is an absolute
/// http(s) URL without credentials, query or fragment.
fn authorize_endpoint(base: &str) -> Result<Url, ConfigError> {
    service_endpoint(base, "/v2/authorize-user", ENV_SECRET_KEY)
        .map_err(|reason| ConfigError::InvalidBaseUrl { reason })
}

/// A configuration problem found while building a [`Liveblocks`]. Messages
/// say what to fix; none contains the key.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret key was given.
    #[error(
        "no Liveblocks secret key: set LIVEBLOCKS_SECRET_KEY (or call Liveblocks::builder().secret_key(..))"
    )]
    MissingSecretKey,
    /// The secret key is not `sk_…`.
    #[error(
        "the Liveblocks secret key must start with `sk_` and contain only letters, digits, `_` and `-`: check LIVEBLOCKS_SECRET_KEY (a `pk_` key is the public one)"
    )]
    InvalidSecretKey,
    /// The base URL is not an absolute http(s) URL.
    #[error("LIVEBLOCKS_BASE_URL is not usable ({reason}): e.g. https://api.liveblocks.io")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// An environment variable cannot be used.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// A timeout or retry setting is unusable, or the HTTP client could not
    /// be built.
    #[error("the Liveblocks client cannot be built: {reason}")]
    Unusable {
        /// What to change.
        reason: String,
    },
}

crate::error::debug_is_display!(ConfigError);

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::env::fixture;

    fn from_vars(vars: &[(&'static str, &str)]) -> Result<Liveblocks, ConfigError> {
        Liveblocks::from_lookup(fixture::vars(vars))
    }

    #[test]
    fn defaults_to_the_cloud_api() {
        let liveblocks = from_vars(&[(ENV_SECRET_KEY, "sk_prod_abc-123")]).unwrap();
        assert_eq!(
            liveblocks.endpoint().as_str(),
            "https://api.liveblocks.io/v2/authorize-user"
        );
    }

    #[test]
    fn the_local_dev_server() {
        let liveblocks = from_vars(&[
            (ENV_SECRET_KEY, LOCAL_DEV_SECRET_KEY),
            (ENV_BASE_URL, "http://127.0.0.1:1153/"),
        ])
        .unwrap();
        assert_eq!(
            liveblocks.endpoint().as_str(),
            "http://127.0.0.1:1153/v2/authorize-user"
        );
    }

    #[test]
    fn refuses_bad_settings() {
        assert_eq!(from_vars(&[]).unwrap_err(), ConfigError::MissingSecretKey);
        for key in ["sk_", "pk_localdev", "sk_local dev", "sk_é", " sk_x"] {
            assert_eq!(
                from_vars(&[(ENV_SECRET_KEY, key)]).unwrap_err(),
                ConfigError::InvalidSecretKey,
                "{key:?}"
            );
        }
        for url in [
            "ftp://host",
            "http://user:pw@host",
            "http://host/?q=1",
            "http://host/#f",
            "not a url",
        ] {
            let err = from_vars(&[(ENV_SECRET_KEY, "sk_x"), (ENV_BASE_URL, url)]).unwrap_err();
            assert!(matches!(err, ConfigError::InvalidBaseUrl { .. }), "{url}");
        }
    }

    #[test]
    fn empty_is_unset_and_an_empty_key_is_refused() {
        let cloud = from_vars(&[(ENV_SECRET_KEY, "sk_x"), (ENV_BASE_URL, " ")]).unwrap();
        assert_eq!(
            cloud.endpoint().as_str(),
            "https://api.liveblocks.io/v2/authorize-user"
        );
        for empty in ["", "  "] {
            let err = from_vars(&[(ENV_SECRET_KEY, empty)]).unwrap_err();
            assert!(
                matches!(
                    err,
                    ConfigError::Env(EnvError::EmptySecret {
                        name: ENV_SECRET_KEY,
                        ..
                    })
                ),
                "{err:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        let vars = [(ENV_SECRET_KEY, "sk_x"), (ENV_BASE_URL, "http://h")];
        for name in [ENV_SECRET_KEY, ENV_BASE_URL] {
            assert_eq!(
                Liveblocks::from_lookup(fixture::not_unicode(&vars, name)).unwrap_err(),
                ConfigError::Env(EnvError::NotUnicode { name })
            );
        }
    }

    #[test]
    fn refuses_unusable_timeouts() {
        let zero = Liveblocks::builder()
            .secret_key("sk_x")
            .timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(zero, ConfigError::Unusable { .. }));
        let zero = Liveblocks::builder()
            .secret_key("sk_x")
            .connect_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert!(matches!(zero, ConfigError::Unusable { .. }));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let liveblocks = Liveblocks::builder()
            .secret_key("sk_supersecret")
            .build()
            .unwrap();
        assert!(!format!("{liveblocks:?}").contains("supersecret"));
        let err = Liveblocks::builder()
            .secret_key("sk_supersecret oops")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("supersecret"));
    }
}
