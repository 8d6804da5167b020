//! The client's request: LiveKit's `TokenSourceRequest`, decoded and
//! validated.
//!
//! `TokenSource.endpoint(url)` of `livekit-client` POSTs the protobuf JSON
//! of `TokenSourceRequest` with its field names in snake_case; protobuf JSON
//! also accepts the camelCase names, and so does roomauth (one spelling per
//! field: both at once is a 400).
//!
//! Only `room_name` and `participant_identity` are used. The rest of what a
//! client may send (`participant_name`, `participant_metadata`,
//! `participant_attributes`, `room_config` with its agent dispatch) is
//! checked for type and otherwise ignored: a browser must not choose its
//! own display name, metadata, attributes or agents in a token the app
//! signs. The name and metadata come from the grant's user info.

use std::collections::HashMap;

use serde::Deserialize;

use crate::error::WebhookError;
use crate::request::decode_json;

/// The longest `room_name` accepted, in bytes (roomauth's bound; LiveKit
/// rooms are named by apps, and no app names one longer).
pub const MAX_ROOM_NAME_BYTES: usize = 256;
/// The longest `participant_identity` accepted, in bytes.
pub const MAX_IDENTITY_BYTES: usize = 256;

/// `TokenSourceRequest` as `livekit-client` sends it (protobuf JSON). The
/// fields roomauth ignores are kept only to check their types.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TokenSourceRequest {
    /// The room to join.
    #[serde(default, alias = "roomName")]
    pub room_name: Option<String>,
    /// The display name the client asks for (ignored).
    #[serde(default, alias = "participantName")]
    pub participant_name: Option<String>,
    /// The identity the client asks for: absent, empty, or the session's
    /// user (anything else is refused).
    #[serde(default, alias = "participantIdentity")]
    pub participant_identity: Option<String>,
    /// Metadata the client asks for (ignored).
    #[serde(default, alias = "participantMetadata")]
    pub participant_metadata: Option<String>,
    /// Attributes the client asks for (ignored).
    #[serde(default, alias = "participantAttributes")]
    pub participant_attributes: Option<HashMap<String, String>>,
    /// A room configuration with agent dispatch the client asks for (ignored).
    #[serde(default, alias = "roomConfig")]
    pub room_config: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A validated token request: the room and the identity the client named,
/// if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The room the rules decide on and the token admits.
    pub room: String,
    /// The identity the client named (non-empty), to compare with the
    /// grant's user.
    pub identity: Option<String>,
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
        Ok(TokenRequest { room, identity })
    }
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
        assert_eq!(
            request,
            TokenRequest {
                room: "project-1".into(),
                identity: Some("alice".into())
            }
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
                identity: None
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
