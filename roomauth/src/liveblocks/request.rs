//! The client's request: `{"room": "<room id>"}` from `@liveblocks/client`,
//! decoded and validated.
//!
//! The client posts `{"room": …}` to enter a room and `{}` for what lives
//! outside rooms (notifications, personal resources). The rules decide on
//! rooms only, so `{}` is refused with a 400 that says so (the client does
//! not retry a 400). A room id is at most [`MAX_ROOM_ID_LENGTH`] UTF-16
//! code units (Liveblocks' limit, counted as JavaScript does) and has no
//! `*`: in a permission, `*` would turn the id into a wildcard over every
//! room it prefixes, which the rules did not decide.

use serde::Deserialize;

use crate::error::WebhookError;
use crate::request::decode_json;

/// The longest room id, in UTF-16 code units (`String.length`): what
/// Liveblocks accepts in a permission (`^([*]|[^*]{1,128}[*]?)$`).
pub const MAX_ROOM_ID_LENGTH: usize = 128;

/// The body `@liveblocks/client` posts to the auth endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuthEndpointBody {
    /// The room the client enters; absent for requests outside a room.
    #[serde(default)]
    pub room: Option<String>,
}

/// A validated request: one room id that may be used as an exact
/// permission key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// The room the rules decide on and the session is granted.
    pub room: String,
}

impl AuthRequest {
    /// Decodes and validates a JSON body with the [one JSON
    /// decoder](crate::request::decode_json). Every failure is a 400 (415
    /// for another content type) that says what to fix.
    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<AuthRequest, WebhookError> {
        let body: AuthEndpointBody = decode_json(content_type, body, r#"`{"room": "<room id>"}`"#)?;
        let Some(room) = body.room else {
            return Err(WebhookError::malformed(
                "no `room`: this endpoint authorizes rooms only; requests outside a room \
                 (notifications, personal resources) need their own endpoint",
            ));
        };
        check_room_id(&room)?;
        Ok(AuthRequest { room })
    }
}

/// Liveblocks' own limits on a room id, so that it is usable as an exact
/// permission key: at most [`MAX_ROOM_ID_LENGTH`] UTF-16 units, no `*`.
/// Empty, control and look-alike names are the webhook's floor
/// ([`crate::name`]).
pub fn check_room_id(room: &str) -> Result<(), WebhookError> {
    if room.encode_utf16().count() > MAX_ROOM_ID_LENGTH {
        return Err(WebhookError::malformed(format!(
            "`room` is longer than {MAX_ROOM_ID_LENGTH} characters (Liveblocks' limit)"
        )));
    }
    if room.contains('*') {
        return Err(WebhookError::malformed(
            "`room` contains `*`, which Liveblocks reads as a wildcard: room ids have none",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(body: &str) -> Result<String, String> {
        match AuthRequest::decode(Some("application/json"), body.as_bytes()) {
            Ok(request) => Ok(request.room),
            Err(WebhookError::Malformed(reason)) => Err(reason),
            Err(other) => panic!("not a 400: {other:?}"),
        }
    }

    #[test]
    fn what_the_client_sends() {
        assert_eq!(decode(r#"{"room":"project-1"}"#).unwrap(), "project-1");
        assert_eq!(decode(r#" {"room":"p","extra":true}"#).unwrap(), "p");
    }

    #[test]
    fn no_room_is_a_documented_400() {
        assert!(decode("{}").unwrap_err().contains("authorizes rooms only"));
        assert!(
            decode(r#"{"room":null}"#)
                .unwrap_err()
                .contains("authorizes rooms only")
        );
    }

    #[test]
    fn refuses_what_is_not_one_room() {
        for (body, expected) in [
            ("", "the body is empty"),
            (r#"["project-1"]"#, "must be a JSON object"),
            ("{", "is not `{"),
            (r#"{"room":1}"#, "is not `{"),
            (r#"{"room":"a","room":"b"}"#, "duplicate field"),
            (r#"{"room":"*"}"#, "wildcard"),
            (r#"{"room":"project-*"}"#, "wildcard"),
        ] {
            let reason = decode(body).unwrap_err();
            assert!(reason.contains(expected), "{body}: {reason}");
        }
    }

    #[test]
    fn length_counts_utf16_units() {
        let longest = "a".repeat(MAX_ROOM_ID_LENGTH);
        assert!(check_room_id(&longest).is_ok());
        assert!(check_room_id(&format!("{longest}a")).is_err());
        // 64 astral characters are 128 UTF-16 units (256 bytes): accepted;
        // one more BMP character is over.
        let astral = "😀".repeat(64);
        assert!(check_room_id(&astral).is_ok());
        assert!(check_room_id(&format!("{astral}é")).is_err());
    }
}
