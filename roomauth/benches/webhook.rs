//! The webhook core end to end, in process: parse the body, dispatch the
//! room, run the rule (session, membership), build the resources, provision,
//! check the answer. roomauth's `Webhook::handle` with the quickstart's rule
//! against a hand-written function doing the same steps without roomauth's
//! webhook, dispatcher or rule trait. See BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --bench webhook
//! ```
//!
//! Three groups:
//!
//! - `webhook/local`: provisioning through the in-process
//!   `LocalProvisioner` (ids, HMAC-signed token, JSON), as in the quickstart
//!   without `ROOMSERVICE_API_KEY`;
//! - `webhook/stub`: a provisioner that hands back a ready answer, so that
//!   the figure is the webhook's own work;
//! - `webhook/deny`: a logged-in user asking for a room that is not theirs
//!   (403), which never reaches the provisioner.
//!
//! The session is a plain `session=<user>` cookie on both sides (the signed
//! cookie's HMAC costs the same on both sides and is measured under load,
//! see `examples/load/run.sh`). No `tracing` subscriber is installed, as in
//! an app that logs nothing at `info`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::StatusCode;
use http::request::Parts;
use roomauth::axum::AxumContext;
use roomauth::pattern::{Pattern, Segment};
use roomauth::provision::{
    LocalProvisioner, ProvisionError, Provisioned, Provisioner, SigningKey, SigningKeys,
};
use roomauth::rule::BoxFuture;
use roomauth::webhook::{Outcome, Reply};
use roomauth::{
    ApiKey, Deny, FromContext, IntoDecision, ProvisionRequest, Refusal, Resource, RoomMatch,
    RoomParam, Rule, UserId, Webhook,
};
use serde::Deserialize;

// ---------------------------------------------------------------------------
// The app: the quickstart's demo data and session extractor.

#[derive(Clone)]
struct AppState {
    members: Arc<HashMap<String, Vec<u64>>>,
}

impl AppState {
    fn demo() -> AppState {
        AppState {
            members: Arc::new(HashMap::from([
                ("alice".to_owned(), vec![1, 2]),
                ("bob".to_owned(), vec![2]),
            ])),
        }
    }

    fn is_member(&self, user: &str, id: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|projects| projects.contains(&id))
    }
}

/// The value of the `session` cookie, if it names a known user.
fn session_user(parts: &Parts, state: &AppState) -> Option<String> {
    let user = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("session="))?;
    state
        .members
        .contains_key(user)
        .then(|| user.to_owned())
}

struct CurrentUser(String);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        session_user(parts, state)
            .map(CurrentUser)
            .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
    }
}

/// The quickstart's rule function.
async fn project_rooms(
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

// ---------------------------------------------------------------------------
// roomauth's side: the rule as `#[room_auth(rooms = "project-<id>",
// session = user)]` expands it, written by hand.

static SEGMENTS: [Segment; 2] = [
    Segment::Literal(Cow::Borrowed("project-")),
    Segment::Placeholder(Cow::Borrowed("id")),
];
static PATTERNS: [Pattern; 1] = [Pattern::from_static("project-<id>", &SEGMENTS)];

struct ProjectRooms;

impl Rule<AxumContext<AppState>> for ProjectRooms {
    fn name(&self) -> &'static str {
        "project_rooms"
    }

    fn patterns(&self) -> &[Pattern] {
        &PATTERNS
    }

    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut AxumContext<AppState>,
    ) -> BoxFuture<'a, Result<UserId, Refusal<Response>>> {
        Box::pin(async move {
            let Some(id) = room.value("id").and_then(u64::parse_param) else {
                return Err(Refusal::NoMatch);
            };
            let user = match CurrentUser::from_context(cx).await {
                Ok(user) => user,
                Err(_) => return Err(Refusal::Unauthenticated),
            };
            let state = match State::<AppState>::from_context(cx).await {
                Ok(state) => state,
                Err(rejection) => return Err(Refusal::Rejected(rejection)),
            };
            project_rooms(user, id, state)
                .await
                .into_decision()
                .map_err(Refusal::Deny)
        })
    }
}

async fn roomauth_handle(
    webhook: &Webhook<AxumContext<AppState>>,
    state: &AppState,
    parts: &Parts,
    body: &[u8],
) -> (StatusCode, Bytes) {
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let mut cx = AxumContext {
        parts: parts.clone(),
        state: state.clone(),
    };
    match webhook.handle(content_type, body, &mut cx).await {
        Outcome::Reply(Reply { status, body, .. }) => (status, body),
        Outcome::Rejected(response) => (response.status(), Bytes::new()),
    }
}

// ---------------------------------------------------------------------------
// The hand-written side: the same steps and the same checks, in one
// function, without roomauth's webhook, dispatcher or rule trait. It uses
// roomauth's wire types only to call the same in-process provisioner.

const BODY_LIMIT: usize = 16 * 1024;
const MAX_NAME_LEN: usize = 256;
const MAX_RESOURCES: usize = 8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    room: Option<String>,
    resources: Option<Vec<BodyResource>>,
}

#[derive(Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Object {
    Room,
    Document,
}

#[derive(Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Access {
    Join,
    ReadWrite,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyResource {
    object: Object,
    reference: String,
    permission: Access,
    #[serde(default)]
    room: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

fn error(status: StatusCode, message: &str) -> (StatusCode, Bytes) {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, Bytes::from(body))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_LEN && !name.chars().any(char::is_control)
}

/// The room and documents asked for, or why the body is refused.
fn read_body(body: Body) -> Result<(String, Vec<String>), &'static str> {
    match (body.room, body.resources) {
        (Some(room), None) => Ok((room, Vec::new())),
        (None, Some(resources)) => {
            if resources.len() > MAX_RESOURCES {
                return Err("too many resources");
            }
            let mut rooms = resources.iter().filter(|r| r.object == Object::Room);
            let room = match (rooms.next(), rooms.next()) {
                (Some(room), None) => room.reference.clone(),
                _ => return Err("exactly one room resource is needed"),
            };
            let mut documents: Vec<String> = Vec::new();
            for resource in resources {
                let expected = match resource.object {
                    Object::Room => Access::Join,
                    Object::Document => Access::ReadWrite,
                };
                if resource.id.is_some() || resource.permission != expected {
                    return Err("invalid resource");
                }
                match resource.object {
                    Object::Room if resource.room.is_some() => return Err("invalid resource"),
                    Object::Room => {}
                    Object::Document => {
                        if resource.room.as_deref() != Some(room.as_str())
                            || !valid_name(&resource.reference)
                            || documents.contains(&resource.reference)
                        {
                            return Err("invalid document");
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

/// `project-<id>` with a canonical `u64` id.
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

/// The provisioner must answer for this user and give every requested
/// resource an id.
fn answers(request: &ProvisionRequest, provisioned: &Provisioned) -> bool {
    let response = &provisioned.response;
    response.user == request.user
        && request.resources.iter().all(|wanted| {
            response.resources.iter().any(|r| {
                r.object == wanted.object
                    && r.reference == wanted.reference
                    && r.room == wanted.room
                    && r.id.as_deref().is_some_and(|id| !id.is_empty())
            })
        })
}

async fn handwritten<P>(state: &AppState, parts: Parts, body: &[u8], provision: P) -> (StatusCode, Bytes)
where
    P: Fn(&ProvisionRequest) -> Result<Provisioned, ProvisionError>,
{
    if body.len() > BODY_LIMIT {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "the body is over the limit");
    }
    let is_json = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send JSON");
    }
    let (room, documents) = match serde_json::from_slice::<Body>(body)
        .map_err(|_| "the body is not a webhook request")
        .and_then(read_body)
    {
        Ok(found) => found,
        Err(reason) => return error(StatusCode::BAD_REQUEST, reason),
    };
    if !valid_name(&room) {
        return error(StatusCode::BAD_REQUEST, "invalid room name");
    }
    let Some(id) = project_id(&room) else {
        return error(StatusCode::FORBIDDEN, "not allowed to join this room");
    };
    let Some(user) = session_user(&parts, state) else {
        return error(StatusCode::UNAUTHORIZED, "not logged in");
    };
    if !state.is_member(&user, id) {
        return error(StatusCode::FORBIDDEN, "not allowed to join this room");
    }
    let mut resources = Vec::with_capacity(1 + documents.len());
    resources.push(Resource::room(room.as_str()));
    resources.extend(documents.iter().map(|doc| Resource::document(room.as_str(), doc.as_str())));
    let request = ProvisionRequest { user, resources };
    match provision(&request) {
        Ok(provisioned) if answers(&request, &provisioned) => (StatusCode::OK, provisioned.body),
        _ => error(StatusCode::BAD_GATEWAY, "provisioning failed"),
    }
}

// ---------------------------------------------------------------------------
// Provisioners.

fn local() -> LocalProvisioner {
    let key = SigningKey::new("bench", [7u8; 32]).expect("valid key");
    LocalProvisioner::new(ApiKey::new("sk_bench"), SigningKeys::new(key))
}

/// Hands back a ready answer for each request it knows.
struct Canned(Vec<(ProvisionRequest, Provisioned)>);

impl Canned {
    fn answer(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.0
            .iter()
            .find(|(known, _)| known == request)
            .map(|(_, answer)| answer.clone())
            .ok_or(ProvisionError::Connect)
    }
}

#[async_trait]
impl Provisioner for Canned {
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.answer(request)
    }
}

// ---------------------------------------------------------------------------
// The requests.

struct Request {
    name: &'static str,
    user: &'static str,
    body: &'static str,
    status: StatusCode,
}

const ALLOWED: [Request; 2] = [
    Request {
        name: "room form",
        user: "alice",
        body: r#"{"room":"project-1"}"#,
        status: StatusCode::OK,
    },
    Request {
        name: "resources form",
        user: "alice",
        body: r#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"project-2"},{"object":"room","reference":"project-2","permission":"join"}]}"#,
        status: StatusCode::OK,
    },
];

const DENIED: Request = Request {
    name: "forbidden",
    user: "bob",
    body: r#"{"room":"project-1"}"#,
    status: StatusCode::FORBIDDEN,
};

fn parts_for(user: &str) -> Parts {
    http::Request::builder()
        .method("POST")
        .uri("/api/roomservice")
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::COOKIE, format!("theme=dark; session={user}"))
        .body(())
        .expect("valid request")
        .into_parts()
        .0
}

/// The provision request both sides send for `request`.
fn provision_request(request: &Request) -> ProvisionRequest {
    let body: Body = serde_json::from_slice(request.body.as_bytes()).expect("valid body");
    let (room, documents) = read_body(body).expect("valid body");
    let mut resources = vec![Resource::room(room.as_str())];
    resources.extend(documents.iter().map(|d| Resource::document(room.as_str(), d.as_str())));
    ProvisionRequest {
        user: request.user.to_owned(),
        resources,
    }
}

/// Runs `f` `iters` times on a single-threaded runtime and times the loop.
fn time_async<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (StatusCode, Bytes)>,
{
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f().await);
        }
        start.elapsed()
    })
}

fn bench_requests<P, H>(
    c: &mut Criterion,
    group_name: &str,
    requests: &[&Request],
    webhook: &Webhook<AxumContext<AppState>>,
    provision: H,
) where
    P: Fn(&ProvisionRequest) -> Result<Provisioned, ProvisionError> + Copy,
    H: Fn() -> P,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let state = AppState::demo();
    let mut group = c.benchmark_group(group_name);
    for request in requests {
        let parts = parts_for(request.user);
        let body = request.body.as_bytes();

        // Both sides answer alike before they are timed.
        let (status, answer) = runtime.block_on(roomauth_handle(webhook, &state, &parts, body));
        assert_eq!(status, request.status, "roomauth: {}", String::from_utf8_lossy(&answer));
        let (status, hand) =
            runtime.block_on(handwritten(&state, parts.clone(), body, provision()));
        assert_eq!(status, request.status, "hand-written: {}", String::from_utf8_lossy(&hand));
        let json = |bytes: &Bytes| -> serde_json::Value {
            serde_json::from_slice(bytes).expect("a JSON answer")
        };
        let (answer, hand) = (json(&answer), json(&hand));
        assert_eq!(answer["user"], hand["user"]);
        assert_eq!(answer["resources"], hand["resources"]);

        group.bench_function(format!("{}/roomauth Webhook::handle", request.name), |b| {
            b.iter_custom(|iters| {
                time_async(&runtime, iters, || roomauth_handle(webhook, &state, &parts, body))
            })
        });
        group.bench_function(format!("{}/hand-written", request.name), |b| {
            let provision = provision();
            b.iter_custom(|iters| {
                time_async(&runtime, iters, || handwritten(&state, parts.clone(), body, provision))
            })
        });
    }
    group.finish();
}

fn webhook(c: &mut Criterion) {
    let allowed: Vec<&Request> = ALLOWED.iter().collect();

    let local_provisioner = local();
    let webhook = Webhook::builder(local())
        .rule(ProjectRooms)
        .build()
        .expect("a webhook");
    bench_requests(c, "webhook/local", &allowed, &webhook, || {
        |request: &ProvisionRequest| local_provisioner.provision_at(request, SystemTime::now())
    });

    // Ready answers, made once by the local provisioner.
    let canned = || {
        let provisioner = local();
        Canned(
            ALLOWED
                .iter()
                .map(|request| {
                    let request = provision_request(request);
                    let answer = provisioner
                        .provision_at(&request, SystemTime::now())
                        .expect("provisioned");
                    (request, answer)
                })
                .collect(),
        )
    };
    let stub = canned();
    let webhook = Webhook::builder(canned())
        .rule(ProjectRooms)
        .build()
        .expect("a webhook");
    bench_requests(c, "webhook/stub", &allowed, &webhook, || {
        |request: &ProvisionRequest| stub.answer(request)
    });
    bench_requests(c, "webhook/deny", &[&DENIED], &webhook, || {
        |request: &ProvisionRequest| stub.answer(request)
    });
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = webhook
}
criterion_main!(benches);
