//! Policy tests for apps: assert who may enter which room, with which
//! access, against the app's own rules, without a backend and without HTTP;
//! and [`Stub`], the reference backend that is also the test double of the
//! webhook.
//!
//! ```
//! use roomauth::rules::Rules;
//! use roomauth::testing::{Verdict, assert_policy};
//! use roomauth::{Grant, room_auth, rules};
//!
//! /// The request context of this example: who is logged in.
//! struct Session(Option<&'static str>);
//! impl roomauth::rule::RequestContext for Session {
//!     type Rejection = std::convert::Infallible;
//! }
//! /// The logged-in user, extracted from the context like a session cookie.
//! struct User(&'static str);
//! impl roomauth::rule::FromContext<Session> for User {
//!     async fn from_context(cx: &mut Session) -> Result<User, std::convert::Infallible> {
//!         Ok(User(cx.0.unwrap_or_default()))
//!     }
//! }
//!
//! #[room_auth(rooms = "project-<id>")]
//! fn projects(user: User, id: u64) -> Option<Grant> {
//!     match (user.0, id) {
//!         ("alice", 1) => Some(Grant::write("alice")),
//!         ("alice", 2) => Some(Grant::read("alice")),
//!         _ => None,
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let rules = Rules::new(rules![projects]).unwrap();
//! assert_policy(&rules, async |user| Session(user), [
//!     (Some("alice"), "project-1", Verdict::write("alice")),
//!     (Some("alice"), "project-2", Verdict::read("alice")),
//!     (Some("bob"),   "project-1", Verdict::Forbidden),
//!     (Some("alice"), "elsewhere", Verdict::NoRule),
//! ]).await;
//! # });
//! ```
//!
//! With axum, build each context with
//! [`AxumContext::new`](crate::axum::AxumContext::new) from an
//! `http::Request` that carries the session the app's extractor reads; with
//! actix-web, [`ActixContext::new`](crate::actix::ActixContext::new) from a
//! `TestRequest`. [`Webhook::rules`](crate::Webhook::rules) gives a
//! webhook's rules.
//!
//! # Acting as a user
//!
//! Do not forge the session cookie: a hand-made cookie tests the forgery,
//! not the app, and breaks as soon as sessions live on the server. Log in
//! the way a browser does, through the app's own login route, in process:
//! [`cookies_after`] (feature `axum`) sends a request through the app's
//! router and returns the `Cookie` header its answer set. The session
//! store may be async (a database, Redis): `assert_policy` awaits the
//! context builder.
//!
//! ```
//! # #[cfg(feature = "axum")] {
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//!
//! use axum::extract::{FromRequestParts, Json, State};
//! use axum::http::{HeaderMap, StatusCode, header::{COOKIE, SET_COOKIE}, request::Parts};
//! use axum::routing::post;
//! use roomauth::axum::AxumContext;
//! use roomauth::testing::{Verdict, assert_policy, cookies_after};
//! use roomauth::{room_auth, rules};
//!
//! /// The app's sessions: session id -> user. (A database in a real app.)
//! #[derive(Clone, Default)]
//! struct AppState {
//!     sessions: Arc<Mutex<HashMap<String, String>>>,
//! }
//!
//! /// The app's login route: starts a session, sets its cookie.
//! async fn login(State(app): State<AppState>, Json(user): Json<String>) -> (HeaderMap, StatusCode) {
//!     let id = format!("s{}", app.sessions.lock().unwrap().len());
//!     app.sessions.lock().unwrap().insert(id.clone(), user);
//!     let mut headers = HeaderMap::new();
//!     headers.insert(SET_COOKIE, format!("sid={id}; HttpOnly; Path=/").parse().unwrap());
//!     (headers, StatusCode::NO_CONTENT)
//! }
//!
//! /// The app's session extractor: the user of the `sid` cookie's session.
//! struct User(String);
//! impl FromRequestParts<AppState> for User {
//!     type Rejection = StatusCode;
//!     async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<User, StatusCode> {
//!         let cookies = parts.headers.get(COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
//!         let id = cookies.split("; ").find_map(|c| c.strip_prefix("sid=")).ok_or(StatusCode::UNAUTHORIZED)?;
//!         app.sessions.lock().unwrap().get(id).cloned().map(User).ok_or(StatusCode::UNAUTHORIZED)
//!     }
//! }
//!
//! #[room_auth(rooms = "desk-<owner>", session = user)]
//! fn desks(user: User, owner: String) -> Option<String> {
//!     (user.0 == owner).then_some(user.0)
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let state = AppState::default();
//! let app = axum::Router::new().route("/login", post(login)).with_state(state.clone());
//! let rules = roomauth::rules::Rules::new(rules![desks]).unwrap();
//! assert_policy(&rules, async |user: Option<&str>| {
//!     let mut request = axum::http::Request::builder();
//!     if let Some(user) = user {
//!         let login = axum::http::Request::post("/login")
//!             .header("content-type", "application/json")
//!             .body(axum::body::Body::from(format!("{user:?}")))
//!             .unwrap();
//!         request = request.header(COOKIE, cookies_after(&app, login).await.unwrap());
//!     }
//!     AxumContext::new(request.body(()).unwrap(), state.clone())
//! }, [
//!     (Some("ann"), "desk-ann", Verdict::write("ann")),
//!     (Some("ann"), "desk-bo", Verdict::Forbidden),
//!     (None, "desk-ann", Verdict::Unauthorized),
//!     (Some("ann"), "shelf-1", Verdict::NoRule),
//! ]).await;
//! # });
//! # }
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::rule::{Access, Deny, Refusal, RequestContext};
use crate::rules::{Decision, Rules};

/// What the rules decide for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Let in with read access, as this user id.
    Read(String),
    /// Let in with write access, as this user id.
    Write(String),
    /// 401: not logged in.
    Unauthorized,
    /// 403: a rule answers for the room and refused (or a placeholder did
    /// not parse).
    Forbidden,
    /// No rule's pattern matches the room (the wire answers 403 too): a
    /// rule that was never registered shows up here.
    NoRule,
    /// 500: the rule failed.
    Internal,
    /// A framework extractor's rejection was passed through.
    Rejected,
}

impl Verdict {
    /// [`Verdict::Read`] for `user`.
    pub fn read(user: impl Into<String>) -> Verdict {
        Verdict::Read(user.into())
    }

    /// [`Verdict::Write`] for `user`.
    pub fn write(user: impl Into<String>) -> Verdict {
        Verdict::Write(user.into())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Read(user) => write!(f, "read access as `{user}`"),
            Verdict::Write(user) => write!(f, "write access as `{user}`"),
            Verdict::Unauthorized => f.write_str("401 unauthorized"),
            Verdict::Forbidden => f.write_str("403 forbidden"),
            Verdict::NoRule => f.write_str("no rule matches the room (403)"),
            Verdict::Internal => f.write_str("500 internal error"),
            Verdict::Rejected => f.write_str("rejected by an extractor"),
        }
    }
}

impl<Cx: RequestContext> Rules<Cx> {
    /// What the rules decide for entering `room` with request context `cx`.
    pub async fn verdict(&self, room: &str, cx: &mut Cx) -> Verdict {
        match self.decide(room, cx).await {
            Ok(decision) => {
                let user = decision.grant.user.into_string();
                match decision.grant.access {
                    Access::Read => Verdict::Read(user),
                    Access::Write => Verdict::Write(user),
                }
            }
            Err(Refusal::NoRule) => Verdict::NoRule,
            Err(Refusal::NoMatch | Refusal::Deny(Deny::Forbidden)) => Verdict::Forbidden,
            Err(Refusal::Deny(Deny::Unauthorized) | Refusal::Unauthenticated) => {
                Verdict::Unauthorized
            }
            Err(Refusal::Deny(Deny::Internal(_))) => Verdict::Internal,
            Err(Refusal::Rejected(_)) => Verdict::Rejected,
        }
    }
}

/// Checks every `(user, room, expected)` row, building each request context
/// with `context_for(user)`, and panics with every row that disagrees.
pub async fn assert_policy<'a, Cx, F>(
    rules: &Rules<Cx>,
    mut context_for: F,
    table: impl IntoIterator<Item = (Option<&'a str>, &'a str, Verdict)>,
) where
    Cx: RequestContext,
    F: AsyncFnMut(Option<&'a str>) -> Cx,
{
    let mut failures = Vec::new();
    let mut rows = 0;
    for (user, room, expected) in table {
        rows += 1;
        let actual = rules.verdict(room, &mut context_for(user).await).await;
        if actual != expected {
            failures.push(format!(
                "  {} entering `{room}`: expected {expected}, got {actual}",
                user.map_or_else(|| "anonymous".to_owned(), |u| format!("`{u}`"))
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {rows} policy rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Sends `request` (a login, say) through `router` in process, as a browser
/// would send it, and returns the `Cookie` header the browser would send
/// next: every cookie the answer set, as `name=value; name=value`. See
/// [acting as a user](self#acting-as-a-user).
///
/// `Err` carries the answer's status when it is not a success or sets no
/// cookie (a login the app refused).
#[cfg(feature = "axum")]
pub async fn cookies_after(
    router: &axum::Router,
    request: http::Request<axum::body::Body>,
) -> Result<http::HeaderValue, http::StatusCode> {
    use tower_service::Service;
    let mut router = router.clone();
    // A router is always ready, and its error is `Infallible`.
    let response = match router.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status();
    if !status.is_success() {
        return Err(status);
    }
    let pairs: Vec<&str> = response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .map(str::trim)
        .filter(|pair| pair.contains('='))
        .collect();
    if pairs.is_empty() {
        return Err(status);
    }
    http::HeaderValue::from_str(&pairs.join("; ")).map_err(|_| status)
}

/// The reference backend, and the webhook's test double (as Laravel's
/// `NullBroadcaster` is for its broadcasters): it reads `{"room": "<name>"}`
/// with the one JSON decoder and grants by answering the rules' decision as
/// JSON ([`StubGrant`]). No service, no key, no feature: what the neutral
/// layers' tests and examples build their webhooks on.
///
/// ```
/// use roomauth::testing::Stub;
/// use roomauth::webhook::{Outcome, Webhook};
/// use roomauth::{room_auth, rules};
///
/// #[room_auth(rooms = "lobby")]
/// fn lobby() -> Option<String> {
///     Some("guest".into())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let webhook: Webhook<(), Stub> = Webhook::builder(Stub).rules(rules![lobby]).build().unwrap();
/// let Outcome::Reply(reply) = webhook.handle(Some("application/json"), br#"{"room":"lobby"}"#, &mut ()).await;
/// assert_eq!(reply.status, 200);
/// assert_eq!(reply.body, r#"{"rule":"lobby","room":"lobby","user":"guest","access":"write"}"#);
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Stub;

/// What [`Stub`] reads: `{"room": "<name>"}`, no other field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StubRequest {
    /// The room to enter.
    pub room: String,
}

/// What [`Stub`] answers for a yes: the decision, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StubGrant {
    /// The rule that decided.
    pub rule: String,
    /// The room granted.
    pub room: String,
    /// The granted user.
    pub user: String,
    /// `"read"` or `"write"`.
    pub access: String,
    /// The grant's user info, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
}

impl Backend for Stub {
    type Request = StubRequest;

    fn name(&self) -> &'static str {
        "stub"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<StubRequest, WebhookError> {
        decode_json(head.content_type(), body, r#"`{"room": "<name>"}`"#)
    }

    fn room<'r>(&self, request: &'r StubRequest) -> &'r str {
        &request.room
    }

    async fn grant(
        &self,
        request: &StubRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        let grant = decision.grant;
        Ok(Reply::json(&StubGrant {
            rule: decision.rule.to_owned(),
            room: request.room.clone(),
            access: grant.access.as_str().to_owned(),
            user: grant.user.into_string(),
            info: grant.info,
        }))
    }
}
