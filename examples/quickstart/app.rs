//! The quickstart app: the seed's Express auth webhook, in Rust, with axum.
//! `main.rs` runs it; the end-to-end tests serve it on a free port.

use std::collections::HashMap;
use std::sync::Arc;

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

/// The name of the session cookie, as in the seed.
pub const SESSION_COOKIE: &str = "session";

/// The demo data: who is a member of which project.
pub fn demo_members() -> HashMap<String, Vec<u64>> {
    HashMap::from([
        ("alice".to_owned(), vec![1, 2]),
        ("bob".to_owned(), vec![2]),
    ])
}

/// The app's state: the cookie-signing key and the membership table.
#[derive(Clone)]
pub struct AppState {
    /// Signs and checks the session cookie.
    pub cookie_key: Key,
    /// user -> the projects they are a member of.
    pub members: Arc<HashMap<String, Vec<u64>>>,
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.cookie_key.clone()
    }
}

impl AppState {
    /// Whether `user` is a member of project `id`.
    pub fn is_member(&self, user: &str, id: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|projects| projects.contains(&id))
    }
}

/// The logged-in user, from the signed session cookie: the app's own
/// session extractor, as an existing codebase would have it.
pub struct CurrentUser(pub String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = SignedCookieJar::<Key>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match jar.get(SESSION_COOKIE) {
            Some(cookie) if state.members.contains_key(cookie.value()) => {
                Ok(CurrentUser(cookie.value().to_owned()))
            }
            _ => Err(error(
                StatusCode::UNAUTHORIZED,
                "not logged in: POST /login first",
            )),
        }
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
    let cookie = Cookie::build((SESSION_COOKIE, login.user.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax);
    (
        jar.add(cookie),
        Json(serde_json::json!({ "user": login.user })),
    )
        .into_response()
}

async fn logout(jar: SignedCookieJar) -> Response {
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
