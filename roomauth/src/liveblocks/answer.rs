//! What Liveblocks answers to `/v2/authorize-user`, and what roomauth relays.
//!
//! A 200 carries `{"token": "<access token>"}`: a JWT, signed by Liveblocks
//! (the local dev server's are unsigned, `alg: none`, with an empty third
//! part). roomauth checks its shape and relays `{"token": …}` and nothing
//! else; the browser's client decodes the payload itself.

use serde::{Deserialize, Serialize};

/// The longest token relayed, in bytes; a longer one is an invalid answer.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// The longest answer body read from Liveblocks, in bytes.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The body of a successful `/v2/authorize-user`, and of roomauth's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenAnswer {
    /// The access token.
    pub token: String,
}

/// Why Liveblocks' answer is unusable. The reason names what is wrong,
/// never the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidAnswer {
    /// What is wrong with the answer.
    pub reason: &'static str,
}

impl TokenAnswer {
    /// Parses and checks a 200 body: a JSON object whose `token` looks like
    /// a JWT (three base64url parts; the signature may be empty).
    pub fn from_json(body: &[u8]) -> Result<TokenAnswer, InvalidAnswer> {
        let answer: TokenAnswer = serde_json::from_slice(body).map_err(|_| InvalidAnswer {
            reason: r#"the body is not {"token": "<string>"}"#,
        })?;
        answer.check()?;
        Ok(answer)
    }

    fn check(&self) -> Result<(), InvalidAnswer> {
        let token = &self.token;
        if token.is_empty() {
            return Err(InvalidAnswer {
                reason: "the token is empty",
            });
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(InvalidAnswer {
                reason: "the token is longer than 16 KiB",
            });
        }
        let base64url = |part: &str| {
            part.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let mut parts = token.split('.');
        let shaped = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(header), Some(payload), Some(signature), None) => {
                !header.is_empty()
                    && !payload.is_empty()
                    && base64url(header)
                    && base64url(payload)
                    && base64url(signature)
            }
            _ => false,
        };
        if !shaped {
            return Err(InvalidAnswer {
                reason: "the token is not a JWT",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_and_dev_server_tokens() {
        for token in [
            "eyJhbGciOiJSUzI1NiJ9.eyJrIjoiYWNjIn0.c2lnbmF0dXJl",
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJrIjoiYWNjIn0.",
        ] {
            let body = format!(r#"{{"token":"{token}"}}"#);
            let answer = TokenAnswer::from_json(body.as_bytes()).unwrap();
            assert_eq!(answer.token, token);
            assert_eq!(crate::reply::Reply::json(&answer).body, body.as_bytes());
        }
    }

    #[test]
    fn extra_fields_are_not_relayed() {
        let answer = TokenAnswer::from_json(br#"{"token":"a.b.c","debug":"x"}"#).unwrap();
        assert_eq!(
            crate::reply::Reply::json(&answer).body,
            &br#"{"token":"a.b.c"}"#[..]
        );
    }

    #[test]
    fn garbage_is_refused() {
        for body in [
            &b""[..],
            b"<html>",
            b"null",
            b"{}",
            br#"{"token":null}"#,
            br#"{"token":7}"#,
            br#"{"token":""}"#,
            br#"{"token":"abc"}"#,
            br#"{"token":"a.b"}"#,
            br#"{"token":"a.b.c.d"}"#,
            br#"{"token":".b.c"}"#,
            br#"{"token":"a..c"}"#,
            br#"{"token":"a.b c.d"}"#,
            br#"{"token":"a.b.c\"}"#,
        ] {
            assert!(
                TokenAnswer::from_json(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let long = format!(r#"{{"token":"a.{}.c"}}"#, "b".repeat(MAX_TOKEN_BYTES));
        assert_eq!(
            TokenAnswer::from_json(long.as_bytes()).unwrap_err().reason,
            "the token is longer than 16 KiB"
        );
    }
}
