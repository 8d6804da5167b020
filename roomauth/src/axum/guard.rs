//! The rules on the app's own axum routes: a WebSocket on `/ws/{room}`, or
//! any handler that serves one room.
//!
//! [`RoomGuard`] names the room from a path parameter (`room` by default)
//! or from the query, and runs the rules with the request's own extractors
//! and the router's state; the handler takes [`Admitted`], the decision.
//! A refusal is the webhooks' JSON 400, 401 or 403 (or the extractor's own
//! rejection), answered before the handler runs, so before any upgrade.
//!
//! ```no_run
//! use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
//! use axum::response::Response;
//! use axum::{Router, routing::get};
//! use roomauth::axum::guard::{Admitted, RoomGuard};
//! use roomauth::{room_auth, rules};
//!
//! #[room_auth(rooms = "project-<id>")]
//! fn project_rooms(id: u64) -> Option<String> {
//!     (id == 1).then(|| "guest".to_owned())
//! }
//!
//! async fn ws(admitted: Admitted, upgrade: WebSocketUpgrade) -> Response {
//!     upgrade.on_upgrade(move |mut socket: WebSocket| async move {
//!         while let Some(Ok(Message::Text(text))) = socket.recv().await {
//!             if let Err(refused) = admitted.check_write() {
//!                 let _ = socket.send(Message::text(refused.to_json().to_string())).await;
//!                 continue;
//!             }
//!             // ... relay `text` to the room's other sockets
//!         }
//!     })
//! }
//!
//! # fn main() -> Result<(), roomauth::BuildError> {
//! let guard: RoomGuard<()> = RoomGuard::new(rules![project_rooms])?; // the router's state; the room from `{room}`
//! let app: Router = Router::new()
//!     .route("/ws/{room}", get(ws))
//!     .layer(guard.layer());
//! # Ok(()) }
//! ```

use std::ops::Deref;

use axum::extract::{FromRequestParts, Query, RawPathParams};
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use super::{AxumContext, reply};
use crate::error::WebhookError;
use crate::guard::{Admission, Guard};
use crate::request::RequestHead;
use crate::rules::{BuildError, IntoRules};
use crate::webhook::Denied;

/// The rules of an axum app's own routes, and where the room's name is in
/// the request. Installed with [`layer`](Self::layer); cheap to clone.
pub struct RoomGuard<S: Send + Sync + 'static> {
    guard: Guard<AxumContext<S>>,
    room: RoomFrom,
}

/// Where the request names its room.
#[derive(Debug, Clone, Copy)]
enum RoomFrom {
    /// A path parameter: `/ws/{room}`.
    Path(&'static str),
    /// A query parameter: `/ws?room=project-1`.
    Query(&'static str),
}

impl<S: Send + Sync + 'static> Clone for RoomGuard<S> {
    fn clone(&self) -> Self {
        RoomGuard {
            guard: self.guard.clone(),
            room: self.room,
        }
    }
}

impl<S: Send + Sync + 'static> std::fmt::Debug for RoomGuard<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomGuard")
            .field("guard", &self.guard)
            .field("room", &self.room)
            .finish()
    }
}

impl<S: Clone + Send + Sync + 'static> RoomGuard<S> {
    /// A guard over `rules`, naming the room from the path parameter
    /// `room` (`/ws/{room}`). Fails as [`Rules::new`](crate::rules::Rules::new).
    pub fn new(rules: impl IntoRules<AxumContext<S>>) -> Result<RoomGuard<S>, BuildError> {
        Ok(RoomGuard::from_guard(Guard::new(rules)?))
    }

    /// A guard over the rules of `guard` (a webhook's, say:
    /// `Guard::from_rules(webhook.rules().clone())`), the room from the path
    /// parameter `room`.
    pub fn from_guard(guard: Guard<AxumContext<S>>) -> RoomGuard<S> {
        RoomGuard {
            guard,
            room: RoomFrom::Path("room"),
        }
    }

    /// Names the room from the path parameter `name` (`/rooms/{name}/ws`).
    #[must_use]
    pub fn room_from_path(mut self, name: &'static str) -> Self {
        self.room = RoomFrom::Path(name);
        self
    }

    /// Names the room from the query parameter `name` (`/ws?room=...`).
    #[must_use]
    pub fn room_from_query(mut self, name: &'static str) -> Self {
        self.room = RoomFrom::Query(name);
        self
    }

    /// Accepts the pages of these origins, and only them (see
    /// [`Guard::allowed_origins`]; by default, the app's own origin only).
    #[must_use]
    pub fn allowed_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.guard = self.guard.allowed_origins(origins);
        self
    }

    /// Accepts requests from every origin (see [`Guard::any_origin`]).
    #[must_use]
    pub fn any_origin(mut self) -> Self {
        self.guard = self.guard.any_origin();
        self
    }

    /// The layer that makes the guard reach [`Admitted`]:
    /// `router.layer(guard.layer())` (or `route_layer`).
    pub fn layer(&self) -> axum::Extension<RoomGuard<S>> {
        axum::Extension(self.clone())
    }

    /// The framework-neutral guard.
    pub fn guard(&self) -> &Guard<AxumContext<S>> {
        &self.guard
    }

    /// The decision for the request of `parts`: the room named where the
    /// guard looks, the rules run with the request's extractors and
    /// `state`; a refusal as its response (JSON 400, 401, 403, 500, or the
    /// extractor's own).
    pub async fn admit(&self, parts: &mut Parts, state: &S) -> Result<Admission, Response> {
        // Before anything else, so before any upgrade: a cross-site page
        // opening the user's room with the user's cookies is refused.
        self.guard
            .check_origin(&RequestHead::new(&parts.headers))
            .map_err(|error| reply(error.into()))?;
        let room = self.room_name(parts, state).await?;
        // The rules' extractors take the head by value: lent, and put back.
        let head = std::mem::replace(parts, http::Request::new(()).into_parts().0);
        let mut cx = AxumContext {
            parts: head,
            state: state.clone(),
        };
        let admitted = self.guard.admit(&room, &mut cx).await;
        *parts = cx.parts;
        admitted.map_err(|denied| match denied {
            Denied::Error(error) => reply(error.into()),
            Denied::Rejected(response) => response,
        })
    }

    /// The room's name from the path or the query.
    async fn room_name(&self, parts: &mut Parts, state: &S) -> Result<String, Response> {
        match self.room {
            RoomFrom::Path(name) => {
                let params = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                params
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_owned())
                    .ok_or_else(|| {
                        reply(
                            WebhookError::Misconfigured(
                                "the route has no path parameter the room guard names the room from: \
                                 match `RoomGuard::room_from_path` to the route's `{..}`",
                            )
                            .into(),
                        )
                    })
            }
            RoomFrom::Query(name) => {
                let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
                    .map_err(|_| {
                        reply(WebhookError::malformed("the query string could not be read").into())
                    })?;
                pairs
                    .into_iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value)
                    .ok_or_else(|| {
                        let reason = format!("the query names no room: add `?{name}=<room>`");
                        reply(WebhookError::malformed(reason).into())
                    })
            }
        }
    }
}

/// The rules' decision for the request's room, for a handler behind
/// [`RoomGuard::layer`]: the room, the user, read or write, the user info.
/// The request is refused (JSON 401, 403, ...) before the handler runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Admitted(pub Admission);

impl Deref for Admitted {
    type Target = Admission;

    fn deref(&self) -> &Admission {
        &self.0
    }
}

impl<S: Clone + Send + Sync + 'static> FromRequestParts<S> for Admitted {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Admitted, Response> {
        let Some(guard) = parts.extensions.get::<RoomGuard<S>>().cloned() else {
            return Err(reply(
                WebhookError::Misconfigured(
                    "the route takes `Admitted` but no room guard for this router's state type is installed: \
                     add `.layer(guard.layer())`",
                )
                .into(),
            ));
        };
        guard.admit(parts, state).await.map(Admitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower_service::Service as _;

    /// The session: a `user` header, refused (401) when absent.
    struct User(String);

    impl<S: Send + Sync> FromRequestParts<S> for User {
        type Rejection = Response;
        async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<User, Response> {
            parts
                .headers
                .get("user")
                .and_then(|v| v.to_str().ok())
                .map(|user| User(user.to_owned()))
                .ok_or_else(|| http::StatusCode::UNAUTHORIZED.into_response())
        }
    }

    /// `project-<id>`: alice writes project-1 and reads the project the
    /// router's state names (so the tests show the rules see the state).
    struct Projects(Vec<crate::pattern::Pattern>);

    impl crate::rule::Rule<AxumContext<u64>> for Projects {
        fn name(&self) -> &'static str {
            "projects"
        }
        fn patterns(&self) -> &[crate::pattern::Pattern] {
            &self.0
        }
        fn authorize<'a>(
            &'a self,
            room: crate::room::RoomMatch<'a>,
            cx: &'a mut AxumContext<u64>,
        ) -> crate::rule::BoxFuture<'a, Result<crate::Grant, crate::rule::Refusal<Response>>>
        {
            use crate::rule::{FromContext, Refusal};
            Box::pin(async move {
                let Ok(User(user)) = User::from_context(cx).await else {
                    return Err(Refusal::Unauthenticated);
                };
                let readable = cx.state;
                match (user.as_str(), room.param::<u64>("id")) {
                    ("alice", Some(1)) => Ok(crate::Grant::write("alice")),
                    ("alice", Some(n)) if n == readable => Ok(crate::Grant::read("alice")),
                    _ => Err(Refusal::Deny(crate::Deny::Forbidden)),
                }
            })
        }
    }

    fn projects() -> Vec<Box<dyn crate::rule::Rule<AxumContext<u64>>>> {
        vec![Box::new(Projects(vec![
            crate::pattern::Pattern::parse("project-<id>").unwrap(),
        ]))]
    }

    async fn handler(admitted: Admitted) -> String {
        format!(
            "{} {} {}",
            admitted.room,
            admitted.user(),
            admitted.access()
        )
    }

    async fn call(router: &Router, uri: &str, user: Option<&str>) -> (u16, String) {
        call_from(router, uri, user, &[]).await
    }

    async fn call_from(
        router: &Router,
        uri: &str,
        user: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut request = http::Request::builder().uri(uri);
        if let Some(user) = user {
            request = request.header("user", user);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = router
            .clone()
            .call(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    fn router(guard: RoomGuard<u64>) -> Router {
        Router::new()
            .route("/ws/{room}", get(handler))
            .route("/ws", get(handler))
            .layer(guard.layer())
            .with_state(2u64)
    }

    #[tokio::test]
    async fn the_room_from_the_path() {
        let router = router(RoomGuard::new(projects()).unwrap());
        let ok = |text: &str| (200, text.to_owned());
        assert_eq!(
            call(&router, "/ws/project-1", Some("alice")).await,
            ok("project-1 alice write")
        );
        assert_eq!(
            call(&router, "/ws/project-2", Some("alice")).await,
            ok("project-2 alice read")
        );
        let forbidden = call(&router, "/ws/project-3", Some("alice")).await;
        assert_eq!(
            forbidden,
            (
                403,
                r#"{"error":"not allowed to join this room"}"#.to_owned()
            )
        );
        let anonymous = call(&router, "/ws/project-1", None).await;
        assert_eq!(anonymous.0, 401, "{anonymous:?}");
        assert!(anonymous.1.contains("not logged in"), "{anonymous:?}");
        // Percent-decoded by the router, then refused by the name floor.
        let look_alike = call(&router, "/ws/project-1%0A", Some("alice")).await;
        assert_eq!(look_alike.0, 400, "{look_alike:?}");
        assert!(look_alike.1.contains("control character"), "{look_alike:?}");
        // No `{room}` in this route: the app's mistake, said as such.
        let unnamed = call(&router, "/ws", Some("alice")).await;
        assert_eq!(unnamed.0, 500, "{unnamed:?}");
        assert!(unnamed.1.contains("room_from_path"), "{unnamed:?}");
    }

    #[tokio::test]
    async fn the_room_from_the_query() {
        let guard = RoomGuard::new(projects()).unwrap().room_from_query("room");
        let router = router(guard);
        assert_eq!(
            call(&router, "/ws?room=project-2", Some("alice")).await,
            (200, "project-2 alice read".to_owned())
        );
        let missing = call(&router, "/ws?other=1", Some("alice")).await;
        assert_eq!(missing.0, 400, "{missing:?}");
        assert!(missing.1.contains("?room=<room>"), "{missing:?}");
    }

    #[tokio::test]
    async fn without_the_layer_the_handler_is_refused_with_the_fix() {
        let router: Router = Router::new()
            .route("/ws/{room}", get(handler))
            .with_state(2u64);
        let (status, body) = call(&router, "/ws/project-1", Some("alice")).await;
        assert_eq!(status, 500);
        assert!(body.contains("guard.layer()"), "{body}");
    }

    #[tokio::test]
    async fn a_cross_site_handshake_is_refused_before_the_rules() {
        const CROSS_SITE: &[(&str, &str)] = &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("host", "app.example"),
        ];
        const OWN: &[(&str, &str)] = &[
            ("origin", "https://app.example"),
            ("sec-fetch-site", "same-origin"),
            ("host", "app.example"),
        ];
        // By default: the app's own pages only.
        let app = router(RoomGuard::new(projects()).unwrap());
        let (status, body) = call_from(&app, "/ws/project-1", Some("alice"), CROSS_SITE).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body.contains("requests from this origin are not accepted"),
            "{body}"
        );
        assert_eq!(
            call_from(&app, "/ws/project-1", Some("alice"), OWN).await,
            (200, "project-1 alice write".to_owned())
        );
        // An allow-list: its origins only.
        let listed = RoomGuard::new(projects())
            .unwrap()
            .allowed_origins(["https://evil.example"]);
        let app = router(listed);
        assert_eq!(
            call_from(&app, "/ws/project-1", Some("alice"), CROSS_SITE)
                .await
                .0,
            200
        );
        assert_eq!(
            call_from(&app, "/ws/project-1", Some("alice"), OWN).await.0,
            403
        );
        // Every origin, when asked for.
        let app = router(RoomGuard::new(projects()).unwrap().any_origin());
        assert_eq!(
            call_from(&app, "/ws/project-1", Some("alice"), CROSS_SITE)
                .await
                .0,
            200
        );
    }
}
