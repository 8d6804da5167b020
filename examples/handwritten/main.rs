//! The quickstart's auth webhook written by hand with axum, without
//! roomauth: the baseline of the load comparison (`examples/load/run.sh`,
//! BENCHMARKS.md).
//!
//! It does what the quickstart does, step by step: the same signed
//! `session` cookie, the same demo data (alice in projects 1 and 2, bob in
//! project 2), the same body forms and checks, and the same provisioning
//! over HTTP through one pooled keep-alive `reqwest::Client` built at
//! start. It needs a Room Service-compatible server, `roomauth-local` say:
//!
//! ```text
//! cargo run --release --bin roomauth-local -- --addr 127.0.0.1:7070
//! ROOMSERVICE_API_KEY=sk_localdev ROOMSERVICE_URL=http://127.0.0.1:7070 PORT=8081 \
//!     cargo run --release --example handwritten
//! ```
//!
//! `PORT` (default 8081, 0 picks a free port), `SESSION_KEY` (hex, 64+
//! bytes) and `RUST_LOG` (default `info`) work as in the quickstart; the
//! first line on stdout names the address.

#[path = "../common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use axum_extra::extract::cookie::{Cookie, Key, SameSite, SignedCookieJar};
use serde::{Deserialize, Serialize};

const SESSION_COOKIE: &str = "session";
const BODY_LIMIT: usize = 16 * 1024;
const MAX_NAME_LEN: usize = 256;
const MAX_RESOURCES: usize = 8;

/// The provisioner: its endpoint, the `Authorization` header, and one
/// pooled client, all made once at start.
struct Upstream {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    authorization: HeaderValue,
}

#[derive(Clone)]
struct AppState {
    cookie_key: Key,
    members: Arc<HashMap<String, Vec<u64>>>,
    upstream: Arc<Upstream>,
}

impl AppState {
    fn is_member(&self, user: &str, id: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|projects| projects.contains(&id))
    }
}

// The wire types of Room Service (roomauth::room_service docs), written out.

#[derive(Deserialize, Serialize, PartialEq, Eq, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
enum Object {
    Room,
    Document,
}

#[derive(Deserialize, Serialize, PartialEq, Eq, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
enum Access {
    Join,
    ReadWrite,
}

#[derive(Deserialize, Serialize, Debug)]
#[serde(deny_unknown_fields)]
struct WireResource {
    object: Object,
    reference: String,
    permission: Access,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    room: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// The browser's body: `{"room": ...}` or `{"resources": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookBody {
    room: Option<String>,
    resources: Option<Vec<WireResource>>,
}

#[derive(Serialize)]
struct ProvisionRequest<'a> {
    user: &'a str,
    resources: Vec<WireResource>,
}

#[derive(Deserialize)]
struct ProvisionResponse {
    user: String,
    resources: Vec<WireResource>,
    token: String,
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_LEN && !name.chars().any(char::is_control)
}

/// The room and the documents asked for, or why the body is refused.
fn read_body(body: WebhookBody) -> Result<(String, Vec<String>), &'static str> {
    match (body.room, body.resources) {
        // The seed's promise for `{"room"}`: the room and its default
        // document, read-write.
        (Some(room), None) => Ok((room, vec!["default".to_owned()])),
        (None, Some(resources)) => {
            if resources.len() > MAX_RESOURCES {
                return Err("too many resources");
            }
            let mut rooms = resources.iter().filter(|r| r.object == Object::Room);
            let room = match (rooms.next(), rooms.next()) {
                (Some(room), None) => room.reference.clone(),
                _ => return Err("`resources` must name exactly one room"),
            };
            let mut documents: Vec<String> = Vec::new();
            for resource in resources {
                let expected = match resource.object {
                    Object::Room => Access::Join,
                    Object::Document => Access::ReadWrite,
                };
                if resource.id.is_some() || resource.permission != expected {
                    return Err("a resource has an id or the wrong permission");
                }
                match resource.object {
                    Object::Room if resource.room.is_some() => {
                        return Err("a room resource has a `room` field");
                    }
                    Object::Room => {}
                    Object::Document => {
                        if resource.room.as_deref() != Some(room.as_str())
                            || !valid_name(&resource.reference)
                            || documents.contains(&resource.reference)
                        {
                            return Err("a document of another room, badly named, or twice");
                        }
                        documents.push(resource.reference);
                    }
                }
            }
            Ok((room, documents))
        }
        _ => Err("send one of `room` and `resources`"),
    }
}

/// `project-<id>` with a canonical `u64` id (no sign, no leading zero).
fn project_id(room: &str) -> Option<u64> {
    let digits = room.strip_prefix("project-")?;
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => true,
        [b'0', ..] => false,
        bytes => bytes.iter().all(u8::is_ascii_digit),
    };
    if canonical { digits.parse().ok() } else { None }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// `POST /api/roomservice`: the seed's four steps, with the checks the
/// quickstart makes.
async fn webhook(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if !is_json(&headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as `Content-Type: application/json`",
        );
    }
    let (room, documents) = match serde_json::from_slice::<WebhookBody>(&body)
        .map_err(|_| "the body is not a webhook request")
        .and_then(read_body)
    {
        Ok(found) => found,
        Err(reason) => return error(StatusCode::BAD_REQUEST, reason),
    };
    if !valid_name(&room) {
        return error(StatusCode::BAD_REQUEST, "invalid room name");
    }
    let forbidden = || error(StatusCode::FORBIDDEN, "not allowed to join this room");
    let Some(id) = project_id(&room) else {
        tracing::info!(
            room,
            outcome = "forbidden",
            reason = "no rule matches",
            "room auth"
        );
        return forbidden();
    };
    let jar = SignedCookieJar::from_headers(&headers, app.cookie_key.clone());
    let Some(user) = jar
        .get(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|user| app.members.contains_key(user))
    else {
        tracing::info!(room, outcome = "unauthorized", "room auth");
        return error(StatusCode::UNAUTHORIZED, "not logged in: POST /login first");
    };
    if !app.is_member(&user, id) {
        tracing::info!(room, user, outcome = "forbidden", "room auth");
        return forbidden();
    }
    tracing::info!(room, user, outcome = "allowed", "room auth");

    let mut resources = Vec::with_capacity(1 + documents.len());
    resources.push(WireResource {
        object: Object::Room,
        reference: room.clone(),
        permission: Access::Join,
        room: None,
        id: None,
    });
    resources.extend(documents.into_iter().map(|document| WireResource {
        object: Object::Document,
        reference: document,
        permission: Access::ReadWrite,
        room: Some(room.clone()),
        id: None,
    }));
    let request = ProvisionRequest {
        user: &user,
        resources,
    };
    provision(&app.upstream, &request).await
}

/// Posts to the provisioner and returns its body unchanged, once checked.
async fn provision(upstream: &Upstream, request: &ProvisionRequest<'_>) -> Response {
    let Ok(payload) = serde_json::to_vec(request) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
    };
    let sent = upstream
        .client
        .post(upstream.endpoint.clone())
        .header(AUTHORIZATION, upstream.authorization.clone())
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .body(payload)
        .send()
        .await;
    let upstream_error = |err: &reqwest::Error| {
        tracing::warn!(error = %err, "provisioning failed");
        if err.is_timeout() {
            error(
                StatusCode::GATEWAY_TIMEOUT,
                "the provisioner did not answer in time",
            )
        } else {
            error(StatusCode::BAD_GATEWAY, "the provisioner failed")
        }
    };
    let response = match sent {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            tracing::warn!(status = %response.status(), "the provisioner refused");
            return error(StatusCode::BAD_GATEWAY, "the provisioner failed");
        }
        Err(err) => return upstream_error(&err),
    };
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(err) => return upstream_error(&err),
    };
    // The answer must be for this user, with a token and an id for every
    // resource asked for.
    let answers = serde_json::from_slice::<ProvisionResponse>(&body).is_ok_and(|answer| {
        answer.user == request.user
            && !answer.token.is_empty()
            && request.resources.iter().all(|wanted| {
                answer.resources.iter().any(|r| {
                    r.object == wanted.object
                        && r.reference == wanted.reference
                        && r.room == wanted.room
                        && r.id.as_deref().is_some_and(|id| !id.is_empty())
                })
            })
    });
    if !answers {
        tracing::warn!("the provisioner answered another request");
        return error(StatusCode::BAD_GATEWAY, "the provisioner failed");
    }
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
struct Login {
    user: String,
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

impl axum::extract::FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.cookie_key.clone()
    }
}

fn upstream() -> Result<Upstream, Box<dyn std::error::Error>> {
    let key = std::env::var("ROOMSERVICE_API_KEY").unwrap_or_else(|_| "sk_localdev".to_owned());
    let base =
        std::env::var("ROOMSERVICE_URL").unwrap_or_else(|_| "http://127.0.0.1:7070".to_owned());
    let endpoint = reqwest::Url::parse(&format!("{}/provision", base.trim_end_matches('/')))?;
    let mut authorization = HeaderValue::try_from(format!("Bearer: {key}"))?;
    authorization.set_sensitive(true);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(32)
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok(Upstream {
        client,
        endpoint,
        authorization,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    common::init_logging();
    let port = common::port(8081)?;
    let cookie_key = match common::session_key()? {
        Some(bytes) => Key::try_from(bytes.as_slice())?,
        None => Key::generate(),
    };
    let state = AppState {
        cookie_key,
        members: Arc::new(HashMap::from([
            ("alice".to_owned(), vec![1, 2]),
            ("bob".to_owned(), vec![2]),
        ])),
        upstream: Arc::new(upstream()?),
    };
    let router = Router::new()
        .route("/login", post(login))
        .route("/api/roomservice", post(webhook))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("handwritten webhook on http://{}/", listener.local_addr()?);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
