//! y-sweet: the auth endpoint `@y-sweet/client` calls.
//!
//! `createYjsProvider(doc, docId, "/y-sweet/auth")` posts
//! `{"docId": "project-1"}` (JSON, with the browser's cookies) and expects a
//! *client token* back. roomauth validates the id (`[A-Za-z0-9_-]+`, as the
//! server does), lets the rules decide on it, and asks the y-sweet server of
//! `Y_SWEET_CONNECTION_STRING` (`ys://<server token>@host:port`, `yss://`
//! for HTTPS) with `Authorization: Bearer <server token>`:
//!
//! 1. `POST /doc/new {"docId"}`: creates the document if it is missing
//!    (idempotent);
//! 2. `POST /doc/<docId>/auth {"authorization": "full" | "read-only",
//!    "userId", "validForSeconds"}`: `full` for a write grant, `read-only`
//!    for a read grant.
//!
//! The client token (`{"url", "baseUrl", "docId", "token",
//! "authorization"}`) is checked (same document, same grant, a WebSocket
//! URL) and relayed unchanged. The provider connects to
//! `<url>/<docId>?token=<token>`; the server applies no update of a
//! `read-only` connection.
//!
//! | status | when |
//! | --- | --- |
//! | 200 | the client token |
//! | 400 | not `{"docId"}`, or an id outside `[A-Za-z0-9_-]`, over 256 bytes |
//! | 401 / 403 | not logged in / not allowed |
//! | 502 | the server is down, refused the server token, or answered garbage |
//! | 503 | the server is rate limiting (its `Retry-After` is passed on) |
//! | 504 | the server did not answer within the deadline (10 s by default, as every relaying backend) |
//!
//! **Keeping grants true.** y-sweet has no server call that ends a
//! connection, so a withdrawn grant lasts until the client needs a new
//! token: the token is valid for `validForSeconds` ([`YSweet::valid_for`],
//! [`DEFAULT_VALID_FOR`] by default; shorter bounds it tighter), and
//! `@y-sweet/client` asks this endpoint again, through the rules, when it
//! (re)connects with an expired token.

mod backend;
mod config;
pub mod connection;
pub mod doc_id;
pub mod request;
pub mod token;
pub mod wire;

pub use config::{
    ConfigError, DEFAULT_TIMEOUT, DEFAULT_VALID_FOR, ENV_CONNECTION_STRING, SERVICE, YSweet,
};
pub use connection::{ConnectionString, ConnectionStringError};
pub use doc_id::{DocIdError, MAX_DOC_ID_LEN, validate_doc_id};
