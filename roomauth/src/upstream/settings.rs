//! The settings of a service client: the connection, deadline and retry
//! settings every relaying backend's builder holds ([`UpstreamSettings`],
//! its setters written once), the call policy they give ([`CallPolicy`]),
//! and the check of a service's base URL.

use std::time::Duration;

#[cfg(any(feature = "room-service", feature = "liveblocks"))]
use url::Url;

use super::redact::MAX_REASON_BYTES;
use crate::text::truncate;

/// How long a whole call, retries included, may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a call that failed before the service could act on it
/// (no connection) or that the service failed (5xx) is retried by default.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The wait before the first retry by default; it doubles at each retry
/// (with jitter: between half of it and all of it).
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(25);
/// How many idle keep-alive connections are kept per host by default:
/// as many as a busy webhook has calls in flight, so that load does not
/// close and reopen connections. Each close leaves a socket in TIME-WAIT
/// for a minute; with 32, the soak (`examples/soak/run.sh`, 1,000 clients)
/// left 14,000 of them after a minute at 2,500 requests/s, on its way to
/// exhausting the ephemeral ports.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 1024;

/// The retry and deadline settings of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    /// The budget of a whole call, retries included.
    pub timeout: Duration,
    /// How many retries may follow a retryable failure.
    pub max_retries: u32,
    /// The wait before the first retry, doubled at each retry.
    pub retry_backoff: Duration,
}

impl CallPolicy {
    /// The longest timeout or backoff accepted: a day. Longer ones (or
    /// `Duration::MAX`) would overflow the deadline arithmetic.
    pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

    /// Checks the settings: a timeout above zero, durations at most
    /// [`CallPolicy::MAX_DURATION`]. The message says what to fix.
    pub fn check(&self) -> Result<(), String> {
        if self.timeout.is_zero() {
            return Err("the request timeout must be greater than zero".to_owned());
        }
        if self.timeout > Self::MAX_DURATION || self.retry_backoff > Self::MAX_DURATION {
            return Err(
                "the request timeout and the retry backoff must be at most a day".to_owned(),
            );
        }
        Ok(())
    }
}

/// The connection, deadline and retry settings of a service client: what
/// every relaying backend's builder holds and forwards its setters to,
/// checked and turned into a client once when the backend is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpstreamSettings {
    /// The budget of a whole call: connecting, retries and reading the
    /// answer included.
    pub timeout: Duration,
    /// The connect timeout (never more than `timeout`).
    pub connect_timeout: Duration,
    /// How many retries may follow a retryable failure.
    pub max_retries: u32,
    /// The wait before the first retry, doubled at each retry.
    pub retry_backoff: Duration,
    /// How many idle keep-alive connections are kept per host.
    pub pool_max_idle_per_host: usize,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        UpstreamSettings {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
        }
    }
}

/// The setters of a backend builder's `upstream: UpstreamSettings` field,
/// with their docs, written once for every builder: `timeout`,
/// `connect_timeout`, `max_retries`, `retry_backoff` and
/// `pool_max_idle_per_host`. Expanded inside the builder's `impl` block.
#[cfg_attr(
    not(any(feature = "room-service", feature = "liveblocks")),
    allow(unused_macros)
)]
macro_rules! upstream_setters {
    () => {
        /// The timeout of a whole call, connecting, retries and reading the
        /// answer included; default
        /// [`DEFAULT_TIMEOUT`](crate::upstream::DEFAULT_TIMEOUT).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.upstream.timeout = timeout;
            self
        }

        /// The connect timeout; default
        /// [`DEFAULT_CONNECT_TIMEOUT`](crate::upstream::DEFAULT_CONNECT_TIMEOUT)
        /// (never more than the whole call's timeout).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.upstream.connect_timeout = timeout;
            self
        }

        /// How many times a call is retried when the service cannot have
        /// acted on it (no connection) or said it failed (5xx); default
        /// [`DEFAULT_MAX_RETRIES`](crate::upstream::DEFAULT_MAX_RETRIES), 0
        /// for none. See [`crate::upstream`].
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.upstream.max_retries = retries;
            self
        }

        /// The wait before the first retry, doubled at each retry; default
        /// [`DEFAULT_RETRY_BACKOFF`](crate::upstream::DEFAULT_RETRY_BACKOFF).
        pub fn retry_backoff(mut self, backoff: std::time::Duration) -> Self {
            self.upstream.retry_backoff = backoff;
            self
        }

        /// How many idle keep-alive connections are kept per host; default
        /// [`DEFAULT_POOL_MAX_IDLE_PER_HOST`](crate::upstream::DEFAULT_POOL_MAX_IDLE_PER_HOST).
        pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
            self.upstream.pool_max_idle_per_host = max;
            self
        }
    };
}
#[cfg_attr(
    not(any(feature = "room-service", feature = "liveblocks")),
    allow(unused_imports)
)]
pub(crate) use upstream_setters;

/// Why [`UpstreamSettings`] cannot be used. Each message says what to fix.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A timeout of zero: `what` is `"request"` or `"connect"`.
    #[error("the {what} timeout must be greater than zero")]
    ZeroTimeout {
        /// Which timeout.
        what: &'static str,
    },
    /// A timeout or backoff over [`CallPolicy::MAX_DURATION`].
    #[error("{reason}")]
    Unusable {
        /// What to change.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("{reason}")]
    HttpClient {
        /// The HTTP client's reason.
        reason: String,
    },
}

crate::error::debug_is_display!(SettingsError);

impl UpstreamSettings {
    /// The deadline and retries of a call.
    pub fn policy(&self) -> CallPolicy {
        CallPolicy {
            timeout: self.timeout,
            max_retries: self.max_retries,
            retry_backoff: self.retry_backoff,
        }
    }

    /// Checks the settings and builds the HTTP client with the settings
    /// every service call wants: the user agent, the timeouts, keep-alive,
    /// and no redirects (a redirected POST would turn into a GET and could
    /// carry the key elsewhere: a 3xx is an unexpected status instead).
    pub(crate) fn build_client(&self) -> Result<(reqwest::Client, CallPolicy), SettingsError> {
        if self.timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout { what: "request" });
        }
        if self.connect_timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout { what: "connect" });
        }
        let policy = self.policy();
        policy
            .check()
            .map_err(|reason| SettingsError::Unusable { reason })?;
        let client = reqwest::Client::builder()
            .user_agent(concat!("roomauth/", env!("CARGO_PKG_VERSION")))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            // Below the keep-alive idle timeout of servers (20 s in
            // `roomauth::serve`), so that the pool closes a connection
            // before the server does, not while a request is on its way.
            .pool_idle_timeout(Duration::from_secs(15))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| SettingsError::HttpClient {
                reason: truncate(&err.to_string(), MAX_REASON_BYTES),
            })?;
        Ok((client, policy))
    }
}

/// `{base}{path}` (`path` starts with `/`), after checking that `base` is
/// an absolute http(s) URL without credentials (they belong in
/// `key_setting`), query or fragment. The error says what is wrong.
#[cfg(any(feature = "room-service", feature = "liveblocks"))]
pub(crate) fn service_endpoint(base: &str, path: &str, key_setting: &str) -> Result<Url, String> {
    let url = Url::parse(base.trim()).map_err(|err| err.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the scheme must be http or https".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "it contains credentials; the key belongs in {key_setting}"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it must not have a query or fragment".to_owned());
    }
    let joined = format!("{}{path}", url.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_unusable_durations() {
        let ok = CallPolicy {
            timeout: Duration::from_secs(1),
            max_retries: 2,
            retry_backoff: Duration::from_millis(25),
        };
        assert!(ok.check().is_ok());
        assert!(
            CallPolicy {
                timeout: Duration::MAX,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            CallPolicy {
                retry_backoff: Duration::MAX,
                ..ok
            }
            .check()
            .is_err()
        );
        assert!(
            CallPolicy {
                timeout: Duration::ZERO,
                ..ok
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn settings_refuse_zero_timeouts() {
        let zero = UpstreamSettings {
            timeout: Duration::ZERO,
            ..UpstreamSettings::default()
        };
        assert_eq!(
            zero.build_client().unwrap_err(),
            SettingsError::ZeroTimeout { what: "request" }
        );
        let zero = UpstreamSettings {
            connect_timeout: Duration::ZERO,
            ..UpstreamSettings::default()
        };
        assert_eq!(
            zero.build_client().unwrap_err(),
            SettingsError::ZeroTimeout { what: "connect" }
        );
    }

    #[cfg(any(feature = "room-service", feature = "liveblocks"))]
    #[test]
    fn service_endpoints_are_checked_urls() {
        let ok = service_endpoint("https://api.example/ ", "/v2/x", "KEY").unwrap();
        assert_eq!(ok.as_str(), "https://api.example/v2/x");
        let creds = service_endpoint("http://u:p@host", "/x", "KEY").unwrap_err();
        assert!(creds.contains("KEY"), "{creds}");
        for bad in ["ftp://host", "http://host/?q", "http://host/#f", "nope"] {
            assert!(service_endpoint(bad, "/x", "KEY").is_err(), "{bad}");
        }
    }
}
