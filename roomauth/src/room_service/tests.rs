//! The webhook with the Room Service backend against the contract: every
//! status, with a hand-written rule (no macros) and the local provisioner
//! or failing doubles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use serde_json::Value;

use http::StatusCode;

use super::*;
use crate::pattern::Pattern;
use crate::room::RoomMatch;
use crate::rule::{Access, BoxFuture, Deny, Grant, Refusal, RequestContext, Rule};
use crate::rules::BuildError;
use crate::webhook::{DEFAULT_BODY_LIMIT, Outcome, Webhook};

/// The webhook of these tests.
type Hook<P> = Webhook<Session, RoomService<P>>;

/// The test's request context: who is logged in, and whether extraction fails.
struct Session {
    user: Option<&'static str>,
    reject: bool,
}

impl RequestContext for Session {
    type Rejection = &'static str;
}

fn as_user(user: &'static str) -> Session {
    Session {
        user: Some(user),
        reject: false,
    }
}

fn anonymous() -> Session {
    Session {
        user: None,
        reject: false,
    }
}

/// `project-<id>`: members only; project 13 fails like a broken database.
struct Projects {
    patterns: Vec<Pattern>,
}

impl Projects {
    fn new() -> Projects {
        Projects {
            patterns: vec![Pattern::parse("project-<id>").unwrap()],
        }
    }
}

impl Rule<Session> for Projects {
    fn name(&self) -> &'static str {
        "projects"
    }

    fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        cx: &'a mut Session,
    ) -> BoxFuture<'a, Result<Grant, Refusal<&'static str>>> {
        Box::pin(async move {
            let id: u64 = room.param("id").ok_or(Refusal::NoMatch)?;
            if cx.reject {
                return Err(Refusal::Rejected("extractor said no"));
            }
            let user = cx.user.ok_or(Refusal::Deny(Deny::Unauthorized))?;
            match (user, id) {
                (_, 13) => Err(Refusal::Deny(Deny::internal(
                    "database is down, password=hunter2",
                ))),
                ("alice", 1 | 2) | ("bob", 2) => Ok(Grant::write(user)),
                ("empty", _) => Ok(Grant::write("")),
                _ => Err(Refusal::Deny(Deny::Forbidden)),
            }
        })
    }
}

/// `lobby`: everyone, but only to join.
struct Lobby {
    patterns: Vec<Pattern>,
}

impl Rule<Session> for Lobby {
    fn name(&self) -> &'static str {
        "lobby"
    }
    fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
    fn access(&self) -> Access {
        Access::Read
    }
    fn authorize<'a>(
        &'a self,
        _: RoomMatch<'a>,
        cx: &'a mut Session,
    ) -> BoxFuture<'a, Result<Grant, Refusal<&'static str>>> {
        // More than the rule's maximum: clamped to read.
        Box::pin(async move { Ok(Grant::write(cx.user.unwrap_or("guest"))) })
    }
}

/// A provisioner that fails with a fixed error, counting its calls.
#[derive(Clone)]
struct Failing(ProvisionError, Arc<AtomicUsize>);

#[async_trait]
impl Provisioner for Failing {
    async fn provision(&self, _: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.1.fetch_add(1, Ordering::SeqCst);
        Err(self.0.clone())
    }
}

/// A provisioner that answers with a fixed response whatever was asked.
struct Answers(ProvisionResponse);

#[async_trait]
impl Provisioner for Answers {
    async fn provision(&self, _: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        Provisioned::from_response(self.0.clone())
    }
}

fn webhook<P: Provisioner>(provisioner: P) -> Hook<P> {
    Webhook::builder(RoomService::new(provisioner))
        .rule(Projects::new())
        .rule(Lobby {
            patterns: vec![Pattern::parse("lobby").unwrap()],
        })
        .build()
        .unwrap()
}

const URL_STRATEGY: &str = r#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"ROOM"},{"object":"room","reference":"ROOM","permission":"join"}]}"#;

async fn call<P: Provisioner>(
    webhook: &Hook<P>,
    body: &str,
    mut cx: Session,
) -> (StatusCode, Value) {
    match webhook
        .handle(Some("application/json"), body.as_bytes(), &mut cx)
        .await
    {
        Outcome::Reply(reply) => (
            reply.status,
            serde_json::from_slice(&reply.body).expect("every reply is JSON"),
        ),
        Outcome::Rejected(r) => panic!("rejected: {r}"),
    }
}

fn room_body(room: &str) -> String {
    serde_json::json!({ "room": room }).to_string()
}

#[tokio::test]
async fn allowed_room_form_gets_the_provisioners_answer() {
    let webhook = webhook(LocalProvisioner::development());
    let local = webhook.backend().provisioner();
    let (status, body) = call(&webhook, &room_body("project-1"), as_user("alice")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"], "alice");
    let token = body["token"].as_str().unwrap();
    let claims = local.verify(token).unwrap();
    assert!(claims.grants_room("project-1"));
    assert!(!claims.grants_room("project-2"));
    // The room and its `default` document, which the client opens: a
    // write grant is the seed's full read-write access to the room.
    let objects: Vec<&str> = body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["object"].as_str().unwrap())
        .collect();
    assert_eq!(objects, ["room", "document"], "{body}");
    assert_eq!(
        claims.docs,
        [("project-1".to_owned(), "default".to_owned())]
    );
}

#[tokio::test]
async fn allowed_url_strategy_form_gets_room_and_document_ids() {
    let webhook = webhook(LocalProvisioner::development());
    let (status, body) = call(
        &webhook,
        &URL_STRATEGY.replace("ROOM", "project-2"),
        as_user("bob"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for object in ["room", "document"] {
        let resource = body["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["object"] == object)
            .unwrap();
        assert!(
            resource["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_contract() {
    let webhook = webhook(LocalProvisioner::development());
    let cases: [(&str, Session, StatusCode); 9] = [
        ("project-1", anonymous(), StatusCode::UNAUTHORIZED),
        ("project-3", as_user("alice"), StatusCode::FORBIDDEN),
        ("project-1", as_user("bob"), StatusCode::FORBIDDEN),
        // No rule, and a placeholder that is not a canonical u64: both 403.
        ("nothing-here", as_user("alice"), StatusCode::FORBIDDEN),
        ("project-01", as_user("alice"), StatusCode::FORBIDDEN),
        ("project-x", as_user("alice"), StatusCode::FORBIDDEN),
        (
            "project-13",
            as_user("alice"),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (
            "project-1",
            as_user("empty"),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        ("lobby", anonymous(), StatusCode::OK),
    ];
    for (room, cx, expected) in cases {
        let (status, body) = call(&webhook, &room_body(room), cx).await;
        assert_eq!(status, expected, "{room}: {body}");
        if status != StatusCode::OK {
            assert!(
                body["error"].as_str().is_some_and(|m| !m.is_empty()),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn internal_errors_are_not_shown() {
    let webhook = webhook(LocalProvisioner::development());
    let (_, body) = call(&webhook, &room_body("project-13"), as_user("alice")).await;
    let text = body.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("database"),
        "{text}"
    );
}

#[tokio::test]
async fn transport_errors() {
    let webhook = webhook(LocalProvisioner::development()).clone();
    let mut cx = as_user("alice");
    let reply = |o: Outcome<&'static str>| match o {
        Outcome::Reply(r) => r.status,
        Outcome::Rejected(_) => panic!(),
    };
    assert_eq!(
        reply(
            webhook
                .handle(Some("text/plain"), br#"{"room":"lobby"}"#, &mut cx)
                .await
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        reply(webhook.handle(None, br#"{"room":"lobby"}"#, &mut cx).await),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        reply(
            webhook
                .handle(Some("application/json"), b"{", &mut cx)
                .await
        ),
        StatusCode::BAD_REQUEST
    );
    let big = format!(
        r#"{{"room":"lobby","pad":"{}"}}"#,
        "x".repeat(DEFAULT_BODY_LIMIT)
    );
    assert_eq!(
        reply(
            webhook
                .handle(Some("application/json"), big.as_bytes(), &mut cx)
                .await
        ),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn extractor_rejections_pass_through() {
    let webhook = webhook(LocalProvisioner::development());
    let mut cx = Session {
        user: Some("alice"),
        reject: true,
    };
    match webhook
        .handle(
            Some("application/json"),
            room_body("project-1").as_bytes(),
            &mut cx,
        )
        .await
    {
        Outcome::Rejected(r) => assert_eq!(r, "extractor said no"),
        Outcome::Reply(r) => panic!("expected the rejection, got {r:?}"),
    }
}

#[tokio::test]
async fn join_only_rules_never_grant_documents() {
    let webhook = webhook(LocalProvisioner::development());
    for body in [URL_STRATEGY.replace("ROOM", "lobby"), room_body("lobby")] {
        let (status, body) = call(&webhook, &body, anonymous()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["resources"].as_array().unwrap().len(), 1, "{body}");
        // The token, not only the answer: the room alone.
        let claims = webhook
            .backend()
            .provisioner()
            .verify(body["token"].as_str().unwrap())
            .unwrap();
        assert_eq!(claims.rooms, ["lobby"]);
        assert!(claims.docs.is_empty(), "{claims:?}");
    }
    let (status, body) = call(
        &webhook,
        &URL_STRATEGY.replace("ROOM", "project-1"),
        as_user("alice"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = webhook
        .backend()
        .provisioner()
        .verify(body["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        claims.docs,
        [("project-1".to_owned(), "default".to_owned())]
    );
}

#[test]
fn provision_requests_follow_the_access() {
    let request = RoomRequest::parse(
        Some("application/json"),
        URL_STRATEGY.replace("ROOM", "project-1").as_bytes(),
    )
    .unwrap();
    assert_eq!(
        provision_request(Grant::read("alice"), &request).resources,
        vec![Resource::room("project-1")]
    );
    assert_eq!(
        provision_request(Grant::write("alice"), &request).resources,
        vec![
            Resource::room("project-1"),
            Resource::document("project-1", "default")
        ]
    );
    // The auth function's `{"room"}` body: the same two grants.
    let request =
        RoomRequest::parse(Some("application/json"), room_body("project-1").as_bytes()).unwrap();
    assert_eq!(
        provision_request(Grant::read("alice"), &request).resources,
        vec![Resource::room("project-1")]
    );
    assert_eq!(
        provision_request(Grant::write("alice"), &request).resources,
        vec![
            Resource::room("project-1"),
            Resource::document("project-1", DEFAULT_DOCUMENT)
        ]
    );
}

#[tokio::test]
async fn upstream_failures_map_to_502_and_504() {
    for (error, expected) in [
        (ProvisionError::Connect, StatusCode::BAD_GATEWAY),
        (ProvisionError::Timeout, StatusCode::GATEWAY_TIMEOUT),
        (
            ProvisionError::KeyRefused {
                status: StatusCode::UNAUTHORIZED,
            },
            StatusCode::BAD_GATEWAY,
        ),
        (
            ProvisionError::RateLimited { retry_after: None },
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        (
            ProvisionError::Server {
                status: StatusCode::INTERNAL_SERVER_ERROR,
            },
            StatusCode::BAD_GATEWAY,
        ),
        (ProvisionError::MissingToken, StatusCode::BAD_GATEWAY),
        (
            ProvisionError::InvalidBody {
                reason: "not JSON".into(),
            },
            StatusCode::BAD_GATEWAY,
        ),
    ] {
        let webhook = webhook(Failing(error, Arc::default()));
        let (status, body) = call(&webhook, &room_body("project-1"), as_user("alice")).await;
        assert_eq!(status, expected, "{body}");
        let message = body["error"].as_str().unwrap();
        assert!(
            message.starts_with("the realtime service failed: ")
                && message.contains("Room Service"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn refusals_never_reach_the_provisioner() {
    let failing = Failing(ProvisionError::Connect, Arc::default());
    let webhook = webhook(failing.clone());
    for (body, cx) in [
        (room_body("project-1"), anonymous()),
        (room_body("project-3"), as_user("alice")),
        (room_body("nope"), as_user("alice")),
        ("{".to_owned(), as_user("alice")),
    ] {
        call(&webhook, &body, cx).await;
    }
    assert_eq!(failing.1.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn answers_for_another_user_or_room_or_more_are_refused() {
    let with_id = |mut r: Resource| {
        r.id = Some("id_1".into());
        r
    };
    for response in [
        ProvisionResponse {
            user: "mallory".into(),
            resources: vec![with_id(Resource::room("project-1"))],
            token: "t".into(),
        },
        ProvisionResponse {
            user: "alice".into(),
            resources: vec![with_id(Resource::room("project-2"))],
            token: "t".into(),
        },
        ProvisionResponse {
            user: "alice".into(),
            resources: vec![Resource::room("project-1")],
            token: "t".into(),
        },
        ProvisionResponse {
            user: "alice".into(),
            resources: vec![
                with_id(Resource::room("project-1")),
                with_id(Resource::room("project-2")),
            ],
            token: "t".into(),
        },
        // An extra document in the asked room (the `{"room"}` body asks
        // for its `default` document only).
        ProvisionResponse {
            user: "alice".into(),
            resources: vec![
                with_id(Resource::room("project-1")),
                with_id(Resource::document("project-1", "default")),
                with_id(Resource::document("project-1", "secrets")),
            ],
            token: "t".into(),
        },
        // A higher permission on the room.
        ProvisionResponse {
            user: "alice".into(),
            resources: vec![
                {
                    let mut room = with_id(Resource::room("project-1"));
                    room.permission = Permission::ReadWrite;
                    room
                },
                with_id(Resource::document("project-1", "default")),
            ],
            token: "t".into(),
        },
    ] {
        let webhook = webhook(Answers(response));
        let (status, body) = call(&webhook, &room_body("project-1"), as_user("alice")).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    }
    // Exactly what was asked passes.
    let webhook = webhook(Answers(ProvisionResponse {
        user: "alice".into(),
        resources: vec![
            with_id(Resource::room("project-1")),
            with_id(Resource::document("project-1", "default")),
        ],
        token: "t".into(),
    }));
    let (status, body) = call(&webhook, &room_body("project-1"), as_user("alice")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[test]
fn a_rule_registered_twice_is_refused() {
    let result = Hook::builder(RoomService::new(LocalProvisioner::development()))
        .rule(Projects::new())
        .rule(Projects::new())
        .build();
    let error = result.err().expect("registered twice");
    assert!(
        matches!(error, BuildError::DuplicateRule("projects")),
        "{error}"
    );
    assert!(matches!(
        Hook::builder(RoomService::new(LocalProvisioner::development())).build(),
        Err(BuildError::NoRules)
    ));
}

#[tokio::test]
async fn an_allow_list_also_refuses_a_cross_site_request_without_origin() {
    use crate::request::RequestHead;
    use http::{HeaderMap, HeaderValue};

    let webhook = Hook::builder(RoomService::new(LocalProvisioner::development()))
        .rule(Projects::new())
        .allowed_origins(["https://app.example"])
        .build()
        .unwrap();
    let status = |headers: &[(&'static str, &'static str)]| {
        let mut map = HeaderMap::new();
        map.insert("content-type", HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        let webhook = webhook.clone();
        async move {
            match webhook
                .handle_request(
                    RequestHead::new(&map),
                    room_body("project-1").as_bytes(),
                    &mut as_user("alice"),
                )
                .await
            {
                Outcome::Reply(reply) => reply.status,
                Outcome::Rejected(r) => panic!("rejected: {r}"),
            }
        }
    };
    assert_eq!(status(&[]).await, StatusCode::OK);
    assert_eq!(
        status(&[("origin", "https://app.example")]).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&[("origin", "https://evil.example")]).await,
        StatusCode::FORBIDDEN
    );
    // An old browser that omits `Origin` still says where it comes from.
    assert_eq!(
        status(&[("sec-fetch-site", "cross-site")]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&[("sec-fetch-site", "same-origin")]).await,
        StatusCode::OK
    );
}
