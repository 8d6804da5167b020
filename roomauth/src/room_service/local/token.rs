//! The local provisioner's token: its claims and why one is refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The longest token [`LocalProvisioner::verify`](super::LocalProvisioner::verify) looks at, and the longest
/// one it issues: more than the largest valid request makes (16 resources
/// of 256-byte names, each byte a `"` that JSON doubles), so that every
/// token issued verifies.
pub(super) const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// What a token says: who it is for, what it grants, and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// The user id (the request's `user`).
    pub sub: String,
    /// The rooms the holder may join.
    pub rooms: Vec<String>,
    /// The `[room, document]` pairs the holder may read and write.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<(String, String)>,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, in seconds since the Unix epoch.
    pub exp: u64,
    /// A unique token id.
    pub jti: String,
}

impl TokenClaims {
    /// Whether the token lets its holder join `room`.
    pub fn grants_room(&self, room: &str) -> bool {
        self.rooms.iter().any(|granted| granted == room)
    }

    /// Whether the token lets its holder read and write document `reference`
    /// of `room`.
    pub fn grants_document(&self, room: &str, reference: &str) -> bool {
        self.docs.iter().any(|(r, d)| r == room && d == reference)
    }

    /// When the token expires.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.exp)
    }
}

/// Why a token was refused.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is not a well-formed JWT of this provisioner.
    #[error("malformed token: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The header names an algorithm other than HS256.
    #[error("unsupported token algorithm {alg:?}: only HS256 tokens are issued")]
    UnsupportedAlgorithm {
        /// The algorithm named (at most 32 characters of it).
        alg: String,
    },
    /// The header names a key this provisioner does not hold.
    #[error(
        "the token was signed with unknown key {kid:?}: it comes from another provisioner or a key rotated out"
    )]
    UnknownKey {
        /// The key id named (at most 64 characters of it).
        kid: String,
    },
    /// The signature does not match: the token was altered or forged.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// The token has expired.
    #[error("the token has expired")]
    Expired,
}

crate::error::debug_is_display!(TokenError);

#[derive(Deserialize)]
pub(super) struct RawHeader {
    pub(super) alg: String,
    #[serde(default)]
    pub(super) kid: Option<String>,
}
