//! Rules: who may join which rooms.
//!
//! A rule is what `#[room_auth]` generates from an annotated function: its
//! room patterns, the permission it grants, and the check itself. The check
//! gets the matched room and the web framework's request context, from which
//! it pulls the function's extractor parameters (the app's session type,
//! state) through [`FromContext`].

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::pattern::{Captures, Pattern};
use crate::protocol::Permission;
use crate::room::RoomParam;

/// A boxed, `Send` future, as [`Rule::authorize`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error type of the app's own failures inside a rule.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a rule refused a user. `?` converts any error type into
/// [`Deny::Internal`], so a rule can use the app's own fallible calls.
///
/// Like `anyhow::Error`, `Deny` deliberately does not implement
/// `std::error::Error`, so that the blanket `From<E>` impl can exist.
pub enum Deny {
    /// Not logged in: the webhook answers 401.
    Unauthorized,
    /// Logged in, but not allowed into this room: 403.
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

impl<E: StdError + Send + Sync + 'static> From<E> for Deny {
    fn from(error: E) -> Deny {
        Deny::Internal(Box::new(error))
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

/// The application's id for the user a rule let in. It is sent to the
/// provisioner, echoed back, and shown to other clients in the room.
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

/// What a rule function may return: the user id, or why not.
///
/// - `Result<U, E>`: `Ok` lets the user in, `Err` converts into [`Deny`].
/// - `Option<U>`: `None` is [`Deny::Forbidden`].
#[diagnostic::on_unimplemented(
    message = "a `#[room_auth]` function must return `Result<U, E>` or `Option<U>`, not `{Self}`",
    label = "the return type of the rule",
    note = "`U` converts into `roomauth::UserId` (String, &str, integers), `E` into `roomauth::Deny`"
)]
pub trait IntoDecision {
    /// Turns the function's return value into the rule's decision.
    fn into_decision(self) -> Result<UserId, Deny>;
}

impl<U: Into<UserId>, E: Into<Deny>> IntoDecision for Result<U, E> {
    fn into_decision(self) -> Result<UserId, Deny> {
        self.map(Into::into).map_err(Into::into)
    }
}

impl<U: Into<UserId>> IntoDecision for Option<U> {
    fn into_decision(self) -> Result<UserId, Deny> {
        self.map(Into::into).ok_or(Deny::Forbidden)
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
    note = "parameters named like a `<placeholder>` of the pattern are parsed from the room name; every other parameter must be an extractor of the web framework the webhook is mounted in"
)]
pub trait FromContext<Cx: RequestContext>: Sized {
    /// Extracts the value, or the framework's rejection.
    fn from_context(cx: &mut Cx) -> impl Future<Output = Result<Self, Cx::Rejection>> + Send;
}

/// A room name matched by one of a rule's patterns.
#[derive(Debug, Clone, Copy)]
pub struct RoomMatch<'r> {
    /// The room name as the browser sent it.
    pub room: &'r str,
    /// The pattern that matched it.
    pub pattern: &'r Pattern,
    /// Which of the rule's patterns it was (0 for a single-pattern rule).
    pub pattern_index: usize,
    /// The placeholder values, in pattern order.
    pub captures: Captures<'r>,
}

impl<'r> RoomMatch<'r> {
    /// The raw text of placeholder `name`.
    pub fn value(&self, name: &str) -> Option<&'r str> {
        self.captures.name(self.pattern, name)
    }

    /// Placeholder `name` parsed into `T`; `None` when absent, unparsable or
    /// not in canonical form (then the room does not match the rule).
    pub fn param<T: RoomParam>(&self, name: &str) -> Option<T> {
        self.value(name).and_then(T::parse_param)
    }

    /// The `index`-th placeholder parsed into `T`, as [`RoomMatch::param`];
    /// what generated rules use, since they know each placeholder's
    /// position.
    pub fn param_at<T: RoomParam>(&self, index: usize) -> Option<T> {
        self.captures.get(index).and_then(T::parse_param)
    }
}

/// Why a rule did not let the user in.
pub enum Refusal<R> {
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

/// One authorization rule: the room patterns it answers for, the permission
/// it grants, and the check. `#[room_auth]` implements it for the unit
/// struct it emits beside the annotated function.
pub trait Rule<Cx: RequestContext>: Send + Sync + 'static {
    /// The rule's name in logs: the annotated function's name.
    fn name(&self) -> &'static str;

    /// The room patterns this rule answers for; no two may overlap.
    fn patterns(&self) -> &[Pattern];

    /// The most this rule grants: [`Permission::Join`] for the room alone,
    /// [`Permission::ReadWrite`] for the room and the documents requested.
    fn permission(&self) -> Permission {
        Permission::ReadWrite
    }

    /// Decides whether the request's user may enter `room`.
    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut Cx,
    ) -> BoxFuture<'a, Result<UserId, Refusal<Cx::Rejection>>>;
}

impl<Cx: RequestContext, R: Rule<Cx> + ?Sized> Rule<Cx> for Box<R> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn patterns(&self) -> &[Pattern] {
        (**self).patterns()
    }
    fn permission(&self) -> Permission {
        (**self).permission()
    }
    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut Cx,
    ) -> BoxFuture<'a, Result<UserId, Refusal<Cx::Rejection>>> {
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

    #[test]
    fn decisions_from_return_types() {
        assert_eq!(
            Ok::<_, Deny>("alice").into_decision().unwrap().as_str(),
            "alice"
        );
        assert_eq!(Some(42u64).into_decision().unwrap().as_str(), "42");
        assert!(matches!(
            None::<String>.into_decision(),
            Err(Deny::Forbidden)
        ));
        assert!(matches!(
            Err::<String, _>(Deny::Unauthorized).into_decision(),
            Err(Deny::Unauthorized)
        ));
    }
}
