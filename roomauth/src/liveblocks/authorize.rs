//! What roomauth sends to Liveblocks: `POST {base}/v2/authorize-user`.
//!
//! ```text
//! POST https://api.liveblocks.io/v2/authorize-user
//! Authorization: Bearer sk_…          Content-Type: application/json
//! {"userId":"alice","permissions":{"project-1":["room:write"]},"userInfo":{"name":"Alice"}}
//! ```
//!
//! the body `@liveblocks/node` sends for
//! `prepareSession("alice", {userInfo}).allow("project-1", ["room:write"]).authorize()`,
//! key for key and in the same order. The permissions name exactly the one
//! room the rules decided on; never a pattern.

use serde::Serialize;

/// A Liveblocks permission string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Permission {
    /// `room:read`: see the room and its storage.
    #[serde(rename = "room:read")]
    RoomRead,
    /// `room:presence:write`: update one's own presence (required with
    /// `room:read`: Liveblocks refuses read-only without it).
    #[serde(rename = "room:presence:write")]
    RoomPresenceWrite,
    /// `room:write`: full access to the room.
    #[serde(rename = "room:write")]
    RoomWrite,
}

impl Permission {
    /// What read access grants: read plus presence (presence is always writable in Liveblocks).
    pub const READ: &'static [Permission] = &[Permission::RoomRead, Permission::RoomPresenceWrite];
    /// What write access grants.
    pub const WRITE: &'static [Permission] = &[Permission::RoomWrite];

    /// The permissions of read (`false`) or write (`true`) access.
    pub fn for_access(write: bool) -> &'static [Permission] {
        if write {
            Permission::WRITE
        } else {
            Permission::READ
        }
    }

    /// The permission string.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::RoomRead => "room:read",
            Permission::RoomPresenceWrite => "room:presence:write",
            Permission::RoomWrite => "room:write",
        }
    }
}

/// The body of `POST /v2/authorize-user` for one room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeUser<'a> {
    /// The user: the grant's user id.
    pub user_id: &'a str,
    /// `{<room>: [permissions]}`: one exact room id.
    pub permissions: OneRoom<'a>,
    /// The grant's user info, shown to others in the room (a JSON object).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_info: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

/// A permission map with exactly one room in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneRoom<'a> {
    /// The exact room id (validated by
    /// [`check_room_id`](super::request::check_room_id)).
    pub room: &'a str,
    /// Its permissions.
    pub permissions: &'static [Permission],
}

impl Serialize for OneRoom<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.room, self.permissions)?;
        map.end()
    }
}

/// Why a grant's user info cannot be sent as Liveblocks `userInfo`.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("Liveblocks userInfo must be a JSON object; the rule returned {kind}")]
pub struct UserInfoNotAnObject {
    /// The JSON type the rule returned (`"a string"`, `"an array"`, …).
    pub kind: &'static str,
}

crate::error::debug_is_display!(UserInfoNotAnObject);

/// The grant's user info as Liveblocks `userInfo`: a JSON object, or none
/// (`None` and `null`).
pub fn user_info(
    info: Option<&serde_json::Value>,
) -> Result<Option<&serde_json::Map<String, serde_json::Value>>, UserInfoNotAnObject> {
    use serde_json::Value;
    match info {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(UserInfoNotAnObject {
            kind: match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                _ => "an array",
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn write_body_as_liveblocks_node_sends_it() {
        let info = json!({"name": "Alice"});
        let body = AuthorizeUser {
            user_id: "alice",
            permissions: OneRoom {
                room: "project-1",
                permissions: Permission::for_access(true),
            },
            user_info: user_info(Some(&info)).unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"userId":"alice","permissions":{"project-1":["room:write"]},"userInfo":{"name":"Alice"}}"#
        );
    }

    #[test]
    fn read_body_has_presence_and_no_user_info() {
        let body = AuthorizeUser {
            user_id: "alice",
            permissions: OneRoom {
                room: "project-2",
                permissions: Permission::for_access(false),
            },
            user_info: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"userId":"alice","permissions":{"project-2":["room:read","room:presence:write"]}}"#
        );
    }

    #[test]
    fn permission_strings() {
        for permission in [
            Permission::RoomRead,
            Permission::RoomPresenceWrite,
            Permission::RoomWrite,
        ] {
            assert_eq!(
                serde_json::to_value(permission).unwrap(),
                json!(permission.as_str())
            );
        }
    }

    #[test]
    fn user_info_must_be_an_object() {
        assert_eq!(user_info(None), Ok(None));
        assert_eq!(user_info(Some(&json!(null))), Ok(None));
        assert!(user_info(Some(&json!({"a": 1}))).unwrap().is_some());
        assert_eq!(
            user_info(Some(&json!("Alice"))).unwrap_err().kind,
            "a string"
        );
        assert_eq!(user_info(Some(&json!([1]))).unwrap_err().kind, "an array");
        assert_eq!(user_info(Some(&json!(1))).unwrap_err().kind, "a number");
        assert_eq!(user_info(Some(&json!(true))).unwrap_err().kind, "a boolean");
    }
}
