//! The server HTTP API of a Pusher-protocol server, for revoking:
//! `POST /apps/{app_id}/users/{user_id}/terminate_connections`, which ends
//! every connection of a signed-in user (`pusher.signin()`). Pusher,
//! Soketi (1.6+) and Sockudo serve it.
//!
//! Each call is signed as the official `pusher` Node SDK signs it
//! (`lib/requests.js`, `terminateUserConnections`): the body is `{}`, and
//! the query carries `auth_key`, `auth_timestamp` (seconds), `auth_version=1.0`,
//! `body_md5` (hex MD5 of the body) and `auth_signature` = hex
//! HMAC-SHA256(app secret, `POST\n<path>\n<the other parameters sorted by
//! name, joined with &>`).
//!
//! pusher-js treats the close that follows (code 4009) as final and does
//! not reconnect by itself: the front end calls `pusher.connect()` again
//! (after `pusher.connection.bind('disconnected', ..)` or on the
//! `pusher:error` with code 4009), which signs in and re-subscribes every
//! channel through the auth endpoint, so the rules refuse exactly the rooms
//! the user lost.

use std::ffi::OsString;
use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use md5::{Digest, Md5};
use url::Url;

use super::config::Pusher;
use super::sign::Signer;
use crate::env::{self, Env, EnvError};
use crate::revoke::{Applied, Change, Revoke, RevokeError};
use crate::rule::BoxFuture;
use crate::upstream::{HttpUpstream, Service, SettingsError, UpstreamSettings};

/// The app id (the numeric id of a Pusher app, Soketi's `app-id`).
pub const ENV_APP_ID: &str = "PUSHER_APP_ID";
/// The API host: `api-<cluster>.pusher.com` for Pusher, the server's host
/// for Soketi and others.
pub const ENV_HOST: &str = "PUSHER_HOST";
/// The API port; default 443 for `https`, 80 for `http`.
pub const ENV_PORT: &str = "PUSHER_PORT";
/// `https` (default) or `http`.
pub const ENV_SCHEME: &str = "PUSHER_SCHEME";

/// The body the SDK sends with `terminate_connections`.
const TERMINATE_BODY: &str = "{}";
/// The largest answer read (Soketi answers `{"ok":true}`).
const MAX_ANSWER: usize = 4 * 1024;
/// The longest user id sent.
pub const MAX_USER_ID_LEN: usize = 200;

const SERVICE: Service = Service {
    name: "the Pusher HTTP API",
    url_setting: "PUSHER_SCHEME, PUSHER_HOST and PUSHER_PORT",
    key_setting: "PUSHER_APP_KEY and PUSHER_APP_SECRET",
};

/// The server HTTP API of one Pusher app: ends a signed-in user's
/// connections (`terminate_connections`), signed as the `pusher` Node SDK
/// signs it; as a [`Revoke`] target, on every change that withdraws
/// access (the client reconnects, and the rules refuse only what changed).
#[derive(Clone)]
pub struct PusherApi {
    base: Url,
    app_id: String,
    signer: Signer,
    upstream: HttpUpstream,
}

/// Why a [`PusherApi`] could not be configured. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PusherApiError {
    /// One of `PUSHER_APP_ID` and `PUSHER_HOST` is set without the other.
    #[error(
        "{set} is set but {missing} is not: set both to revoke through the Pusher HTTP API, or neither"
    )]
    Incomplete {
        /// The variable that is set.
        set: &'static str,
        /// The one missing.
        missing: &'static str,
    },
    /// A variable cannot be used (not Unicode, a scheme or port that does
    /// not parse).
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The app id is empty or not made of `[A-Za-z0-9_-]`.
    #[error("the Pusher app id must be letters, digits, `-` or `_` (PUSHER_APP_ID)")]
    InvalidAppId,
    /// The base URL is not `http(s)://host[:port]`.
    #[error("the Pusher API address must be http(s)://host[:port], with no path: {0}")]
    InvalidUrl(String),
    /// The HTTP client settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl PusherApi {
    /// The API of `pusher`'s app `app_id` at `base_url`
    /// (`https://api-eu.pusher.com`, `http://127.0.0.1:6001`), with the
    /// default call settings.
    pub fn new(pusher: &Pusher, app_id: &str, base_url: &str) -> Result<PusherApi, PusherApiError> {
        PusherApi::with_settings(pusher, app_id, base_url, UpstreamSettings::default())
    }

    /// [`new`](Self::new) with these timeouts and retries.
    pub fn with_settings(
        pusher: &Pusher,
        app_id: &str,
        base_url: &str,
        settings: UpstreamSettings,
    ) -> Result<PusherApi, PusherApiError> {
        if app_id.is_empty()
            || !app_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(PusherApiError::InvalidAppId);
        }
        let invalid = || PusherApiError::InvalidUrl(base_url.to_owned());
        let base = Url::parse(base_url).map_err(|_| invalid())?;
        if !matches!(base.scheme(), "http" | "https")
            || base.host_str().is_none()
            || !matches!(base.path(), "" | "/")
            || base.query().is_some()
            || !base.username().is_empty()
            || base.password().is_some()
        {
            return Err(invalid());
        }
        Ok(PusherApi {
            base,
            app_id: app_id.to_owned(),
            signer: pusher.signer.clone(),
            // The secret is never sent, only used to sign: nothing to scrub.
            upstream: HttpUpstream::new(&settings, SERVICE, None)?,
        })
    }

    /// Reads [`ENV_APP_ID`], [`ENV_HOST`], [`ENV_PORT`] and
    /// [`ENV_SCHEME`] (`PUSHER_APP_ID`, `PUSHER_HOST`, `PUSHER_PORT`,
    /// `PUSHER_SCHEME`: the names Laravel and the Pusher SDKs use); `None`
    /// when neither the app id nor the host is set.
    pub fn from_env(pusher: &Pusher) -> Result<Option<PusherApi>, PusherApiError> {
        PusherApi::from_lookup(pusher, env::process)
    }

    /// [`from_env`](Self::from_env) over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        pusher: &Pusher,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<PusherApi>, PusherApiError> {
        let env = Env::new(lookup);
        let (app_id, host) = match (env.optional(ENV_APP_ID)?, env.optional(ENV_HOST)?) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(PusherApiError::Incomplete {
                    set: ENV_APP_ID,
                    missing: ENV_HOST,
                });
            }
            (None, Some(_)) => {
                return Err(PusherApiError::Incomplete {
                    set: ENV_HOST,
                    missing: ENV_APP_ID,
                });
            }
            (Some(app_id), Some(host)) => (app_id, host),
        };
        let scheme = env
            .optional(ENV_SCHEME)?
            .unwrap_or_else(|| "https".to_owned());
        let scheme = scheme.trim();
        if scheme != "https" && scheme != "http" {
            return Err(EnvError::Invalid {
                name: ENV_SCHEME,
                what: "`https` or `http`",
            }
            .into());
        }
        const PORT_WHAT: &str = "the API port, 1 to 65535";
        let base = match env.parsed::<u16>(ENV_PORT, PORT_WHAT)? {
            Some(0) => {
                return Err(EnvError::Invalid {
                    name: ENV_PORT,
                    what: PORT_WHAT,
                }
                .into());
            }
            Some(port) => format!("{scheme}://{}:{port}", host.trim()),
            None => format!("{scheme}://{}", host.trim()),
        };
        PusherApi::new(pusher, app_id.trim(), &base).map(Some)
    }

    /// The path of the user's `terminate_connections`, or why the user id
    /// cannot be sent.
    fn terminate_path(&self, user: &str) -> Result<String, RevokeError> {
        check_user_id(user)?;
        Ok(format!(
            "/apps/{}/users/{user}/terminate_connections",
            self.app_id
        ))
    }

    /// The signed query of a call: `auth_key`, `auth_timestamp`,
    /// `auth_version`, `body_md5` sorted by name, then `auth_signature`;
    /// as the `pusher` Node SDK writes it.
    pub fn signed_query(&self, method: &str, path: &str, body: &[u8], timestamp: u64) -> String {
        let body_md5 = hex::encode(Md5::digest(body));
        // Already sorted by name: auth_key < auth_timestamp < auth_version < body_md5.
        let query = format!(
            "auth_key={}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}",
            self.signer.app_key()
        );
        let signature = self
            .signer
            .hex(format!("{method}\n{path}\n{query}").as_bytes());
        format!("{query}&auth_signature={signature}")
    }

    /// The path and query of `terminate_connections` for `user` at
    /// `timestamp` (seconds since the epoch), and its body.
    pub fn terminate_request(
        &self,
        user: &str,
        timestamp: u64,
    ) -> Result<(String, &'static str), RevokeError> {
        let path = self.terminate_path(user)?;
        let query = self.signed_query("POST", &path, TERMINATE_BODY.as_bytes(), timestamp);
        Ok((format!("{path}?{query}"), TERMINATE_BODY))
    }

    /// Ends every connection of `user` (signed in with `pusher.signin()`).
    pub async fn terminate_user_connections(&self, user: &str) -> Result<(), RevokeError> {
        let path = self.terminate_path(user)?;
        // Signed once per call: servers accept a timestamp within 600 s,
        // well beyond a call's budget (10 s by default), retries included.
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let mut url = self.base.clone();
        url.set_path(&path);
        url.set_query(Some(&self.signed_query(
            "POST",
            &path,
            TERMINATE_BODY.as_bytes(),
            timestamp,
        )));
        self.upstream
            .post_json_with(
                &url,
                &HeaderMap::new(),
                Bytes::from_static(TERMINATE_BODY.as_bytes()),
                MAX_ANSWER,
            )
            .await?;
        Ok(())
    }
}

/// A user id the API's path can carry as it is: the SDK does not encode
/// it, and servers sign and match the path as sent.
fn check_user_id(user: &str) -> Result<(), RevokeError> {
    let sendable = !user.is_empty()
        && user.len() <= MAX_USER_ID_LEN
        && user != "."
        && user != ".."
        && user.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'_' | b'-' | b'=' | b'@' | b',' | b'.' | b';' | b'~')
        });
    if sendable {
        Ok(())
    } else {
        Err(RevokeError::Unsendable(format!(
            "a Pusher user id to revoke must be 1 to {MAX_USER_ID_LEN} characters of \
             [A-Za-z0-9_-=@,.;~] (it travels unencoded in the API path)"
        )))
    }
}

impl Revoke for PusherApi {
    fn service(&self) -> &'static str {
        "pusher"
    }

    fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
        Box::pin(async move {
            if !change.withdraws() {
                return Ok(Applied::Nothing(
                    "an upgrade takes effect on the client's next authorization",
                ));
            }
            // The protocol ends a user's connections, not one subscription:
            // the client reconnects and the rules refuse only what changed.
            self.terminate_user_connections(change.user()).await?;
            Ok(Applied::Done)
        })
    }
}

impl fmt::Debug for PusherApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PusherApi")
            .field("base", &self.base.as_str())
            .field("app_id", &self.app_id)
            .field("app_key", &self.signer.app_key())
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> PusherApi {
        let pusher =
            Pusher::new("app-key", "app-secret", crate::pusher::ClientEvents::Off).unwrap();
        PusherApi::new(&pusher, "app-id", "http://127.0.0.1:6001").unwrap()
    }

    /// What `pusher@5.3.4`'s `terminateUserConnections("alice")` sends with
    /// `Date.now()` fixed at 1700000000 s (key `app-key`, secret
    /// `app-secret`, app `app-id`), as tests/pusher-node/terminate.js
    /// captured it; tests/revoke_e2e.rs compares other ids live.
    const SDK_ALICE: &str = "/apps/app-id/users/alice/terminate_connections?auth_key=app-key&auth_timestamp=1700000000&auth_version=1.0&body_md5=99914b932bd37a50b983c5e7c90ae93b&auth_signature=c30e5fa2dd4d92bec4cf6556f9ee3f7426d2a4bc42cec878813a313c931a6e9b";

    #[test]
    fn signs_as_the_node_sdk() {
        let (path_and_query, body) = api().terminate_request("alice", 1_700_000_000).unwrap();
        assert_eq!(body, "{}");
        assert_eq!(path_and_query, SDK_ALICE);
    }

    #[test]
    fn refuses_user_ids_the_path_cannot_carry() {
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a b",
            "a?b",
            "a%2Fb",
            "ä",
            &"x".repeat(201),
        ] {
            let err = api().terminate_request(bad, 1).unwrap_err();
            assert!(matches!(err, RevokeError::Unsendable(_)), "{bad:?}");
        }
        for good in ["alice", "42", "user@example.com", "a.b-c_d=e,f;g~"] {
            assert!(api().terminate_request(good, 1).is_ok(), "{good}");
        }
    }

    #[test]
    fn from_env_reads_the_laravel_names() {
        use crate::env::fixture::vars;
        let pusher =
            Pusher::new("app-key", "app-secret", crate::pusher::ClientEvents::Off).unwrap();
        assert!(
            PusherApi::from_lookup(&pusher, vars(&[]))
                .unwrap()
                .is_none()
        );
        let api = PusherApi::from_lookup(
            &pusher,
            vars(&[
                (ENV_APP_ID, "app-id"),
                (ENV_HOST, "127.0.0.1"),
                (ENV_PORT, "6001"),
                (ENV_SCHEME, "http"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(api.base.as_str(), "http://127.0.0.1:6001/");
        let api = PusherApi::from_lookup(
            &pusher,
            vars(&[(ENV_APP_ID, "1"), (ENV_HOST, "api-eu.pusher.com")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(api.base.as_str(), "https://api-eu.pusher.com/");
        let debug = format!("{api:?}");
        assert!(!debug.contains("app-secret"), "{debug}");

        let err =
            |set: &[(&'static str, &str)]| PusherApi::from_lookup(&pusher, vars(set)).unwrap_err();
        assert_eq!(
            err(&[(ENV_APP_ID, "1")]),
            PusherApiError::Incomplete {
                set: ENV_APP_ID,
                missing: ENV_HOST
            }
        );
        assert!(
            err(&[(ENV_HOST, "h")])
                .to_string()
                .contains("PUSHER_APP_ID")
        );
        let invalid = |name| move |err: PusherApiError| matches!(err, PusherApiError::Env(EnvError::Invalid { name: n, .. }) if n == name);
        assert!(invalid(ENV_SCHEME)(err(&[
            (ENV_APP_ID, "1"),
            (ENV_HOST, "h"),
            (ENV_SCHEME, "ws")
        ])));
        for port in ["0", "65536", "http"] {
            assert!(
                invalid(ENV_PORT)(err(&[(ENV_APP_ID, "1"), (ENV_HOST, "h"), (ENV_PORT, port)])),
                "{port}"
            );
        }
        assert_eq!(
            err(&[(ENV_APP_ID, "1/2"), (ENV_HOST, "h")]),
            PusherApiError::InvalidAppId
        );
        assert!(matches!(
            err(&[(ENV_APP_ID, "1"), (ENV_HOST, "h/path")]),
            PusherApiError::InvalidUrl(_)
        ));
    }

    #[tokio::test]
    async fn an_upgrade_sends_nothing() {
        let change = Change::Room {
            user: "alice".into(),
            room: "project-1".into(),
            access: Some(crate::Access::Write),
        };
        assert!(matches!(
            api().apply(&change).await,
            Ok(Applied::Nothing(_))
        ));
    }
}
