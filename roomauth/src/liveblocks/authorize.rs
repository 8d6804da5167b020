//! What roomauth sends to Liveblocks: `POST {base}/v2/authorize-user`.
//!
//! ```text
//! POST https://api.liveblocks.io/v2/authorize-user
//! Authorization: Bearer sk_…          Content-Type: application/json
//! {"userId":"alice","permissions":{"project-1":["*:write"]},"userInfo":{"name":"Alice"}}
//! ```
//!
//! the body `@liveblocks/node` sends for
//! `prepareSession("alice", {userInfo}).allow("project-1", session.FULL_ACCESS).authorize()`,
//! key for key and in the same order. The permissions name exactly the one
//! room the rules decided on; never a pattern.

use serde::Serialize;

/// An access level of one Liveblocks resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `none`: not even see it.
    None,
    /// `read`: see it.
    Read,
    /// `write`: change it.
    Write,
}

/// A Liveblocks permission string (`@liveblocks/core` 3.x names; the
/// legacy `room:read`, `room:write` and `room:presence:write` are not
/// sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `*:read`: the room read-only (presence included), every resource
    /// not named otherwise at read.
    Read,
    /// `*:write`: the room with full access.
    Write,
    /// `storage:<level>`: the room's storage (the document).
    Storage(Level),
    /// `comments:<level>`: threads and comments.
    Comments(Level),
    /// `feeds:<level>`: feeds.
    Feeds(Level),
}

impl Permission {
    /// The permission string.
    pub fn as_str(self) -> &'static str {
        use Level::{None, Read, Write};
        match self {
            Permission::Read => "*:read",
            Permission::Write => "*:write",
            Permission::Storage(None) => "storage:none",
            Permission::Storage(Read) => "storage:read",
            Permission::Storage(Write) => "storage:write",
            Permission::Comments(None) => "comments:none",
            Permission::Comments(Read) => "comments:read",
            Permission::Comments(Write) => "comments:write",
            Permission::Feeds(None) => "feeds:none",
            Permission::Feeds(Read) => "feeds:read",
            Permission::Feeds(Write) => "feeds:write",
        }
    }

    /// The permissions of a grant: its base scope (`*:read` or
    /// `*:write`), then each resource level its [`LiveblocksGrant`] sets.
    /// A read grant's storage stays at most `read` (storage is the room's
    /// content: writing it is what read excludes); comments and feeds are
    /// the rule's to raise ("may comment, may not edit").
    pub fn for_grant(write: bool, levels: Option<&LiveblocksGrant>) -> Vec<Permission> {
        let mut permissions = vec![if write {
            Permission::Write
        } else {
            Permission::Read
        }];
        if let Some(levels) = levels {
            if let Some(storage) = levels.storage {
                permissions.push(Permission::Storage(if write {
                    storage
                } else {
                    storage.min(Level::Read)
                }));
            }
            permissions.extend(levels.comments.map(Permission::Comments));
            permissions.extend(levels.feeds.map(Permission::Feeds));
        }
        permissions
    }
}

impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a list of Liveblocks scopes grants, resource by resource, as
/// `@liveblocks/core` resolves it (`permissionMatrixFromScopes`): the base
/// scope (`*:` or the legacy `room:`) sets every resource, a resource's own
/// scope overrides it, `comments:public`/`comments:private` follow
/// `comments`, and `room:presence:write` adds nothing. Used to check that a
/// token grants no more than roomauth asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    storage: Level,
    comments: Level,
    comments_public: Level,
    comments_private: Level,
    feeds: Level,
}

impl Levels {
    /// No access to anything.
    pub const NOTHING: Levels = Levels {
        storage: Level::None,
        comments: Level::None,
        comments_public: Level::None,
        comments_private: Level::None,
        feeds: Level::None,
    };

    /// What roomauth asks for with `permissions` (Liveblocks' own names, so
    /// always resolved; were one not, nothing, which fails closed).
    pub fn asked(permissions: &[Permission]) -> Levels {
        Levels::of(permissions.iter().map(|permission| permission.as_str()))
            .unwrap_or(Levels::NOTHING)
    }

    /// The levels of `scopes`, or the first scope that is not Liveblocks'
    /// (nothing roomauth asked for can be judged against it).
    pub fn of<'a>(scopes: impl IntoIterator<Item = &'a str>) -> Result<Levels, &'a str> {
        let (mut base, mut storage, mut comments, mut public, mut private, mut feeds) =
            (None, None, None, None, None, None);
        for scope in scopes {
            let (resource, level) = scope.rsplit_once(':').ok_or(scope)?;
            let level = match level {
                "none" => Level::None,
                "read" => Level::Read,
                "write" => Level::Write,
                _ => return Err(scope),
            };
            let slot = match resource {
                "*" | "room" => &mut base,
                "room:presence" if level == Level::Write => continue,
                "storage" => &mut storage,
                "comments" => &mut comments,
                "comments:public" => &mut public,
                "comments:private" => &mut private,
                "feeds" => &mut feeds,
                _ => return Err(scope),
            };
            // Two levels for one resource: the higher one counts.
            *slot = Some(slot.map_or(level, |other: Level| other.max(level)));
        }
        let base = base.unwrap_or(Level::None);
        let comments = comments.unwrap_or(base);
        Ok(Levels {
            storage: storage.unwrap_or(base),
            comments,
            comments_public: public.unwrap_or(comments),
            comments_private: private.unwrap_or(comments),
            feeds: feeds.unwrap_or(base),
        })
    }

    /// Whether every resource is at most at `asked`'s level.
    pub fn within(&self, asked: &Levels) -> bool {
        self.storage <= asked.storage
            && self.comments <= asked.comments
            && self.comments_public <= asked.comments_public
            && self.comments_private <= asked.comments_private
            && self.feeds <= asked.feeds
    }
}

/// What a rule decides for Liveblocks beyond read or write: each
/// resource's level, attached with
/// [`Grant::with_extension`](crate::Grant::with_extension) (the other
/// backends ignore it):
///
/// ```
/// use roomauth::Grant;
/// use roomauth::liveblocks::{Level, LiveblocksGrant};
///
/// // May read the document and comment on it, not edit it.
/// let grant = Grant::read("alice").with_extension(LiveblocksGrant::new().comments(Level::Write));
/// # assert!(grant.extension::<LiveblocksGrant>().is_some());
/// ```
///
/// Unset resources follow the grant's access. A read grant's storage is
/// never above `read`: a [`storage`](Self::storage) of `Write` on a read
/// grant is sent as `storage:read`, and logged at warn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveblocksGrant {
    storage: Option<Level>,
    comments: Option<Level>,
    feeds: Option<Level>,
}

impl LiveblocksGrant {
    /// Every resource at the grant's access.
    pub fn new() -> LiveblocksGrant {
        LiveblocksGrant::default()
    }

    /// The storage's level (`storage:<level>`).
    #[must_use]
    pub fn storage(mut self, level: Level) -> Self {
        self.storage = Some(level);
        self
    }

    /// The comments' level (`comments:<level>`).
    #[must_use]
    pub fn comments(mut self, level: Level) -> Self {
        self.comments = Some(level);
        self
    }

    /// The feeds' level (`feeds:<level>`).
    #[must_use]
    pub fn feeds(mut self, level: Level) -> Self {
        self.feeds = Some(level);
        self
    }

    /// Whether, on a read grant, the storage level asks for more than read
    /// (sent as read).
    pub fn storage_above_read(&self) -> bool {
        self.storage == Some(Level::Write)
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
    pub permissions: &'a [Permission],
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
                permissions: &Permission::for_grant(true, None),
            },
            user_info: user_info(Some(&info)).unwrap(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"userId":"alice","permissions":{"project-1":["*:write"]},"userInfo":{"name":"Alice"}}"#
        );
    }

    #[test]
    fn read_body_without_user_info() {
        let body = AuthorizeUser {
            user_id: "alice",
            permissions: OneRoom {
                room: "project-2",
                permissions: &Permission::for_grant(false, None),
            },
            user_info: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"userId":"alice","permissions":{"project-2":["*:read"]}}"#
        );
    }

    #[test]
    fn resource_levels_follow_the_base_scope() {
        let strings = |write, levels: LiveblocksGrant| -> Vec<&'static str> {
            Permission::for_grant(write, Some(&levels))
                .into_iter()
                .map(Permission::as_str)
                .collect()
        };
        // Comment but not edit.
        assert_eq!(
            strings(false, LiveblocksGrant::new().comments(Level::Write)),
            ["*:read", "comments:write"]
        );
        // Edit, but no comments and read-only feeds.
        assert_eq!(
            strings(
                true,
                LiveblocksGrant::new()
                    .comments(Level::None)
                    .feeds(Level::Read)
            ),
            ["*:write", "comments:none", "feeds:read"]
        );
        // A read grant never writes storage.
        let above = LiveblocksGrant::new().storage(Level::Write);
        assert!(above.storage_above_read());
        assert_eq!(strings(false, above), ["*:read", "storage:read"]);
        assert_eq!(strings(true, above), ["*:write", "storage:write"]);
        assert_eq!(
            strings(false, LiveblocksGrant::new().storage(Level::None)),
            ["*:read", "storage:none"]
        );
    }

    #[test]
    fn levels_resolve_as_liveblocks_does() {
        let levels = |scopes: &[&'static str]| Levels::of(scopes.iter().copied()).unwrap();
        let asked = |write, grant| Levels::asked(&Permission::for_grant(write, Some(&grant)));
        let comment_only = asked(false, LiveblocksGrant::new().comments(Level::Write));
        // The legacy names mean the same as the current ones.
        assert_eq!(
            levels(&["room:read", "room:presence:write"]),
            levels(&["*:read"])
        );
        assert_eq!(levels(&["room:write"]), levels(&["*:write"]));
        assert!(levels(&["*:read", "comments:write"]).within(&comment_only));
        assert!(levels(&["*:read"]).within(&comment_only));
        assert!(levels(&["*:read", "storage:none"]).within(&comment_only));
        assert!(!levels(&["*:write"]).within(&comment_only));
        assert!(!levels(&["*:read", "storage:write"]).within(&comment_only));
        assert!(!levels(&["*:read", "feeds:write"]).within(&comment_only));
        let no_comments = asked(true, LiveblocksGrant::new().comments(Level::None));
        assert!(levels(&["*:write", "comments:none"]).within(&no_comments));
        assert!(!levels(&["*:write"]).within(&no_comments));
        assert!(!levels(&["*:write", "comments:public:read"]).within(&no_comments));
        for unknown in ["admin", "room:admin", "storage:all", "ai:write"] {
            assert_eq!(Levels::of(["*:read", unknown]), Err(unknown));
        }
    }

    #[test]
    fn permission_strings_are_liveblocks_own() {
        // `Permission` of @liveblocks/core 3.x (src/permissions.ts).
        let all = [
            Permission::Read,
            Permission::Write,
            Permission::Storage(Level::None),
            Permission::Storage(Level::Read),
            Permission::Storage(Level::Write),
            Permission::Comments(Level::None),
            Permission::Comments(Level::Read),
            Permission::Comments(Level::Write),
            Permission::Feeds(Level::None),
            Permission::Feeds(Level::Read),
            Permission::Feeds(Level::Write),
        ];
        assert_eq!(
            serde_json::to_value(all).unwrap(),
            json!([
                "*:read",
                "*:write",
                "storage:none",
                "storage:read",
                "storage:write",
                "comments:none",
                "comments:read",
                "comments:write",
                "feeds:none",
                "feeds:read",
                "feeds:write"
            ])
        );
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
