//! Centrifugo subscription tokens: HS256 JWTs with the claims of Centrifugo's
//! `SubscribeTokenClaims` that roomauth sets: `sub` (the connection's user),
//! `channel`, `iat`, `exp` and `info`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::jwt::Hs256Signer;

use super::error::ConfigError;

/// How long a subscription token is valid unless configured.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);

/// The HMAC key Centrifugo verifies subscription tokens with, kept only as
/// the keyed HMAC state of an HS256 signer. `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct TokenSecret {
    signer: Hs256Signer,
}

impl TokenSecret {
    /// Keys the HMAC with `secret` (Centrifugo's `hmac_secret_key`); empty
    /// is [`ConfigError::EmptyTokenSecret`] (anyone could sign tokens).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<TokenSecret, ConfigError> {
        let signer =
            Hs256Signer::new(secret.as_ref()).map_err(|_| ConfigError::EmptyTokenSecret)?;
        Ok(TokenSecret { signer })
    }

    /// The compact JWS `header.payload.signature` of `claims`.
    pub fn sign(&self, claims: &SubscriptionClaims<'_>) -> String {
        // Serializing these claims cannot fail: string keys, JSON values.
        self.signer.sign(claims).unwrap_or_default()
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret([redacted])")
    }
}

/// The claims of one subscription token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriptionClaims<'a> {
    /// The user; Centrifugo checks it equals the connection's user.
    pub sub: &'a str,
    /// The channel, exactly as the client subscribes to it (`$project:1`).
    pub channel: &'a str,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Expires at, seconds since the epoch.
    pub exp: u64,
    /// The subscriber's channel info (the grant's user info).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<&'a serde_json::Value>,
}

impl<'a> SubscriptionClaims<'a> {
    /// Claims issued now, valid for `ttl`.
    pub fn new(
        sub: &'a str,
        channel: &'a str,
        info: Option<&'a serde_json::Value>,
        ttl: Duration,
    ) -> SubscriptionClaims<'a> {
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        SubscriptionClaims {
            sub,
            channel,
            iat,
            exp: iat.saturating_add(ttl.as_secs()),
            info,
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, KeyInit, Mac};
    use serde_json::json;
    use sha2::Sha256;

    use super::*;

    type HmacSha256 = Hmac<Sha256>;
    /// The fixed JOSE header, base64url: `{"alg":"HS256","typ":"JWT"}`.
    const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

    #[test]
    fn header_is_hs256_jwt() {
        let header = URL_SAFE_NO_PAD.decode(HEADER_B64).expect("base64url");
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
    }

    /// The signature is HMAC-SHA256 over `header.payload` (RFC 7515); an
    /// independent JWT library verifies tokens in the end-to-end tests.
    #[test]
    fn signs_header_and_payload_with_hmac_sha256() {
        let secret = TokenSecret::new("secret").expect("key");
        let claims = SubscriptionClaims {
            sub: "alice",
            channel: "$project:1",
            iat: 1_765_436_268,
            exp: 1_765_440_000,
            info: Some(&json!({"name": "Alice"})),
        };
        let token = secret.sign(&claims);
        let [header, payload, signature]: [&str; 3] = token
            .split('.')
            .collect::<Vec<_>>()
            .try_into()
            .expect("three parts");
        assert_eq!(header, HEADER_B64);
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
        assert_eq!(
            payload,
            json!({"sub": "alice", "channel": "$project:1", "iat": 1_765_436_268u64,
                   "exp": 1_765_440_000u64, "info": {"name": "Alice"}})
        );
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(b"secret").expect("key");
        mac.update(token.rsplit_once('.').expect("dot").0.as_bytes());
        assert_eq!(
            URL_SAFE_NO_PAD.decode(signature).expect("b64"),
            mac.finalize().into_bytes().to_vec()
        );
    }

    #[test]
    fn empty_secret_refused_and_debug_redacts() {
        assert_eq!(
            TokenSecret::new("").unwrap_err(),
            ConfigError::EmptyTokenSecret
        );
        let secret = TokenSecret::new("supersecret").expect("key");
        assert!(!format!("{secret:?}").contains("supersecret"));
    }

    #[test]
    fn claims_expire_after_ttl() {
        let claims = SubscriptionClaims::new("a", "$c", None, Duration::from_secs(60));
        assert_eq!(claims.exp - claims.iat, 60);
        assert!(
            serde_json::to_string(&claims)
                .expect("json")
                .find("info")
                .is_none()
        );
    }
}
