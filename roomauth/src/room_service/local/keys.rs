//! The signing keys of the local provisioner: an HMAC-SHA256 key with its
//! key id, and the current key with the previous ones (rotation).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use secrecy::zeroize::Zeroize;
use sha2::{Digest, Sha256};

use crate::jwt::Hs256Signer;
use crate::room_service::config::ConfigError;

/// The shortest signing secret accepted, in bytes.
pub const MIN_SIGNING_KEY_BYTES: usize = 32;

/// One HMAC-SHA256 signing key and its key id (`kid`). `Debug` shows the
/// `kid` only.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    /// The HMAC key, with the base64url header of every token this key
    /// signs (`{"alg":"HS256","typ":"JWT","kid":<kid>}`).
    pub(super) signer: Hs256Signer,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl SigningKey {
    /// A key with id `kid` (1 to 64 printable ASCII characters) and secret
    /// `secret` (at least [`MIN_SIGNING_KEY_BYTES`] bytes).
    pub fn new(
        kid: impl Into<String>,
        secret: impl AsRef<[u8]>,
    ) -> Result<SigningKey, ConfigError> {
        let kid = kid.into();
        if kid.is_empty() || kid.len() > 64 || !kid.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidKeyId);
        }
        let secret = secret.as_ref();
        if secret.len() < MIN_SIGNING_KEY_BYTES {
            return Err(ConfigError::WeakSigningKey { len: secret.len() });
        }
        let signer =
            Hs256Signer::with_kid(secret, &kid).map_err(|_| ConfigError::InvalidSigningKey)?;
        Ok(SigningKey { kid, signer })
    }

    /// A fresh random 32-byte key from the operating system, with a random
    /// id `local-<8 hex>`.
    pub fn generate() -> Result<SigningKey, ConfigError> {
        let mut bytes = [0u8; 36];
        getrandom::fill(&mut bytes).map_err(|err| ConfigError::Randomness {
            reason: err.to_string(),
        })?;
        let kid = format!("local-{}", hex::encode(&bytes[32..]));
        let key = SigningKey::new(kid, &bytes[..32]);
        bytes.zeroize();
        key
    }

    /// A key whose id is derived from the secret (`key-<8 hex>`), so that
    /// every process configured with the same secret names it the same way.
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Result<SigningKey, ConfigError> {
        let secret = secret.as_ref();
        let digest = Sha256::new()
            .chain_update(b"roomauth.local.v1.kid\0")
            .chain_update(secret)
            .finalize();
        SigningKey::new(format!("key-{}", hex::encode(&digest[..4])), secret)
    }

    /// Parses a secret written as hex or base64 (standard or URL-safe,
    /// padded or not), as `ROOMAUTH_SIGNING_KEY` holds it; the id is derived
    /// as by [`SigningKey::from_secret`].
    pub fn parse(encoded: &str) -> Result<SigningKey, ConfigError> {
        let text = encoded.trim();
        let mut secret = hex::decode(text)
            .ok()
            .or_else(|| {
                [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                    .iter()
                    .find_map(|engine| engine.decode(text).ok())
            })
            .ok_or(ConfigError::InvalidSigningKey)?;
        let key = SigningKey::from_secret(&secret);
        secret.zeroize();
        key
    }

    /// A 64-byte key from [`fallback_entropy`], for when `getrandom` fails.
    pub(super) fn fallback() -> SigningKey {
        let mut secret = [0u8; 64];
        secret[..32].copy_from_slice(&fallback_entropy());
        secret[32..].copy_from_slice(&fallback_entropy());
        let kid = format!("local-{}", hex::encode(&Sha256::digest(secret)[..4]));
        let signer = Hs256Signer::with_kid(&secret, &kid);
        secret.zeroize();
        let Ok(signer) = signer else {
            unreachable!("only an empty key is refused; this one has 64 bytes")
        };
        SigningKey { kid, signer }
    }

    /// The key id, as tokens name it in their header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// HMAC-SHA256 of `data` under this key.
    #[cfg(test)]
    pub(super) fn sign(&self, data: &[u8]) -> [u8; 32] {
        self.signer.mac(data)
    }

    /// Checks `signature` in constant time.
    pub(super) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        self.signer.verify(data, signature)
    }
}

/// The key that signs new tokens, and older keys whose tokens still verify
/// (rotation). `Debug` shows key ids only.
#[derive(Debug, Clone)]
pub struct SigningKeys {
    current: SigningKey,
    previous: Vec<SigningKey>,
}

impl SigningKeys {
    /// Signs with `current`; accepts nothing else yet.
    pub fn new(current: SigningKey) -> SigningKeys {
        SigningKeys {
            current,
            previous: Vec::new(),
        }
    }

    /// Also accepts tokens signed by `key` (an older key being rotated out).
    #[must_use]
    pub fn with_previous(mut self, key: SigningKey) -> SigningKeys {
        self.previous.push(key);
        self
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    /// The older keys still accepted.
    pub fn previous(&self) -> &[SigningKey] {
        &self.previous
    }

    /// The key named `kid`, current first.
    pub fn find(&self, kid: &str) -> Option<&SigningKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.kid == kid)
    }
}

/// 32 bytes from the standard library's randomly seeded hashers (keyed from
/// the operating system once per thread), the clock and the process id: the
/// fallback when `getrandom` fails.
pub(super) fn fallback_entropy() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher, RandomState};
    let mut digest = Sha256::new();
    for round in 0u64..8 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(round);
        digest.update(hasher.finish().to_be_bytes());
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    digest.update(nanos.to_be_bytes());
    digest.update(std::process::id().to_be_bytes());
    digest.finalize().into()
}
