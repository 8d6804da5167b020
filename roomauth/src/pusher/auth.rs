//! The answers pusher-js expects, signed over exactly the bytes they carry.

use serde::Serialize;
use serde_json::Value;

use super::channel::{Channel, ChannelKind};
use super::config::Pusher;
use super::sign::shared_secret;
use super::socket_id::SocketId;
use super::watchlist::{MAX_WATCHLIST_LEN, Watchlist};

/// Most bytes of presence `user_info` (as JSON), Soketi's default limit
/// (`presence.maxMemberSizeInKb` = 2): a bigger member is refused by the
/// server after the app signed it, so it is refused here first.
pub const MAX_USER_INFO_LEN: usize = 2 * 1024;

/// The answer to a channel authorization: `{"auth"}` for private channels,
/// `{"auth", "channel_data"}` for presence, `{"auth", "shared_secret"}` for
/// encrypted ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelAuth {
    /// `<app_key>:<hex signature>`.
    pub auth: String,
    /// Presence only: the member as a JSON string, exactly as signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_data: Option<String>,
    /// Encrypted only: base64 of the channel's 32-byte secretbox key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_secret: Option<String>,
}

/// The answer to a user sign-in: `{"auth", "user_data"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserAuth {
    /// `<app_key>:<hex signature>` of `<socket_id>::user::<user_data>`.
    pub auth: String,
    /// The user as a JSON string, exactly as signed.
    pub user_data: String,
}

/// Why no answer was signed. Each is the app's configuration or data, not
/// a secret; the messages say what to change.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A `private-encrypted-` channel with no master key configured.
    #[error(
        "encrypted channels are not enabled on this server: it has no encryption master key (PUSHER_ENCRYPTION_MASTER_KEY_BASE64)"
    )]
    EncryptionDisabled,
    /// Presence `user_info` over [`MAX_USER_INFO_LEN`].
    #[error("the presence user_info is {len} bytes, over the protocol's {MAX_USER_INFO_LEN}")]
    UserInfoTooLarge {
        /// Its length as JSON.
        len: usize,
    },
    /// An empty user id (pusher-js drops a sign-in whose `id` is empty).
    #[error("the user id is empty")]
    EmptyUserId,
    /// A watchlist over [`MAX_WATCHLIST_LEN`] ids, or with an empty one.
    #[error("the sign-in's watchlist must hold 1 to {MAX_WATCHLIST_LEN} non-empty user ids, not {len}{empty}", empty = if *.empty { " with an empty one" } else { "" })]
    Watchlist {
        /// How many ids it holds.
        len: usize,
        /// Whether one of them is empty.
        empty: bool,
    },
}

crate::error::debug_is_display!(AuthError);

/// `channel_data` of a presence member, in the field order of the official
/// SDKs.
#[derive(Serialize)]
struct ChannelData<'a> {
    user_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_info: Option<&'a Value>,
}

/// `user_data` of a sign-in: `id` is a string, as pusher-js requires.
#[derive(Serialize)]
struct UserData<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_info: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    watchlist: Option<&'a [String]>,
}

/// JSON text of `value`; the structs above hold only strings and JSON
/// values, which always serialize.
fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn check_user(user_id: &str, user_info: Option<&Value>) -> Result<(), AuthError> {
    if user_id.is_empty() {
        return Err(AuthError::EmptyUserId);
    }
    if let Some(info) = user_info {
        let len = to_json(info).len();
        if len > MAX_USER_INFO_LEN {
            return Err(AuthError::UserInfoTooLarge { len });
        }
    }
    Ok(())
}

impl Pusher {
    /// Signs `channel` for `socket_id`. For presence, `user_id` and
    /// `user_info` become the member others see; other kinds ignore them.
    /// This is the signature alone: the endpoints sign only what the rules
    /// granted, and refuse a read grant while client events are on
    /// ([`ClientEvents`](super::ClientEvents)); a caller of this method
    /// decides that itself.
    /// Both inputs are already validated ([`SocketId`], [`Channel`]), so
    /// nothing but their own bytes can reach the signed string.
    pub fn authorize_channel(
        &self,
        socket_id: &SocketId,
        channel: &Channel,
        user_id: &str,
        user_info: Option<&Value>,
    ) -> Result<ChannelAuth, AuthError> {
        let (socket, name) = (socket_id.as_str(), channel.name());
        match channel.kind() {
            ChannelKind::Private => Ok(ChannelAuth {
                auth: self.signer.auth(&[socket, name]),
                channel_data: None,
                shared_secret: None,
            }),
            ChannelKind::PrivateEncrypted => {
                let key = self
                    .master_key
                    .as_ref()
                    .ok_or(AuthError::EncryptionDisabled)?;
                Ok(ChannelAuth {
                    auth: self.signer.auth(&[socket, name]),
                    channel_data: None,
                    shared_secret: Some(shared_secret(name, key)),
                })
            }
            ChannelKind::Presence => {
                check_user(user_id, user_info)?;
                let channel_data = to_json(&ChannelData { user_id, user_info });
                Ok(ChannelAuth {
                    auth: self.signer.auth(&[socket, name, &channel_data]),
                    channel_data: Some(channel_data),
                    shared_secret: None,
                })
            }
        }
    }

    /// Signs the sign-in of `user_id` (with optional `user_info` and
    /// [`Watchlist`]) on `socket_id`: `<socket_id>::user::<user_data>`.
    pub fn authenticate_user(
        &self,
        socket_id: &SocketId,
        user_id: &str,
        user_info: Option<&Value>,
        watchlist: Option<&Watchlist>,
    ) -> Result<UserAuth, AuthError> {
        check_user(user_id, user_info)?;
        if let Some(list) = watchlist {
            let (len, empty) = (list.ids().len(), list.ids().iter().any(String::is_empty));
            if len == 0 || len > MAX_WATCHLIST_LEN || empty {
                return Err(AuthError::Watchlist { len, empty });
            }
        }
        let user_data = to_json(&UserData {
            id: user_id,
            user_info,
            watchlist: watchlist.map(Watchlist::ids),
        });
        Ok(UserAuth {
            auth: self
                .signer
                .auth(&[socket_id.as_str(), "", "user", "", &user_data]),
            user_data,
        })
    }
}

#[cfg(test)]
mod tests {
    //! The test vectors produced by the official `pusher`
    //! 5.3.4 Node SDK (`authorizeChannel`, `authenticateUser`).
    use super::*;
    use crate::pusher::ClientEvents;
    use serde_json::json;

    fn pusher() -> Pusher {
        Pusher::builder()
            .app_key("app-key")
            .app_secret("app-secret")
            .client_events(ClientEvents::Off)
            .encryption_master_key_base64("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=")
            .build()
            .unwrap()
    }

    fn socket() -> SocketId {
        SocketId::parse("1234.5678").unwrap()
    }

    fn channel_json(name: &str, info: Option<Value>) -> String {
        let answer = pusher()
            .authorize_channel(
                &socket(),
                &Channel::parse(name).unwrap(),
                "alice",
                info.as_ref(),
            )
            .unwrap();
        serde_json::to_string(&answer).unwrap()
    }

    #[test]
    fn private_channel_vector() {
        assert_eq!(
            channel_json("private-project-1", None),
            r#"{"auth":"app-key:464c0269c285ab0745e91d2964e4fe8b340d9b3f7a46836a031a3879c20d2fc3"}"#
        );
    }

    #[test]
    fn encrypted_channel_vector() {
        assert_eq!(
            channel_json("private-encrypted-project-1", None),
            r#"{"auth":"app-key:9db48714ac1fe0621e8b3b8af7d9595eb10b7d232cf4e3cdd6cc014612e3a4e8","shared_secret":"nkfUf84SNmikTZZ2dHBBvR5tr5a9z1U22bSJDnjFHQk="}"#
        );
    }

    #[test]
    fn presence_channel_vector() {
        let answer: Value = serde_json::from_str(&channel_json(
            "presence-project-1",
            Some(json!({"name": "ALICE"})),
        ))
        .unwrap();
        assert_eq!(
            answer,
            json!({
                "channel_data": r#"{"user_id":"alice","user_info":{"name":"ALICE"}}"#,
                "auth": "app-key:2277ab92678e601e1dde0ca98fd440e261aa267392d9766961c58039648587af",
            })
        );
    }

    #[test]
    fn user_vectors() {
        let answer = pusher()
            .authenticate_user(&socket(), "alice", Some(&json!({"name": "ALICE"})), None)
            .unwrap();
        assert_eq!(
            answer,
            UserAuth {
                auth: "app-key:e12e484bb9340f404b112c6dee85c75afca4ffd09cdeb96ab0e7207c6f53e1c5"
                    .into(),
                user_data: r#"{"id":"alice","user_info":{"name":"ALICE"}}"#.into(),
            }
        );
        let answer = pusher()
            .authenticate_user(&socket(), "alice", None, None)
            .unwrap();
        assert_eq!(
            answer.auth,
            "app-key:4fcac7b391c27ff59c71413baab0576b6aa27a657812e29610542f48c281ee2d"
        );
        assert_eq!(answer.user_data, r#"{"id":"alice"}"#);
    }

    /// The official `pusher` 5.3.4 SDK's `authenticateUser("1234.5678",
    /// {id: "alice", watchlist: ["bob", "carol"]})`: the watchlist is part
    /// of the signed `user_data`.
    #[test]
    fn watchlist_is_signed_in_user_data() {
        let list = Watchlist::new(["bob", "carol", "bob"]);
        let answer = pusher()
            .authenticate_user(&socket(), "alice", None, Some(&list))
            .unwrap();
        assert_eq!(
            answer,
            UserAuth {
                auth: "app-key:819a154049110ae3d50156bb0a1791417c234a676070133262d0afc8e83adf1d"
                    .into(),
                user_data: r#"{"id":"alice","watchlist":["bob","carol"]}"#.into(),
            }
        );
        for (list, len, empty) in [
            (Watchlist::new(Vec::<String>::new()), 0, false),
            (Watchlist::new(["bob", ""]), 2, true),
            (
                Watchlist::new((0..=MAX_WATCHLIST_LEN).map(|i| i.to_string())),
                MAX_WATCHLIST_LEN + 1,
                false,
            ),
        ] {
            assert_eq!(
                pusher().authenticate_user(&socket(), "alice", None, Some(&list)),
                Err(AuthError::Watchlist { len, empty })
            );
        }
    }

    #[test]
    fn presence_signs_exactly_the_channel_data_returned() {
        // An id with JSON metacharacters is escaped in channel_data, and
        // the signature covers those escaped bytes.
        let info = json!({"name": "\"quoted\"\n"});
        let answer = pusher()
            .authorize_channel(
                &socket(),
                &Channel::parse("presence-x").unwrap(),
                "a\"b",
                Some(&info),
            )
            .unwrap();
        let data = answer.channel_data.unwrap();
        let parsed: Value = serde_json::from_str(&data).unwrap();
        assert_eq!(parsed, json!({"user_id": "a\"b", "user_info": info}));
        let expected = pusher().signer.auth(&["1234.5678", "presence-x", &data]);
        assert_eq!(answer.auth, expected);
    }

    #[test]
    fn refuses_what_it_must_not_sign() {
        let plain = Pusher::new("app-key", "app-secret", ClientEvents::Off).unwrap();
        let encrypted = Channel::parse("private-encrypted-project-1").unwrap();
        assert_eq!(
            plain.authorize_channel(&socket(), &encrypted, "alice", None),
            Err(AuthError::EncryptionDisabled)
        );
        let presence = Channel::parse("presence-project-1").unwrap();
        let big = json!({ "bio": "x".repeat(MAX_USER_INFO_LEN) });
        assert!(matches!(
            pusher().authorize_channel(&socket(), &presence, "alice", Some(&big)),
            Err(AuthError::UserInfoTooLarge { .. })
        ));
        let fits = json!("x".repeat(MAX_USER_INFO_LEN - 2));
        assert!(
            pusher()
                .authorize_channel(&socket(), &presence, "alice", Some(&fits))
                .is_ok()
        );
        assert_eq!(
            pusher().authenticate_user(&socket(), "", None, None),
            Err(AuthError::EmptyUserId)
        );
    }
}
