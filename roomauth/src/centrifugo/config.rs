//! The Centrifugo endpoints' settings: the proxies' static secret header
//! and the subscription tokens' HMAC key, from the environment or in code.

use std::ffi::OsString;
use std::time::Duration;

use http::HeaderName;

use crate::env::{self, Env};
use crate::secret::Secret;

use super::error::ConfigError;
use super::token::{DEFAULT_TOKEN_TTL, TokenSecret};

/// The environment variable holding the value of the static header
/// Centrifugo sends with every proxy request (`proxy.http.static_headers`);
/// optional: unset, the proxy endpoint checks no header (protect it by
/// network), empty is an error.
pub const ENV_PROXY_SECRET: &str = "CENTRIFUGO_PROXY_SECRET";

/// The header the proxies' `from_env` check.
pub const PROXY_SECRET_HEADER: &str = "x-centrifugo-proxy-secret";

/// Centrifugo v6's environment variable for its token HMAC key
/// (`client.token.hmac_secret_key`), used for subscription tokens too.
pub const ENV_TOKEN_SECRET: &str = "CENTRIFUGO_CLIENT_TOKEN_HMAC_SECRET_KEY";

/// Centrifugo v6's environment variable for a separate subscription token
/// key (`client.subscription_token.hmac_secret_key`); read first.
pub const ENV_SUBSCRIPTION_TOKEN_SECRET: &str =
    "CENTRIFUGO_CLIENT_SUBSCRIPTION_TOKEN_HMAC_SECRET_KEY";

const PROXY_SECRET_WHAT: &str = "the value of the X-Centrifugo-Proxy-Secret header in Centrifugo's `static_headers`, or unset it to check no header";
const TOKEN_SECRET_WHAT: &str = "Centrifugo's token HMAC secret key (`hmac_secret_key`)";

/// The subscribe proxy endpoint (see the [module docs](super)).
#[derive(Debug, Clone, Default)]
pub struct CentrifugoSubscribe {
    pub(super) secret: Option<ProxySecret>,
    pub(super) expire_after: Option<Duration>,
}

/// The publish proxy endpoint (see the [module docs](super)): a write
/// grant publishes, a read grant and no grant do not.
#[derive(Debug, Clone, Default)]
pub struct CentrifugoPublish {
    pub(super) secret: Option<ProxySecret>,
}

/// A static header and its value that every proxy request must carry.
#[derive(Debug, Clone)]
pub(super) struct ProxySecret {
    pub(super) header: HeaderName,
    pub(super) value: Secret,
}

impl ProxySecret {
    /// `header: value`; an empty value is [`ConfigError::EmptyProxySecret`].
    fn new(header: HeaderName, value: impl Into<Secret>) -> Result<ProxySecret, ConfigError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ConfigError::EmptyProxySecret);
        }
        Ok(ProxySecret { header, value })
    }

    /// `X-Centrifugo-Proxy-Secret` when `CENTRIFUGO_PROXY_SECRET` is set;
    /// set but empty is an error.
    fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<ProxySecret>, ConfigError> {
        Env::new(lookup)
            .secret(ENV_PROXY_SECRET, PROXY_SECRET_WHAT)?
            .map(|value| ProxySecret::new(HeaderName::from_static(PROXY_SECRET_HEADER), value))
            .transpose()
    }
}

impl CentrifugoSubscribe {
    /// A proxy endpoint without a static secret: protect it by network
    /// (Centrifugo's proxy requests are not signed).
    pub fn new() -> CentrifugoSubscribe {
        CentrifugoSubscribe {
            secret: None,
            expire_after: None,
        }
    }

    /// Subscriptions expire `interval` after each answer of the rules
    /// (`expire_at`), and Centrifugo asks the sub-refresh proxy
    /// ([`sub_refresh`](Self::sub_refresh), `sub_refresh_proxy_enabled`)
    /// whether to extend them: a withdrawn grant ends within `interval`.
    /// Whole seconds, at least one. Without it a subscription lasts as long
    /// as the connection (revoke with the server API, `CentrifugoApi`).
    pub fn expire_after(mut self, interval: Duration) -> Self {
        self.expire_after = Some(interval);
        self
    }

    /// The re-asking interval ([`expire_after`](Self::expire_after)).
    pub fn refresh_interval(&self) -> Option<Duration> {
        self.expire_after
    }

    /// Requires `header: value` on every request (Centrifugo's
    /// `static_headers`), compared in constant time; missing or wrong: 401.
    /// An empty value is [`ConfigError::EmptyProxySecret`].
    pub fn require_header(
        mut self,
        header: HeaderName,
        value: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        self.secret = Some(ProxySecret::new(header, value)?);
        Ok(self)
    }

    /// [`new`](Self::new), requiring `X-Centrifugo-Proxy-Secret` when
    /// `CENTRIFUGO_PROXY_SECRET` is set; set but empty is an error.
    pub fn from_env() -> Result<CentrifugoSubscribe, ConfigError> {
        CentrifugoSubscribe::from_lookup(env::process)
    }

    /// [`CentrifugoSubscribe::from_env`] over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<CentrifugoSubscribe, ConfigError> {
        Ok(CentrifugoSubscribe {
            secret: ProxySecret::from_lookup(lookup)?,
            expire_after: None,
        })
    }
}

impl CentrifugoPublish {
    /// A proxy endpoint without a static secret: protect it by network
    /// (Centrifugo's proxy requests are not signed).
    pub fn new() -> CentrifugoPublish {
        CentrifugoPublish { secret: None }
    }

    /// Requires `header: value` on every request, as
    /// [`CentrifugoSubscribe::require_header`] does.
    pub fn require_header(
        mut self,
        header: HeaderName,
        value: impl Into<Secret>,
    ) -> Result<Self, ConfigError> {
        self.secret = Some(ProxySecret::new(header, value)?);
        Ok(self)
    }

    /// [`new`](Self::new), requiring `X-Centrifugo-Proxy-Secret` when
    /// `CENTRIFUGO_PROXY_SECRET` is set (the same header as the subscribe
    /// proxy); set but empty is an error.
    pub fn from_env() -> Result<CentrifugoPublish, ConfigError> {
        CentrifugoPublish::from_lookup(env::process)
    }

    /// [`CentrifugoPublish::from_env`] over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<CentrifugoPublish, ConfigError> {
        Ok(CentrifugoPublish {
            secret: ProxySecret::from_lookup(lookup)?,
        })
    }
}

/// The subscription token endpoint (see the [module docs](super)).
#[derive(Debug, Clone)]
pub struct CentrifugoToken {
    pub(super) secret: TokenSecret,
    pub(super) ttl: Duration,
}

impl CentrifugoToken {
    /// Tokens signed with `secret`, valid for [`DEFAULT_TOKEN_TTL`].
    pub fn new(secret: TokenSecret) -> CentrifugoToken {
        CentrifugoToken {
            secret,
            ttl: DEFAULT_TOKEN_TTL,
        }
    }

    /// Tokens signed with the key Centrifugo verifies subscription tokens
    /// with: [`ENV_SUBSCRIPTION_TOKEN_SECRET`] when set, else
    /// [`ENV_TOKEN_SECRET`] (one of them required; empty is an error).
    pub fn from_env() -> Result<CentrifugoToken, ConfigError> {
        CentrifugoToken::from_lookup(env::process)
    }

    /// [`CentrifugoToken::from_env`] over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<CentrifugoToken, ConfigError> {
        let env = Env::new(lookup);
        let secret = match env.secret(ENV_SUBSCRIPTION_TOKEN_SECRET, TOKEN_SECRET_WHAT)? {
            Some(secret) => secret,
            None => env.required_secret(ENV_TOKEN_SECRET, TOKEN_SECRET_WHAT)?,
        };
        TokenSecret::new(secret.expose()).map(CentrifugoToken::new)
    }

    /// How long tokens are valid (`exp - iat`).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{EnvError, fixture};

    #[test]
    fn the_proxy_secret_is_optional_but_never_empty() {
        let none = CentrifugoSubscribe::from_lookup(fixture::vars(&[])).unwrap();
        assert!(none.secret.is_none());
        let set = CentrifugoSubscribe::from_lookup(fixture::vars(&[(ENV_PROXY_SECRET, "s3cret")]))
            .unwrap();
        let secret = set.secret.as_ref().unwrap();
        assert_eq!(secret.header.as_str(), PROXY_SECRET_HEADER);
        assert!(secret.value.matches("s3cret"));
        assert!(!format!("{set:?}").contains("s3cret"));
        for empty in ["", "  "] {
            let err = CentrifugoSubscribe::from_lookup(fixture::vars(&[(ENV_PROXY_SECRET, empty)]))
                .unwrap_err();
            assert_eq!(
                err,
                ConfigError::Env(EnvError::EmptySecret {
                    name: ENV_PROXY_SECRET,
                    what: PROXY_SECRET_WHAT
                })
            );
            assert!(
                err.to_string()
                    .starts_with("CENTRIFUGO_PROXY_SECRET is empty")
            );
        }
        let header = HeaderName::from_static(PROXY_SECRET_HEADER);
        assert_eq!(
            CentrifugoSubscribe::new()
                .require_header(header, "")
                .unwrap_err(),
            ConfigError::EmptyProxySecret
        );
    }

    #[test]
    fn the_token_key_is_required_and_never_empty() {
        assert!(CentrifugoToken::from_lookup(fixture::vars(&[(ENV_TOKEN_SECRET, "k")])).is_ok());
        assert!(
            CentrifugoToken::from_lookup(fixture::vars(&[(ENV_SUBSCRIPTION_TOKEN_SECRET, "k")]))
                .is_ok()
        );
        assert_eq!(
            CentrifugoToken::from_lookup(fixture::vars(&[])).unwrap_err(),
            ConfigError::Env(EnvError::Missing {
                name: ENV_TOKEN_SECRET,
                what: TOKEN_SECRET_WHAT
            })
        );
        for (name, vars) in [
            (ENV_TOKEN_SECRET, vec![(ENV_TOKEN_SECRET, "")]),
            (
                ENV_SUBSCRIPTION_TOKEN_SECRET,
                vec![
                    (ENV_SUBSCRIPTION_TOKEN_SECRET, " "),
                    (ENV_TOKEN_SECRET, "k"),
                ],
            ),
        ] {
            assert_eq!(
                CentrifugoToken::from_lookup(fixture::vars(&vars)).unwrap_err(),
                ConfigError::Env(EnvError::EmptySecret {
                    name,
                    what: TOKEN_SECRET_WHAT
                })
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        assert_eq!(
            CentrifugoSubscribe::from_lookup(fixture::not_unicode(&[], ENV_PROXY_SECRET))
                .unwrap_err(),
            ConfigError::Env(EnvError::NotUnicode {
                name: ENV_PROXY_SECRET
            })
        );
        for name in [ENV_SUBSCRIPTION_TOKEN_SECRET, ENV_TOKEN_SECRET] {
            assert_eq!(
                CentrifugoToken::from_lookup(fixture::not_unicode(&[], name)).unwrap_err(),
                ConfigError::Env(EnvError::NotUnicode { name })
            );
        }
    }
}
