//! roomauth: declarative room permissions for Room Service-compatible auth
//! webhooks.
//!
//! A realtime-collaboration service lets a browser into a room only with a
//! short-lived token that the app's backend provisions from an *auth
//! webhook*. With roomauth, that webhook is a set of annotated functions:
//!
//! ```ignore
//! use axum::extract::State;
//! use roomauth::{Deny, Webhook, room_auth};
//!
//! // `id` is parsed from the room name; `user` and `State` are ordinary
//! // axum extractors of the app.
//! #[room_auth(rooms = "project-<id>", session = user)]
//! async fn project_rooms(user: CurrentUser, id: u64, State(db): State<Db>) -> Result<String, Deny> {
//!     if db.is_member(&user, id).await? { Ok(user.id) } else { Err(Deny::Forbidden) }
//! }
//!
//! let webhook = Webhook::builder(roomauth::provision::provisioner_from_env()?)
//!     .rule(project_rooms {})
//!     .build()?;
//! let app = axum::Router::new()
//!     .route("/api/roomservice", axum::routing::post(webhook.axum_handler()))
//!     .with_state(db);
//! ```
//!
//! The request path ([`webhook`]): parse the body (either form of the
//! protocol, [`protocol`]), find the one rule whose [`pattern`] matches the
//! room (none: 403), bind and parse its placeholders ([`room::RoomParam`];
//! a non-canonical value is no match), run the framework extractors and the
//! rule ([`rule`]), map the room to resources, provision a token
//! ([`provision`]: Room Service over HTTP, or the embedded local
//! provisioner), and return the provisioner's body unchanged. Deny by
//! default; every failure has its status and a JSON message, and the API
//! key ([`secret::ApiKey`]) never appears in any of them.
//!
//! Features: `axum` (default), `actix`, `local-server` (default; the
//! `roomauth-local` binary), `uuid` (placeholders of type `uuid::Uuid`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
pub mod pattern;
pub mod protocol;
pub mod provision;
pub mod room;
pub mod rule;
pub mod secret;
pub mod testing;
pub mod webhook;

pub use protocol::{
    ObjectKind, Permission, ProvisionRequest, ProvisionResponse, Resource, WebhookRequest,
};
pub use room::{ParseRoomError, RoomParam, RoomResource};
pub use roomauth_macros::{RoomParam, RoomResource, room_auth};
pub use rule::{Deny, FromContext, IntoDecision, Refusal, RequestContext, RoomMatch, Rule, UserId};
pub use secret::ApiKey;
pub use webhook::{Webhook, WebhookError};

/// What macro-generated code names, through one path, so that renamed
/// dependencies and `#![no_implicit_prelude]` crates still compile.
/// Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::pattern::{Captures, FormatError, Pattern, Segment};
    pub use crate::protocol::Permission;
    pub use crate::room::{ParseRoomError, RoomParam, RoomResource};
    pub use crate::rule::{
        BoxFuture, Deny, FromContext, IntoDecision, Refusal, RequestContext, RoomMatch, Rule,
        UserId,
    };
    pub use std::borrow::Cow;
    pub use std::boxed::Box;
    pub use std::option::Option::{self, None, Some};
    pub use std::result::Result::{self, Err, Ok};
    pub use std::str::FromStr;
    pub use std::string::String;
    pub use std::{concat, stringify};
}
