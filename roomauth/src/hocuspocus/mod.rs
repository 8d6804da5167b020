//! Hocuspocus: the endpoint of roomauth's `onAuthenticate` extension.
//!
//! Hocuspocus (`@hocuspocus/server` 4) runs `onAuthenticate` for every
//! document a provider opens. Its stock webhook extension cannot carry the
//! connection's headers nor make a connection read-only, so roomauth ships
//! its own extension, [`EXTENSION_JS`] (`extension.mjs`, Node 20, no
//! dependencies), which asks this endpoint:
//!
//! ```text
//! POST /hocuspocus/auth
//! Content-Type: application/json
//! X-Hocuspocus-Signature-256: sha256=<hex HMAC-SHA256(HOCUSPOCUS_SECRET, body)>
//! Cookie: <the browser's Cookie header on the WebSocket upgrade>
//! Authorization: Bearer <the provider's `token`>          (when it has one)
//!
//! {"documentName": "project-1"}
//! ```
//!
//! The identity travels as the browser would have sent it to the app, so
//! the app's session extractor works unchanged. roomauth checks the
//! signature first, in constant time (missing or wrong: 401, logged), then
//! decides on `documentName` and answers
//!
//! | status | body | the extension |
//! | --- | --- | --- |
//! | 200 | `{"user": "alice", "readOnly": false}` | opens the document; `readOnly` for a read grant; `user` into the context |
//! | 401 | `{"error": ..}` (no session, or a bad signature) | `permission-denied` |
//! | 403 | `{"error": ..}` (not allowed, no rule) | `permission-denied` |
//! | other | | `permission-denied`, and a warning in Hocuspocus's log |
//!
//! The signature covers the body only: the forwarded headers are not
//! signed. A captured request replayed with other cookies gets an answer
//! about those cookies' user, and the answer is no credential (Hocuspocus
//! acts on it only in the call that asked), so there is nothing to gain.
//!
//! **Keeping the answer true.** The extension asks again for each open
//! connection, with the identity it presented: every `recheckIntervalMs`
//! (default 60 s), when the provider sends a new token
//! (`provider.sendToken()`, Hocuspocus's `onTokenSync`), and at once when
//! the app's `Revoker` calls the hook it serves
//! on the Hocuspocus server's port (`HocuspocusHook`, feature `revoke`,
//! `POST /roomauth/recheck`, signed with the same secret). A refusal
//! closes the connection (the provider's `onClose`, reason
//! `permission-denied`); a grant makes it read-only or read-write as the
//! rules now say. Without the hook the bound is the interval.
//!
//! # Configuration
//!
//! [`Hocuspocus::from_env`] reads `HOCUSPOCUS_SECRET` (required; empty is
//! an error, never an unchecked endpoint); [`Hocuspocus::new`] takes a
//! [`HocuspocusSecret`] in code.

pub mod answer;
mod backend;
mod config;
#[cfg(feature = "revoke")]
mod hook;
pub mod request;
pub mod signature;

pub use answer::AuthenticateAnswer;
pub use config::{ConfigError, ENV_SECRET, Hocuspocus};
#[cfg(feature = "revoke")]
pub use hook::{ENV_URL, HOOK_PATH, HocuspocusHook, HocuspocusHookError, Rechecked};
pub use request::AuthenticateRequest;
pub use signature::{HocuspocusSecret, SIGNATURE_HEADER, SignatureError};

/// roomauth's Hocuspocus extension (`extension.mjs`): Node 20, no
/// dependencies. Write it next to the Hocuspocus server and add
/// `roomauth({ url })` to its extensions.
pub const EXTENSION_JS: &str = include_str!("extension.mjs");
