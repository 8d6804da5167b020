//! The claims of a LiveKit access token, as roomauth sets them.
//!
//! LiveKit reads a missing `canPublish`, `canSubscribe` or
//! `canPublishData` as `true`, and a token without `room` admits any room
//! its holder names. So every field that would otherwise be open is written
//! out: `room` always, and the three capabilities always, `false` where the
//! grant is read-only. `roomCreate`, `roomList`, `roomAdmin`, `roomRecord`,
//! `hidden`, `recorder` and `canUpdateOwnMetadata` are never set (their
//! default is off). `canPublishSources`, `attributes` and `roomConfig`
//! (agent dispatch) appear only when the rule's
//! [`LiveKitGrant`](super::LiveKitGrant) decides them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TrackSource;

/// The claims of one participant's token for one room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The API key the token is signed with; LiveKit looks the secret up by it.
    pub iss: String,
    /// The participant identity: the grant's user.
    pub sub: String,
    /// Not valid before (Unix seconds).
    pub nbf: u64,
    /// Expires at (Unix seconds). LiveKit refuses tokens without one.
    pub exp: u64,
    /// The participant's display name, from the grant's user info `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The participant's metadata: the grant's user info as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// What the participant may do in the room.
    pub video: VideoGrant,
    /// The participant's attributes, as the rule decided them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The agents dispatched into the room when the participant joins:
    /// those the client asked for, each allowed by the rule.
    #[serde(
        default,
        rename = "roomConfig",
        skip_serializing_if = "Option::is_none"
    )]
    pub room_config: Option<RoomConfig>,
}

/// LiveKit's `RoomConfiguration` (protobuf JSON), restricted to agent
/// dispatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomConfig {
    /// The agents to dispatch.
    pub agents: Vec<AgentDispatch>,
}

/// LiveKit's `RoomAgentDispatch`: an agent, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentDispatch {
    /// The agent's registered name.
    #[serde(rename = "agentName")]
    pub agent_name: String,
}

/// LiveKit's `VideoGrant`, restricted to the fields roomauth sets (all
/// always written; see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoGrant {
    /// The one room the token admits.
    pub room: String,
    /// May join `room`: always `true`.
    pub room_join: bool,
    /// May subscribe to the tracks of others: always `true`.
    pub can_subscribe: bool,
    /// May publish tracks: write access only.
    pub can_publish: bool,
    /// May send data messages: write access only.
    pub can_publish_data: bool,
    /// The only sources it may publish from (write access, when the rule
    /// decides them); absent: any source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_publish_sources: Option<Vec<TrackSource>>,
}

impl VideoGrant {
    /// Joining and subscribing in `room`; publishing tracks and data only
    /// when `publish` (write access).
    pub fn new(room: impl Into<String>, publish: bool) -> VideoGrant {
        VideoGrant {
            room: room.into(),
            room_join: true,
            can_subscribe: true,
            can_publish: publish,
            can_publish_data: publish,
            can_publish_sources: None,
        }
    }
}

/// `name` and `metadata` from a grant's user info: `name` is the info's
/// `name` when it is a string; `metadata` is the whole info as JSON text
/// (what LiveKit clients read back with `JSON.parse(participant.metadata)`).
/// No info (or `null`): neither.
pub fn name_and_metadata(info: Option<&serde_json::Value>) -> (Option<String>, Option<String>) {
    match info {
        None | Some(serde_json::Value::Null) => (None, None),
        Some(info) => {
            let name = info
                .get("name")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            (name, Some(info.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn read_only_grant_writes_publish_false() {
        let video = serde_json::to_value(VideoGrant::new("project-2", false)).unwrap();
        assert_eq!(
            video,
            json!({"room": "project-2", "roomJoin": true, "canSubscribe": true,
                   "canPublish": false, "canPublishData": false})
        );
    }

    #[test]
    fn write_grant_publishes_tracks_and_data() {
        let video = serde_json::to_value(VideoGrant::new("project-1", true)).unwrap();
        assert_eq!(
            video,
            json!({"room": "project-1", "roomJoin": true, "canSubscribe": true,
                   "canPublish": true, "canPublishData": true})
        );
    }

    #[test]
    fn claims_omit_absent_name_and_metadata() {
        let claims = Claims {
            iss: "devkey".into(),
            sub: "alice".into(),
            nbf: 10,
            exp: 20,
            name: None,
            metadata: None,
            video: VideoGrant::new("r", true),
            attributes: BTreeMap::new(),
            room_config: None,
        };
        let value = serde_json::to_value(&claims).unwrap();
        let object = value.as_object().unwrap();
        assert!(!object.contains_key("name"));
        assert!(!object.contains_key("metadata"));
        assert!(!object.contains_key("attributes"));
        assert!(!object.contains_key("roomConfig"));
        assert!(
            !value["video"]
                .as_object()
                .unwrap()
                .contains_key("canPublishSources")
        );
        assert_eq!(value["iss"], "devkey");
        assert_eq!(value["exp"], 20);
    }

    #[test]
    fn info_becomes_name_and_metadata() {
        let info = json!({"name": "Alice", "color": "red"});
        let (name, metadata) = name_and_metadata(Some(&info));
        assert_eq!(name.as_deref(), Some("Alice"));
        let metadata: serde_json::Value = serde_json::from_str(&metadata.unwrap()).unwrap();
        assert_eq!(metadata, info);

        assert_eq!(name_and_metadata(None), (None, None));
        assert_eq!(name_and_metadata(Some(&json!(null))), (None, None));
        let (name, metadata) = name_and_metadata(Some(&json!({"name": 7})));
        assert_eq!(name, None);
        assert_eq!(metadata.as_deref(), Some(r#"{"name":7}"#));
    }
}
