//! The protocol's signatures and the encrypted channels' shared secrets.
//!
//! `auth = "<app_key>:" + lowercase_hex(HMAC-SHA256(app_secret, string_to_sign))`,
//! where the string to sign is the parts joined with `:`:
//! `<socket_id>:<channel_name>` (private, encrypted),
//! `<socket_id>:<channel_name>:<channel_data>` (presence),
//! `<socket_id>::user::<user_data>` (sign-in).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::master_key::MasterKey;
use crate::secret::Secret;

/// Signs strings with the app secret, as `<app_key>:<hex>`. Holds the MAC
/// keyed once (cloned per signature), not the secret itself.
#[derive(Clone)]
pub(crate) struct Signer {
    app_key: String,
    mac: Hmac<Sha256>,
}

impl Signer {
    /// `None` only if HMAC refused the key, which it does for no length.
    pub(crate) fn new(app_key: String, secret: &Secret) -> Option<Signer> {
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose().as_bytes()).ok()?;
        Some(Signer { app_key, mac })
    }

    pub(crate) fn app_key(&self) -> &str {
        &self.app_key
    }

    /// `<app_key>:<hex(HMAC-SHA256(secret, parts joined with ':'))>`.
    pub(crate) fn auth(&self, parts: &[&str]) -> String {
        let mut mac = self.mac.clone();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(b":");
            }
            mac.update(part.as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        let mut auth = String::with_capacity(self.app_key.len() + 1 + 64);
        auth.push_str(&self.app_key);
        auth.push(':');
        auth.push_str(&hex::encode(digest));
        auth
    }

    /// `hex(HMAC-SHA256(secret, data))`: the `auth_signature` of a call to
    /// the server HTTP API.
    #[cfg(feature = "revoke")]
    pub(crate) fn hex(&self, data: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

/// `base64(SHA256(channel_name ‖ master_key))`: the key pusher-js decrypts
/// the channel's events with (`nacl.secretbox`).
pub(crate) fn shared_secret(channel_name: &str, master_key: &MasterKey) -> String {
    let digest = Sha256::new()
        .chain_update(channel_name.as_bytes())
        .chain_update(master_key.expose())
        .finalize();
    BASE64.encode(digest)
}
