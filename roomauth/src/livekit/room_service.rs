//! LiveKit's `RoomService` (Twirp), for revoking: what
//! `livekit-server-sdk`'s `RoomServiceClient` sends for the same calls.
//!
//! ```text
//! POST {LIVEKIT_URL as http(s)}/twirp/livekit.RoomService/RemoveParticipant
//! Authorization: Bearer <HS256 JWT: iss, nbf, exp (10 min), video {roomAdmin, room}>
//! {"room": "project-1", "identity": "alice"}
//!
//! POST …/twirp/livekit.RoomService/UpdateParticipant
//! {"room": "project-1", "identity": "alice", "permission": {"canSubscribe": true}}
//! ```
//!
//! A removal removes the participant (LiveKit's 404, not in the room, is
//! nothing to do); a downgrade takes publishing away
//! (`permission` without `canPublish`, `canPublishData`: proto3 JSON
//! leaves false fields out, as the SDK does); an upgrade gives it back.
//! The admin token is minted by the same signer as the participants'
//! tokens, for that one room only.
//!
//! A removed participant may join again with a token that has not
//! expired: the bound is the token lifetime ([`LiveKit`]'s `ttl`, 6 hours
//! by default; shorter lifetimes bound it tighter), unless the app's token
//! endpoint is asked again (it refuses her now).
//! LiveKit has no call for "every room of a user", so `revoke_user` is not
//! pushed: revoke per room.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::StatusCode;
use http::header::HeaderValue;
use serde::{Deserialize, Serialize};
use url::Url;

use super::LiveKit;
use crate::revoke::{Applied, Change, Revoke, RevokeError};
use crate::rule::{Access, BoxFuture};
use crate::upstream::{HttpUpstream, Service, SettingsError, UpstreamErrorKind, UpstreamSettings};

/// How long an admin token lives: the SDK's default.
pub const ADMIN_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);
/// The largest answer read (a `ParticipantInfo`).
const MAX_ANSWER: usize = 64 * 1024;

const SERVICE: Service = Service {
    name: "LiveKit's RoomService",
    url_setting: "LIVEKIT_URL",
    key_setting: "LIVEKIT_API_KEY and LIVEKIT_API_SECRET",
};

/// The claims of a `RoomService` call's token: room admin of one room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminClaims {
    /// What the token allows: `roomAdmin` of `room`.
    pub video: AdminGrant,
    /// The API key.
    pub iss: String,
    /// Expires at (Unix seconds).
    pub exp: u64,
    /// Not before (Unix seconds).
    pub nbf: u64,
}

/// `VideoGrant {roomAdmin: true, room}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminGrant {
    /// Always `true`.
    pub room_admin: bool,
    /// The one room administered.
    pub room: String,
}

/// `ParticipantPermission`, the fields roomauth sets; false ones are left
/// out (proto3 JSON), as the SDK leaves them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Permission {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    can_subscribe: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    can_publish: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    can_publish_data: bool,
}

/// A request's body: `RoomParticipantIdentity`, or
/// `UpdateParticipantRequest` with a permission.
#[derive(Serialize)]
struct ParticipantRequest<'a> {
    room: &'a str,
    identity: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    permission: Option<Permission>,
}

/// One Twirp call, ready to send: method, body, bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwirpCall {
    /// `RemoveParticipant` or `UpdateParticipant`.
    pub method: &'static str,
    /// The JSON body.
    pub body: String,
    /// The admin token (without `Bearer `).
    pub token: String,
}

/// LiveKit's `RoomService` for one project (see the [module docs](self)).
#[derive(Clone)]
pub struct LiveKitRoomService {
    livekit: LiveKit,
    base: Url,
    upstream: HttpUpstream,
}

/// Why a [`LiveKitRoomService`] could not be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomServiceError {
    /// The URL is not `http(s)://` or `ws(s)://` with a host.
    #[error("LiveKit's RoomService address must be http(s):// or ws(s)://host[:port]: {0}")]
    InvalidUrl(String),
    /// The HTTP client settings are unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl LiveKitRoomService {
    /// The `RoomService` of the server `livekit` hands clients
    /// (`LIVEKIT_URL`; `wss://` is called as `https://`, as the SDK does).
    pub fn new(livekit: &LiveKit) -> Result<Self, RoomServiceError> {
        let url = livekit.server_url.clone();
        LiveKitRoomService::with_url(livekit, &url, UpstreamSettings::default())
    }

    /// The `RoomService` at `url` (another address than the clients'),
    /// with these call settings.
    pub fn with_url(
        livekit: &LiveKit,
        url: &str,
        settings: UpstreamSettings,
    ) -> Result<Self, RoomServiceError> {
        let invalid = || RoomServiceError::InvalidUrl(url.to_owned());
        let http = if let Some(rest) = url.strip_prefix("ws") {
            format!("http{rest}")
        } else {
            url.to_owned()
        };
        let base = Url::parse(&http).map_err(|_| invalid())?;
        if !matches!(base.scheme(), "http" | "https")
            || base.host_str().is_none()
            || base.query().is_some()
            || !base.username().is_empty()
            || base.password().is_some()
        {
            return Err(invalid());
        }
        Ok(LiveKitRoomService {
            livekit: livekit.clone(),
            base,
            // The secret only signs: it is never sent.
            upstream: HttpUpstream::new(&settings, SERVICE, None)?,
        })
    }

    /// The claims of an admin token for `room`, valid from `now`.
    pub fn admin_claims(&self, room: &str, now: SystemTime) -> AdminClaims {
        let nbf = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        AdminClaims {
            video: AdminGrant {
                room_admin: true,
                room: room.to_owned(),
            },
            iss: self.livekit.api_key.clone(),
            exp: nbf.saturating_add(ADMIN_TOKEN_TTL.as_secs()),
            nbf,
        }
    }

    /// The call for `change`, at `now`; `None` when LiveKit has no call for
    /// it (a whole user).
    pub fn call_for(
        &self,
        change: &Change,
        now: SystemTime,
    ) -> Result<Option<TwirpCall>, RevokeError> {
        let Change::Room { user, room, access } = change else {
            return Ok(None);
        };
        if user.is_empty() || room.is_empty() {
            return Err(RevokeError::Unsendable(
                "a LiveKit revocation needs a user and a room".to_owned(),
            ));
        }
        let (method, permission) = match access {
            None => ("RemoveParticipant", None),
            Some(access) => {
                let publish = *access == Access::Write;
                (
                    "UpdateParticipant",
                    Some(Permission {
                        can_subscribe: true,
                        can_publish: publish,
                        can_publish_data: publish,
                    }),
                )
            }
        };
        let body = serde_json::to_string(&ParticipantRequest {
            room,
            identity: user,
            permission,
        })
        .map_err(|e| RevokeError::Unsendable(e.to_string()))?;
        let token = self
            .livekit
            .signer
            .sign(&self.admin_claims(room, now))
            .map_err(|e| RevokeError::Unsendable(e.to_string()))?;
        Ok(Some(TwirpCall {
            method,
            body,
            token,
        }))
    }

    /// Sends `call`; `Ok(false)` when LiveKit answered 404 (no such
    /// participant or room: nothing to revoke).
    pub async fn send(&self, call: &TwirpCall) -> Result<bool, RevokeError> {
        let mut url = self.base.clone();
        let path = format!(
            "{}/twirp/livekit.RoomService/{}",
            url.path().trim_end_matches('/'),
            call.method
        );
        url.set_path(&path);
        let bearer = HeaderValue::from_str(&format!("Bearer {}", call.token))
            .map_err(|_| RevokeError::Unsendable("unprintable token".to_owned()))?;
        let body = Bytes::from(call.body.clone());
        let sent = self
            .upstream
            .post_json(&url, Some(&bearer), body, MAX_ANSWER)
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(err)
                if err.kind
                    == (UpstreamErrorKind::UnexpectedStatus {
                        status: StatusCode::NOT_FOUND,
                    }) =>
            {
                Ok(false)
            }
            Err(err) => Err(err.into()),
        }
    }
}

impl Revoke for LiveKitRoomService {
    fn service(&self) -> &'static str {
        "livekit"
    }

    fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
        Box::pin(async move {
            let Some(call) = self.call_for(change, SystemTime::now())? else {
                return Ok(Applied::Unsupported(
                    "LiveKit has no call for every room of a user: revoke per room; a token lasts its ttl",
                ));
            };
            if self.send(&call).await? {
                Ok(Applied::Done)
            } else {
                Ok(Applied::Nothing("not in the room"))
            }
        })
    }
}

impl fmt::Debug for LiveKitRoomService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveKitRoomService")
            .field("base", &self.base.as_str())
            .field("api_key", &self.livekit.api_key)
            .field("policy", &self.upstream.policy())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(url: &str) -> LiveKitRoomService {
        let livekit = LiveKit::builder()
            .api_key("devkey")
            .api_secret("a-secret-of-at-least-thirty-two-bytes")
            .server_url(url)
            .build()
            .unwrap();
        LiveKitRoomService::new(&livekit).unwrap()
    }

    fn room(access: Option<Access>) -> Change {
        Change::Room {
            user: "alice".into(),
            room: "project-1".into(),
            access,
        }
    }

    #[test]
    fn calls_as_the_node_sdk_writes_them() {
        let service = service("wss://lk.example.test");
        assert_eq!(service.base.as_str(), "https://lk.example.test/");
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let remove = service.call_for(&room(None), now).unwrap().unwrap();
        assert_eq!(remove.method, "RemoveParticipant");
        assert_eq!(remove.body, r#"{"room":"project-1","identity":"alice"}"#);
        let read = service
            .call_for(&room(Some(Access::Read)), now)
            .unwrap()
            .unwrap();
        assert_eq!(read.method, "UpdateParticipant");
        assert_eq!(
            read.body,
            r#"{"room":"project-1","identity":"alice","permission":{"canSubscribe":true}}"#
        );
        let write = service
            .call_for(&room(Some(Access::Write)), now)
            .unwrap()
            .unwrap();
        assert_eq!(
            write.body,
            r#"{"room":"project-1","identity":"alice","permission":{"canSubscribe":true,"canPublish":true,"canPublishData":true}}"#
        );
        assert_eq!(
            service.admin_claims("project-1", now),
            AdminClaims {
                video: AdminGrant {
                    room_admin: true,
                    room: "project-1".into()
                },
                iss: "devkey".into(),
                exp: 1_700_000_600,
                nbf: 1_700_000_000,
            }
        );
        assert!(
            service
                .call_for(
                    &Change::User {
                        user: "alice".into()
                    },
                    now
                )
                .unwrap()
                .is_none()
        );
        assert!(!format!("{service:?}").contains("a-secret"));
    }

    #[test]
    fn refuses_unusable_addresses() {
        let livekit = LiveKit::builder()
            .api_key("k")
            .api_secret("a-secret-of-at-least-thirty-two-bytes")
            .server_url("wss://lk.example.test")
            .build()
            .unwrap();
        for bad in ["lk.example.test", "ftp://h", "http://u:p@h"] {
            assert!(matches!(
                LiveKitRoomService::with_url(&livekit, bad, UpstreamSettings::default()),
                Err(RoomServiceError::InvalidUrl(_))
            ));
        }
    }
}
