//! The realtime demo's rules and session, for the end-to-end tests of the
//! document-server backends: alice writes project-1 and reads project-2,
//! bob writes project-2, carol logs in and is in no project, project-3 has
//! no members. A session is a signed `session` cookie (`POST /login`), or a
//! demo bearer token `<user>-token` (what a Hocuspocus provider's `token`
//! would carry).

use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::post;
use axum_extra::extract::cookie::{Cookie, Key, SignedCookieJar};
use roomauth::axum::AxumContext;
use roomauth::backend::Backend;
use roomauth::{Deny, Grant, Webhook, room_auth, rules};
use serde_json::json;

/// The app's state: the cookie key.
#[derive(Clone)]
pub struct DemoState {
    key: Key,
}

impl FromRef<DemoState> for Key {
    fn from_ref(state: &DemoState) -> Key {
        state.key.clone()
    }
}

/// The logged-in user.
pub struct DemoUser(pub String);

const USERS: [&str; 3] = ["alice", "bob", "carol"];

impl FromRequestParts<DemoState> for DemoUser {
    type Rejection = ();

    async fn from_request_parts(parts: &mut Parts, state: &DemoState) -> Result<Self, ()> {
        if let Some(token) = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let user = token.strip_suffix("-token").ok_or(())?;
            return USERS
                .contains(&user)
                .then(|| DemoUser(user.to_owned()))
                .ok_or(());
        }
        let jar = SignedCookieJar::<Key>::from_request_parts(parts, state)
            .await
            .map_err(|_| ())?;
        let user = jar.get("session").ok_or(())?.value().to_owned();
        USERS
            .contains(&user.as_str())
            .then_some(DemoUser(user))
            .ok_or(())
    }
}

fn name_of(user: &str) -> String {
    let mut name = user.to_owned();
    name[..1].make_ascii_uppercase();
    name
}

/// What `user` may do in project `id`.
fn access(user: &str, id: u64) -> Option<bool> {
    match (user, id) {
        ("alice", 1) | ("bob", 2) => Some(true),
        ("alice", 2) => Some(false),
        _ => None,
    }
}

/// `project-<id>`: the demo's members, with `{"name"}` as user info.
#[room_auth(rooms = "project-<id>", access = "write", session = user)]
pub async fn project_rooms(user: DemoUser, id: u64) -> Result<Grant, Deny> {
    let info = json!({ "name": name_of(&user.0) });
    match access(&user.0, id) {
        Some(true) => Ok(Grant::write(user.0).with_info(info)),
        Some(false) => Ok(Grant::read(user.0).with_info(info)),
        None => Err(Deny::Forbidden),
    }
}

/// `project:<id>`: the same members, for Centrifugo's namespaced channels.
#[room_auth(rooms = "project:<id>", access = "write", session = user)]
pub async fn project_channels(user: DemoUser, id: u64) -> Result<Grant, Deny> {
    project_rooms(user, id).await
}

async fn login(
    jar: SignedCookieJar,
    axum::Json(body): axum::Json<serde_json::Value>,
) -> SignedCookieJar {
    let user = body["user"].as_str().unwrap_or_default().to_owned();
    jar.add(Cookie::build(("session", user)).path("/"))
}

/// The demo app: `POST /login {"user"}` and `backend` mounted at `path`.
pub fn demo_app<B: Backend>(path: &str, backend: B) -> Router
where
    Webhook<AxumContext<DemoState>, B>: axum::handler::Handler<(), DemoState>,
{
    let webhook = Webhook::builder(backend)
        .rules(rules![project_rooms, project_channels])
        .build()
        .expect("the demo's rules do not overlap");
    Router::new()
        .route("/login", post(login))
        .route(path, post(webhook))
        .with_state(DemoState {
            key: Key::generate(),
        })
}

/// Logs `user` in on `app` (served at `base`): the `Cookie` header value.
pub async fn login_cookie(base: &str, user: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{base}/login"))
        .json(&json!({ "user": user }))
        .send()
        .await
        .expect("login");
    let set_cookie = response
        .headers()
        .get(axum::http::header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .expect("ascii");
    set_cookie.split(';').next().expect("name=value").to_owned()
}
