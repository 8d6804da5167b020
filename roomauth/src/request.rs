//! The request as every backend reads it: its head, the checks of its
//! content type, and the one JSON decoder (the form decoder is in
//! [`form`]).

#[cfg(feature = "pusher")]
pub mod form;

use http::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::WebhookError;

/// The request's head as the webhook and the backends read it.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    /// Every request header.
    pub headers: &'a HeaderMap,
}

impl<'a> RequestHead<'a> {
    /// A head with these headers.
    pub fn new(headers: &'a HeaderMap) -> RequestHead<'a> {
        RequestHead { headers }
    }

    /// Header `name` as text; `Some("")` when it is there but not visible
    /// ASCII (which no check accepts), `None` when absent.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&'a str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap_or_default())
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&'a str> {
        self.header(http::header::CONTENT_TYPE)
    }

    /// The `Origin` header.
    pub fn origin(&self) -> Option<&'a str> {
        self.header(http::header::ORIGIN)
    }
}

/// Refuses a body not declared as JSON (`application/json` or
/// `application/*+json`) with a 415: a cross-site form or `text/plain` post
/// cannot be sent as JSON without a CORS preflight, which the webhook never
/// answers. The one JSON content-type check of every JSON backend.
pub fn require_json(content_type: Option<&str>) -> Result<(), WebhookError> {
    let Some(content_type) = content_type else {
        return Err(WebhookError::UnsupportedMediaType);
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let is_json = essence.eq_ignore_ascii_case("application/json")
        || essence.rsplit_once('+').is_some_and(|(kind, suffix)| {
            suffix.eq_ignore_ascii_case("json")
                && kind.to_ascii_lowercase().starts_with("application/")
        });
    if is_json {
        Ok(())
    } else {
        Err(WebhookError::UnsupportedMediaType)
    }
}

/// Decodes a JSON body into `T`: the one JSON decoder of every JSON
/// backend. The content type must be JSON ([`require_json`], 415), and the
/// body a JSON *object*: serde would read a struct from an array too (by
/// position), which no client sends. serde's reason is escaped and cut
/// ([`WebhookError::malformed`]). `expected` says what to send, in the 400
/// messages (`` `{"docId": "<id>"}` ``).
pub fn decode_json<T: DeserializeOwned>(
    content_type: Option<&str>,
    body: &[u8],
    expected: &str,
) -> Result<T, WebhookError> {
    require_json(content_type)?;
    match body.trim_ascii_start().first() {
        Some(b'{') => {}
        None => {
            return Err(WebhookError::malformed(format!(
                "the body is empty; send {expected}"
            )));
        }
        Some(_) => {
            return Err(WebhookError::malformed(format!(
                "the body must be a JSON object; send {expected}"
            )));
        }
    }
    serde_json::from_slice(body)
        .map_err(|e| WebhookError::malformed(format!("the body is not {expected}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Room {
        room: String,
    }

    const EXPECTED: &str = r#"`{"room": "<name>"}`"#;

    fn decode(content_type: Option<&str>, body: &str) -> Result<Room, WebhookError> {
        decode_json(content_type, body.as_bytes(), EXPECTED)
    }

    #[test]
    fn only_json_objects() {
        assert!(decode(Some("application/json"), r#" {"room":"a"}"#).is_ok());
        // serde would read `Room` from `["a"]` by position.
        for body in ["", "  ", r#"["a"]"#, "[]", r#""a""#, "7", "null", "true"] {
            let error = decode(Some("application/json"), body).unwrap_err();
            assert_eq!(error.status(), 400, "{body}");
            assert!(error.to_string().contains(EXPECTED), "{body}: {error}");
        }
        let error = decode(Some("application/json"), r#"{"room":7}"#).unwrap_err();
        assert!(
            error.to_string().starts_with(&format!(
                "malformed request: the body is not {EXPECTED}: invalid type"
            )),
            "{error}"
        );
    }

    #[test]
    fn content_type_first() {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            assert_eq!(decode(content_type, "[]").unwrap_err().status(), 415);
        }
        assert!(
            decode(
                Some("application/vnd.api+json; charset=utf-8"),
                r#"{"room":"a"}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn serdes_reason_is_escaped_and_cut() {
        let body = format!(r#"{{"room":"a","x\nFORGED{}":1}}"#, "y".repeat(1000));
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            room: String,
        }
        let error =
            decode_json::<Strict>(Some("application/json"), body.as_bytes(), EXPECTED).unwrap_err();
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains(r"x\u{a}FORGED"), "{message}");
        assert!(message.len() < 400, "{}", message.len());
    }
}
