//! The webhook core end to end, in process: parse the body, dispatch the
//! room, run the rule (session, membership), build the resources, provision,
//! check the answer. roomauth's `Webhook::handle` with the quickstart's rule
//! (`#[room_auth]`, and the same rule as a hand-written `impl Rule`) against
//! a hand-written function doing the same steps without roomauth's webhook,
//! dispatcher or rule trait. See BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --bench webhook
//! ```
//!
//! Four groups:
//!
//! - `webhook/local`: provisioning through the in-process
//!   `LocalProvisioner` (ids, HMAC-signed token, JSON), as in the quickstart
//!   without `ROOMSERVICE_API_KEY`;
//! - `webhook/stub`: a provisioner that hands back a ready answer, so that
//!   the figure is the webhook's own work;
//! - `webhook/deny`: a logged-in user asking for a room that is not theirs
//!   (403), which never reaches the provisioner;
//! - `webhook/phases`: reading the body, then authorizing (dispatch, rule,
//!   resources), each alone, to tell where the webhook's time goes.
//!
//! The session is a plain `session=<user>` cookie on both sides (the signed
//! cookie's HMAC costs the same on both sides and is measured under load,
//! see `examples/load/run.sh`). No `tracing` subscriber is installed, as in
//! an app that logs nothing at `info`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::Ordering;
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
use roomauth::room::RoomMatch;
use roomauth::room_service::local::{document_id, room_id};
use roomauth::room_service::{
    LocalProvisioner, ProvisionError, Provisioned, Provisioner, SigningKey, SigningKeys,
};
use roomauth::room_service::{ProvisionRequest, Resource, RoomRequest, RoomService};
use roomauth::rule::BoxFuture;
use roomauth::rule::{Access as MaxAccess, FromContext, Grant, IntoDecision, Refusal, Rule};
use roomauth::secret::ApiKey;
use roomauth::webhook::WebhookError;
use roomauth::{Deny, RoomParam, Webhook, room_auth};
use serde::Deserialize;

#[path = "support/answer.rs"]
mod answer;
mod support;
use answer::in_process;
use support::{ITERATIONS, config, iter, print_iterations, time_sync};

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
    state.members.contains_key(user).then(|| user.to_owned())
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

/// The quickstart's rule, through the macro: also a `project_rooms` unit
/// struct that implements `Rule`.
#[room_auth(rooms = "project-<id>", session = user)]
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
// The same rule without the macro: what `#[room_auth(rooms = "project-<id>",
// session = user)]` generates, written by hand (for a concrete context).

static SEGMENTS: [Segment; 2] = [
    Segment::Literal(Cow::Borrowed("project-")),
    Segment::Placeholder(Cow::Borrowed("id")),
];
static PATTERNS: [Pattern; 1] = [Pattern::from_static(
    "project-<id>",
    &SEGMENTS,
    &[<u64 as RoomParam>::SHAPE],
)];

struct ProjectRoomsByHand;

impl Rule<AxumContext<AppState>> for ProjectRoomsByHand {
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
    ) -> BoxFuture<'a, Result<Grant, Refusal<Response>>> {
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
                .into_decision(MaxAccess::Write)
                .map_err(Refusal::Deny)
        })
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

/// Step 1: the body, read into the room and the documents asked for.
fn hw_parse(parts: &Parts, body: &[u8]) -> Result<(String, Vec<String>), (StatusCode, Bytes)> {
    if body.len() > BODY_LIMIT {
        return Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the body is over the limit",
        ));
    }
    let is_json = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send JSON"));
    }
    let (room, documents) = serde_json::from_slice::<Body>(body)
        .map_err(|_| "the body is not a webhook request")
        .and_then(read_body)
        .map_err(|reason| error(StatusCode::BAD_REQUEST, reason))?;
    if !valid_name(&room) {
        return Err(error(StatusCode::BAD_REQUEST, "invalid room name"));
    }
    Ok((room, documents))
}

/// Steps 2 to 5: the rule (`project-<id>`, session, membership) and the
/// resources to provision.
fn hw_authorize(
    state: &AppState,
    parts: &Parts,
    room: &str,
    documents: &[String],
) -> Result<ProvisionRequest, (StatusCode, Bytes)> {
    let Some(id) = project_id(room) else {
        return Err(error(
            StatusCode::FORBIDDEN,
            "not allowed to join this room",
        ));
    };
    let Some(user) = session_user(parts, state) else {
        return Err(error(StatusCode::UNAUTHORIZED, "not logged in"));
    };
    if !state.is_member(&user, id) {
        return Err(error(
            StatusCode::FORBIDDEN,
            "not allowed to join this room",
        ));
    }
    let mut resources = Vec::with_capacity(1 + documents.len());
    resources.push(Resource::room(room));
    resources.extend(
        documents
            .iter()
            .map(|doc| Resource::document(room, doc.as_str())),
    );
    Ok(ProvisionRequest { user, resources })
}

/// The whole webhook, by hand.
async fn handwritten<P>(
    state: &AppState,
    parts: Parts,
    body: &[u8],
    provision: P,
) -> (StatusCode, Bytes)
where
    P: Fn(&ProvisionRequest) -> Result<Provisioned, ProvisionError>,
{
    let (room, documents) = match hw_parse(&parts, body) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let request = match hw_authorize(state, &parts, &room, &documents) {
        Ok(request) => request,
        Err(answer) => return answer,
    };
    // Step 6: provision, and check the answer.
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
    /// Ready answers for the allowed requests, made by a local provisioner.
    fn new() -> Canned {
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
    }

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
    resources.extend(
        documents
            .iter()
            .map(|d| Resource::document(room.as_str(), d.as_str())),
    );
    ProvisionRequest {
        user: request.user.to_owned(),
        resources,
    }
}

// ---------------------------------------------------------------------------
// The benchmarks.

/// A webhook over Room Service with provisioner `P`. The benches give it
/// the provisioner's concrete type, as `RoomService::new(LocalProvisioner)`
/// or `RoomService::from_env()` do: one boxed provisioning future per
/// request, as the webhook before the seam had with its one
/// `Arc<dyn Provisioner>` called through `&dyn`.
type AxumWebhook<P> = Webhook<AxumContext<AppState>, RoomService<P>>;

/// The two roomauth webhooks: the rule through the macro, and by hand.
fn webhooks<P: Provisioner>(provisioner: impl Fn() -> P) -> [(&'static str, AxumWebhook<P>); 2] {
    [
        (
            "roomauth #[room_auth]",
            Webhook::builder(RoomService::new(provisioner()))
                .rules(roomauth::rules![project_rooms])
                .build()
                .expect("a webhook"),
        ),
        (
            "roomauth impl Rule",
            Webhook::builder(RoomService::new(provisioner()))
                .rule(ProjectRoomsByHand)
                .build()
                .expect("a webhook"),
        ),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

/// Runs `f` `iters` times on a single-threaded runtime and times the loop.
fn time_async<F, Fut, T>(runtime: &tokio::runtime::Runtime, iters: u64, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    ITERATIONS.fetch_add(iters, Ordering::Relaxed);
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f().await);
        }
        start.elapsed()
    })
}

fn bench_requests<Q: Provisioner, P, H>(
    c: &mut Criterion,
    group_name: &str,
    requests: &[&Request],
    webhooks: &[(&str, AxumWebhook<Q>)],
    provision: H,
) where
    P: Fn(&ProvisionRequest) -> Result<Provisioned, ProvisionError> + Copy,
    H: Fn() -> P,
{
    let runtime = runtime();
    let state = AppState::demo();
    let mut group = c.benchmark_group(group_name);
    for request in requests {
        let parts = parts_for(request.user);
        let body = request.body.as_bytes();

        // Every side answers alike before they are timed.
        let (status, hand) =
            runtime.block_on(handwritten(&state, parts.clone(), body, provision()));
        assert_eq!(
            status,
            request.status,
            "hand-written: {}",
            String::from_utf8_lossy(&hand)
        );
        let json = |bytes: &Bytes| -> serde_json::Value {
            serde_json::from_slice(bytes).expect("a JSON answer")
        };
        let hand = json(&hand);
        for (name, webhook) in webhooks {
            let (status, answer) = runtime.block_on(in_process(webhook, &state, &parts, body));
            assert_eq!(
                status,
                request.status,
                "{name}: {}",
                String::from_utf8_lossy(&answer)
            );
            let answer = json(&answer);
            assert_eq!(answer["user"], hand["user"]);
            assert_eq!(answer["resources"], hand["resources"]);
        }

        for (name, webhook) in webhooks {
            group.bench_function(format!("{}/{name}", request.name), |b| {
                b.iter_custom(|iters| {
                    time_async(&runtime, iters, || {
                        in_process(webhook, &state, &parts, body)
                    })
                })
            });
        }
        group.bench_function(format!("{}/hand-written", request.name), |b| {
            let provision = provision();
            b.iter_custom(|iters| {
                time_async(&runtime, iters, || {
                    handwritten(&state, parts.clone(), body, provision)
                })
            })
        });
    }
    group.finish();
}

/// Reading the body, then authorizing, each alone.
fn bench_phases(c: &mut Criterion, webhooks: &[(&str, AxumWebhook<Canned>)]) {
    let runtime = runtime();
    let state = AppState::demo();
    let mut group = c.benchmark_group("webhook/phases");
    for request in &ALLOWED {
        let parts = parts_for(request.user);
        let body = request.body.as_bytes();
        let content_type = Some("application/json");
        group.bench_function(
            format!("parse {}/roomauth RoomRequest::parse", request.name),
            |b| {
                iter(b, || {
                    RoomRequest::parse(black_box(content_type), black_box(body)).is_ok()
                })
            },
        );
        group.bench_function(format!("parse {}/hand-written", request.name), |b| {
            iter(b, || hw_parse(black_box(&parts), black_box(body)).is_ok())
        });
    }

    let request = &ALLOWED[1];
    let parts = parts_for(request.user);
    let parsed = RoomRequest::parse(Some("application/json"), request.body.as_bytes())
        .expect("a valid body");
    for (name, webhook) in webhooks {
        group.bench_function(format!("authorize {}/{name}", request.name), |b| {
            b.iter_custom(|iters| {
                time_async(&runtime, iters, || async {
                    let mut cx = AxumContext {
                        parts: parts.clone(),
                        state: state.clone(),
                    };
                    webhook.decide(&parsed.room, &mut cx).await.is_ok()
                })
            })
        });
    }
    group.bench_function(format!("authorize {}/hand-written", request.name), |b| {
        b.iter_custom(|iters| {
            time_async(&runtime, iters, || async {
                let parts = parts.clone();
                hw_authorize(&state, &parts, &parsed.room, &parsed.documents).is_ok()
            })
        })
    });
    group.finish();
}

/// The cost of steps of roomauth's request path that could be done once, or
/// not at all (BENCHMARKS.md, hot spots), measured on their own.
fn bench_costs(c: &mut Criterion) {
    let mut group = c.benchmark_group("webhook/costs");

    // The `RoomService` client reads the provisioner's answer twice: once
    // for the token alone, then whole (`parse_response`).
    #[derive(Deserialize)]
    struct TokenProbe<'a> {
        #[serde(default, borrow)]
        token: Option<Cow<'a, str>>,
    }
    let answer = local()
        .provision_at(&provision_request(&ALLOWED[1]), SystemTime::now())
        .expect("provisioned")
        .body;
    group.bench_function("provisioner answer/token probe parse", |b| {
        iter(b, || {
            serde_json::from_slice::<TokenProbe<'_>>(black_box(&answer))
                .map(|probe| probe.token.map(|t| t.len()))
                .ok()
        })
    });
    group.bench_function("provisioner answer/full parse", |b| {
        iter(b, || {
            serde_json::from_slice::<roomauth::room_service::ProvisionResponse>(black_box(&answer))
                .map(|response| response.resources.len())
                .ok()
        })
    });

    // A denial's body is built per request, though its text never changes.
    group.bench_function("403 body/WebhookError::to_json", |b| {
        iter(b, || black_box(WebhookError::Forbidden).to_json())
    });
    let ready = WebhookError::Forbidden.to_json();
    group.bench_function("403 body/made once, cloned", |b| {
        iter(b, || black_box(&ready).clone())
    });

    // A provisioner shared through `Arc<dyn Provisioner>`, once and twice:
    // `Arc<P>`'s implementation hands the inner future back as it is, so a
    // layer costs no boxed future of its own.
    let request = provision_request(&ALLOWED[0]);
    let runtime = runtime();
    let once: Arc<dyn Provisioner> = Arc::new(Canned::new());
    let twice: Arc<dyn Provisioner> = Arc::new(Arc::clone(&once));
    for (name, provisioner) in [
        ("Arc<dyn Provisioner>", &once),
        ("Arc<Arc<dyn Provisioner>>", &twice),
    ] {
        group.bench_function(format!("provision through/{name}"), |b| {
            b.iter_custom(|iters| {
                time_async(&runtime, iters, || async {
                    provisioner.provision(&request).await.is_ok()
                })
            })
        });
    }

    // The local provisioner in process: a whole provisioning, and the two
    // stable ids, which depend only on the names, that it computes for it.
    let local_provisioner = local();
    let two_resources = provision_request(&ALLOWED[1]);
    group.bench_function("local provisioner/provision_at resources form", |b| {
        b.iter_custom(|iters| {
            time_sync(iters, || {
                local_provisioner
                    .provision_at(black_box(&two_resources), SystemTime::now())
                    .is_ok()
            })
        })
    });
    group.bench_function("local provisioner/room_id + document_id", |b| {
        b.iter_custom(|iters| {
            time_sync(iters, || {
                let room = black_box("project-2");
                (room_id(room), document_id(room, black_box("default")))
            })
        })
    });
    group.finish();
}

fn webhook(c: &mut Criterion) {
    let allowed: Vec<&Request> = ALLOWED.iter().collect();

    let local_provisioner = local();
    let local_webhooks = webhooks(local);
    bench_requests(c, "webhook/local", &allowed, &local_webhooks, || {
        |request: &ProvisionRequest| local_provisioner.provision_at(request, SystemTime::now())
    });

    let stub = Canned::new();
    let stub_webhooks = webhooks(Canned::new);
    bench_requests(c, "webhook/stub", &allowed, &stub_webhooks, || {
        |request: &ProvisionRequest| stub.answer(request)
    });
    bench_requests(c, "webhook/deny", &[&DENIED], &stub_webhooks, || {
        |request: &ProvisionRequest| stub.answer(request)
    });
    bench_phases(c, &stub_webhooks);
    bench_costs(c);
    print_iterations();
}

criterion_group! {
    name = benches;
    config = config();
    targets = webhook
}
criterion_main!(benches);
