//! The realtime example's rule set for the backend benches: a `session=<user>`
//! cookie as the session (its cost is the same on every side), and
//! `project-<id>` (and `project:<id>` for Centrifugo's namespaces) with the
//! example's demo data for alice.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use roomauth::rule::{Access, Grant};
use roomauth::{Deny, room_auth};
use serde_json::json;

/// The benches' app state: who is in which project, with what access.
#[derive(Clone)]
pub struct AppState {
    members: Arc<HashMap<String, HashMap<u64, Access>>>,
}

impl AppState {
    /// alice writes project-1 and reads project-2.
    pub fn demo() -> AppState {
        AppState {
            members: Arc::new(HashMap::from([(
                "alice".to_owned(),
                HashMap::from([(1, Access::Write), (2, Access::Read)]),
            )])),
        }
    }

    /// `user`'s access to project `id`, if they are a member.
    pub fn access(&self, user: &str, id: u64) -> Option<Access> {
        self.members.get(user)?.get(&id).copied()
    }
}

/// The logged-in user, from a plain `session=<user>` cookie.
pub struct CurrentUser(String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        parts
            .headers
            .get(http::header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("session="))
            .filter(|user| state.members.contains_key(*user))
            .map(|user| CurrentUser(user.to_owned()))
            .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The realtime example's rule.
#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(
    user: CurrentUser,
    id: u64,
    State(app): State<AppState>,
) -> Result<Grant, Deny> {
    match app.access(&user.0, id) {
        Some(access) => Ok(Grant::new(user.0, access).with_info(json!({ "name": "Alice" }))),
        None => Err(Deny::Forbidden),
    }
}

/// The same projects as channels of a Centrifugo namespace `project`.
#[room_auth(rooms = "project:<id>", session = user)]
pub async fn project_channels(
    user: CurrentUser,
    id: u64,
    state: State<AppState>,
) -> Result<Grant, Deny> {
    project_rooms(user, id, state).await
}
