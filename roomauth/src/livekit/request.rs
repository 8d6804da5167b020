//! The client's request: LiveKit's `TokenSourceRequest`, decoded and
//! validated.
//!
//! `TokenSource.endpoint(url)` of `livekit-client` POSTs the protobuf JSON
//! of `TokenSourceRequest` with its field names in snake_case; protobuf JSON
//! also accepts the camelCase names, and so does roomauth (one spelling per
//! field: both at once is a 400).
//!
//! `room_name` is what the rules decide on. Everything else a client may
//! send is what the client *asks* for ([`Asked`]): a browser must not
//! choose its own identity, display name, metadata, attributes or agents in
//! a token the app signs, and nothing it asks for is dropped silently. After
//! the rules said yes, each is accepted only where the grant decides the
//! same (`participant_identity` and `participant_name` equal to the
//! grant's, `participant_attributes` among the grant's
//! [`LiveKitGrant`] attributes, `room_config.agents`
//! by `agent_name` from its allow-list); anything else is a 400 naming
//! every such field (as LiveKit's docs ask of a token endpoint).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::error::WebhookError;
use crate::request::decode_json;

use super::LiveKitGrant;

/// The longest `room_name` accepted, in bytes (roomauth's bound; LiveKit
/// rooms are named by apps, and no app names one longer).
pub const MAX_ROOM_NAME_BYTES: usize = 256;
/// The longest `participant_identity` accepted, in bytes.
pub const MAX_IDENTITY_BYTES: usize = 256;
/// The most agents one request may ask to dispatch.
pub const MAX_AGENTS: usize = 8;

/// `TokenSourceRequest` as `livekit-client` sends it (protobuf JSON).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TokenSourceRequest {
    /// The room to join.
    #[serde(default, alias = "roomName")]
    pub room_name: Option<String>,
    /// The display name the client asks for.
    #[serde(default, alias = "participantName")]
    pub participant_name: Option<String>,
    /// The identity the client asks for: absent, empty, or the session's
    /// user (anything else is refused).
    #[serde(default, alias = "participantIdentity")]
    pub participant_identity: Option<String>,
    /// Metadata the client asks for.
    #[serde(default, alias = "participantMetadata")]
    pub participant_metadata: Option<String>,
    /// Attributes the client asks for.
    #[serde(default, alias = "participantAttributes")]
    pub participant_attributes: Option<HashMap<String, String>>,
    /// A room configuration the client asks for: only agent dispatch
    /// (`agents[].agent_name`) can be granted.
    #[serde(default, alias = "roomConfig")]
    pub room_config: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A validated token request: the room, and what else the client asked
/// for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The room the rules decide on and the token admits.
    pub room: String,
    /// The identity the client named (non-empty), to compare with the
    /// grant's user.
    pub identity: Option<String>,
    /// The rest of what the client asked for, each to be decided by the
    /// grant.
    pub asked: Asked,
}

/// What a client asked for beyond the room and its identity; protobuf
/// JSON's unset values (`""`, `{}`, `[]`, `0`, `false`, `null`) count as
/// not asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    /// `participant_name`.
    pub name: Option<String>,
    /// `participant_metadata`.
    pub metadata: Option<String>,
    /// `participant_attributes`.
    pub attributes: BTreeMap<String, String>,
    /// `room_config.agents[].agent_name`, in request order.
    pub agents: Vec<String>,
    /// Every other field set in `room_config` (`room_config.max_participants`,
    /// `room_config.agents[0].metadata`, ...): nothing a rule decides, so
    /// always refused.
    pub room_config: Vec<String>,
}

/// What to send, in the decoder's 400 messages.
pub(super) const EXPECTED: &str = r#"a TokenSourceRequest (`{"room_name": "<room>"}`)"#;

impl TokenRequest {
    /// Decodes and validates a JSON body with the [one JSON
    /// decoder](crate::request::decode_json). Every failure is a 400 (415
    /// for another content type) that says what to fix.
    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<TokenRequest, WebhookError> {
        let request: TokenSourceRequest = decode_json(content_type, body, EXPECTED)?;
        TokenRequest::try_from(request)
    }

    /// Whether the client's identity, if it named one, is `user`.
    pub fn identity_matches(&self, user: &str) -> bool {
        self.identity
            .as_deref()
            .is_none_or(|identity| identity == user)
    }
}

impl TryFrom<TokenSourceRequest> for TokenRequest {
    type Error = WebhookError;

    fn try_from(request: TokenSourceRequest) -> Result<TokenRequest, WebhookError> {
        let room = request.room_name.unwrap_or_default();
        if room.is_empty() {
            return Err(WebhookError::malformed(
                "`room_name` is missing: name the room to join",
            ));
        }
        // Control and look-alike characters are the webhook's floor
        // (`crate::name`); the length is LiveKit's own limit.
        if room.len() > MAX_ROOM_NAME_BYTES {
            return Err(WebhookError::malformed(format!(
                "`room_name` is longer than {MAX_ROOM_NAME_BYTES} bytes"
            )));
        }
        // Protobuf JSON writes an unset string as "" or leaves it out.
        let identity = request
            .participant_identity
            .filter(|identity| !identity.is_empty());
        if let Some(identity) = &identity {
            check_text("participant_identity", identity, MAX_IDENTITY_BYTES)?;
        }
        let set = |value: Option<String>| value.filter(|value| !value.is_empty());
        let (agents, room_config) = room_config(request.room_config.unwrap_or_default())?;
        let asked = Asked {
            name: set(request.participant_name),
            metadata: set(request.participant_metadata),
            attributes: request
                .participant_attributes
                .unwrap_or_default()
                .into_iter()
                .collect(),
            agents,
            room_config,
        };
        Ok(TokenRequest {
            room,
            identity,
            asked,
        })
    }
}

impl Asked {
    /// The fields the client set that the grant does not decide the same
    /// way, named as in the request (`participant_name`,
    /// `participant_attributes.role`, `room_config.agents[1].agent_name`,
    /// ...): the token's name and metadata are `name` and `metadata`, its
    /// attributes and agents come from `livekit`.
    pub fn not_granted(
        &self,
        name: Option<&str>,
        metadata: Option<&str>,
        livekit: Option<&LiveKitGrant>,
    ) -> Vec<String> {
        let mut refused = Vec::new();
        if self.name.is_some() && self.name.as_deref() != name {
            refused.push("participant_name".to_owned());
        }
        if self.metadata.is_some() && self.metadata.as_deref() != metadata {
            refused.push("participant_metadata".to_owned());
        }
        for (key, value) in &self.attributes {
            if livekit.and_then(|grant| grant.attributes.get(key)) != Some(value) {
                refused.push(format!(
                    "participant_attributes.{}",
                    crate::text::escape_controls(key)
                ));
            }
        }
        for (i, agent) in self.agents.iter().enumerate() {
            if !livekit.is_some_and(|grant| grant.allows_agent(agent)) {
                refused.push(format!("room_config.agents[{i}].agent_name"));
            }
        }
        refused.extend(self.room_config.iter().cloned());
        refused
    }
}

/// Whether a protobuf JSON value is its field's default (unset).
fn is_unset(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
    }
}

/// The agent names of `room_config.agents`, and the paths of every other
/// field set in it.
fn room_config(
    config: serde_json::Map<String, serde_json::Value>,
) -> Result<(Vec<String>, Vec<String>), WebhookError> {
    let (mut agents, mut others) = (Vec::new(), Vec::new());
    for (key, value) in config {
        if is_unset(&value) {
            continue;
        }
        if key != "agents" {
            others.push(format!(
                "room_config.{}",
                crate::text::escape_controls(&key)
            ));
            continue;
        }
        let serde_json::Value::Array(dispatches) = value else {
            return Err(WebhookError::malformed(
                "`room_config.agents` must be a list of agent dispatches",
            ));
        };
        if dispatches.len() > MAX_AGENTS {
            return Err(WebhookError::malformed(format!(
                "`room_config.agents` asks for more than {MAX_AGENTS} agents"
            )));
        }
        for (i, dispatch) in dispatches.into_iter().enumerate() {
            let serde_json::Value::Object(dispatch) = dispatch else {
                return Err(WebhookError::malformed(format!(
                    "`room_config.agents[{i}]` must be an object"
                )));
            };
            let mut name = None;
            for (field, value) in dispatch {
                match (field.as_str(), value) {
                    ("agent_name" | "agentName", serde_json::Value::String(value))
                        if name.is_none() =>
                    {
                        name = Some(value)
                    }
                    ("agent_name" | "agentName", _) => {
                        return Err(WebhookError::malformed(format!(
                            "`room_config.agents[{i}].agent_name` must be one string"
                        )));
                    }
                    (_, value) if is_unset(&value) => {}
                    (field, _) => others.push(format!(
                        "room_config.agents[{i}].{}",
                        crate::text::escape_controls(field)
                    )),
                }
            }
            let name = name.filter(|name| !name.is_empty()).ok_or_else(|| {
                WebhookError::malformed(format!(
                    "`room_config.agents[{i}].agent_name` is missing: name the agent to dispatch"
                ))
            })?;
            check_text("room_config.agents[].agent_name", &name, MAX_IDENTITY_BYTES)?;
            agents.push(name);
        }
    }
    Ok((agents, others))
}

/// At most `max` bytes, no control characters.
fn check_text(field: &str, value: &str, max: usize) -> Result<(), WebhookError> {
    if value.len() > max {
        return Err(WebhookError::malformed(format!(
            "`{field}` is longer than {max} bytes"
        )));
    }
    if value.contains(char::is_control) {
        return Err(WebhookError::malformed(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(body: &str) -> Result<TokenRequest, String> {
        TokenRequest::decode(Some("application/json"), body.as_bytes()).map_err(|err| match err {
            WebhookError::Malformed(reason) => reason,
            other => panic!("not a 400: {other:?}"),
        })
    }

    #[test]
    fn what_livekit_client_sends() {
        let request = decode(
            r#"{"room_name":"project-1","participant_name":"Alice","participant_identity":"alice",
                "participant_metadata":"{}","participant_attributes":{"k":"v"},
                "room_config":{"agents":[{"agent_name":"helper"}]}}"#,
        )
        .unwrap();
        assert_eq!(request.room, "project-1");
        assert_eq!(request.identity.as_deref(), Some("alice"));
        assert_eq!(
            request.asked,
            Asked {
                name: Some("Alice".into()),
                metadata: Some("{}".into()),
                attributes: BTreeMap::from([("k".into(), "v".into())]),
                agents: vec!["helper".into()],
                room_config: vec![],
            }
        );
    }

    #[test]
    fn unset_values_are_not_asked_and_other_room_config_is_named() {
        let request = decode(
            r#"{"room_name":"r","participant_name":"","participant_attributes":{},
                "room_config":{"name":"","agents":[{"agentName":"a","metadata":""}],
                               "max_participants":5,"emptyTimeout":0}}"#,
        )
        .unwrap();
        assert_eq!(
            request.asked,
            Asked {
                agents: vec!["a".into()],
                room_config: vec!["room_config.max_participants".into()],
                ..Asked::default()
            }
        );
        let request = decode(
            r#"{"room_name":"r","room_config":{"agents":[{"agent_name":"a","metadata":"{\"x\":1}"}]}}"#,
        )
        .unwrap();
        assert_eq!(
            request.asked.room_config,
            ["room_config.agents[0].metadata"]
        );
    }

    #[test]
    fn what_the_grant_does_not_decide_is_named() {
        let request = decode(
            r#"{"room_name":"r","participant_name":"Mallory","participant_metadata":"{\"admin\":true}",
                "participant_attributes":{"role":"admin","team":"7"},
                "room_config":{"agents":[{"agent_name":"helper"},{"agent_name":"root-shell"}],"max_participants":2}}"#,
        )
        .unwrap();
        let livekit = LiveKitGrant::new()
            .attribute("team", "7")
            .allow_agents(["helper"]);
        assert_eq!(
            request
                .asked
                .not_granted(Some("Alice"), Some(r#"{"name":"Alice"}"#), Some(&livekit)),
            [
                "participant_name",
                "participant_metadata",
                "participant_attributes.role",
                "room_config.agents[1].agent_name",
                "room_config.max_participants",
            ]
        );
        // Without LiveKit's part of the grant, no attribute and no agent.
        assert_eq!(
            request.asked.not_granted(Some("Mallory"), None, None),
            [
                "participant_metadata",
                "participant_attributes.role",
                "participant_attributes.team",
                "room_config.agents[0].agent_name",
                "room_config.agents[1].agent_name",
                "room_config.max_participants",
            ]
        );
        // What the grant decides the same way is accepted.
        let same = decode(
            r#"{"room_name":"r","participant_name":"Alice","participant_attributes":{"team":"7"},
                "room_config":{"agents":[{"agent_name":"helper"}]}}"#,
        )
        .unwrap();
        assert!(
            same.asked
                .not_granted(Some("Alice"), None, Some(&livekit))
                .is_empty()
        );
    }

    #[test]
    fn camel_case_names_and_unknown_fields() {
        let request =
            decode(r#"{"roomName":"r","participantIdentity":"","futureField":1}"#).unwrap();
        assert_eq!(
            request,
            TokenRequest {
                room: "r".into(),
                identity: None,
                asked: Asked::default(),
            }
        );
    }

    #[test]
    fn refuses_what_is_not_a_request() {
        for (body, expected) in [
            ("", "the body is empty"),
            ("[]", "must be a JSON object"),
            (r#"["project-1"]"#, "must be a JSON object"),
            ("{}", "`room_name` is missing"),
            (r#"{"room_name":""}"#, "`room_name` is missing"),
            (r#"{"room_name":null}"#, "`room_name` is missing"),
            (r#"{"room_name":7}"#, "not a TokenSourceRequest"),
            (r#"{"room_name":"a","roomName":"b"}"#, "duplicate field"),
            (
                r#"{"room_name":"r","participant_identity":"a\nb"}"#,
                "control characters",
            ),
            (
                r#"{"room_name":"r","participant_attributes":{"k":1}}"#,
                "not a TokenSourceRequest",
            ),
            (
                r#"{"room_name":"r","room_config":[]}"#,
                "not a TokenSourceRequest",
            ),
            (
                r#"{"room_name":"r","room_config":{"agents":{"agent_name":"a"}}}"#,
                "must be a list",
            ),
            (
                r#"{"room_name":"r","room_config":{"agents":[{"metadata":"m"}]}}"#,
                "`room_config.agents[0].agent_name` is missing",
            ),
            (
                r#"{"room_name":"r","room_config":{"agents":[{"agent_name":7}]}}"#,
                "must be one string",
            ),
            (
                r#"{"room_name":"r","room_config":{"agents":[{"agent_name":"a","agentName":"b"}]}}"#,
                "must be one string",
            ),
        ] {
            let reason = decode(body).unwrap_err();
            assert!(reason.contains(expected), "{body}: {reason}");
        }
        let long = format!(
            r#"{{"room_name":"{}"}}"#,
            "a".repeat(MAX_ROOM_NAME_BYTES + 1)
        );
        assert!(decode(&long).unwrap_err().contains("longer than 256 bytes"));
        let longest = format!(r#"{{"room_name":"{}"}}"#, "a".repeat(MAX_ROOM_NAME_BYTES));
        assert!(decode(&longest).is_ok());
    }

    #[test]
    fn identity_must_be_the_users_if_named() {
        let named = decode(r#"{"room_name":"r","participant_identity":"bob"}"#).unwrap();
        assert!(named.identity_matches("bob"));
        assert!(!named.identity_matches("alice"));
        let unnamed = decode(r#"{"room_name":"r"}"#).unwrap();
        assert!(unnamed.identity_matches("alice"));
    }
}
