//! The neutral request path on the [`Stub`] backend: where a request may
//! come from, its size and content type, the room-name floor, the clamp of
//! a grant to the rule's maximum, and how refusals are answered.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{HeaderMap, HeaderValue, StatusCode};

use super::*;
use crate::Grant;
use crate::pattern::Pattern;
use crate::room::RoomMatch;
use crate::rule::{Access, BoxFuture};
use crate::testing::{Stub, StubGrant};

/// `room-<n>`: 1 grants alice write access (above the rule's maximum of
/// read), 2 is forbidden, 3 not logged in, 4 the rule fails. Counts its
/// calls.
struct Rooms {
    patterns: Vec<Pattern>,
    calls: Arc<AtomicUsize>,
}

impl Rule<()> for Rooms {
    fn name(&self) -> &'static str {
        "rooms"
    }
    fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
    fn access(&self) -> Access {
        Access::Read
    }
    fn authorize<'a>(
        &'a self,
        room: RoomMatch<'a>,
        _cx: &'a mut (),
    ) -> BoxFuture<'a, Result<Grant, Refusal<std::convert::Infallible>>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Box::pin(async move {
            match room.param::<u64>("n") {
                Some(1) => Ok(Grant::write("alice")),
                Some(2) => Err(Refusal::Deny(Deny::Forbidden)),
                Some(3) => Err(Refusal::Deny(Deny::Unauthorized)),
                Some(4) => Err(Refusal::Deny(Deny::internal("the database is down"))),
                _ => Err(Refusal::NoMatch),
            }
        })
    }
}

/// A webhook on the stub, configured by `configure`, and its rule's calls.
fn webhook(
    configure: impl FnOnce(WebhookBuilder<(), Stub>) -> WebhookBuilder<(), Stub>,
) -> (Webhook<(), Stub>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let rule = Rooms {
        patterns: vec![Pattern::parse("room-<n>").unwrap()],
        calls: Arc::clone(&calls),
    };
    let webhook = configure(Webhook::builder(Stub).rule(rule))
        .build()
        .unwrap();
    (webhook, calls)
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// The reply to a JSON request with these extra headers.
fn send(webhook: &Webhook<(), Stub>, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut map = HeaderMap::new();
    map.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        map.insert(
            http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let Outcome::Reply(reply) =
        block_on(webhook.handle_request(RequestHead::new(&map), body.as_bytes(), &mut ()));
    reply
}

fn room(n: &str) -> String {
    serde_json::json!({ "room": n }).to_string()
}

fn error_of(reply: &Reply) -> String {
    let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    body["error"].as_str().unwrap().to_owned()
}

#[test]
fn a_grant_is_the_backends_answer_clamped_to_the_rules_maximum() {
    let (webhook, _) = webhook(|b| b);
    let reply = send(&webhook, &[], &room("room-1"));
    assert_eq!(reply.status, StatusCode::OK);
    let grant: StubGrant = serde_json::from_slice(&reply.body).unwrap();
    // The rule answered write; its maximum is read.
    assert_eq!(
        grant,
        StubGrant {
            rule: "rooms".into(),
            room: "room-1".into(),
            user: "alice".into(),
            access: "read".into(),
            info: None,
        }
    );
}

#[test]
fn refusals_are_the_contracts_answers() {
    let (webhook, _) = webhook(|b| b);
    let forbidden = send(&webhook, &[], &room("room-2"));
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    // No rule for the room: the same answer, so that probing finds no rule.
    assert_eq!(send(&webhook, &[], &room("hall-1")), forbidden);
    assert_eq!(send(&webhook, &[], &room("room-x")), forbidden);
    assert_eq!(
        send(&webhook, &[], &room("room-3")).status,
        StatusCode::UNAUTHORIZED
    );
    let failed = send(&webhook, &[], &room("room-4"));
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !error_of(&failed).contains("database"),
        "the cause is logged, not shown"
    );
}

#[test]
fn content_types_and_shapes() {
    let (webhook, calls) = webhook(|b| b);
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let Outcome::Reply(reply) =
            block_on(webhook.handle(content_type, room("room-1").as_bytes(), &mut ()));
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
    for body in [
        "",
        "[\"room-1\"]",
        "\"room-1\"",
        "{}",
        r#"{"room":"room-1","user":"bob"}"#,
    ] {
        assert_eq!(
            send(&webhook, &[], body).status,
            StatusCode::BAD_REQUEST,
            "{body}"
        );
    }
    assert_eq!(calls.load(Ordering::Relaxed), 0, "no rule ran");
}

#[test]
fn the_floor_refuses_look_alike_rooms_before_the_rules() {
    let (webhook, calls) = webhook(|b| b);
    for name in [
        "room-1\u{202e}",
        "room-\u{200b}1",
        "\u{feff}room-1",
        "room-1 ",
        "room-1\n",
    ] {
        let reply = send(&webhook, &[], &room(name));
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name:?}");
        let expected = crate::name::check_room_name(name).unwrap_err().to_string();
        assert_eq!(error_of(&reply), expected);
    }
    assert_eq!(
        calls.load(Ordering::Relaxed),
        0,
        "no rule saw a look-alike name"
    );
}

#[test]
fn body_limit() {
    let (webhook, _) = webhook(|b| b.body_limit(32));
    let padded = format!(r#"{{"room":"room-1","pad":"{}"}}"#, "x".repeat(32));
    let reply = send(&webhook, &[], &padded);
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error_of(&reply).contains("32 bytes"));
    assert_eq!(send(&webhook, &[], &room("room-1")).status, StatusCode::OK);
}

#[test]
fn allowed_origins() {
    let (webhook, calls) = webhook(|b| b.allowed_origins(["https://App.example/"]));
    for origin in ["https://app.example", "HTTPS://APP.EXAMPLE/"] {
        let reply = send(&webhook, &[("origin", origin)], &room("room-1"));
        assert_eq!(reply.status, StatusCode::OK, "{origin}");
    }
    for origin in [
        "https://evil.example",
        "null",
        "https://app.example.evil",
        "",
    ] {
        let reply = send(&webhook, &[("origin", origin)], &room("room-1"));
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(reply, WebhookError::OriginRefused.into());
    }
    // No `Origin`: not a browser's cross-site request, unless it says so.
    assert_eq!(send(&webhook, &[], &room("room-1")).status, StatusCode::OK);
    assert_eq!(
        send(
            &webhook,
            &[("sec-fetch-site", "cross-site")],
            &room("room-1")
        )
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(calls.load(Ordering::Relaxed), 3, "refused before the rules");
}

#[test]
fn same_site_only() {
    let (webhook, _) = webhook(WebhookBuilder::same_site_only);
    for (headers, status) in [
        (&[("sec-fetch-site", "same-origin")][..], StatusCode::OK),
        (&[("sec-fetch-site", "none")], StatusCode::OK),
        (&[("sec-fetch-site", "same-site")], StatusCode::FORBIDDEN),
        (&[("sec-fetch-site", "cross-site")], StatusCode::FORBIDDEN),
        // Without `Sec-Fetch-Site`, the `Origin` against the `Host`.
        (
            &[("origin", "https://app.example"), ("host", "app.example")],
            StatusCode::OK,
        ),
        (
            &[("origin", "https://evil.example"), ("host", "app.example")],
            StatusCode::FORBIDDEN,
        ),
        (&[("origin", "https://app.example")], StatusCode::FORBIDDEN),
        (&[], StatusCode::OK),
    ] {
        assert_eq!(
            send(&webhook, headers, &room("room-1")).status,
            status,
            "{headers:?}"
        );
    }
}
