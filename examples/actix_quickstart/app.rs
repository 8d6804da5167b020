//! The quickstart on actix-web: the same flow and demo data as
//! `examples/quickstart`, with actix-web extractors in the rule.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::Arc;
use std::time::Duration;

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{Payload, Server};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use roomauth::actix::ActixContext;
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

/// The demo data: alice is a member of projects 1 and 2, bob of project 2.
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

    /// Starts a session for `user`: the session cookie's value,
    /// `<random id>.<user>` (signed when set).
    pub fn start_session(&self, user: &str) -> String {
        let id = self.sessions.start(user, self.session_lifetime);
        format!("{id}.{user}")
    }

    /// The value of `request`'s signed session cookie, if it is genuine.
    fn session_value(&self, request: &HttpRequest) -> Option<String> {
        let mut jar = CookieJar::new();
        jar.add_original(request.cookie(SESSION_COOKIE)?.into_owned());
        let value = jar
            .signed(&self.cookie_key)
            .get(SESSION_COOKIE)?
            .value()
            .to_owned();
        Some(value)
    }

    /// Whether `user` is a member of project `id`.
    pub fn is_member(&self, user: &str, id: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|projects| projects.contains(&id))
    }

    /// The user of the live session `request`'s signed cookie names.
    fn session_user(&self, request: &HttpRequest) -> Option<String> {
        let value = self.session_value(request)?;
        let (id, user) = value.split_once('.')?;
        if self.sessions.user(id)? != user {
            return None;
        }
        self.members.contains_key(user).then(|| user.to_owned())
    }
}

/// Not logged in, as a JSON 401.
#[derive(Debug)]
pub struct NotLoggedIn;

impl std::fmt::Display for NotLoggedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not logged in: POST /login first")
    }
}

impl ResponseError for NotLoggedIn {
    fn error_response(&self) -> HttpResponse {
        HttpResponse::Unauthorized().json(serde_json::json!({ "error": self.to_string() }))
    }
}

/// The logged-in user, from the signed session cookie.
pub struct CurrentUser(pub String);

impl FromRequest for CurrentUser {
    type Error = NotLoggedIn;
    type Future = Ready<Result<Self, NotLoggedIn>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = request
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.session_user(request));
        ready(user.map(CurrentUser).ok_or(NotLoggedIn))
    }
}

/// Who may join `project-<id>`: its members.
#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(
    user: CurrentUser,
    id: u64,
    app: web::Data<AppState>,
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

/// `POST /login` with `{"user"}`: starts a session, sets its signed cookie.
pub async fn login(app: web::Data<AppState>, login: web::Json<Login>) -> HttpResponse {
    if !app.members.contains_key(&login.user) {
        return HttpResponse::BadRequest()
            .json(serde_json::json!({ "error": "unknown user: log in as `alice` or `bob`" }));
    }
    let mut jar = CookieJar::new();
    jar.signed_mut(&app.cookie_key)
        .add(Cookie::new(SESSION_COOKIE, app.start_session(&login.user)));
    let mut cookie = jar
        .get(SESSION_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(SESSION_COOKIE, ""));
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_max_age(app.session_lifetime.try_into().ok());
    HttpResponse::Ok()
        .cookie(cookie)
        .json(serde_json::json!({ "user": login.user }))
}

/// Ends the session on the server, not only in this browser: a copy of the
/// cookie is no session afterwards.
async fn logout(app: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    if let Some(value) = app.session_value(&request)
        && let Some((id, _)) = value.split_once('.')
    {
        app.sessions.end(id);
    }
    let mut cookie = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    cookie.make_removal();
    HttpResponse::NoContent().cookie(cookie).finish()
}

/// The webhook of this app: one rule, provisioning through `provisioner`.
pub fn webhook<P: Provisioner>(
    provisioner: P,
) -> Result<Webhook<ActixContext, RoomService<P>>, BuildError> {
    Webhook::builder(RoomService::new(provisioner))
        .rules(rules![project_rooms])
        .build()
}

/// The app served on `listener`: login, logout and the auth webhook.
pub fn server(
    listener: std::net::TcpListener,
    state: AppState,
    provisioner: impl Provisioner,
) -> std::io::Result<Server> {
    let webhook = webhook(provisioner).map_err(std::io::Error::other)?;
    let state = web::Data::new(state);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/login", web::post().to(login))
            .route("/logout", web::post().to(logout))
            .route("/api/roomservice", web::post().to(webhook.clone()))
    })
    .workers(2)
    .listen(listener)?
    .run())
}
