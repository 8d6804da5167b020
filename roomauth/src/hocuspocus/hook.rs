//! The recheck hook of roomauth's Hocuspocus extension, for revoking: the
//! extension serves `POST /roomauth/recheck` on the Hocuspocus server's own
//! port, signed with the same secret as its requests to the app
//! (`X-Hocuspocus-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`):
//!
//! ```text
//! POST http://127.0.0.1:1234/roomauth/recheck
//! {"user": "alice", "documentName": "project-1"}     (no documentName: every document)
//! -> 200 {"closed": 1, "readOnly": 0, "readWrite": 0, "kept": 0}
//! ```
//!
//! The hook carries no decision: the extension asks the rules again for
//! each of that user's open connections, with the identity each connection
//! presented, and closes it (refused), flips it read-only or read-write, or
//! keeps it (the app did not answer). So a downgrade, an upgrade and a
//! removal are one call, and a replayed request only asks again.

use std::ffi::OsString;
use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use http::header::HeaderValue;
use serde::Deserialize;
use url::Url;

use super::config::Hocuspocus;
use super::signature::{HocuspocusSecret, SIGNATURE_HEADER};
use crate::env::{self, Env, EnvError};
use crate::revoke::{Applied, Change, Revoke, RevokeError};
use crate::rule::BoxFuture;
use crate::upstream::{HttpUpstream, Service, SettingsError, UpstreamSettings};

/// The Hocuspocus server's HTTP base (`http://127.0.0.1:1234`), read by
/// [`HocuspocusHook::from_env`].
pub const ENV_URL: &str = "HOCUSPOCUS_URL";
/// The hook's path, as the extension serves it by default (`hookPath`).
pub const HOOK_PATH: &str = "/roomauth/recheck";
/// The largest answer read.
const MAX_ANSWER: usize = 4 * 1024;

const SERVICE: Service = Service {
    name: "the Hocuspocus extension's recheck hook",
    url_setting: ENV_URL,
    key_setting: "HOCUSPOCUS_SECRET",
};

/// What the hook did: how many of the user's connections were closed,
/// made read-only or read-write, or kept as they were (the app did not
/// answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rechecked {
    /// Refused by the rules now: closed.
    pub closed: u32,
    /// Read grants now.
    pub read_only: u32,
    /// Write grants now.
    pub read_write: u32,
    /// Not asked again (the app did not answer): unchanged.
    pub kept: u32,
}

/// The extension's recheck hook on one Hocuspocus server.
#[derive(Clone)]
pub struct HocuspocusHook {
    endpoint: Url,
    secret: HocuspocusSecret,
    upstream: HttpUpstream,
}

/// Why a [`HocuspocusHook`] could not be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HocuspocusHookError {
    /// The URL is not `http(s)://host[:port][/base]`.
    #[error("HOCUSPOCUS_URL must be the Hocuspocus server's http(s):// address: {0}")]
    InvalidUrl(String),
    /// `HOCUSPOCUS_URL` is not valid Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The HTTP client settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl HocuspocusHook {
    /// The hook of the Hocuspocus server at `base_url`
    /// (`http://127.0.0.1:1234`; the hook is `{base_url}/roomauth/recheck`),
    /// signed with `hocuspocus`'s secret (the extension's
    /// `HOCUSPOCUS_SECRET`).
    pub fn new(base_url: &str, hocuspocus: &Hocuspocus) -> Result<Self, HocuspocusHookError> {
        HocuspocusHook::with_settings(base_url, hocuspocus, UpstreamSettings::default())
    }

    /// [`new`](Self::new) with these timeouts and retries.
    pub fn with_settings(
        base_url: &str,
        hocuspocus: &Hocuspocus,
        settings: UpstreamSettings,
    ) -> Result<Self, HocuspocusHookError> {
        let secret = hocuspocus.secret.clone();
        let invalid = || HocuspocusHookError::InvalidUrl(base_url.to_owned());
        let mut endpoint = Url::parse(base_url).map_err(|_| invalid())?;
        if !matches!(endpoint.scheme(), "http" | "https")
            || endpoint.host_str().is_none()
            || endpoint.query().is_some()
            || !endpoint.username().is_empty()
            || endpoint.password().is_some()
        {
            return Err(invalid());
        }
        let path = format!("{}{HOOK_PATH}", endpoint.path().trim_end_matches('/'));
        endpoint.set_path(&path);
        Ok(HocuspocusHook {
            endpoint,
            secret,
            upstream: HttpUpstream::new(&settings, SERVICE, None)?,
        })
    }

    /// The hook at [`ENV_URL`] (`HOCUSPOCUS_URL`) with `hocuspocus`'s
    /// secret; `None` when it is unset.
    pub fn from_env(hocuspocus: &Hocuspocus) -> Result<Option<Self>, HocuspocusHookError> {
        HocuspocusHook::from_lookup(hocuspocus, env::process)
    }

    /// [`from_env`](Self::from_env) over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        hocuspocus: &Hocuspocus,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<Self>, HocuspocusHookError> {
        match Env::new(lookup).optional(ENV_URL)? {
            Some(url) => HocuspocusHook::new(url.trim(), hocuspocus).map(Some),
            None => Ok(None),
        }
    }

    /// Where the hook is called.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The body for `user` (and one document, or all of them).
    fn body(user: &str, document: Option<&str>) -> Bytes {
        let body = match document {
            Some(name) => serde_json::json!({ "user": user, "documentName": name }),
            None => serde_json::json!({ "user": user }),
        };
        Bytes::from(body.to_string())
    }

    /// Asks the extension to recheck `user`'s connections to `document`
    /// (every document when `None`).
    pub async fn recheck(
        &self,
        user: &str,
        document: Option<&str>,
    ) -> Result<Rechecked, RevokeError> {
        if user.is_empty() {
            return Err(RevokeError::Unsendable(
                "the user id to recheck is empty".to_owned(),
            ));
        }
        let body = Self::body(user, document);
        let signature = HeaderValue::from_str(&self.secret.sign(&body))
            .map_err(|_| RevokeError::Unsendable("unprintable signature".to_owned()))?;
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, signature);
        let answer = self
            .upstream
            .post_json_with(&self.endpoint, &headers, body, MAX_ANSWER)
            .await?;
        serde_json::from_slice(&answer).map_err(|e| {
            RevokeError::Upstream(self.upstream.invalid_answer(format!(
                "expected {{\"closed\", \"readOnly\", \"readWrite\", \"kept\"}}: {e}"
            )))
        })
    }
}

impl Revoke for HocuspocusHook {
    fn service(&self) -> &'static str {
        "hocuspocus"
    }

    fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
        Box::pin(async move {
            // Every change is a recheck: the rules say what each connection
            // becomes, upgrades included.
            let document = match change {
                Change::Room { room, .. } => Some(room.as_str()),
                Change::User { .. } => None,
            };
            let rechecked = self.recheck(change.user(), document).await?;
            tracing::debug!(?rechecked, "hocuspocus connections rechecked");
            Ok(Applied::Done)
        })
    }
}

impl fmt::Debug for HocuspocusHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HocuspocusHook")
            .field("endpoint", &self.endpoint.as_str())
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Hocuspocus {
        Hocuspocus::new(HocuspocusSecret::new("hook-secret").unwrap())
    }

    #[test]
    fn the_hook_lives_under_the_server_base() {
        for (base, endpoint) in [
            (
                "http://127.0.0.1:1234",
                "http://127.0.0.1:1234/roomauth/recheck",
            ),
            (
                "http://127.0.0.1:1234/",
                "http://127.0.0.1:1234/roomauth/recheck",
            ),
            (
                "https://docs.example/collab/",
                "https://docs.example/collab/roomauth/recheck",
            ),
        ] {
            let hook = HocuspocusHook::new(base, &secret()).unwrap();
            assert_eq!(hook.endpoint().as_str(), endpoint);
        }
        for bad in [
            "ws://127.0.0.1:1234",
            "127.0.0.1:1234",
            "http://u:p@h",
            "http://h/?q",
        ] {
            assert!(
                matches!(
                    HocuspocusHook::new(bad, &secret()),
                    Err(HocuspocusHookError::InvalidUrl(_))
                ),
                "{bad}"
            );
        }
        let debug = format!("{:?}", HocuspocusHook::new("http://h", &secret()).unwrap());
        assert!(!debug.contains("hook-secret"), "{debug}");
    }

    #[test]
    fn from_env_reads_hocuspocus_url() {
        use crate::env::fixture::vars;
        assert!(
            HocuspocusHook::from_lookup(&secret(), vars(&[]))
                .unwrap()
                .is_none()
        );
        assert!(
            HocuspocusHook::from_lookup(&secret(), vars(&[(ENV_URL, " ")]))
                .unwrap()
                .is_none()
        );
        let hook =
            HocuspocusHook::from_lookup(&secret(), vars(&[(ENV_URL, "http://127.0.0.1:1234")]))
                .unwrap()
                .unwrap();
        assert_eq!(
            hook.endpoint().as_str(),
            "http://127.0.0.1:1234/roomauth/recheck"
        );
        assert!(matches!(
            HocuspocusHook::from_lookup(&secret(), vars(&[(ENV_URL, "ws://h")])),
            Err(HocuspocusHookError::InvalidUrl(_))
        ));
    }

    #[test]
    fn bodies_name_the_user_and_the_document() {
        assert_eq!(
            HocuspocusHook::body("alice", Some("project-1")),
            r#"{"documentName":"project-1","user":"alice"}"#
        );
        assert_eq!(
            HocuspocusHook::body("al\"ice", None),
            r#"{"user":"al\"ice"}"#
        );
    }
}
