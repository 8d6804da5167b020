//! The encryption master key: 32 bytes, redacted in `Debug`, zeroed on
//! drop (through `secrecy`). The app secret is a [`crate::secret::Secret`].

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::{ExposeSecret, SecretBox};

/// The 32-byte encryption master key of `private-encrypted-` channels; each
/// channel's shared secret is `SHA256(channel_name ‖ master_key)`.
pub struct MasterKey(SecretBox<[u8; MasterKey::LEN]>);

/// Why a master key was refused. Never carries the key.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum MasterKeyError {
    /// Not standard base64.
    #[error("the encryption master key is not valid base64")]
    Base64,
    /// Not 32 bytes once decoded.
    #[error("the encryption master key must be 32 bytes once decoded, not {0}")]
    Length(usize),
}

crate::error::debug_is_display!(MasterKeyError);

impl MasterKey {
    /// The key's length in bytes.
    pub const LEN: usize = 32;

    /// Wraps 32 key bytes.
    pub fn new(key: [u8; MasterKey::LEN]) -> MasterKey {
        MasterKey(SecretBox::new(Box::new(key)))
    }

    /// Decodes a base64 key (as `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` holds
    /// it; `openssl rand -base64 32` makes one).
    pub fn from_base64(encoded: &str) -> Result<MasterKey, MasterKeyError> {
        let bytes = secrecy::SecretBox::new(Box::new(
            BASE64
                .decode(encoded.trim())
                .map_err(|_| MasterKeyError::Base64)?,
        ));
        let key: [u8; MasterKey::LEN] = bytes
            .expose_secret()
            .as_slice()
            .try_into()
            .map_err(|_| MasterKeyError::Length(bytes.expose_secret().len()))?;
        Ok(MasterKey::new(key))
    }

    /// The key bytes, for deriving shared secrets only.
    pub(crate) fn expose(&self) -> &[u8; MasterKey::LEN] {
        self.0.expose_secret()
    }
}

impl Clone for MasterKey {
    fn clone(&self) -> Self {
        MasterKey::new(*self.expose())
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let key = MasterKey::from_base64("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=").unwrap();
        assert_eq!(format!("{key:?}"), "MasterKey([redacted])");
        assert_eq!(key.expose(), b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
    }

    #[test]
    fn master_key_must_be_32_bytes_of_base64() {
        assert_eq!(
            MasterKey::from_base64("not base64!").unwrap_err(),
            MasterKeyError::Base64
        );
        assert_eq!(
            MasterKey::from_base64("QUJD").unwrap_err(),
            MasterKeyError::Length(3)
        );
    }
}
