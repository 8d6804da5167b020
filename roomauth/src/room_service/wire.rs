//! The Room Service wire types (see the [module docs](super)): the browser's webhook
//! request, the resources it names, and the provisioning exchange.
//!
//! Field order follows the official client, so re-emitted JSON is byte for
//! byte what Room Service and `@roomservice/browser` send.

use serde::{Deserialize, Serialize};

/// The kind of thing a [`Resource`] grants access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A room: the unit a browser joins.
    Room,
    /// A document inside a room; the URL-strategy client needs one.
    Document,
}

/// What a [`Resource`] lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Join a room (`"join"`), the only permission a room carries.
    Join,
    /// Read and write a document (`"read_write"`).
    ReadWrite,
}

impl Permission {
    /// Every permission of the protocol, in wire spelling.
    pub const ALL: [&'static str; 2] = ["join", "read_write"];

    /// The wire spelling: `"join"` or `"read_write"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::Join => "join",
            Permission::ReadWrite => "read_write",
        }
    }

    /// The permission the protocol pairs with `object`.
    pub const fn for_object(object: ObjectKind) -> Permission {
        match object {
            ObjectKind::Room => Permission::Join,
            ObjectKind::Document => Permission::ReadWrite,
        }
    }
}

/// One grant: a room to join or a document to read and write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// What kind of object this is.
    pub object: ObjectKind,
    /// The object's name: the room name for a room, the document name
    /// (`"default"` unless the app chose another) for a document.
    pub reference: String,
    /// What the holder may do with it.
    pub permission: Permission,
    /// For a document: the room it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// The provider-assigned id, present in provisioning responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl Resource {
    /// The `join` grant for room `name`.
    pub fn room(name: impl Into<String>) -> Resource {
        Resource {
            object: ObjectKind::Room,
            reference: name.into(),
            permission: Permission::Join,
            room: None,
            id: None,
        }
    }

    /// The `read_write` grant for document `reference` of room `room`.
    pub fn document(room: impl Into<String>, reference: impl Into<String>) -> Resource {
        Resource {
            object: ObjectKind::Document,
            reference: reference.into(),
            permission: Permission::ReadWrite,
            room: Some(room.into()),
            id: None,
        }
    }

    /// The room this resource belongs to: its own name for a room, its
    /// `room` field for a document.
    pub fn room_name(&self) -> Option<&str> {
        match self.object {
            ObjectKind::Room => Some(&self.reference),
            ObjectKind::Document => self.room.as_deref(),
        }
    }
}

/// The body the browser posts to the auth webhook, in either form the
/// client uses (the [module docs](super)).
///
/// Exactly one of `room` and `resources` must be present; any other field
/// (a smuggled `"user"`, say) is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, try_from = "RawWebhookRequest")]
pub enum WebhookRequest {
    /// `{"room": "..."}`: the documented custom auth function.
    Room {
        /// The room the browser wants to join.
        room: String,
    },
    /// `{"resources": [...]}`: the client's built-in URL strategy.
    Resources {
        /// The room and its document(s), as the client asks for them.
        resources: Vec<Resource>,
    },
}

/// The webhook body as JSON has it, before the one-of rule is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhookRequest {
    room: Option<String>,
    resources: Option<Vec<Resource>>,
}

impl TryFrom<RawWebhookRequest> for WebhookRequest {
    type Error = &'static str;

    fn try_from(raw: RawWebhookRequest) -> Result<Self, Self::Error> {
        match (raw.room, raw.resources) {
            (Some(room), None) => Ok(WebhookRequest::Room { room }),
            (None, Some(resources)) => Ok(WebhookRequest::Resources { resources }),
            (Some(_), Some(_)) => Err("the body has both `room` and `resources`; send one of them"),
            (None, None) => {
                Err("the body has neither `room` nor `resources`; send `{\"room\": \"<name>\"}`")
            }
        }
    }
}

/// The backend's request to `POST /provision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionRequest {
    /// The application's own user id; echoed back and shown to other clients.
    pub user: String,
    /// The grants this user's token should carry.
    pub resources: Vec<Resource>,
}

/// The provisioner's answer: the grants with ids attached, and a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionResponse {
    /// The user id the request named.
    pub user: String,
    /// The granted resources, each with its provider-assigned `id`.
    pub resources: Vec<Resource>,
    /// The session token the browser hands to the service.
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `json`, checks it equals `expected`, and re-emits it byte for byte.
    fn round_trip<T>(json: &str, expected: &T)
    where
        T: serde::de::DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        let parsed: T = serde_json::from_str(json).expect("parses");
        assert_eq!(&parsed, expected);
        assert_eq!(serde_json::to_string(&parsed).expect("serializes"), json);
    }

    #[test]
    fn webhook_room_form() {
        round_trip(
            r#"{"room":"express-minimal"}"#,
            &WebhookRequest::Room {
                room: "express-minimal".into(),
            },
        );
    }

    #[test]
    fn webhook_resources_form() {
        round_trip(
            r#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"express-minimal"},{"object":"room","reference":"express-minimal","permission":"join"}]}"#,
            &WebhookRequest::Resources {
                resources: vec![
                    Resource::document("express-minimal", "default"),
                    Resource::room("express-minimal"),
                ],
            },
        );
    }

    #[test]
    fn provision_request() {
        round_trip(
            r#"{"user":"your-user-id","resources":[{"object":"room","reference":"express-minimal","permission":"join"}]}"#,
            &ProvisionRequest {
                user: "your-user-id".into(),
                resources: vec![Resource::room("express-minimal")],
            },
        );
    }

    #[test]
    fn provision_response() {
        let mut room = Resource::room("express-minimal");
        room.id = Some("rm_1".into());
        round_trip(
            r#"{"user":"your-user-id","resources":[{"object":"room","reference":"express-minimal","permission":"join","id":"rm_1"}],"token":"tok_123"}"#,
            &ProvisionResponse {
                user: "your-user-id".into(),
                resources: vec![room],
                token: "tok_123".into(),
            },
        );
    }

    #[test]
    fn unknown_object_and_permission_are_refused() {
        for json in [
            r#"{"object":"file","reference":"a","permission":"join"}"#,
            r#"{"object":"room","reference":"a","permission":"admin"}"#,
            r#"{"object":"room","reference":"a","permission":"join","extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Resource>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn webhook_body_must_be_one_form() {
        for json in [
            r#"{}"#,
            r#"{"room":"a","resources":[]}"#,
            r#"{"room":"a","user":"mallory"}"#,
            r#"{"room":null}"#,
            r#"{"room":1}"#,
            r#"[]"#,
        ] {
            assert!(
                serde_json::from_str::<WebhookRequest>(json).is_err(),
                "{json}"
            );
        }
    }

    #[test]
    fn permission_spelling_matches_serde() {
        for p in [Permission::Join, Permission::ReadWrite] {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
            assert!(Permission::ALL.contains(&p.as_str()));
        }
    }
}
