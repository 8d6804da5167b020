//! The quickstart app: the seed's Express auth webhook, in Rust, with axum.
//! `main.rs` runs it; the end-to-end tests serve it on a free port.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use roomauth::axum::AxumContext;
use roomauth::room_service::{Provisioner, RoomService};
use roomauth::webhook::BuildError;
use roomauth::{Deny, Webhook, room_auth, rules};
use serde::Deserialize;

#[path = "../common/sessions.rs"]
#[allow(dead_code)] // bearer tokens: the realtime example's
mod sessions;
use sessions::Sessions;

/// The name of the session cookie, as in the seed.
pub const SESSION_COOKIE: &str = "session";
/// How long a session lasts by default.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// The demo data: who is a member of which project.
pub fn demo_members() -> HashMap<String, Vec<u64>> {
    HashMap::from([
        ("alice".to_owned(), vec![1, 2]),
        ("bob".to_owned(), vec![2]),
    ])
}

/// The app's state: the cookie-signing key, the membership table and the
/// live sessions.
#[derive(Clone)]
pub struct AppState {
    /// Signs and checks the session cookie.
    pub cookie_key: Key,
    /// user -> the projects they are a member of.
    pub members: Arc<HashMap<String, Vec<u64>>>,
    /// How long a session lasts from login.
    pub session_lifetime: Duration,
    /// The live sessions: logout ends one, so a copy of the cookie dies
    /// with it.
    sessions: Sessions,
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.cookie_key.clone()
    }
}

impl AppState {
    /// The demo members, cookies signed with `cookie_key`, sessions of
    /// [`SESSION_LIFETIME`].
    pub fn demo(cookie_key: Key) -> AppState {
        AppState {
            cookie_key,
            members: Arc::new(demo_members()),
            session_lifetime: SESSION_LIFETIME,
            sessions: Sessions::default(),
        }
    }

    /// Whether `user` is a member of project `id`.
    pub fn is_member(&self, user: &str, id: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|projects| projects.contains(&id))
    }

    /// Starts a session for `user`: the session cookie's value,
    /// `<random id>.<user>` (signed when set).
    pub fn start_session(&self, user: &str) -> String {
        let id = self.sessions.start(user, self.session_lifetime);
        format!("{id}.{user}")
    }

    /// The user of a live session, given the cookie's value.
    fn session_user(&self, value: &str) -> Option<String> {
        let (id, user) = value.split_once('.')?;
        self.sessions.user(id).filter(|owner| owner == user)
    }

    /// Ends the session a cookie's value names.
    fn end_session(&self, value: &str) {
        if let Some((id, _)) = value.split_once('.') {
            self.sessions.end(id);
        }
    }
}

/// The logged-in user, from the signed session cookie and the session it
/// names: the app's own session extractor, as an existing codebase would
/// have it.
pub struct CurrentUser(pub String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = SignedCookieJar::<Key>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        jar.get(SESSION_COOKIE)
            .and_then(|cookie| state.session_user(cookie.value()))
            .filter(|user| state.members.contains_key(user))
            .map(CurrentUser)
            .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "not logged in: POST /login first"))
    }
}

/// Who may join `project-<id>`: its members.
#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(
    user: CurrentUser,
    id: u64,
    State(app): State<AppState>,
) -> Result<String, Deny> {
    if app.is_member(&user.0, id) {
        Ok(user.0)
    } else {
        Err(Deny::Forbidden)
    }
}

/// The body of `POST /login`.
#[derive(Deserialize)]
pub struct Login {
    /// The demo user to log in as.
    pub user: String,
}

async fn login(
    State(app): State<AppState>,
    jar: SignedCookieJar,
    Json(login): Json<Login>,
) -> Response {
    if !app.members.contains_key(&login.user) {
        return error(
            StatusCode::BAD_REQUEST,
            "unknown user: log in as `alice` or `bob`",
        );
    }
    let session = app.start_session(&login.user);
    let cookie = Cookie::build((SESSION_COOKIE, session))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(app.session_lifetime.try_into().unwrap_or_default());
    (
        jar.add(cookie),
        Json(serde_json::json!({ "user": login.user })),
    )
        .into_response()
}

/// Ends the session on the server, not only in this browser: a copy of the
/// cookie is no session afterwards.
async fn logout(State(app): State<AppState>, jar: SignedCookieJar) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        app.end_session(cookie.value());
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        StatusCode::NO_CONTENT,
    )
        .into_response()
}

async fn index() -> Html<&'static str> {
    Html(include_str!("index.html"))
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// The webhook of this app: one rule, provisioning through `provisioner`.
pub fn webhook<P: Provisioner>(
    provisioner: P,
) -> Result<Webhook<AxumContext<AppState>, RoomService<P>>, BuildError> {
    Webhook::builder(RoomService::new(provisioner))
        .rules(rules![project_rooms])
        .build()
}

/// The whole app: the page, login and logout, and the auth webhook.
pub fn app(state: AppState, provisioner: impl Provisioner) -> Result<Router, BuildError> {
    let webhook = webhook(provisioner)?;
    Ok(Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/api/roomservice", post(webhook))
        .with_state(state))
}
