//! The realtime example's app: demo users and projects, a cookie session,
//! one rule set, and every backend the project has, each on its own path.
//!
//! Demo data: alice writes project-1 and reads project-2; bob writes
//! project-2; carol can log in and is in no project; project-3 exists with
//! no members; admin is in no project and may change anyone's access
//! (`POST /admin/access`), which the app's [`Revoker`] then pushes to every
//! service it can reach.
//!
//! A session is a signed `session` cookie holding a server-side session id
//! (`POST /login`). The Hocuspocus provider, which cannot send the cookie,
//! gets a bearer token for the logged-in session from `POST /token` as its
//! `token`; the token lasts five minutes ([`BEARER_TOKEN_LIFETIME`]), is
//! taken on `/hocuspocus/auth` only, and dies with the session (logout or
//! expiry).

// Each backend's endpoint, in its own file (`#[path]`, so that the tests
// that include this file get them too).
#[path = "centrifugo.rs"]
pub mod centrifugo;
#[path = "hocuspocus.rs"]
pub mod hocuspocus;
#[path = "liveblocks.rs"]
pub mod liveblocks;
#[path = "livekit.rs"]
pub mod livekit;
#[path = "own_server.rs"]
pub mod own_server;
#[path = "pusher.rs"]
pub mod pusher;
#[path = "y_sweet.rs"]
pub mod y_sweet;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use roomauth::centrifugo::{CentrifugoPublish, CentrifugoSubscribe, CentrifugoToken};
use roomauth::hocuspocus::Hocuspocus;
use roomauth::liveblocks::{Level, Liveblocks, LiveblocksGrant};
use roomauth::livekit::{LiveKit, LiveKitGrant, TrackSource};
use roomauth::revoke::Revoker;
use roomauth::room_service::{Provisioner, RoomService};
use roomauth::y_sweet::YSweet;
use roomauth::{Access, Deny, Grant, Rules, Webhook, room_auth, rules};
use serde::Deserialize;
use serde_json::json;

#[path = "../common/sessions.rs"]
mod sessions;
pub use sessions::Sessions;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "session";
/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// How long a bearer token from `POST /token` lasts: long enough for the
/// Hocuspocus provider to connect with it, short enough that a leaked one
/// is soon worthless (the provider's `token` can be an async function that
/// fetches a fresh one for each connection).
pub const BEARER_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// A demo user: their name, and their access to each project.
#[derive(Debug, Clone)]
pub struct Member {
    /// Shown to the other members of a room.
    pub name: &'static str,
    /// project id -> access.
    pub projects: HashMap<u64, Access>,
}

/// The demo user who may change others' access (`POST /admin/access`).
pub const ADMIN: &str = "admin";

/// The demo users: alice, bob, carol and admin.
pub fn demo_users() -> HashMap<&'static str, Member> {
    HashMap::from([
        (
            "alice",
            Member {
                name: "Alice",
                projects: HashMap::from([(1, Access::Write), (2, Access::Read)]),
            },
        ),
        (
            "bob",
            Member {
                name: "Bob",
                projects: HashMap::from([(2, Access::Write)]),
            },
        ),
        (
            "carol",
            Member {
                name: "Carol",
                projects: HashMap::new(),
            },
        ),
        (
            ADMIN,
            Member {
                name: "Admin",
                projects: HashMap::new(),
            },
        ),
    ])
}

/// The other members of `member`'s projects among `users`, by id, sorted.
pub fn co_members(
    id: &str,
    member: &Member,
    users: &HashMap<&'static str, Member>,
) -> Vec<&'static str> {
    let mut others: Vec<&'static str> = users
        .iter()
        .filter(|(other, them)| {
            **other != id
                && them
                    .projects
                    .keys()
                    .any(|project| member.projects.contains_key(project))
        })
        .map(|(other, _)| *other)
        .collect();
    others.sort_unstable();
    others
}

/// The app's state: the cookie key, the users, the live sessions.
#[derive(Clone)]
pub struct AppState {
    /// Signs and checks the session cookie.
    pub cookie_key: Key,
    /// The demo users; `POST /admin/access` changes their projects.
    pub users: Arc<RwLock<HashMap<&'static str, Member>>>,
    /// The live sessions and their bearer tokens (`POST /token`): logout
    /// ends both, so a copied cookie or token dies with the session.
    pub sessions: Sessions,
    /// Tells the services when someone's access changes; empty (the
    /// services re-ask only) unless [`Backends::revoker`] configures it.
    pub revoker: Revoker,
}

impl AppState {
    /// The demo state with this cookie key.
    pub fn demo(cookie_key: Key) -> AppState {
        AppState {
            cookie_key,
            users: Arc::new(RwLock::new(demo_users())),
            sessions: Sessions::default(),
            revoker: Revoker::default(),
        }
    }

    /// Starts a session for `user`; returns its id.
    pub fn start_session(&self, user: &str) -> String {
        self.sessions.start(user, SESSION_LIFETIME)
    }

    /// `user`'s record as it is now.
    pub fn member(&self, user: &str) -> Option<Member> {
        let users = self
            .users
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        users.get(user).cloned()
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.cookie_key.clone()
    }
}

/// The logged-in user, from the signed session cookie or, on the
/// Hocuspocus endpoint only, a bearer token of the session
/// (`Authorization: Bearer`, from `POST /token`, which the Hocuspocus
/// extension forwards): the app's own session extractor, as an existing
/// codebase would have it. A bearer token that is not a live one is
/// refused, cookie or not; elsewhere a bearer token is refused outright, so
/// a token is no copy of the session.
pub struct CurrentUser {
    /// The user's id.
    pub id: String,
    /// Their demo record.
    pub member: Member,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let not_logged_in = || error(StatusCode::UNAUTHORIZED, "not logged in: POST /login first");
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        let user = match bearer {
            Some(_) if parts.uri.path() != hocuspocus::AUTH_PATH => {
                return Err(error(
                    StatusCode::UNAUTHORIZED,
                    "bearer tokens from POST /token are for the Hocuspocus provider only: \
                     send the session cookie",
                ));
            }
            Some(token) => state.sessions.token_user(token.trim()),
            None => {
                let jar = SignedCookieJar::<Key>::from_request_parts(parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                jar.get(SESSION_COOKIE)
                    .and_then(|session| state.sessions.user(session.value()))
            }
        };
        let user = user.ok_or_else(not_logged_in)?;
        let member = state.member(&user).ok_or_else(not_logged_in)?;
        Ok(CurrentUser { id: user, member })
    }
}

/// The user of a Pusher sign-in, with the members of their projects as
/// the membership is now (their watchlist).
pub struct SignInUser {
    /// The logged-in user.
    pub user: CurrentUser,
    /// The other members of their projects.
    pub co_members: Vec<&'static str>,
}

impl FromRequestParts<AppState> for SignInUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let users = state
            .users
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let co_members = co_members(&user.id, &user.member, &users);
        drop(users);
        Ok(SignInUser { user, co_members })
    }
}

/// Who may enter `project-<id>`, and how: the project's members, with their
/// access, showing their name to the others. On Liveblocks every member
/// may comment, viewers included. On LiveKit, editors publish
/// camera, microphone and screen, every member carries a `role` attribute,
/// and may dispatch the `note-taker` agent (the other backends ignore
/// LiveKit's part).
#[room_auth(rooms = "project-<id>", session = user)]
pub async fn project_rooms(user: CurrentUser, id: u64) -> Result<Grant, Deny> {
    let Some(&access) = user.member.projects.get(&id) else {
        return Err(Deny::Forbidden);
    };
    let livekit = match access {
        Access::Write => LiveKitGrant::new()
            .publish_sources([
                TrackSource::Camera,
                TrackSource::Microphone,
                TrackSource::ScreenShare,
            ])
            .attribute("role", "editor"),
        Access::Read => LiveKitGrant::new().attribute("role", "viewer"),
    };
    Ok(Grant::new(user.id, access)
        .with_info(json!({ "name": user.member.name }))
        .with_extension(livekit.allow_agents([NOTE_TAKER]))
        // On Liveblocks, viewers may comment but not edit.
        .with_extension(LiveblocksGrant::new().comments(Level::Write)))
}

/// The LiveKit agent every project member may dispatch into a room.
pub const NOTE_TAKER: &str = "note-taker";

/// `project:<id>`: the same projects, named as channels of a Centrifugo
/// namespace `project` (`project:1`, `$project:1`).
#[room_auth(rooms = "project:<id>", session = user)]
pub async fn project_channels(user: CurrentUser, id: u64) -> Result<Grant, Deny> {
    project_rooms(user, id).await
}

/// The app's rules, declared and checked once: every backend's webhook
/// answers from this one value (a clone shares it).
pub fn rules() -> Result<Rules<roomauth::axum::AxumContext<AppState>>, roomauth::BuildError> {
    Rules::new(rules![project_rooms, project_channels])
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
    if app.member(&login.user).is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "unknown user: log in as `alice`, `bob`, `carol` or `admin`",
        );
    }
    let session = app.start_session(&login.user);
    let cookie = Cookie::build((SESSION_COOKIE, session))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(SESSION_LIFETIME.try_into().unwrap_or_default());
    (jar.add(cookie), Json(json!({ "user": login.user }))).into_response()
}

/// `POST /token`: a new bearer token for the session of the cookie,
/// `{"token": "<hex>", "expires_in": <seconds>}`, for the Hocuspocus
/// provider's `token` (the only endpoint that takes it); it lasts
/// [`BEARER_TOKEN_LIFETIME`], and dies with the session.
async fn token(State(app): State<AppState>, jar: SignedCookieJar) -> Response {
    match jar
        .get(SESSION_COOKIE)
        .and_then(|session| app.sessions.token(session.value(), BEARER_TOKEN_LIFETIME))
    {
        Some(token) => Json(json!({
            "token": token,
            "expires_in": BEARER_TOKEN_LIFETIME.as_secs(),
        }))
        .into_response(),
        None => error(StatusCode::UNAUTHORIZED, "not logged in: POST /login first"),
    }
}

async fn logout(State(app): State<AppState>, jar: SignedCookieJar) -> Response {
    if let Some(session) = jar.get(SESSION_COOKIE) {
        app.sessions.end(session.value());
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        StatusCode::NO_CONTENT,
    )
        .into_response()
}

/// The body of `POST /admin/access`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    /// Whose access changes.
    pub user: String,
    /// The project.
    pub project: u64,
    /// `"write"`, `"read"`, or `null` to remove the user from the project.
    pub access: Option<AccessName>,
}

/// An access level as `POST /admin/access` names it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessName {
    /// Read-only.
    Read,
    /// Read-write.
    Write,
}

/// `POST /admin/access {"user": "alice", "project": 1, "access": "write" |
/// "read" | null}`, for `admin` only: changes the user's access, then tells
/// every service the [`Revoker`] reaches. Answers `{"revoked": [{"service",
/// "outcome"}]}` (200 even when a service failed: the change itself is made,
/// and each failure says why).
async fn change_access(
    State(app): State<AppState>,
    admin: CurrentUser,
    body: Result<Json<AccessChange>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if admin.id != ADMIN {
        return error(StatusCode::FORBIDDEN, "only admin may change access");
    }
    let Json(change) = match body {
        Ok(body) => body,
        Err(rejection) => {
            let message = format!(
                "expected {{\"user\": \"alice\", \"project\": 1, \"access\": \"write\" | \"read\" | null}}: {}",
                rejection.body_text()
            );
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let access = change.access.map(|access| match access {
        AccessName::Read => Access::Read,
        AccessName::Write => Access::Write,
    });
    {
        let mut users = app
            .users
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(member) = users.get_mut(change.user.as_str()) else {
            return error(StatusCode::NOT_FOUND, "unknown user: alice, bob or carol");
        };
        match access {
            Some(access) => member.projects.insert(change.project, access),
            None => member.projects.remove(&change.project),
        };
    }
    // The record first, then the services: they ask the rules again.
    let report = app
        .revoker
        .access_changed(&change.user, &format!("project-{}", change.project), access)
        .await;
    let revoked: Vec<_> = report
        .outcomes
        .iter()
        .map(|outcome| {
            let text = match &outcome.result {
                Ok(applied) => applied.to_string(),
                Err(err) => format!("failed: {err}"),
            };
            json!({ "service": outcome.service, "outcome": text, "ms": outcome.elapsed.as_millis() })
        })
        .collect();
    Json(json!({ "user": change.user, "project": change.project, "revoked": revoked }))
        .into_response()
}

async fn index() -> Html<&'static str> {
    Html(include_str!("index.html"))
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The backends the app mounts, each configured by the caller. Tests set
/// the ones they drive and take the rest from [`Backends::dev`]:
/// `Backends { pusher, ..Backends::dev() }`.
pub struct Backends {
    /// Room Service's provisioner.
    pub room_service: Arc<dyn Provisioner>,
    /// The Pusher app (`pusher::pusher_from_env_or_dev`).
    pub pusher: roomauth::pusher::Pusher,
    /// LiveKit's API key, secret and server URL (`livekit::from_env_or_dev`).
    pub livekit: LiveKit,
    /// Liveblocks' secret key and API (`liveblocks::from_env_or_dev`).
    pub liveblocks: Liveblocks,
    /// The Hocuspocus extension's endpoint (`hocuspocus::from_env_or_dev`).
    pub hocuspocus: Hocuspocus,
    /// The y-sweet server tokens come from (`y_sweet::from_env_or_dev`).
    pub y_sweet: YSweet,
    /// Centrifugo's subscribe proxy (`CentrifugoSubscribe::from_env`).
    pub centrifugo_subscribe: CentrifugoSubscribe,
    /// Centrifugo's publish proxy (`CentrifugoPublish::from_env`).
    pub centrifugo_publish: CentrifugoPublish,
    /// Centrifugo's subscription tokens
    /// (`centrifugo::token_from_env_or_dev`).
    pub centrifugo_token: CentrifugoToken,
    /// The services told when access changes ([`revoker_from_env`]).
    pub revoker: Revoker,
}

impl Backends {
    /// Every backend on its development defaults: no account, no key. The
    /// tests' starting point (`main` reads [`Backends::from_env_or_dev`]).
    #[allow(dead_code)]
    pub fn dev() -> Backends {
        Backends {
            room_service: Arc::new(roomauth::room_service::LocalProvisioner::development()),
            pusher: pusher::dev_pusher(),
            livekit: livekit::dev(),
            liveblocks: liveblocks::dev(),
            hocuspocus: hocuspocus::dev(),
            y_sweet: y_sweet::dev(),
            centrifugo_subscribe: CentrifugoSubscribe::new(),
            centrifugo_publish: CentrifugoPublish::new(),
            centrifugo_token: centrifugo::dev_token(),
            revoker: Revoker::default(),
        }
    }

    /// Every backend from its environment variables, or its development
    /// default where they are unset. Each is built once, from what is set:
    /// no development default is built first and replaced (its start-up
    /// warnings would be about a configuration that is not used).
    pub fn from_env_or_dev() -> Result<Backends, Box<dyn std::error::Error>> {
        let mut backends = Backends {
            room_service: match roomauth::room_service::provisioner_from_env()? {
                roomauth::room_service::EnvProvisioner::Http(http) => Arc::new(http),
                roomauth::room_service::EnvProvisioner::Local(local) => Arc::new(local),
            },
            pusher: pusher::pusher_from_env_or_dev()?,
            livekit: livekit::from_env_or_dev()?,
            liveblocks: liveblocks::from_env_or_dev()?,
            hocuspocus: hocuspocus::from_env_or_dev()?,
            y_sweet: y_sweet::from_env_or_dev()?,
            centrifugo_subscribe: CentrifugoSubscribe::from_env()?,
            centrifugo_publish: CentrifugoPublish::from_env()?,
            centrifugo_token: centrifugo::token_from_env_or_dev()?,
            revoker: Revoker::default(),
        };
        backends.revoker = revoker_from_env(&backends)?;
        Ok(backends)
    }
}

/// The services whose server API the environment names: Pusher's HTTP API
/// (`PUSHER_APP_ID`, `PUSHER_HOST`, `PUSHER_PORT`, `PUSHER_SCHEME`), the
/// Hocuspocus extension's hook (`HOCUSPOCUS_URL`, signed with the
/// Hocuspocus secret), Centrifugo's server API (`CENTRIFUGO_API_URL`,
/// `CENTRIFUGO_HTTP_API_KEY`; `project-1` is its `project:1` and
/// `$project:1`) and, when `LIVEKIT_URL` is set, LiveKit's RoomService.
/// None set: an empty revoker, the services re-ask only.
pub fn revoker_from_env(backends: &Backends) -> Result<Revoker, Box<dyn std::error::Error>> {
    use roomauth::centrifugo::CentrifugoApi;
    use roomauth::hocuspocus::HocuspocusHook;
    use roomauth::livekit::LiveKitRoomService;
    use roomauth::pusher::PusherApi;
    let centrifugo = CentrifugoApi::from_env()?.map(|api| {
        api.channels(|room: &str| {
            let channel = room.replacen("project-", "project:", 1);
            vec![channel.clone(), format!("${channel}")]
        })
    });
    let livekit = match roomauth::env::process(roomauth::livekit::ENV_URL) {
        Some(_) => Some(LiveKitRoomService::new(&backends.livekit)?),
        None => None,
    };
    Ok(Revoker::builder()
        .target_if(PusherApi::from_env(&backends.pusher)?)
        .target_if(HocuspocusHook::from_env(&backends.hocuspocus)?)
        .target_if(centrifugo)
        .target_if(livekit)
        .build())
}

/// The whole app: the page, login, logout and bearer tokens, every
/// backend's endpoint, and the app's own Socket.IO and WebSocket servers,
/// over the same rules.
pub fn app(state: AppState, backends: Backends) -> Result<Router, roomauth::BuildError> {
    let state = AppState {
        revoker: backends.revoker.clone(),
        ..state
    };
    let rules = rules()?;
    let room_service = Webhook::builder(RoomService::new(backends.room_service))
        .rules(&rules)
        .build()?;
    let router = Router::new()
        .route("/", get(index))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/token", post(token))
        .route("/admin/access", post(change_access))
        .route("/api/roomservice", post(room_service));
    // Each backend mounts its endpoint here.
    // Pusher sign-in: who the user is, and whose online status they follow
    // (the watchlist: the members of their projects).
    let signin = roomauth::pusher::signin(|SignInUser { user, co_members }| {
        let watchlist = roomauth::pusher::Watchlist::new(co_members);
        let grant = Grant::read(user.id).with_info(json!({ "name": user.member.name }));
        Some(if watchlist.ids().is_empty() {
            grant
        } else {
            grant.with_extension(watchlist)
        })
    });
    let router = router.merge(pusher::routes(backends.pusher, &rules, signin)?);
    let router = router
        .merge(hocuspocus::routes(backends.hocuspocus, &rules)?)
        .merge(y_sweet::routes(backends.y_sweet, &rules)?)
        .merge(centrifugo::routes(
            backends.centrifugo_subscribe,
            backends.centrifugo_publish,
            backends.centrifugo_token,
            &rules,
        )?);
    let livekit = Webhook::builder(backends.livekit).rules(&rules).build()?;
    let liveblocks = Webhook::builder(backends.liveblocks)
        .rules(&rules)
        .build()?;
    let router = router
        .route("/livekit/token", post(livekit))
        .route("/liveblocks/auth", post(liveblocks))
        .merge(own_server::websocket_routes(&rules)?);
    // Socket.IO answers `/socket.io/` in front of every route.
    let socketio = own_server::socketio(state.clone(), &rules)?;
    Ok(router.with_state(state).layer(socketio))
}
