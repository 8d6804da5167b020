//! The actix-web quickstart over real HTTP on 127.0.0.1: the same contract
//! as the axum one, through the actix-web adapter.

#[path = "../examples/actix_quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::Arc;

use actix_web::cookie::Key;
use roomauth::room_service::LocalProvisioner;
use roomauth_suite::Browser;
use serde_json::json;

/// Starts the actix-web app on a free port, in its own actix system thread.
fn start(provisioner: Arc<LocalProvisioner>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let state = app::AppState::demo(Key::generate());
    let server = app::server(listener, state, provisioner).expect("the actix app starts");
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
    format!("http://{addr}")
}

#[tokio::test]
async fn the_contract_on_actix_web() {
    let provisioner = Arc::new(LocalProvisioner::development());
    let base = start(provisioner.clone());
    let webhook = format!("{base}/api/roomservice");

    let mut anonymous = Browser::new();
    let answer = anonymous
        .post_json(&webhook, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert!(answer.json["error"].is_string(), "{answer:?}");

    let mut alice = Browser::new();
    assert_eq!(
        alice
            .post_json(&format!("{base}/login"), &json!({"user": "alice"}))
            .await
            .status,
        200
    );
    let answer = alice
        .post_json(&webhook, &json!({"room": "project-1"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let claims = provisioner
        .verify(answer.json["token"].as_str().unwrap())
        .unwrap();
    assert!(claims.grants_room("project-1") && !claims.grants_room("project-2"));

    let url_strategy = json!({"resources": [
        {"object": "document", "reference": "default", "permission": "read_write", "room": "project-2"},
        {"object": "room", "reference": "project-2", "permission": "join"},
    ]});
    let answer = alice.post_json(&webhook, &url_strategy).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.json["resources"].as_array().unwrap().len(),
        2,
        "{answer:?}"
    );

    for (content_type, body, expected) in [
        (
            Some("application/json"),
            json!({"room": "project-3"}).to_string(),
            403,
        ),
        (
            Some("application/json"),
            json!({"room": "no-rule"}).to_string(),
            403,
        ),
        (Some("application/json"), "[1,2".to_owned(), 400),
        (
            Some("text/plain"),
            json!({"room": "project-1"}).to_string(),
            415,
        ),
        (
            Some("application/json"),
            format!(r#"{{"room":"{}"}}"#, "x".repeat(32 * 1024)),
            413,
        ),
    ] {
        let answer = alice.post(&webhook, content_type, body.clone()).await;
        assert_eq!(answer.status, expected, "{body:.60}: {answer:?}");
        assert!(answer.json["error"].is_string(), "{answer:?}");
    }

    let mut bob = Browser::new();
    assert_eq!(
        bob.post_json(&format!("{base}/login"), &json!({"user": "bob"}))
            .await
            .status,
        200
    );
    assert_eq!(
        bob.post_json(&webhook, &json!({"room": "project-1"}))
            .await
            .status,
        403
    );
    let tampered = bob.cookie().unwrap().replace("bob", "alice");
    bob.set_cookie(Some(tampered));
    assert_eq!(
        bob.post_json(&webhook, &json!({"room": "project-1"}))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn logout_ends_the_session_for_every_copy_of_the_cookie() {
    let base = start(Arc::new(LocalProvisioner::development()));
    let webhook = format!("{base}/api/roomservice");
    let mut bob = Browser::new();
    let answer = bob
        .post_json(&format!("{base}/login"), &json!({"user": "bob"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let copy = bob.cookie().unwrap().to_owned();
    let answer = bob.post_json(&webhook, &json!({"room": "project-2"})).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let answer = bob.post(&format!("{base}/logout"), None, "").await;
    assert_eq!(answer.status, 204);
    bob.set_cookie(Some(copy));
    let answer = bob.post_json(&webhook, &json!({"room": "project-2"})).await;
    assert_eq!(answer.status, 401, "{answer:?}");
}
