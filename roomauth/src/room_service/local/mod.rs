//! [`LocalProvisioner`]: the embedded Room Service-compatible provisioner.
//!
//! It validates a [`ProvisionRequest`](super::ProvisionRequest), attaches stable ids to the resources,
//! and issues a signed token it can verify. It grants exactly what it is
//! asked: a request for a room alone gets the room alone, no document.
//!
//! # Token format
//!
//! A compact JWS (a JWT) signed with HMAC-SHA256, each part base64url
//! without padding:
//!
//! ```text
//! header : {"alg":"HS256","typ":"JWT","kid":"local-1a2b3c4d"}
//! claims : {"sub":"your-user-id","rooms":["express-minimal"],
//!           "docs":[["express-minimal","default"]],
//!           "iat":1700000000,"exp":1700021600,"jti":"<32 hex>"}
//! token  : b64(header) "." b64(claims) "." b64(HMAC-SHA256(key, b64(header) "." b64(claims)))
//! ```
//!
//! `rooms` lists the rooms the token may join; `docs` the `[room, document]`
//! pairs it may read and write (omitted when empty); `exp` is `iat` plus
//! [`TOKEN_LIFETIME`] (6 hours). `kid` names the [`SigningKey`], so keys can
//! be rotated: a token signed by a key kept in
//! [`SigningKeys::with_previous`] still verifies.

mod ids;
mod keys;
mod provisioner;
mod token;
mod validate;
mod verify;

pub use ids::{document_id, room_id};
pub use keys::{MIN_SIGNING_KEY_BYTES, SigningKey, SigningKeys};
pub use provisioner::{LocalProvisioner, TOKEN_LIFETIME};
pub use token::{TokenClaims, TokenError};
pub use validate::{MAX_NAME_BYTES, MAX_RESOURCES};

#[cfg(test)]
mod tests;
