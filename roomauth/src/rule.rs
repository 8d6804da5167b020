//! Rules: who may enter which rooms, and with what access.
//!
//! A rule is what `#[room_auth]` generates from an annotated function: its
//! room patterns, the most [`Access`] it grants, and the check itself. The
//! check gets the matched room and the web framework's request context, from
//! which it pulls the function's extractor parameters (the app's session
//! type, state) through [`FromContext`], and decides a [`Grant`]: who, with
//! which access, and what others in the room may see of them. Rules know no
//! backend: each backend maps a grant onto its own protocol.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::extensions::Extensions;
use crate::pattern::Pattern;
use crate::room::RoomMatch;

/// A boxed, `Send` future, as [`Rule::authorize`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error type of the app's own failures inside a rule.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a rule refused a user. `?` converts into [`Deny::Internal`] every
/// error that converts into a [`BoxError`]: any `std::error::Error + Send +
/// Sync` type, `Box<dyn Error + Send + Sync>` itself, `anyhow::Error`,
/// `String` and `&str`. For an error that does not (a `!Send` one, or a
/// `Box<dyn Error>` without `Send + Sync`), map it with
/// `.map_err(|e| Deny::internal(e.to_string()))`.
///
/// Like `anyhow::Error`, `Deny` deliberately does not implement
/// `std::error::Error`, so that the blanket `From<E>` impl can exist.
pub enum Deny {
    /// Not logged in: the webhook answers 401.
    Unauthorized,
    /// Logged in, but not allowed into this room: 403.
    ///
    /// A rule function that returns `Option` answers `None` for it.
    Forbidden,
    /// The app's own failure (a database error, say): 500. The error is
    /// logged; the browser only learns that something failed.
    Internal(BoxError),
}

impl Deny {
    /// Wraps an app error as [`Deny::Internal`].
    pub fn internal(error: impl Into<BoxError>) -> Deny {
        Deny::Internal(error.into())
    }
}

impl<E: Into<BoxError>> From<E> for Deny {
    fn from(error: E) -> Deny {
        Deny::Internal(error.into())
    }
}

impl fmt::Debug for Deny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deny::Unauthorized => f.write_str("Unauthorized"),
            Deny::Forbidden => f.write_str("Forbidden"),
            Deny::Internal(e) => f.debug_tuple("Internal").field(e).finish(),
        }
    }
}

impl fmt::Display for Deny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deny::Unauthorized => f.write_str("not logged in"),
            Deny::Forbidden => f.write_str("not allowed to join this room"),
            Deny::Internal(e) => write!(f, "the rule failed: {e}"),
        }
    }
}

/// The application's id for the user a rule let in. The backend puts it in
/// the grant (a token's identity, a presence `user_id`), and the service
/// shows it to other clients in the room.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for UserId {
    fn from(id: String) -> UserId {
        UserId(id)
    }
}

impl From<&str> for UserId {
    fn from(id: &str) -> UserId {
        UserId(id.to_owned())
    }
}

impl From<&String> for UserId {
    fn from(id: &String) -> UserId {
        UserId(id.clone())
    }
}

macro_rules! user_id_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for UserId {
            fn from(id: $t) -> UserId {
                UserId(id.to_string())
            }
        }
    )*};
}
user_id_from_integer!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

#[cfg(feature = "uuid")]
impl From<uuid::Uuid> for UserId {
    fn from(id: uuid::Uuid) -> UserId {
        UserId(id.to_string())
    }
}

/// How much a grant lets the user do in the room. Each backend maps it onto
/// its own vocabulary (LiveKit's publish rights, y-sweet's `read-only` or
/// `full`, Room Service's `join` or `read_write`, ...).
///
/// `Read < Write`: a rule's [`Rule::access`] is the most it grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Enter the room and see what happens in it, change nothing.
    Read,
    /// Enter the room and change it.
    Write,
}

impl Access {
    /// `"read"` or `"write"`, as in `#[room_auth(access = "...")]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule lets a user do in a room: who they are, their [`Access`],
/// and, optionally, what the other members may see of them (Pusher presence
/// `user_info`, Liveblocks `userInfo`, LiveKit `name` and `metadata`) and
/// what one backend alone can express ([`with_extension`](Self::with_extension):
/// a value of that backend's own type, which the others ignore).
///
/// ```
/// use roomauth::Grant;
/// use serde_json::json;
///
/// let grant = Grant::read("alice").with_info(json!({ "name": "Alice" }));
/// assert_eq!(grant.user.as_str(), "alice");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The app's id for the user.
    pub user: UserId,
    /// What the user may do.
    pub access: Access,
    /// What other members see of the user; `None` for nothing.
    pub info: Option<serde_json::Value>,
    /// Backend-specific parts of the grant, one value per type (see
    /// [`with_extension`](Self::with_extension)); empty by default.
    pub extensions: Extensions,
}

impl Grant {
    /// Read access for `user`.
    pub fn read(user: impl Into<UserId>) -> Grant {
        Grant::new(user, Access::Read)
    }

    /// Write access for `user`.
    pub fn write(user: impl Into<UserId>) -> Grant {
        Grant::new(user, Access::Write)
    }

    /// `access` for `user`.
    pub fn new(user: impl Into<UserId>, access: Access) -> Grant {
        Grant {
            user: user.into(),
            access,
            info: None,
            extensions: Extensions::default(),
        }
    }

    /// The same grant with user info shown to the room's other members.
    #[must_use]
    pub fn with_info(mut self, info: serde_json::Value) -> Grant {
        self.info = Some(info);
        self
    }

    /// The same grant with a part only one backend reads: a value of that
    /// backend's type (`roomauth::livekit::LiveKitGrant`,
    /// `roomauth::liveblocks::LiveblocksGrant`, ...), replacing a value of the
    /// same type. Rules stay backend-neutral: the other backends, and the
    /// dispatch, never look at it.
    #[must_use]
    pub fn with_extension<T>(mut self, value: T) -> Grant
    where
        T: std::any::Any + Clone + PartialEq + fmt::Debug + Send + Sync,
    {
        self.extensions.insert(value);
        self
    }

    /// The part of type `T`, if the rule attached one.
    pub fn extension<T: std::any::Any>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }
}

/// What a rule decides: a [`Grant`], or a user id that means "this user, with
/// the rule's maximum access".
#[diagnostic::on_unimplemented(
    message = "a `#[room_auth]` function must return a user id or a `roomauth::Grant` inside `Result` or `Option`, not `{Self}`",
    label = "`{Self}` is not a user id or a `Grant`",
    note = "user ids are `String`, `&str` and integers; `Grant::read(id)` and `Grant::write(id)` choose the access"
)]
pub trait IntoGrant {
    /// The grant, where `max` is the rule's maximum access.
    fn into_grant(self, max: Access) -> Grant;
}

impl IntoGrant for Grant {
    fn into_grant(self, _max: Access) -> Grant {
        self
    }
}

impl<U: Into<UserId>> IntoGrant for U {
    fn into_grant(self, max: Access) -> Grant {
        Grant::new(self, max)
    }
}

/// What a rule function may return: the grant, or why not.
///
/// - `Result<U, E>`: `Ok` lets the user in, `Err` converts into [`Deny`].
/// - `Option<U>`: `None` is [`Deny::Forbidden`].
///
/// **Refusing is `Err(Deny::Forbidden)` (403), `Err(Deny::Unauthorized)`
/// (401) or `None`.** Any other error (`Err("not a member".to_string())`,
/// a database error through `?`) is [`Deny::Internal`]: the app's own
/// failure, answered 500 with no detail and logged at ERROR (`the rule
/// failed`, with the error). So `?` on a failing database call does the
/// right thing, and a refusal written as `Err(String)` is a 500, not a 403:
///
/// ```
/// use roomauth::{Deny, room_auth};
///
/// #[room_auth(rooms = "project-<id>")]
/// fn projects(id: u64) -> Result<String, Deny> {
///     if id == 1 {
///         Ok("alice".to_owned())
///     } else {
///         Err(Deny::Forbidden) // not `Err("not a member".into())`: that is a 500
///     }
/// }
/// ```
///
/// `U` is a [`Grant`] or a user id ([`IntoGrant`]).
#[diagnostic::on_unimplemented(
    message = "a `#[room_auth]` function must return `Result<U, E>` or `Option<U>`, not `{Self}`",
    label = "the return type of the rule",
    note = "`U` is a user id (String, &str, integers) or a `roomauth::Grant`; `E` converts into `roomauth::Deny`"
)]
pub trait IntoDecision {
    /// Turns the function's return value into the rule's decision, where
    /// `max` is the rule's maximum access.
    fn into_decision(self, max: Access) -> Result<Grant, Deny>;
}

impl<U: IntoGrant, E: Into<Deny>> IntoDecision for Result<U, E> {
    fn into_decision(self, max: Access) -> Result<Grant, Deny> {
        self.map(|u| u.into_grant(max)).map_err(Into::into)
    }
}

impl<U: IntoGrant> IntoDecision for Option<U> {
    fn into_decision(self, max: Access) -> Result<Grant, Deny> {
        self.map(|u| u.into_grant(max)).ok_or(Deny::Forbidden)
    }
}

/// A web framework's per-request state from which rule parameters are
/// extracted: `roomauth::axum` and `roomauth::actix` provide one each, and
/// `()` serves rules that take nothing but room placeholders.
pub trait RequestContext: Send + 'static {
    /// What an extractor returns when it cannot produce its value: the
    /// framework's response, passed through as the framework would.
    type Rejection: Send;
}

impl RequestContext for () {
    type Rejection = std::convert::Infallible;
}

/// A rule parameter taken from the request context: the framework adapters
/// implement it for every extractor of their framework.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of a `#[room_auth]` function here",
    label = "not a room placeholder, and not an extractor of this web framework",
    note = "parameters named like a `<placeholder>` of the pattern are parsed from the room name; every other parameter must be an extractor of the web framework the webhook is mounted in",
    note = "axum's extractors need roomauth's `axum` feature (on by default), actix-web's its `actix` feature: `roomauth = {{ version = \"..\", features = [\"actix\"] }}`"
)]
pub trait FromContext<Cx: RequestContext>: Sized {
    /// Extracts the value, or the framework's rejection.
    fn from_context(cx: &mut Cx) -> impl Future<Output = Result<Self, Cx::Rejection>> + Send;
}

/// Logs that `T`, an extractor parameter of the rule `rule`, refused the
/// request for `room`: what `#[room_auth]` rules call, so that the log
/// names the extractor (the framework's answer, passed through, does not).
#[doc(hidden)]
pub fn log_rejection<T>(rule: &'static str, room: &str) {
    tracing::info!(
        room,
        rule,
        extractor = std::any::type_name::<T>(),
        outcome = "rejected by an extractor",
        hint = "the extractor's own answer was sent, as the framework sends it: \
                give the request what this extractor reads (a header, a cookie, \
                the app's state), or take `Option<T>` to decide without it",
        "room auth"
    );
}

/// Why the rules did not let the user in.
#[derive(Debug)]
pub enum Refusal<R> {
    /// No rule's pattern matches the room (answered 403, like a refusal, so
    /// that probing reveals no rule).
    NoRule,
    /// A placeholder did not parse into its parameter's type: the room does
    /// not match this rule after all (answered like "no rule": 403).
    NoMatch,
    /// The rule function refused.
    Deny(Deny),
    /// A framework extractor refused; its response is passed through.
    Rejected(R),
    /// The app's session extractor refused: not logged in (401). Its
    /// response is not passed through.
    Unauthenticated,
}

impl<R> From<Deny> for Refusal<R> {
    fn from(deny: Deny) -> Self {
        Refusal::Deny(deny)
    }
}

/// One authorization rule: the room patterns it answers for, the most access
/// it grants, and the check. `#[room_auth]` implements it for the unit
/// struct it emits beside the annotated function.
pub trait Rule<Cx: RequestContext>: Send + Sync + 'static {
    /// The rule's name in logs: the annotated function's name.
    fn name(&self) -> &'static str;

    /// The room patterns this rule answers for; no two may overlap.
    fn patterns(&self) -> &[Pattern];

    /// The most this rule grants; a grant above it is clamped to it.
    fn access(&self) -> Access {
        Access::Write
    }

    /// Decides whether the request's user may enter `room`, and how.
    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut Cx,
    ) -> BoxFuture<'a, Result<Grant, Refusal<Cx::Rejection>>>;
}

impl<Cx: RequestContext, R: Rule<Cx> + ?Sized> Rule<Cx> for Box<R> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn patterns(&self) -> &[Pattern] {
        (**self).patterns()
    }
    fn access(&self) -> Access {
        (**self).access()
    }
    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut Cx,
    ) -> BoxFuture<'a, Result<Grant, Refusal<Cx::Rejection>>> {
        (**self).authorize(room, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct DbDown;
    impl fmt::Display for DbDown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("db down")
        }
    }
    impl StdError for DbDown {}

    fn lookup(fail: bool) -> Result<u64, DbDown> {
        if fail { Err(DbDown) } else { Ok(7) }
    }

    fn rule(fail: bool) -> Result<u64, Deny> {
        Ok(lookup(fail)?)
    }

    #[test]
    fn question_mark_turns_app_errors_into_internal() {
        assert!(matches!(rule(true), Err(Deny::Internal(_))));
        assert_eq!(rule(false).unwrap(), 7);
    }

    /// What `?` accepts beyond `std::error::Error` types: a boxed error
    /// (`dyn StdError` is not `Sized`, so it is no `StdError` itself) and an
    /// error type shaped like `anyhow::Error`, which converts into a
    /// `BoxError` but is no `StdError`.
    #[test]
    fn question_mark_takes_boxed_and_anyhow_like_errors() {
        fn boxed() -> Result<u64, BoxError> {
            Err("db down".into())
        }
        fn boxed_rule() -> Result<u64, Deny> {
            Ok(boxed()?)
        }
        struct AnyhowLike(BoxError);
        impl From<AnyhowLike> for BoxError {
            fn from(error: AnyhowLike) -> BoxError {
                error.0
            }
        }
        fn anyhow_like() -> Result<u64, AnyhowLike> {
            Err(AnyhowLike(Box::new(DbDown)))
        }
        fn anyhow_rule() -> Result<u64, Deny> {
            Ok(anyhow_like()?)
        }
        for result in [boxed_rule(), anyhow_rule()] {
            match result {
                Err(Deny::Internal(e)) => assert_eq!(e.to_string(), "db down"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn decisions_from_return_types() {
        let w = Access::Write;
        assert_eq!(
            Ok::<_, Deny>("alice").into_decision(w).unwrap(),
            Grant::write("alice")
        );
        assert_eq!(
            Some(42u64).into_decision(Access::Read).unwrap(),
            Grant::read("42")
        );
        assert_eq!(
            Some(Grant::read("bob")).into_decision(w).unwrap(),
            Grant::read("bob")
        );
        assert!(matches!(
            None::<String>.into_decision(w),
            Err(Deny::Forbidden)
        ));
        assert!(matches!(
            Err::<String, _>(Deny::Unauthorized).into_decision(w),
            Err(Deny::Unauthorized)
        ));
    }
}
