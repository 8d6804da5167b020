//! HS256 JSON Web Tokens: what LiveKit's server verifies.
//!
//! ```text
//! token = b64(header) "." b64(claims) "." b64(HMAC-SHA256(secret, b64(header) "." b64(claims)))
//! ```
//!
//! with `header = {"alg":"HS256","typ":"JWT"}` and base64url without
//! padding (RFC 7515 compact serialization). The key is the API secret's
//! bytes, as `livekit-server-sdk` and LiveKit's Go verifier use it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// `{"alg":"HS256","typ":"JWT"}` in base64url: the first part of every token.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs claims as HS256 JWTs with one secret. The secret lives only in the
/// keyed MAC state; there is no `Debug` so that it cannot be printed.
#[derive(Clone)]
pub(crate) struct Hs256Signer {
    mac: HmacSha256,
}

impl Hs256Signer {
    /// A signer keyed with `secret`. HMAC takes keys of any length; `None`
    /// only if the MAC implementation refuses the key.
    pub(crate) fn new(secret: &[u8]) -> Option<Hs256Signer> {
        let mac = <HmacSha256 as KeyInit>::new_from_slice(secret).ok()?;
        Some(Hs256Signer { mac })
    }

    /// The compact token for `claims`.
    pub(crate) fn sign(&self, claims: &impl Serialize) -> Result<String, serde_json::Error> {
        let json = serde_json::to_vec(claims)?;
        // base64url: 4 characters per 3 bytes; 43 for the 32-byte signature.
        let mut token = String::with_capacity(HEADER.len() + json.len().div_ceil(3) * 4 + 45);
        token.push_str(HEADER);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        let mut mac = self.mac.clone();
        mac.update(token.as_bytes());
        let signature = mac.finalize().into_bytes();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_hs256_jwt() {
        let header = URL_SAFE_NO_PAD.decode(HEADER).unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
    }

    /// RFC 7515 appendix A.1 signs with a header that has a line break in
    /// it; jwt.io's well-known example uses ours. Its signature, with the
    /// secret `your-256-bit-secret`, is a fixed vector.
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
}
