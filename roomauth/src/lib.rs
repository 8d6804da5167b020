//! roomauth: declarative room permissions for realtime backends.
//!
//! A realtime service lets a browser into a room (a channel, a document, a
//! call) only with a grant that the app's backend issues from an *auth
//! endpoint*. With roomauth, that endpoint is a set of annotated functions,
//! and the same rules answer whichever service the app uses:
//!
//! ```no_run
//! use axum::{Router, extract::State, routing::post};
//! use roomauth::room_service::RoomService;
//! use roomauth::{Deny, Grant, Webhook, room_auth, rules};
//! # use axum::extract::FromRequestParts;
//! # use axum::http::{StatusCode, request::Parts};
//! # #[derive(Clone)] struct Db;
//! # enum Role { Editor, Viewer }
//! # impl Db { async fn role(&self, _: &CurrentUser, id: u64) -> Result<Option<Role>, std::io::Error> {
//! #     Ok(match id { 1 => Some(Role::Editor), 2 => Some(Role::Viewer), _ => None }) } }
//! # struct CurrentUser { id: String }
//! # impl FromRequestParts<Db> for CurrentUser {
//! #     type Rejection = StatusCode;
//! #     async fn from_request_parts(_: &mut Parts, _: &Db) -> Result<Self, StatusCode> {
//! #         Err(StatusCode::UNAUTHORIZED)
//! #     }
//! # }
//!
//! // `id` is parsed from the room name; `user` and `State` are ordinary
//! // axum extractors of the app.
//! #[room_auth(rooms = "project-<id>", session = user)]
//! async fn project_rooms(user: CurrentUser, id: u64, State(db): State<Db>) -> Result<Grant, Deny> {
//!     match db.role(&user, id).await? {
//!         Some(Role::Editor) => Ok(Grant::write(user.id)),
//!         Some(Role::Viewer) => Ok(Grant::read(user.id)),
//!         None => Err(Deny::Forbidden),
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::builder(RoomService::from_env()?)
//!     .rules(rules![project_rooms])
//!     .build()?;                                   // refuses overlapping patterns
//! let app: Router = Router::new()
//!     .route("/api/roomservice", post(webhook))
//!     .with_state(Db);
//! # Ok(()) }
//! ```
//!
//! The layers, each depending only on those above it:
//!
//! - [`pattern`]: room patterns: parse, match, format, the dispatch index;
//! - [`room`]: typed placeholders ([`RoomParam`]) and rooms ([`RoomResource`]);
//! - [`extensions`]: the typed, backend-neutral parts a [`Grant`] can
//!   carry for one backend (`Grant::with_extension`);
//! - [`rule`]: a rule, its [`Grant`] ([`Access`], user info and
//!   extensions), [`Deny`];
//! - [`mod@rules`]: the registered rules and [`rules::Rules::decide`];
//! - [`mod@env`], [`secret`]: the one configuration reader every backend's
//!   `from_env` uses, and the one redacted, constant-time secret type;
//! - [`request`], [`reply`], [`error`], [`name`]: the contract every
//!   backend speaks: the request head, the one JSON and form decoders, the
//!   reply and its one encoder, the error contract, and the room-name floor
//!   the webhook holds every backend's room to;
//! - `upstream`: calls to a backend's own service (with the backends that
//!   call out: Room Service, Liveblocks, y-sweet); their errors are in
//!   [`error`];
//! - `jwt` (internal): the HS256 token signer of the backends that mint
//!   tokens;
//! - [`backend`]: the [`backend::Backend`] trait each service implements;
//! - `revoke` (feature `revoke`): the `Revoker`, one call that tells every
//!   configured service when someone's access changes;
//! - [`webhook`]: the framework-neutral request path and error contract;
//! - [`endpoint`]: the one call shape of the webhook and of every endpoint
//!   beside it, which the adapters serve;
//! - [`guard`]: the rules guarding the app's own realtime server (an axum
//!   WebSocket route: [`axum::guard`]; socketioxide: `socketio`, feature
//!   `socketioxide`), with no token in between;
//! - [`axum`], [`actix`]: the web framework adapters;
//! - one module per backend, each behind its cargo feature:
//!   [`room_service`] (default);
//! - [`testing`]: policy tables against the rules, without HTTP, and the
//!   stub backend ([`testing::Stub`]).
//!
//! Deny by default; every failure has its status and a JSON message; no
//! secret appears in any of them.
//!
//! # Features
//!
//! Each backend and adapter is behind its own cargo feature (on docs.rs,
//! every item is marked with the feature it needs):
//!
//! | feature | what it adds |
//! | --- | --- |
//! | `axum` (default) | the axum adapter: `post(webhook)`, [`serve`] |
//! | `room-service` (default) | [`room_service`]: Room Service's webhook, its HTTP and embedded provisioners |
//! | `actix` | the actix-web adapter |
//! | `pusher` | [`pusher`]: Pusher Channels and its servers (Soketi, Reverb, Sockudo): channel auth, batch auth, user sign-in |
//! | `livekit` | [`livekit`]: access tokens for `TokenSource.endpoint` |
//! | `liveblocks` | [`liveblocks`]: sessions through `/v2/authorize-user` |
//! | `hocuspocus` | [`hocuspocus`]: the `onAuthenticate` extension's endpoint |
//! | `y-sweet` | [`y_sweet`]: the `@y-sweet/client` auth endpoint |
//! | `centrifugo` | [`centrifugo`]: subscribe, publish and sub-refresh proxies, subscription tokens |
//! | `revoke` | `revoke`: the `Revoker`, telling every configured service when access changes |
//! | `socketioxide` | `socketio`: the rules guarding joins of a socketioxide (Socket.IO) server (with `axum`, whose [`axum::guard`] guards a WebSocket route) |
//! | `uuid` | [`RoomParam`] for `uuid::Uuid` placeholders |
//!
//! Only `room-service`, `liveblocks`, `y-sweet` and `revoke` pull an HTTP
//! client (reqwest): they call out to a service.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
pub mod backend;
#[cfg(feature = "centrifugo")]
pub mod centrifugo;
pub mod endpoint;
pub mod env;
pub mod error;
pub mod extensions;
pub mod guard;
#[cfg(feature = "hocuspocus")]
pub mod hocuspocus;
#[cfg(any(feature = "room-service", feature = "livekit", feature = "centrifugo"))]
mod jwt;
#[cfg(feature = "liveblocks")]
pub mod liveblocks;
#[cfg(feature = "livekit")]
pub mod livekit;
pub mod name;
pub mod origin;
pub mod pattern;
#[cfg(feature = "pusher")]
pub mod pusher;
pub mod reply;
pub mod request;
#[cfg(feature = "revoke")]
pub mod revoke;
pub mod room;
#[cfg(feature = "room-service")]
pub mod room_service;
pub mod rule;
pub mod rules;
pub mod secret;
#[cfg(feature = "axum")]
pub mod serve;
#[cfg(feature = "socketioxide")]
pub mod socketio;
pub mod testing;
mod text;
#[cfg(any(
    feature = "room-service",
    feature = "liveblocks",
    feature = "y-sweet",
    all(
        feature = "revoke",
        any(
            feature = "pusher",
            feature = "hocuspocus",
            feature = "centrifugo",
            feature = "livekit"
        )
    )
))]
pub mod upstream;
pub mod webhook;
#[cfg(feature = "y-sweet")]
pub mod y_sweet;

pub use room::{RoomParam, RoomResource};
pub use roomauth_macros::{RoomParam, RoomResource, room_auth};
pub use rule::{Access, Deny, Grant};
pub use rules::{BuildError, Rules};
pub use webhook::Webhook;

/// Registers `#[room_auth]` rules by their function names, for
/// [`WebhookBuilder::rules`](webhook::WebhookBuilder::rules) or
/// [`Rules::new`]:
///
/// ```
/// # #[cfg(feature = "room-service")] {
/// use roomauth::room_service::{LocalProvisioner, RoomService};
/// use roomauth::{Webhook, room_auth, rules};
///
/// #[room_auth(rooms = "project-<id>")]
/// fn project_rooms(id: u64) -> Option<String> {
///     (id == 1).then(|| "alice".to_owned())
/// }
///
/// #[room_auth(rooms = "lobby", access = "read")]
/// fn lobby() -> Option<String> {
///     Some("guest".to_owned())
/// }
///
/// let webhook: Webhook<(), _> = Webhook::builder(RoomService::new(LocalProvisioner::development()))
///     .rules(rules![project_rooms, lobby])
///     .build()
///     .unwrap();
/// # }
/// ```
///
/// Each name must be a function with `#[room_auth]`, which generates the
/// rule struct of the same name that `rules!` registers: a plain function
/// is `error[E0574]: expected struct, variant or union type, found
/// function`; add `#[room_auth(rooms = "..")]` to it.
#[macro_export]
macro_rules! rules {
    ($($($segment:ident)::+),* $(,)?) => {
        ::std::vec![$($crate::__private::boxed_rule($($segment)::+ {})),*]
    };
}

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What macro-generated code names, through one path, so that renamed
/// dependencies and `#![no_implicit_prelude]` crates still compile.
/// Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::pattern::{Captures, FormatError, Pattern, Segment, Shape};
    pub use crate::room::{ParseRoomError, RoomMatch, RoomParam, RoomResource, first_match_only};
    pub use crate::rule::{
        Access, BoxFuture, Deny, FromContext, Grant, IntoDecision, Refusal, RequestContext, Rule,
        log_rejection,
    };

    /// A rule as [`WebhookBuilder::rules`](crate::webhook::WebhookBuilder::rules)
    /// takes it: what `rules![..]` calls.
    pub fn boxed_rule<Cx: RequestContext, R: Rule<Cx>>(rule: R) -> Box<dyn Rule<Cx>> {
        Box::new(rule)
    }
    pub use std::borrow::Cow;
    pub use std::boxed::Box;
    pub use std::option::Option::{self, None, Some};
    pub use std::result::Result::{self, Err, Ok};
    pub use std::str::FromStr;
    pub use std::string::String;
    pub use std::{concat, stringify};
}
