//! Every refusal a developer could take for a real one says, in the log,
//! what it was and what to change (issue 19, item 3): no rule matched (and
//! the patterns near the room), a cross-origin 403 (and the builder call
//! that allows the origin), an extractor that refused (named by its type),
//! and a `private-encrypted-` channel on a server without a master key.
//! Each test captures the formatted log lines of its thread.

#[path = "../roomauth/tests/support/logs.rs"]
mod logs;

use actix_web::web;
use http::{HeaderMap, HeaderValue, StatusCode};
use logs::Logs;
use roomauth::actix::ActixContext;
use roomauth::pusher::{ClientEvents, Pusher};
use roomauth::room_service::{LocalProvisioner, RoomService};
use roomauth::webhook::{Outcome, RequestHead};
use roomauth::{Webhook, room_auth, rules};
use serde::Deserialize;

/// `project-<id>` for everyone, as `alice`.
#[room_auth(rooms = "project-<id>")]
async fn projects(id: u64) -> Option<String> {
    (id > 0).then(|| "alice".to_owned())
}

/// The `?code=` of an invitation link.
#[derive(Deserialize)]
struct Invite {
    code: String,
}

/// `party-<id>`: only with an invitation code in the query.
#[room_auth(rooms = "party-<id>")]
async fn parties(id: u64, invite: web::Query<Invite>) -> Option<String> {
    (invite.code == format!("code-{id}")).then(|| "guest".to_owned())
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn status<R>(outcome: Outcome<R>) -> StatusCode {
    match outcome {
        Outcome::Reply(reply) => reply.status,
        Outcome::Rejected(_) => panic!("an extractor's rejection"),
    }
}

fn room_service() -> Webhook<(), RoomService<LocalProvisioner>> {
    Webhook::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![projects])
        .build()
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn no_rule_names_the_patterns_near_the_room() {
    let (logs, _guard) = Logs::capture();
    let webhook = room_service();
    let head = headers(&[("content-type", JSON)]);
    for room in ["projcet-1", "project-one", "presence-project-1", "zzz"] {
        let body = serde_json::json!({ "room": room }).to_string();
        let outcome = webhook
            .handle_request(RequestHead::new(&head), body.as_bytes(), &mut ())
            .await;
        assert_eq!(status(outcome), StatusCode::FORBIDDEN, "{room}");
    }
    let text = logs.text();
    let line = |room: &str| {
        text.lines()
            .find(|line| line.contains(&format!("room=\"{room}\"")))
            .unwrap_or_else(|| panic!("no line for {room}:\n{text}"))
            .to_owned()
    };
    for room in ["projcet-1", "project-one", "presence-project-1"] {
        let line = line(room);
        assert!(
            line.contains("outcome=\"forbidden: no rule matches\"")
                && line.contains("near=\"`project-<id>`\"")
                && line.contains("check the spelling of the pattern and of the room"),
            "{line}"
        );
    }
    let line = line("zzz");
    assert!(
        line.contains("near=\"\"") && line.contains("no registered pattern is near it"),
        "{line}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_cross_origin_refusal_names_the_builder_call() {
    let (logs, _guard) = Logs::capture();
    let listed = Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![projects])
        .allowed_origins(["https://app.example"])
        .build()
        .unwrap();
    let body = br#"{"room":"project-1"}"#;
    let head = headers(&[("content-type", JSON), ("origin", "https://other.example")]);
    let outcome = listed
        .handle_request(RequestHead::new(&head), body, &mut ())
        .await;
    assert_eq!(status(outcome), StatusCode::FORBIDDEN);
    let text = logs.text();
    assert!(
        text.contains("outcome=\"origin refused\"")
            && text.contains("origin=\"https://other.example\"")
            && text.contains("is not in the builder's `.allowed_origins([..])`: add it there"),
        "{text}"
    );

    let (logs, _guard) = Logs::capture();
    let same_site = Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
        .rules(rules![projects])
        .same_site_only()
        .build()
        .unwrap();
    let head = headers(&[("content-type", JSON), ("sec-fetch-site", "cross-site")]);
    let outcome = same_site
        .handle_request(RequestHead::new(&head), body, &mut ())
        .await;
    assert_eq!(status(outcome), StatusCode::FORBIDDEN);
    let text = logs.text();
    assert!(
        text.contains("`.same_site_only()` refuses pages of other origins")
            && text.contains("`.allowed_origins([\\\"https://app.example\\\"])`"),
        "{text}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_extractor_refusal_names_the_extractor() {
    let (logs, _guard) = Logs::capture();
    let webhook: Webhook<ActixContext, _> =
        Webhook::builder(RoomService::new(LocalProvisioner::development()))
            .rules(rules![parties])
            .build()
            .unwrap();
    let head = headers(&[("content-type", JSON)]);
    let body = br#"{"room":"party-7"}"#;

    // No `?code=`: actix's `Query` refuses, and its 400 is passed on.
    let request = actix_web::test::TestRequest::post()
        .uri("/api/roomservice")
        .to_http_request();
    let outcome = webhook
        .handle_request(
            RequestHead::new(&head),
            body,
            &mut ActixContext::new(request),
        )
        .await;
    match outcome {
        Outcome::Rejected(rejection) => {
            let response = actix_web::ResponseError::error_response(
                rejection.into_inner().as_response_error(),
            );
            assert_eq!(response.status().as_u16(), 400);
        }
        Outcome::Reply(reply) => panic!("expected the extractor's rejection, got {reply:?}"),
    }
    let text = logs.text();
    let line = text
        .lines()
        .find(|line| line.contains("rejected by an extractor"))
        .unwrap_or_else(|| panic!("nothing logged:\n{text}"));
    assert!(
        line.contains(" INFO ")
            && line.contains("rule=\"parties\"")
            && line.contains("room=\"party-7\"")
            && line.contains("extractor=\"actix_web::types::query::Query<refusal_logs::Invite>\"")
            && line.contains("give the request what this extractor reads"),
        "{line}"
    );

    // With the code: no rejection, nothing of the kind logged.
    let (logs, _guard) = Logs::capture();
    let request = actix_web::test::TestRequest::post()
        .uri("/api/roomservice?code=code-7")
        .to_http_request();
    let outcome = webhook
        .handle_request(
            RequestHead::new(&head),
            body,
            &mut ActixContext::new(request),
        )
        .await;
    assert_eq!(status(outcome), StatusCode::OK);
    assert!(!logs.text().contains("rejected by an extractor"));
}

#[tokio::test(flavor = "current_thread")]
async fn an_encrypted_channel_without_a_master_key_is_logged_as_an_error() {
    let (logs, _guard) = Logs::capture();
    let webhook: Webhook<(), _> =
        Webhook::builder(Pusher::new("app-key", "app-secret", ClientEvents::Off).unwrap())
            .rules(rules![projects])
            .same_site_only()
            .build()
            .unwrap();
    let head = headers(&[("content-type", FORM)]);
    let outcome = webhook
        .handle_request(
            RequestHead::new(&head),
            b"socket_id=1234.5678&channel_name=private-encrypted-project-1",
            &mut (),
        )
        .await;
    assert_eq!(status(outcome), StatusCode::INTERNAL_SERVER_ERROR);
    let text = logs.text();
    let line = text
        .lines()
        .find(|line| line.contains(" ERROR "))
        .unwrap_or_else(|| panic!("no error logged:\n{text}"));
    assert!(
        line.contains("`private-encrypted-` channel was asked for")
            && line.contains("PUSHER_ENCRYPTION_MASTER_KEY_BASE64")
            && line.contains("`.encryption_master_key_base64(..)` on `Pusher::builder()`"),
        "{line}"
    );
    assert!(!text.contains("app-secret"), "{text}");
}

/// `presence-project-<id>`, the trap: Pusher's rules see `project-1`.
#[room_auth(rooms = "presence-project-<id>")]
async fn presence_projects(id: u64) -> Option<String> {
    (id > 0).then(|| "alice".to_owned())
}

#[test]
fn a_pusher_pattern_with_a_channel_prefix_is_refused_at_build() {
    let error =
        Webhook::<(), _>::builder(Pusher::new("app-key", "app-secret", ClientEvents::Off).unwrap())
            .rules(rules![presence_projects])
            .same_site_only()
            .build()
            .err()
            .expect("refused at build");
    assert_eq!(
        format!("{error:?}"),
        "rule `presence_projects`: the pattern `presence-project-<id>` starts with the Pusher \
         channel prefix `presence-`, but rules decide on the channel name after its prefix \
         (channel `presence-project-1` is room `project-1`): write `rooms = \"project-<id>\"`, \
         which serves the `private-`, `presence-` and `private-encrypted-` channels of that \
         name alike"
    );
    // Other backends take it: their rooms have no channel prefix.
    assert!(
        Webhook::<(), _>::builder(RoomService::new(LocalProvisioner::development()))
            .rules(rules![presence_projects])
            .build()
            .is_ok()
    );
}

/// A refusal written as `Err(String)`: the app's failure, a 500.
#[room_auth(rooms = "club-<id>")]
async fn clubs(id: u64) -> Result<String, String> {
    Err(format!("not a member of club {id}"))
}

#[tokio::test(flavor = "current_thread")]
async fn an_err_string_is_a_500_whose_log_says_how_to_refuse() {
    let (logs, _guard) = Logs::capture();
    let webhook: Webhook<(), _> =
        Webhook::builder(RoomService::new(LocalProvisioner::development()))
            .rules(rules![clubs])
            .build()
            .unwrap();
    let head = headers(&[("content-type", JSON)]);
    let outcome = webhook
        .handle_request(RequestHead::new(&head), br#"{"room":"club-1"}"#, &mut ())
        .await;
    assert_eq!(status(outcome), StatusCode::INTERNAL_SERVER_ERROR);
    let text = logs.text();
    let line = text
        .lines()
        .find(|line| line.contains(" ERROR "))
        .unwrap_or_else(|| panic!("no error logged:\n{text}"));
    assert!(
        line.contains("the rule failed")
            && line.contains("not a member of club 1")
            && line.contains("return `Err(Deny::Forbidden)` (403) or `None`"),
        "{line}"
    );
}
