//! Verifying a token: its form, its algorithm, its key, its signature and
//! its expiry, in that order.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::LocalProvisioner;
use super::token::{MAX_TOKEN_BYTES, RawHeader, TokenClaims, TokenError};
use crate::text::truncate;

impl LocalProvisioner {
    /// Checks a token issued by this provisioner (or by another holding one
    /// of its keys) and returns its claims.
    pub fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        self.verify_at(token, SystemTime::now())
    }

    /// [`verify`](LocalProvisioner::verify) as if the clock read `now`.
    pub fn verify_at(&self, token: &str, now: SystemTime) -> Result<TokenClaims, TokenError> {
        let malformed = |reason| TokenError::Malformed { reason };
        if token.len() > MAX_TOKEN_BYTES {
            return Err(malformed("the token is too long"));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("a token has three dot-separated parts"));
        };
        let header = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| malformed("the header is not base64url"))?;
        let header: RawHeader = serde_json::from_slice(&header)
            .map_err(|_| malformed("the header is not the expected JSON"))?;
        if header.alg != "HS256" {
            return Err(TokenError::UnsupportedAlgorithm {
                alg: truncate(&header.alg, 32),
            });
        }
        let kid = header
            .kid
            .ok_or(malformed("the header has no key id (kid)"))?;
        let key = self.keys.find(&kid).ok_or_else(|| TokenError::UnknownKey {
            kid: truncate(&kid, 64),
        })?;
        let signed = &token.as_bytes()[..token.len() - signature.len() - 1];
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::BadSignature)?;
        if !key.verify(signed, &signature) {
            return Err(TokenError::BadSignature);
        }
        let claims = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| malformed("the claims are not base64url"))?;
        let claims: TokenClaims = serde_json::from_slice(&claims)
            .map_err(|_| malformed("the claims are not the expected JSON"))?;
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if now >= claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}
