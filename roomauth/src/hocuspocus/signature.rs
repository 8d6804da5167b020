//! The body signature of the Hocuspocus extension:
//! `X-Hocuspocus-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`,
//! the scheme of Hocuspocus's own webhook extension.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-hocuspocus-signature-256";

/// The prefix of the header's value: the hash the HMAC uses.
const PREFIX: &str = "sha256=";

type HmacSha256 = Hmac<Sha256>;

/// The secret shared by the Hocuspocus extension and roomauth
/// (`HOCUSPOCUS_SECRET`), kept only as the keyed HMAC state (the key itself
/// is not stored). `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct HocuspocusSecret {
    keyed: HmacSha256,
}

impl HocuspocusSecret {
    /// Keys the HMAC with `secret`; `None` when it is empty (an empty key
    /// would accept anyone who guesses that it is empty).
    pub fn new(secret: impl AsRef<[u8]>) -> Option<HocuspocusSecret> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return None;
        }
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(secret).ok()?;
        Some(HocuspocusSecret { keyed })
    }

    /// A fresh HMAC state keyed with the secret.
    fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// The header value for `body`: `sha256=<hex>`, as the extension sends it.
    pub fn sign(&self, body: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(body);
        format!("{PREFIX}{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// Checks the header value `signature` against `body`. The digests are
    /// compared in constant time (`Mac::verify_slice`).
    pub fn verify(&self, signature: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
        let signature = signature.ok_or(SignatureError::Missing)?;
        let hex_digest = signature
            .strip_prefix(PREFIX)
            .ok_or(SignatureError::Malformed)?;
        let digest = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
        let mut mac = self.mac();
        mac.update(body);
        mac.verify_slice(&digest)
            .map_err(|_| SignatureError::Mismatch)
    }
}

impl fmt::Debug for HocuspocusSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HocuspocusSecret([redacted])")
    }
}

/// Why a request's signature was refused (answered 401, logged).
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Hocuspocus-Signature-256` header.
    #[error("no X-Hocuspocus-Signature-256 header")]
    Missing,
    /// The header is not `sha256=<hex>`.
    #[error("the X-Hocuspocus-Signature-256 header is not `sha256=<hex>`")]
    Malformed,
    /// The signature is not the body's under the shared secret.
    #[error("the X-Hocuspocus-Signature-256 header does not match the body")]
    Mismatch,
}

crate::error::debug_is_display!(SignatureError);

#[cfg(test)]
mod tests {
    use super::*;

    /// Signed by `@hocuspocus/extension-webhook` 4.1.0 (secret `webhook-secret`).
    const WEBHOOK_BODY: &str = r#"{"event":"connect","payload":{"documentName":"project-1","requestHeaders":{},"requestParameters":{"user":"alice"}}}"#;
    const WEBHOOK_SIGNATURE: &str =
        "sha256=c79efa913d0c57c01c97c8b43c53ffa1635ce939a5f20454ec6f24a3fff0fb5b";

    fn secret() -> HocuspocusSecret {
        HocuspocusSecret::new("webhook-secret").expect("non-empty")
    }

    #[test]
    fn signs_as_the_official_webhook_extension() {
        assert_eq!(secret().sign(WEBHOOK_BODY.as_bytes()), WEBHOOK_SIGNATURE);
        assert_eq!(
            secret().verify(Some(WEBHOOK_SIGNATURE), WEBHOOK_BODY.as_bytes()),
            Ok(())
        );
    }

    #[test]
    fn refuses_missing_malformed_and_wrong_signatures() {
        let body = WEBHOOK_BODY.as_bytes();
        assert_eq!(secret().verify(None, body), Err(SignatureError::Missing));
        for malformed in [
            "",
            "c79efa913d0c57c01c97c8b43c53ffa1635ce939a5f20454ec6f24a3fff0fb5b",
            "sha1=c79efa913d0c57c01c97c8b43c53ffa1635ce939a5f20454ec6f24a3fff0fb5b",
            "sha256=zz",
            "sha256=c79",
        ] {
            assert_eq!(
                secret().verify(Some(malformed), body),
                Err(SignatureError::Malformed),
                "{malformed}"
            );
        }
        // Valid hex of the wrong length or value, another body, another secret.
        assert_eq!(
            secret().verify(Some("sha256=c79e"), body),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            secret().verify(Some(WEBHOOK_SIGNATURE), b"{}"),
            Err(SignatureError::Mismatch)
        );
        let other = HocuspocusSecret::new("other").expect("non-empty");
        assert_eq!(
            other.verify(Some(WEBHOOK_SIGNATURE), body),
            Err(SignatureError::Mismatch)
        );
        // Upper-case hex is the same digest.
        let upper = format!("sha256={}", WEBHOOK_SIGNATURE[7..].to_uppercase());
        assert_eq!(secret().verify(Some(&upper), body), Ok(()));
    }

    #[test]
    fn empty_secret_is_refused_and_debug_redacts() {
        assert!(HocuspocusSecret::new("").is_none());
        assert!(!format!("{:?}", secret()).contains("webhook-secret"));
    }
}
