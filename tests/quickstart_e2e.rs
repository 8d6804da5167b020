//! The quickstart over real HTTP on 127.0.0.1: both webhook bodies, each
//! status of the contract, cookie tampering, and tokens that verify for the
//! granted room only. Then the same app provisioning over HTTP through the
//! local provisioner's `/provision` (what `roomauth-local` serves).

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::Arc;

use axum_extra::extract::cookie::Key;
use roomauth::room_service::{HttpProvisioner, LocalProvisioner};
use roomauth::secret::ApiKey;
use roomauth_suite::room_service_client::{Strategy, assert_joined_with_write, join_rooms};
use roomauth_suite::{Browser, Served, serve, serve_local_provisioner};
use serde_json::{Value, json};

fn state() -> app::AppState {
    app::AppState::demo(Key::generate())
}

async fn quickstart(provisioner: Arc<LocalProvisioner>) -> Served {
    serve(app::app(state(), provisioner).expect("the quickstart's rules build")).await
}

fn url_strategy(room: &str) -> Value {
    json!({"resources": [
        {"object": "document", "reference": "default", "permission": "read_write", "room": room},
        {"object": "room", "reference": room, "permission": "join"},
    ]})
}

fn id_of<'a>(body: &'a Value, object: &str) -> &'a str {
    body["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["object"] == object))
        .and_then(|r| r["id"].as_str())
        .unwrap_or_else(|| panic!("no {object} id in {body}"))
}

#[tokio::test]
async fn alice_joins_her_projects_with_both_bodies() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let server = quickstart(provisioner.clone()).await;
    let webhook = server.url("/api/roomservice");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;

    let answer = alice
        .post_json(&webhook, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json["user"], "alice");
    let claims = provisioner
        .verify(answer.json["token"].as_str().unwrap())
        .expect("the token verifies");
    assert!(claims.grants_room("project-1"));
    assert!(
        !claims.grants_room("project-2"),
        "the token grants only the room asked for"
    );

    let answer = alice.post_json(&webhook, &url_strategy("project-2")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(!id_of(&answer.json, "room").is_empty() && !id_of(&answer.json, "document").is_empty());
    let claims = provisioner
        .verify(answer.json["token"].as_str().unwrap())
        .unwrap();
    assert!(claims.grants_room("project-2") && !claims.grants_room("project-1"));
}

/// The real `@roomservice/browser` 3.0.4 client, with the seed's auth
/// function and with its URL strategy: alice (a member: write) gets the
/// room and its document and edits it; bob (no member) is refused with the
/// client's own error.
#[tokio::test(flavor = "multi_thread")]
async fn the_real_client_joins_with_both_strategies() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let server = quickstart(provisioner.clone()).await;
    let app = server.url("");
    let joins: Vec<_> = Strategy::BOTH
        .into_iter()
        .flat_map(|strategy| {
            [
                ("alice", "project-1", strategy),
                ("bob", "project-1", strategy),
            ]
        })
        .collect();
    let reports = tokio::task::block_in_place(|| join_rooms(&app, &joins));
    for (report, (user, _, strategy)) in reports.iter().zip(&joins) {
        if *user == "alice" {
            assert_joined_with_write(report, &provisioner);
            continue;
        }
        assert_eq!(report["joined"], false, "{report:#}");
        assert_eq!(report["answer"]["status"], 403, "{report:#}");
        let error = match strategy {
            Strategy::AuthFunction => "Error: The auth function must return a 'user' key.",
            Strategy::Url => "Error: The Auth Webhook returned a status code other than 200.",
        };
        assert_eq!(report["error"], error, "{report:#}");
        assert_eq!(report["ws"], json!([]), "{report:#}");
    }
}

#[tokio::test]
async fn every_status_of_the_contract() {
    let server = quickstart(Arc::new(LocalProvisioner::development())).await;
    let webhook = server.url("/api/roomservice");
    let mut anonymous = Browser::new();
    let mut bob = Browser::logged_in(&server.url("/login"), "bob").await;

    // (as bob?, content type, body, status)
    let cases: Vec<(bool, Option<&str>, String, u16)> = vec![
        (
            false,
            Some("application/json"),
            json!({"room": "project-1"}).to_string(),
            401,
        ),
        (
            true,
            Some("application/json"),
            json!({"room": "project-1"}).to_string(),
            403,
        ),
        (
            true,
            Some("application/json"),
            json!({"room": "project-2"}).to_string(),
            200,
        ),
        (
            true,
            Some("application/json"),
            json!({"room": "no-rule-here"}).to_string(),
            403,
        ),
        (
            true,
            Some("application/json"),
            json!({"room": "project-002"}).to_string(),
            403,
        ),
        (true, Some("application/json"), "{not json".to_owned(), 400),
        (
            true,
            Some("application/json"),
            json!({"room": "project-2", "user": "alice"}).to_string(),
            400,
        ),
        (
            true,
            Some("text/plain"),
            json!({"room": "project-2"}).to_string(),
            415,
        ),
        (
            true,
            Some("application/x-www-form-urlencoded"),
            "room=project-2".to_owned(),
            415,
        ),
        (true, None, json!({"room": "project-2"}).to_string(), 415),
        (
            true,
            Some("application/json"),
            format!(r#"{{"room":"{}"}}"#, "x".repeat(64 * 1024)),
            413,
        ),
    ];
    for (as_bob, content_type, body, expected) in cases {
        let browser = if as_bob { &mut bob } else { &mut anonymous };
        let answer = browser.post(&webhook, content_type, body.clone()).await;
        assert_eq!(answer.status, expected, "{body:.80}: {answer:?}");
        if expected != 200 {
            assert!(
                answer.json["error"].as_str().is_some_and(|m| !m.is_empty()),
                "JSON error for {body:.80}: {answer:?}"
            );
        }
    }
}

#[tokio::test]
async fn tampered_and_forged_cookies_are_not_a_session() {
    let server = quickstart(Arc::new(LocalProvisioner::development())).await;
    let webhook = server.url("/api/roomservice");
    let mut bob = Browser::logged_in(&server.url("/login"), "bob").await;
    let genuine = bob.cookie().unwrap().to_owned();

    // bob's signed cookie, with the user swapped for alice.
    let tampered = genuine.replace("bob", "alice");
    assert_ne!(tampered, genuine);
    for forged in [
        tampered,
        "session=alice".to_owned(),
        format!("session={}", "a".repeat(4096)),
    ] {
        bob.set_cookie(Some(forged.clone()));
        let answer = bob.post_json(&webhook, &json!({"room": "project-1"})).await;
        assert_eq!(answer.status, 401, "{forged:.60}: {answer:?}");
    }

    // The genuine cookie still works, and logging out ends the session.
    bob.set_cookie(Some(genuine));
    assert_eq!(
        bob.post_json(&webhook, &json!({"room": "project-2"}))
            .await
            .status,
        200
    );
    assert_eq!(
        bob.post(&server.url("/logout"), Some("application/json"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        bob.post_json(&webhook, &json!({"room": "project-2"}))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn logout_ends_the_session_for_every_copy_of_the_cookie() {
    let server = quickstart(Arc::new(LocalProvisioner::development())).await;
    let webhook = server.url("/api/roomservice");
    let mut bob = Browser::logged_in(&server.url("/login"), "bob").await;
    let copy = bob.cookie().unwrap().to_owned();
    let answer = bob
        .post(&server.url("/logout"), Some("application/json"), "")
        .await;
    assert_eq!(answer.status, 204);
    // The cookie, kept from before the logout, is no session any more.
    bob.set_cookie(Some(copy));
    let answer = bob.post_json(&webhook, &json!({"room": "project-2"})).await;
    assert_eq!(answer.status, 401, "{answer:?}");
}

#[tokio::test]
async fn sessions_expire() {
    let mut state = state();
    state.session_lifetime = std::time::Duration::from_secs(1);
    let provisioner = Arc::new(LocalProvisioner::development());
    let server = serve(app::app(state, provisioner).unwrap()).await;
    let webhook = server.url("/api/roomservice");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;
    let answer = alice
        .post_json(&webhook, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let answer = alice
        .post_json(&webhook, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 401, "an expired session: {answer:?}");
}

#[tokio::test]
async fn login_is_for_demo_users_only() {
    let server = quickstart(Arc::new(LocalProvisioner::development())).await;
    let answer = Browser::new()
        .post_json(&server.url("/login"), &json!({"user": "mallory"}))
        .await;
    assert_eq!(answer.status, 400, "{answer:?}");
}

#[tokio::test]
async fn provisions_over_http_through_the_local_server() {
    let local = Arc::new(LocalProvisioner::development());
    let upstream = serve_local_provisioner(local.clone()).await;
    let room_service = HttpProvisioner::builder()
        .api_key(ApiKey::new(ApiKey::LOCAL_DEV))
        .base_url(upstream.url(""))
        .build()
        .expect("a valid Room Service configuration");
    let server = serve(app::app(state(), room_service).unwrap()).await;
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;

    let answer = alice
        .post_json(&server.url("/api/roomservice"), &url_strategy("project-1"))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let claims = local
        .verify(answer.json["token"].as_str().unwrap())
        .expect("issued by the local server");
    assert!(claims.grants_room("project-1") && !claims.grants_room("project-2"));
}

#[tokio::test]
async fn an_unreachable_provisioner_is_a_502() {
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let room_service = HttpProvisioner::builder()
        .api_key(ApiKey::new("sk_test_recognisable_secret"))
        .base_url(format!("http://{closed}"))
        .build()
        .unwrap();
    let server = serve(app::app(state(), room_service).unwrap()).await;
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;
    let answer = alice
        .post_json(
            &server.url("/api/roomservice"),
            &json!({"room": "project-1"}),
        )
        .await;
    assert_eq!(answer.status, 502, "{answer:?}");
    assert!(
        answer.json["error"]
            .as_str()
            .is_some_and(|m| m.contains("connect")),
        "{answer:?}"
    );
    assert!(!answer.text.contains("recognisable_secret"), "{answer:?}");
}
