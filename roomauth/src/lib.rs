//! roomauth: declarative room permissions for Room Service-compatible auth webhooks.
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

pub use protocol::{ObjectKind, Permission, ProvisionRequest, ProvisionResponse, Resource, WebhookRequest};
pub use room::{ParseRoomError, RoomParam, RoomResource};
pub use rule::{Deny, FromContext, IntoDecision, Refusal, RequestContext, RoomMatch, Rule, UserId};
pub use roomauth_macros::{RoomParam, RoomResource, room_auth};
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
        BoxFuture, Deny, FromContext, IntoDecision, Refusal, RequestContext, RoomMatch, Rule, UserId,
    };
    pub use std::borrow::Cow;
    pub use std::boxed::Box;
    pub use std::option::Option::{self, None, Some};
    pub use std::result::Result::{self, Err, Ok};
    pub use std::str::FromStr;
    pub use std::string::String;
    pub use std::{concat, stringify};
}
