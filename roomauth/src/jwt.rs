//! HS256 JSON Web Tokens (RFC 7519), the one signer of every backend that
//! mints them (LiveKit access tokens, Centrifugo subscription tokens, the
//! local provisioner's tokens).
//!
//! ```text
//! token = b64(header) "." b64(claims) "." b64(HMAC-SHA256(key, b64(header) "." b64(claims)))
//! ```
//!
//! in RFC 7515's compact serialization: base64url without padding, the
//! header `{"alg":"HS256","typ":"JWT"}`, with a `kid` member after them when
//! the key has an id. The header is serialized once per key; the claims are
//! any `Serialize` value, written in its own field order.
//!
//! The key lives only in the keyed HMAC state (the hashed inner and outer
//! pads), which is zeroed on drop (`sha2`'s `zeroize` feature) and has no
//! `Debug`. No backend knowledge here: what the claims say is the caller's.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The JOSE header of every token: `{"alg":"HS256","typ":"JWT"}`, then
/// `"kid":<id>` if the key has one. A struct, so that the member order is
/// fixed.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

/// An HMAC-SHA256 key and the base64url header of the tokens it signs.
#[derive(Clone)]
pub(crate) struct Hs256Signer {
    mac: HmacSha256,
    header: String,
}

/// The key was empty: anyone could sign tokens with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EmptyKey;

impl Hs256Signer {
    /// A signer keyed with `key` whose tokens have the header
    /// `{"alg":"HS256","typ":"JWT"}`.
    #[cfg_attr(
        not(any(feature = "livekit", feature = "centrifugo")),
        allow(dead_code)
    )]
    pub(crate) fn new(key: &[u8]) -> Result<Hs256Signer, EmptyKey> {
        Hs256Signer::with_header(key, None)
    }

    /// A signer keyed with `key` whose tokens name it in their header:
    /// `{"alg":"HS256","typ":"JWT","kid":<kid>}`.
    #[cfg_attr(not(feature = "room-service"), allow(dead_code))]
    pub(crate) fn with_kid(key: &[u8], kid: &str) -> Result<Hs256Signer, EmptyKey> {
        Hs256Signer::with_header(key, Some(kid))
    }

    fn with_header(key: &[u8], kid: Option<&str>) -> Result<Hs256Signer, EmptyKey> {
        if key.is_empty() {
            return Err(EmptyKey);
        }
        // HMAC takes keys of any length; the error is unreachable.
        let mac = <HmacSha256 as KeyInit>::new_from_slice(key).map_err(|_| EmptyKey)?;
        let header = Header {
            alg: "HS256",
            typ: "JWT",
            kid,
        };
        // Two fixed strings and a `&str`: serializing cannot fail.
        let header = serde_json::to_vec(&header).unwrap_or_default();
        Ok(Hs256Signer {
            mac,
            header: URL_SAFE_NO_PAD.encode(header),
        })
    }

    /// The base64url header, the first part of every token.
    #[cfg(test)]
    pub(crate) fn header(&self) -> &str {
        &self.header
    }

    /// The compact token of `claims`; fails only if `claims` cannot be
    /// serialized as JSON (e.g. a map with non-string keys).
    pub(crate) fn sign(&self, claims: &impl Serialize) -> Result<String, serde_json::Error> {
        let json = serde_json::to_vec(claims)?;
        // base64url: 4 characters per 3 bytes, 43 for the 32-byte signature.
        let mut token = String::with_capacity(self.header.len() + json.len().div_ceil(3) * 4 + 45);
        token.push_str(&self.header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        let signature = self.mac(token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    /// HMAC-SHA256 of `data` under this key.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Whether `signature` is the HMAC of `signed` (the token up to its last
    /// dot), compared in constant time.
    #[cfg_attr(not(feature = "room-service"), allow(dead_code))]
    pub(crate) fn verify(&self, signed: &[u8], signature: &[u8]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(signed);
        mac.verify_slice(signature).is_ok()
    }
}

impl fmt::Debug for Hs256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hs256Signer")
            .field("header", &self.header)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(part: &str) -> String {
        String::from_utf8(URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn headers() {
        let plain = Hs256Signer::new(b"k").unwrap();
        assert_eq!(plain.header(), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
        assert_eq!(decoded(plain.header()), r#"{"alg":"HS256","typ":"JWT"}"#);
        let with_kid = Hs256Signer::with_kid(b"k", r#"a"b"#).unwrap();
        assert_eq!(
            decoded(with_kid.header()),
            r#"{"alg":"HS256","typ":"JWT","kid":"a\"b"}"#
        );
    }

    /// jwt.io's well-known example (RFC 7515 A.1 has a header with line
    /// breaks in it): a fixed vector for the secret `your-256-bit-secret`.
    #[test]
    fn signs_the_jwt_io_example() {
        // A struct, not `json!`: the vector needs jwt.io's key order.
        #[derive(Serialize)]
        struct Example<'a> {
            sub: &'a str,
            name: &'a str,
            iat: u64,
        }
        let token = Hs256Signer::new(b"your-256-bit-secret")
            .unwrap()
            .sign(&Example {
                sub: "1234567890",
                name: "John Doe",
                iat: 1516239022,
            })
            .unwrap();
        assert_eq!(
            token,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
             eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.\
             SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        );
    }

    /// An independent verifier (the `livekit-token` crate, built on
    /// `jsonwebtoken`) accepts a token with LiveKit's claims.
    #[test]
    fn an_independent_verifier_accepts_the_token() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = serde_json::json!({
            "iss": "devkey", "sub": "alice", "nbf": now, "exp": now + 600,
            "video": {"room": "project-1", "roomJoin": true},
        });
        let token = Hs256Signer::new(b"secret").unwrap().sign(&claims).unwrap();
        let verified = livekit_token::TokenVerifier::with_api_key("devkey", "secret")
            .verify(&token)
            .unwrap();
        assert_eq!(verified.sub, "alice");
        assert_eq!(verified.video.room, "project-1");
        let wrong = livekit_token::TokenVerifier::with_api_key("devkey", "other");
        assert!(wrong.verify(&token).is_err());
    }

    #[test]
    fn verifies_its_own_signatures_only() {
        let signer = Hs256Signer::with_kid(b"key", "k1").unwrap();
        let token = signer.sign(&serde_json::json!({"a": 1})).unwrap();
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert!(signer.verify(signed.as_bytes(), &signature));
        assert!(!signer.verify(b"other", &signature));
        assert!(!signer.verify(signed.as_bytes(), &signature[..31]));
        let other = Hs256Signer::with_kid(b"kez", "k1").unwrap();
        assert!(!other.verify(signed.as_bytes(), &signature));
    }

    #[test]
    fn refuses_an_empty_key_and_never_prints_it() {
        assert_eq!(Hs256Signer::new(b"").unwrap_err(), EmptyKey);
        let signer = Hs256Signer::new(b"supersecret").unwrap();
        assert!(!format!("{signer:?}").contains("supersecret"));
    }
}
