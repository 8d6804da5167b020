//! What Liveblocks answers to `/v2/authorize-user`, and what roomauth relays.
//!
//! A 200 carries `{"token": "<access token>"}`: a JWT, signed by Liveblocks
//! (the local dev server's are unsigned, `alg: none`, with an empty third
//! part). roomauth checks its shape, then that its payload grants what was
//! asked and no more, where it says (an access token, `"k": "acc"`, for the
//! same user, the one room, and no resource above the level asked), and relays
//! `{"token": …}` and nothing else; the browser's client decodes the
//! payload itself.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::authorize::{Levels, Permission};

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
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidAnswer {
    /// What is wrong with the answer.
    pub reason: &'static str,
}

crate::error::debug_is_display!(InvalidAnswer);

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

    /// Checks that the token's payload (a JSON object) grants what was
    /// asked and no more, where it says: an access token (`"k": "acc"`, not
    /// an ID token, whose permissions are the room accesses stored in
    /// Liveblocks) for `user`, whose `perms` name `room` alone, with a
    /// write scope when `asked` has one and no resource above its level in
    /// `asked` ([`Levels`]; legacy names count as the current ones). A
    /// claim left out grants nothing, so it is not required.
    pub fn check_grant(
        &self,
        user: &str,
        room: &str,
        asked: &[Permission],
    ) -> Result<(), InvalidAnswer> {
        let invalid = |reason| Err(InvalidAnswer { reason });
        let payload = self.token.split('.').nth(1).unwrap_or_default();
        let Some(claims) = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|json| serde_json::from_slice::<AccessClaims>(&json).ok())
        else {
            return invalid(
                r#"the token's payload is not a JSON object with string "k" and "uid" and a "perms" map"#,
            );
        };
        if claims.k.as_deref().is_some_and(|k| k != "acc") {
            return invalid("the token is not an access token");
        }
        if claims.uid.as_deref().is_some_and(|uid| uid != user) {
            return invalid("the token is for another user");
        }
        let Some(perms) = claims.perms else {
            return Ok(());
        };
        let mut rooms = perms.iter();
        let scopes = match (rooms.next(), rooms.next()) {
            (Some((granted, scopes)), None) if granted == room => scopes,
            _ => return invalid("the token grants another room than the one asked"),
        };
        let write = asked.contains(&Permission::Write);
        let granted_write = scopes
            .iter()
            .any(|scope| scope == "room:write" || scope == "*:write");
        if write && !granted_write {
            return invalid("the token does not grant the write access asked");
        }
        let Ok(granted) = Levels::of(scopes.iter().map(String::as_str)) else {
            return invalid("the token grants a permission roomauth did not ask for");
        };
        if !granted.within(&Levels::asked(asked)) {
            return invalid("the token grants more than the access asked");
        }
        Ok(())
    }
}

/// The claims of an access token that say what it grants.
#[derive(Deserialize)]
struct AccessClaims {
    /// `"acc"` for an access token, `"id"` for an ID token.
    k: Option<String>,
    /// The user.
    uid: Option<String>,
    /// Room id (or pattern) to scopes.
    perms: Option<BTreeMap<String, Vec<String>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unsigned token with `payload`, as the dev server makes them.
    fn token_with(payload: serde_json::Value) -> TokenAnswer {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let body = serde_json::json!({ "token": format!("{header}.{payload}.") }).to_string();
        TokenAnswer::from_json(body.as_bytes()).unwrap()
    }

    #[test]
    fn the_token_grants_what_was_asked_and_no_more() {
        use serde_json::json;
        let read = json!(["room:read", "room:presence:write"]);
        let claims = |k: &str, uid: &str, perms: serde_json::Value| json!({"k": k, "pid": "localdev", "uid": uid, "perms": perms, "iat": 1, "exp": 2});
        // What roomauth asks for a read and a write grant.
        let (asked_read, asked_write) = (
            Permission::for_grant(false, None),
            Permission::for_grant(true, None),
        );
        let asked = |write: bool| if write { &asked_write } else { &asked_read };
        let ok = token_with(claims("acc", "alice", json!({"project-1": read})));
        assert_eq!(ok.check_grant("alice", "project-1", asked(false)), Ok(()));
        let current = token_with(claims("acc", "alice", json!({"project-1": ["*:read"]})));
        assert_eq!(
            current.check_grant("alice", "project-1", asked(false)),
            Ok(())
        );
        let write = token_with(claims("acc", "alice", json!({"project-1": ["room:write"]})));
        assert_eq!(write.check_grant("alice", "project-1", asked(true)), Ok(()));
        // A per-resource level asked for is granted; more is not.
        let comment_only = Permission::for_grant(
            false,
            Some(
                &crate::liveblocks::LiveblocksGrant::new()
                    .comments(crate::liveblocks::Level::Write),
            ),
        );
        let commenter = token_with(claims(
            "acc",
            "alice",
            json!({"project-1": ["*:read", "comments:write"]}),
        ));
        assert_eq!(
            commenter.check_grant("alice", "project-1", &comment_only),
            Ok(())
        );
        assert_eq!(
            commenter.check_grant("alice", "project-1", asked(false)),
            Err(InvalidAnswer {
                reason: "the token grants more than the access asked"
            })
        );
        let unknown = token_with(claims(
            "acc",
            "alice",
            json!({"project-1": ["*:read", "ai:admin"]}),
        ));
        assert_eq!(
            unknown.check_grant("alice", "project-1", asked(false)),
            Err(InvalidAnswer {
                reason: "the token grants a permission roomauth did not ask for"
            })
        );
        let cases = [
            (
                write.clone(),
                false,
                "the token grants more than the access asked",
            ),
            (
                ok.clone(),
                true,
                "the token does not grant the write access asked",
            ),
            (
                token_with(claims("id", "alice", json!({"project-1": read}))),
                false,
                "the token is not an access token",
            ),
            (
                token_with(claims("acc", "mallory", json!({"project-1": read}))),
                false,
                "the token is for another user",
            ),
            (
                token_with(claims("acc", "alice", json!({"project-2": read}))),
                false,
                "the token grants another room than the one asked",
            ),
            (
                token_with(claims("acc", "alice", json!({"project-*": read}))),
                false,
                "the token grants another room than the one asked",
            ),
            (
                token_with(claims(
                    "acc",
                    "alice",
                    json!({"project-1": read, "project-2": read}),
                )),
                false,
                "the token grants another room than the one asked",
            ),
            (
                token_with(claims("acc", "alice", json!({}))),
                false,
                "the token grants another room than the one asked",
            ),
            (
                token_with(json!(["acc", "alice"])),
                false,
                r#"the token's payload is not a JSON object with string "k" and "uid" and a "perms" map"#,
            ),
            (
                token_with(
                    json!({"k": "acc", "uid": "alice", "perms": {"project-1": "room:write"}}),
                ),
                false,
                r#"the token's payload is not a JSON object with string "k" and "uid" and a "perms" map"#,
            ),
        ];
        for (token, write, reason) in cases {
            assert_eq!(
                token.check_grant("alice", "project-1", asked(write)),
                Err(InvalidAnswer { reason }),
                "{}",
                token.token
            );
        }
        let opaque = TokenAnswer::from_json(br#"{"token":"a.b.c"}"#).unwrap();
        assert!(
            opaque
                .check_grant("alice", "project-1", asked(false))
                .is_err()
        );
        // Claims left out grant nothing: only what the token says is checked.
        let terse = token_with(json!({"k": "acc"}));
        assert_eq!(terse.check_grant("alice", "project-1", asked(true)), Ok(()));
    }

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
