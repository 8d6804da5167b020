//! Centrifugo's server API, for revoking (Centrifugo v5/v6 HTTP API):
//!
//! ```text
//! POST {CENTRIFUGO_API_URL}/api/unsubscribe   X-API-Key: <http_api.key>
//! {"user": "alice", "channel": "project:1"}
//! POST {CENTRIFUGO_API_URL}/api/disconnect    X-API-Key: <http_api.key>
//! {"user": "alice"}
//! -> 200 {"result": {}}     or 200 {"error": {"code": 102, "message": "unknown channel"}}
//! ```
//!
//! A removal unsubscribes the user from the room's channels (the room
//! `project:1` and its private form `$project:1` by default; see
//! [`CentrifugoApi::channels`]); a whole user is disconnected (the client
//! reconnects, and every subscription goes through the rules again). A
//! downgrade needs no call: the publish proxy asks the rules at every
//! publication.

use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use http::header::HeaderValue;
use serde::Deserialize;
use url::Url;

use crate::env::{self, Env, EnvError};
use crate::revoke::{Applied, Change, Revoke, RevokeError};
use crate::rule::{Access, BoxFuture};
use crate::secret::ApiKey;
use crate::upstream::{HttpUpstream, Service, SettingsError, UpstreamSettings};

/// Centrifugo's HTTP address (`http://127.0.0.1:8000`).
pub const ENV_API_URL: &str = "CENTRIFUGO_API_URL";
/// The server API key (Centrifugo's own `http_api.key`, set there as
/// `CENTRIFUGO_HTTP_API_KEY`).
pub const ENV_HTTP_API_KEY: &str = "CENTRIFUGO_HTTP_API_KEY";
const KEY_WHAT: &str = "Centrifugo's server API key (`http_api.key`)";
/// The header the key travels in.
pub const API_KEY_HEADER: &str = "x-api-key";
/// The largest answer read.
const MAX_ANSWER: usize = 16 * 1024;

const SERVICE: Service = Service {
    name: "the Centrifugo server API",
    url_setting: ENV_API_URL,
    key_setting: ENV_HTTP_API_KEY,
};

/// Which channels a room is: the room and its `$` form by default.
type ChannelsOf = Arc<dyn Fn(&str) -> Vec<String> + Send + Sync>;

/// Centrifugo's server API (see the [module docs](self)).
#[derive(Clone)]
pub struct CentrifugoApi {
    base: Url,
    key: HeaderValue,
    upstream: HttpUpstream,
    channels: ChannelsOf,
}

/// Why a [`CentrifugoApi`] could not be configured. Never carries the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CentrifugoApiError {
    /// Only one of the two variables is set.
    #[error(
        "{set} is set but {missing} is not: set both to revoke through Centrifugo's server API, or neither"
    )]
    Incomplete {
        /// The variable that is set.
        set: &'static str,
        /// The one missing.
        missing: &'static str,
    },
    /// A variable cannot be used (not Unicode, an empty key).
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The URL is not `http(s)://host[:port][/base]`.
    #[error("CENTRIFUGO_API_URL must be Centrifugo's http(s):// address: {0}")]
    InvalidUrl(String),
    /// The key is empty or cannot be a header value.
    #[error("CENTRIFUGO_HTTP_API_KEY must be a non-empty printable key")]
    InvalidKey,
    /// The HTTP client settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// Centrifugo's answer: `result` or `error`, both with HTTP 200.
#[derive(Deserialize)]
struct ApiAnswer {
    #[serde(default)]
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct ApiError {
    code: u32,
    #[serde(default)]
    message: String,
}

impl CentrifugoApi {
    /// The server API at `base_url` with `key`.
    pub fn new(base_url: &str, key: ApiKey) -> Result<CentrifugoApi, CentrifugoApiError> {
        CentrifugoApi::with_settings(base_url, key, UpstreamSettings::default())
    }

    /// [`new`](Self::new) with these timeouts and retries.
    pub fn with_settings(
        base_url: &str,
        key: ApiKey,
        settings: UpstreamSettings,
    ) -> Result<CentrifugoApi, CentrifugoApiError> {
        let invalid = || CentrifugoApiError::InvalidUrl(base_url.to_owned());
        let base = Url::parse(base_url).map_err(|_| invalid())?;
        if !matches!(base.scheme(), "http" | "https")
            || base.host_str().is_none()
            || base.query().is_some()
            || !base.username().is_empty()
            || base.password().is_some()
        {
            return Err(invalid());
        }
        let mut header =
            HeaderValue::from_str(key.expose()).map_err(|_| CentrifugoApiError::InvalidKey)?;
        if key.expose().is_empty() {
            return Err(CentrifugoApiError::InvalidKey);
        }
        header.set_sensitive(true);
        Ok(CentrifugoApi {
            base,
            key: header,
            upstream: HttpUpstream::new(&settings, SERVICE, Some(key))?,
            channels: Arc::new(|room: &str| vec![room.to_owned(), format!("${room}")]),
        })
    }

    /// Reads [`ENV_API_URL`] and [`ENV_HTTP_API_KEY`]; `None` when
    /// neither is set.
    pub fn from_env() -> Result<Option<CentrifugoApi>, CentrifugoApiError> {
        CentrifugoApi::from_lookup(env::process)
    }

    /// [`from_env`](Self::from_env) over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<CentrifugoApi>, CentrifugoApiError> {
        let env = Env::new(lookup);
        match (
            env.optional(ENV_API_URL)?,
            env.secret(ENV_HTTP_API_KEY, KEY_WHAT)?,
        ) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(CentrifugoApiError::Incomplete {
                set: ENV_API_URL,
                missing: ENV_HTTP_API_KEY,
            }),
            (None, Some(_)) => Err(CentrifugoApiError::Incomplete {
                set: ENV_HTTP_API_KEY,
                missing: ENV_API_URL,
            }),
            (Some(url), Some(key)) => CentrifugoApi::new(url.trim(), key).map(Some),
        }
    }

    /// Which channels a room (as the rules see it) is, to unsubscribe from:
    /// by default the room itself and its private `$` form. An app whose
    /// revocations name rooms another way maps them here
    /// (`project-1` → `project:1`, `$project:1`).
    pub fn channels(
        mut self,
        channels: impl Fn(&str) -> Vec<String> + Send + Sync + 'static,
    ) -> Self {
        self.channels = Arc::new(channels);
        self
    }

    /// The channels of `room`.
    pub fn channels_of(&self, room: &str) -> Vec<String> {
        (self.channels)(room)
    }

    /// `POST {base}/api/{method}` with `body`; Centrifugo's own `error`
    /// (in a 200 answer) is an error too.
    async fn call(&self, method: &str, body: serde_json::Value) -> Result<(), RevokeError> {
        let mut url = self.base.clone();
        let path = format!("{}/api/{method}", url.path().trim_end_matches('/'));
        url.set_path(&path);
        let body = Bytes::from(body.to_string());
        let mut headers = HeaderMap::new();
        headers.insert(API_KEY_HEADER, self.key.clone());
        let answer = self
            .upstream
            .post_json_with(&url, &headers, body, MAX_ANSWER)
            .await?;
        let parsed: ApiAnswer = serde_json::from_slice(&answer).map_err(|e| {
            self.upstream.invalid_answer(format!(
                "expected {{\"result\": ..}} or {{\"error\": ..}}: {e}"
            ))
        })?;
        match parsed.error {
            None => Ok(()),
            Some(error) => Err(RevokeError::Upstream(self.upstream.invalid_answer(
                format!("{method} failed: error {} {}", error.code, error.message),
            ))),
        }
    }

    /// Unsubscribes `user` from `channel`.
    pub async fn unsubscribe(&self, user: &str, channel: &str) -> Result<(), RevokeError> {
        check_user(user)?;
        self.call(
            "unsubscribe",
            serde_json::json!({ "user": user, "channel": channel }),
        )
        .await
    }

    /// Disconnects every connection of `user`.
    pub async fn disconnect(&self, user: &str) -> Result<(), RevokeError> {
        check_user(user)?;
        self.call("disconnect", serde_json::json!({ "user": user }))
            .await
    }
}

/// An empty user would address anonymous connections, not a user.
fn check_user(user: &str) -> Result<(), RevokeError> {
    if user.is_empty() {
        return Err(RevokeError::Unsendable(
            "the Centrifugo user to revoke is empty".to_owned(),
        ));
    }
    Ok(())
}

impl Revoke for CentrifugoApi {
    fn service(&self) -> &'static str {
        "centrifugo"
    }

    fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
        Box::pin(async move {
            match change {
                Change::Room {
                    user,
                    room,
                    access: None,
                } => {
                    for channel in self.channels_of(room) {
                        self.unsubscribe(user, &channel).await?;
                    }
                    Ok(Applied::Done)
                }
                Change::Room {
                    access: Some(Access::Read),
                    ..
                } => Ok(Applied::Nothing(
                    "the publish proxy asks the rules at every publication",
                )),
                Change::Room {
                    access: Some(Access::Write),
                    ..
                } => Ok(Applied::Nothing(
                    "an upgrade takes effect on the next publication",
                )),
                Change::User { user } => {
                    self.disconnect(user).await?;
                    Ok(Applied::Done)
                }
            }
        })
    }
}

impl fmt::Debug for CentrifugoApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CentrifugoApi")
            .field("base", &self.base.as_str())
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_its_configuration() {
        let api = CentrifugoApi::new("http://127.0.0.1:8000", ApiKey::new("api-key")).unwrap();
        assert!(!format!("{api:?}").contains("api-key"));
        assert_eq!(api.channels_of("project:1"), ["project:1", "$project:1"]);
        let api = api.channels(|room: &str| vec![room.replacen("project-", "project:", 1)]);
        assert_eq!(api.channels_of("project-1"), ["project:1"]);
        assert_eq!(
            CentrifugoApi::new("http://h", ApiKey::new("")).unwrap_err(),
            CentrifugoApiError::InvalidKey
        );
        assert_eq!(
            CentrifugoApi::new("http://h", ApiKey::new("a\nb")).unwrap_err(),
            CentrifugoApiError::InvalidKey
        );
        for bad in ["ws://h", "h:8000", "http://u:p@h"] {
            assert!(matches!(
                CentrifugoApi::new(bad, ApiKey::new("k")),
                Err(CentrifugoApiError::InvalidUrl(_))
            ));
        }
    }

    #[test]
    fn from_env_needs_both_variables() {
        use crate::env::fixture::vars;
        assert!(CentrifugoApi::from_lookup(vars(&[])).unwrap().is_none());
        let url = (ENV_API_URL, "http://127.0.0.1:8000");
        assert!(
            CentrifugoApi::from_lookup(vars(&[url, (ENV_HTTP_API_KEY, "k")]))
                .unwrap()
                .is_some()
        );
        assert_eq!(
            CentrifugoApi::from_lookup(vars(&[url])).unwrap_err(),
            CentrifugoApiError::Incomplete {
                set: ENV_API_URL,
                missing: ENV_HTTP_API_KEY
            }
        );
        assert!(matches!(
            CentrifugoApi::from_lookup(vars(&[url, (ENV_HTTP_API_KEY, " ")])).unwrap_err(),
            CentrifugoApiError::Env(EnvError::EmptySecret { .. })
        ));
    }
}
