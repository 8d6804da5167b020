//! Untrusted text never reaches a log line unescaped (issue 15, item 2): an
//! upstream whose body makes serde quote a newline and a fake log line, an
//! app whose rule fails with such a message, a `roomauth-local` client that
//! sends such a user id. Each test captures every formatted log line and
//! checks that the fake line never starts a line of its own. The same for
//! client fields that backends log: the user a Centrifugo subscribe proxy
//! request names (issue 18, item 4), the session's user it is compared
//! with, and a field that serde quotes in a Room Service refusal. And an
//! upstream that echoes the API key in a 200 answer is refused, so the key
//! never reaches the browser (item 4).

use std::sync::Arc;
use std::time::Duration;

use roomauth::backend::Backend;
use roomauth::room_service::{
    HttpProvisioner, LocalProvisioner, RoomRequest, RoomService, SigningKey, SigningKeys, server,
};
use roomauth::rules::Decision;
use roomauth::secret::ApiKey;
use roomauth::webhook::{Reply, WebhookError};
use roomauth::{Deny, Grant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What an attacker wants to see as a line of its own in the app's log.
const FAKE: &str =
    "2026-01-01T00:00:00.000000Z  INFO roomauth: room auth outcome=\"allowed\" user=\"mallory\"";

#[path = "support/logs.rs"]
mod logs;
use logs::Logs;

/// Panics if a line of `logs` starts with the fake line, or if nothing
/// mentioning `mallory` was logged at all (the test would prove nothing).
fn assert_not_forged(logs: &Logs) {
    let text = logs.text();
    assert!(
        text.contains("mallory"),
        "the hostile text was not logged:\n{text}"
    );
    for line in text.lines() {
        assert!(
            !line.starts_with("2026-01-01T00:00:00"),
            "a forged log line:\n{text}"
        );
    }
}

/// An upstream answering every request with 200 and `body`.
async fn upstream(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0;
                // The head and the (small) body, then the answer.
                loop {
                    match stream.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                    let text = String::from_utf8_lossy(&buf[..read]);
                    if let Some((head, rest)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if rest.len() >= length {
                            break;
                        }
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

fn decision() -> Decision {
    Decision {
        rule: "projects",
        grant: Grant::read("u"),
    }
}

fn room(name: &str) -> RoomRequest {
    RoomRequest {
        room: name.to_owned(),
        documents: Vec::new(),
    }
}

/// Grants room `r` through an upstream answering 200 and `body`, with the
/// API key `key` and no retries.
async fn grant_through(key: &str, body: String) -> Result<Reply, WebhookError> {
    let provisioner = HttpProvisioner::builder()
        .api_key(key)
        .base_url(upstream(body).await)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    RoomService::new(provisioner)
        .grant(&room("r"), decision())
        .await
}

#[tokio::test]
async fn serde_quoting_an_upstream_cannot_forge_a_line() {
    // serde's "unknown variant" and "unknown field" messages quote the
    // upstream's text as it is, newline included.
    let variant = serde_json::json!({
        "user": "u",
        "resources": [{"object": format!("x\n{FAKE}"), "reference": "r", "permission": "join", "id": "i"}],
        "token": "t",
    });
    let user = serde_json::json!({"user": 7, "token": format!("t\n{FAKE}"), "resources": []});
    for body in [
        variant.to_string(),
        user.to_string(),
        format!("{{\"token\":\"t\",\n{FAKE}"),
    ] {
        let (logs, _guard) = Logs::capture();
        let error = grant_through("sk_test_logs", body.clone())
            .await
            .unwrap_err();
        assert_eq!(error.status(), 502, "{body}: {error}");
        assert!(!error.to_string().contains('\n'), "{error}");
        tracing::info!(probe = "mallory", "the hostile answer was handled");
        assert_not_forged(&logs);
    }
}

#[test]
fn reasons_are_escaped_however_they_got_in() {
    // A provisioner of the app's own that puts raw text into its error.
    let error = roomauth::room_service::ProvisionError::InvalidBody {
        reason: format!("quoting\n{FAKE}"),
    };
    assert!(!error.to_string().contains('\n'), "{error}");
    let upstream = roomauth::upstream::UpstreamError::from(error);
    assert!(!upstream.to_string().contains('\n'), "{upstream}");
}

#[tokio::test]
async fn a_failing_rule_cannot_forge_a_line() {
    #[derive(Default)]
    struct Cx;
    impl roomauth::rule::RequestContext for Cx {
        type Rejection = std::convert::Infallible;
    }
    #[roomauth::room_auth(rooms = "project-<id>")]
    fn projects(id: u64) -> Result<Grant, Deny> {
        Err(Deny::internal(format!("no project {id}: mallory\n{FAKE}")))
    }
    let (logs, _guard) = Logs::capture();
    let webhook =
        roomauth::Webhook::<Cx, _>::builder(RoomService::new(LocalProvisioner::development()))
            .rules(roomauth::rules![projects])
            .build()
            .unwrap();
    let outcome = webhook
        .handle(
            Some("application/json"),
            br#"{"room":"project-1"}"#,
            &mut Cx,
        )
        .await;
    let roomauth::webhook::Outcome::Reply(reply) = outcome;
    assert_eq!(reply.status, 500);
    assert_not_forged(&logs);
}

#[tokio::test]
async fn roomauth_local_refuses_and_escapes_hostile_user_ids() {
    const KEY: &str = "sk_test_logs";
    let keys = SigningKeys::new(SigningKey::new("k1", [3u8; 32]).unwrap());
    let app = server::router(Arc::new(LocalProvisioner::new(ApiKey::new(KEY), keys)));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let (logs, _guard) = Logs::capture();
    let body = serde_json::json!({
        "user": format!("mallory\n{FAKE}"),
        "resources": [{"object": "room", "reference": "r", "permission": "join"}],
    });
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/provision"))
        .header("authorization", format!("Bearer: {KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    // The webhook's rules for names: a control character is a 400.
    assert_eq!(response.status(), 400);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("control character"),
        "{answer}"
    );
    assert_not_forged(&logs);
}

#[tokio::test]
async fn an_answer_echoing_the_api_key_never_reaches_the_browser() {
    const KEY: &str = "sk_live/Echoed_Key_42";
    let answer = |extra: &str| {
        format!(
            r#"{{"user":"u","resources":[{{"object":"room","reference":"r","permission":"join","id":"rm_1"}}],"token":"t"{extra}}}"#
        )
    };
    for body in [
        answer(&format!(r#","debug":"Authorization: Bearer: {KEY}""#)),
        // The same key behind JSON escapes: the browser would decode it.
        answer(r#","debug":"sk_live\/Echoed_Key_42""#),
        answer(r#","\u0073k_live/Echoed_Key_42":true"#),
    ] {
        let (logs, _guard) = Logs::capture();
        let error = grant_through(KEY, body.clone()).await.unwrap_err();
        assert_eq!(error.status(), 502, "{body}");
        let reply = Reply::from(error);
        let shown = String::from_utf8_lossy(&reply.body).into_owned();
        assert!(shown.contains("quotes the API key"), "{shown}");
        for text in [shown, logs.text()] {
            assert!(!text.contains("Echoed_Key"), "{text}");
        }
    }
    // Without the key, the same answer passes unchanged.
    let reply = grant_through(KEY, answer(r#","debug":"nothing secret""#))
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
}

/// Runs `body` through `webhook` as a JSON request.
async fn handle<B: Backend>(webhook: &roomauth::Webhook<Anyone, B>, body: &[u8]) -> Reply {
    let roomauth::webhook::Outcome::Reply(reply) = webhook
        .handle(Some("application/json"), body, &mut Anyone)
        .await;
    reply
}

#[derive(Default)]
struct Anyone;
impl roomauth::rule::RequestContext for Anyone {
    type Rejection = std::convert::Infallible;
}

#[cfg(feature = "centrifugo")]
#[tokio::test]
async fn a_centrifugo_user_cannot_forge_a_line() {
    use roomauth::centrifugo::CentrifugoSubscribe;

    #[roomauth::room_auth(rooms = "project-<id>")]
    fn projects(id: u64) -> Result<Grant, Deny> {
        let _ = id;
        Ok(Grant::write("alice"))
    }
    // A session whose user id is text a user chose.
    #[roomauth::room_auth(rooms = "named-<id>")]
    fn named(id: u64) -> Result<Grant, Deny> {
        let _ = id;
        Ok(Grant::write(format!("mallory\n{FAKE}")))
    }
    let webhook = roomauth::Webhook::<Anyone, _>::builder(CentrifugoSubscribe::new())
        .rules(roomauth::rules![projects, named])
        .build()
        .unwrap();
    let hostile = format!("mallory\n{FAKE}");
    for body in [
        // The connection's user, as the subscribe request names it.
        serde_json::json!({"client": "c", "user": hostile, "channel": "project-1"}),
        // The session's user, compared with the connection's.
        serde_json::json!({"client": "c", "user": "bob", "channel": "named-1"}),
    ] {
        let (logs, _guard) = Logs::capture();
        let reply = handle(&webhook, body.to_string().as_bytes()).await;
        // Another user than the session's: Centrifugo's refusal, in a 200.
        assert_eq!(reply.status, 200, "{body}");
        let answer: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(answer["error"]["code"], 403, "{answer}");
        assert!(
            logs.text()
                .contains("the connection's user is not the session's"),
            "{}",
            logs.text()
        );
        assert_not_forged(&logs);
    }
}

#[tokio::test]
async fn a_field_serde_quotes_cannot_forge_a_line() {
    #[roomauth::room_auth(rooms = "project-<id>")]
    fn projects(id: u64) -> Result<Grant, Deny> {
        let _ = id;
        Ok(Grant::write("alice"))
    }
    let webhook =
        roomauth::Webhook::<Anyone, _>::builder(RoomService::new(LocalProvisioner::development()))
            .rules(roomauth::rules![projects])
            .build()
            .unwrap();
    let (logs, _guard) = Logs::capture();
    // serde's "unknown variant" quotes the permission as it is.
    let body = serde_json::json!({"resources": [
        {"object": "room", "reference": "project-1", "permission": format!("mallory\n{FAKE}")}
    ]});
    let reply = handle(&webhook, body.to_string().as_bytes()).await;
    assert_eq!(reply.status, 400);
    assert!(logs.text().contains("request refused"), "{}", logs.text());
    assert_not_forged(&logs);
}
