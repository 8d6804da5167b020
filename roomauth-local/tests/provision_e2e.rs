//! End to end on 127.0.0.1: the real `roomauth-local` binary, provisioned
//! through the `HttpProvisioner` client, and every upstream failure the
//! client maps to its own error.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use roomauth::room_service::local::room_id;
use roomauth::room_service::{
    AuthScheme, HttpProvisioner, LocalProvisioner, ProvisionError, Provisioner, SigningKey,
    SigningKeys, TOKEN_LIFETIME, TokenError,
};
use roomauth::room_service::{ObjectKind, ProvisionRequest, ProvisionResponse, Resource};
use roomauth::secret::ApiKey;
use serde_json::{Value, json};

const KEY: &str = "sk_test_e2e_Zx81Qw";
/// 32 bytes, hex: what `ROOMAUTH_SIGNING_KEY` holds.
const SIGNING_KEY_HEX: &str = "726f6f6d617574682d6532652d7369676e696e672d6b65792d3332627974657a";

#[path = "support/local_server.rs"]
mod local_server;
use local_server::LocalServer;

/// `roomauth-local` with the test key and signing key.
fn spawn() -> LocalServer {
    let mut command = LocalServer::command(KEY, &[]);
    command.env("ROOMAUTH_SIGNING_KEY", SIGNING_KEY_HEX);
    LocalServer::start(command)
}

/// The provision request of the Room Service protocol (roomauth::room_service docs).
fn protocol_request() -> ProvisionRequest {
    serde_json::from_value(json!({
        "user": "your-user-id",
        "resources": [{"object": "room", "reference": "express-minimal", "permission": "join"}]
    }))
    .expect("the documented request parses")
}

/// An in-process verifier holding the binary's signing key.
fn verifier() -> LocalProvisioner {
    let key = SigningKey::parse(SIGNING_KEY_HEX).expect("a valid signing key");
    LocalProvisioner::new(ApiKey::new("unused"), SigningKeys::new(key))
}

fn client(base: &str, key: &str) -> roomauth::room_service::HttpProvisionerBuilder {
    HttpProvisioner::builder()
        .api_key(ApiKey::new(key))
        .base_url(base)
}

/// Posts `body` to the server's `path` with the test key.
async fn post_raw(
    server: &LocalServer,
    path: &str,
    content_type: Option<&str>,
    body: String,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url()))
        .header("authorization", format!("Bearer: {KEY}"))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("a JSON body, got {text:?}"));
    (status, json)
}

async fn verify_remote(server: &LocalServer, token: &str, room: &str) -> (u16, Value) {
    let body = json!({"token": token, "room": room}).to_string();
    post_raw(server, "/verify", Some("application/json"), body).await
}

fn check_response(request: &ProvisionRequest, response: &ProvisionResponse) {
    assert_eq!(response.user, "your-user-id");
    let room = response
        .resources
        .iter()
        .find(|r| r.object == ObjectKind::Room)
        .expect("a room resource");
    assert_eq!(room.reference, "express-minimal");
    assert_eq!(
        room.id.as_deref(),
        Some(room_id("express-minimal").as_str())
    );
    // Exactly what was asked: no document the request did not name.
    assert_eq!(response.resources.len(), request.resources.len());
    for granted in &response.resources {
        assert!(
            request
                .resources
                .iter()
                .any(|asked| asked.object == granted.object
                    && asked.reference == granted.reference
                    && asked.room == granted.room),
            "{response:?}"
        );
    }
    assert!(!response.token.is_empty());
}

#[tokio::test]
async fn provisions_the_protocol_request_with_both_auth_schemes() {
    let server = spawn();
    let verifier = verifier();
    let colon = client(&server.base_url(), KEY).build().unwrap();
    assert_eq!(colon.auth_scheme(), AuthScheme::BearerColon);
    let plain = client(&server.base_url(), KEY)
        .auth_scheme(AuthScheme::Bearer)
        .build()
        .unwrap();

    for service in [colon, plain] {
        let provisioned = service
            .provision(&protocol_request())
            .await
            .expect("provisioned");
        check_response(&protocol_request(), &provisioned.response);
        // The body is the server's bytes, and it parses to the response.
        let reparsed: ProvisionResponse = serde_json::from_slice(&provisioned.body).unwrap();
        assert_eq!(reparsed, provisioned.response);

        let token = &provisioned.response.token;
        // In process, with the same signing key.
        let claims = verifier
            .verify(token)
            .expect("the token verifies in process");
        assert_eq!(claims.sub, "your-user-id");
        assert!(claims.grants_room("express-minimal"));
        assert!(!claims.grants_room("another-room"));
        assert!(claims.exp - claims.iat == TOKEN_LIFETIME.as_secs());

        // Through the server's /verify.
        let (status, answer) = verify_remote(&server, token, "express-minimal").await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["valid"], true);
        assert_eq!(answer["user"], "your-user-id");
        assert_eq!(answer["grants_room"], true);
        let (status, answer) = verify_remote(&server, token, "another-room").await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["grants_room"], false);
    }

    // The URL-strategy resources come back with ids and nothing added.
    let service = client(&server.base_url(), KEY).build().unwrap();
    let request = ProvisionRequest {
        user: "your-user-id".into(),
        resources: vec![
            Resource::document("express-minimal", "default"),
            Resource::room("express-minimal"),
        ],
    };
    let provisioned = service.provision(&request).await.unwrap();
    check_response(&request, &provisioned.response);
    assert_eq!(provisioned.response.resources.len(), 2);
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let server = spawn();
    let verifier = verifier();
    let issued = SystemTime::now() - TOKEN_LIFETIME - Duration::from_secs(60);
    let token = verifier
        .provision_at(&protocol_request(), issued)
        .unwrap()
        .response
        .token;

    assert_eq!(verifier.verify(&token), Err(TokenError::Expired));
    let (status, answer) = verify_remote(&server, &token, "express-minimal").await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["valid"], false);
    assert!(
        answer["error"].as_str().unwrap().contains("expired"),
        "{answer}"
    );

    // The same token, fresh, is accepted by the server: the key is shared.
    let fresh = verifier
        .provision_at(&protocol_request(), SystemTime::now())
        .unwrap()
        .response
        .token;
    let (status, answer) = verify_remote(&server, &fresh, "express-minimal").await;
    assert_eq!(
        (status, &answer["grants_room"]),
        (200, &json!(true)),
        "{answer}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused() {
    let server = spawn();
    for scheme in [AuthScheme::BearerColon, AuthScheme::Bearer] {
        let service = client(&server.base_url(), "sk_wrong_Kq93")
            .auth_scheme(scheme)
            .build()
            .unwrap();
        let err = service.provision(&protocol_request()).await.unwrap_err();
        assert!(
            matches!(err, ProvisionError::KeyRefused { status } if status == 401),
            "{err:?}"
        );
        for text in [err.to_string(), format!("{err:?}"), format!("{service:?}")] {
            assert!(
                !text.contains("sk_wrong_Kq93") && !text.contains(KEY),
                "{text}"
            );
        }
        assert!(err.to_string().contains("ROOMSERVICE_API_KEY"), "{err}");
    }
}

#[tokio::test]
async fn malformed_bodies_get_json_errors() {
    let server = spawn();
    let json_type = Some("application/json");
    let (status, answer) = post_raw(&server, "/provision", json_type, "not json".into()).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("invalid provision request")),
        "{answer}"
    );

    let (status, answer) =
        post_raw(&server, "/provision", json_type, r#"{"user":"u"}"#.into()).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("resources"),
        "{answer}"
    );

    let (status, answer) = post_raw(
        &server,
        "/provision",
        json_type,
        r#"{"user":"u","resources":[{"object":"document","reference":"default","permission":"read_write"}]}"#.into(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("no `room`"),
        "{answer}"
    );

    let body = protocol_request();
    let body = serde_json::to_string(&body).unwrap();
    let (status, answer) = post_raw(&server, "/provision", None, body).await;
    assert_eq!(status, 415);
    assert!(answer["error"].is_string(), "{answer}");

    let huge = format!(r#"{{"user":"{}","resources":[]}}"#, "u".repeat(100_000));
    let (status, answer) = post_raw(&server, "/provision", json_type, huge).await;
    assert_eq!(status, 413);
    assert!(answer["error"].is_string(), "{answer}");
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let service = client(&format!("http://{closed}"), KEY).build().unwrap();
    let err = service.provision(&protocol_request()).await.unwrap_err();
    assert_eq!(err, ProvisionError::Connect);
    assert!(!err.is_timeout());
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket); // accept, read nothing, answer nothing
        }
    });
    let service = client(&format!("http://{addr}"), KEY)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = service.provision(&protocol_request()).await.unwrap_err();
    assert_eq!(err, ProvisionError::Timeout);
    assert!(err.is_timeout());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// A TCP proxy on 127.0.0.1 in front of `upstream` that counts the
/// connections it accepts.
fn counting_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for inbound in listener.incoming() {
            let Ok(inbound) = inbound else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let Ok(outbound) = TcpStream::connect(upstream) else {
                continue;
            };
            pipe(&inbound, &outbound);
            pipe(&outbound, &inbound);
        }
    });
    (addr, accepted)
}

/// Copies `from` to `to` on a thread until `from` closes.
fn pipe(from: &TcpStream, to: &TcpStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

#[tokio::test]
async fn sequential_provisions_reuse_pooled_connections() {
    let server = spawn();
    let (proxy, accepted) = counting_proxy(server.addr());
    const POOL: usize = 2;
    const CALLS: u64 = 25;
    let service = client(&format!("http://{proxy}"), KEY)
        .pool_max_idle_per_host(POOL)
        .build()
        .unwrap();
    for _ in 0..CALLS {
        let provisioned = service
            .provision(&protocol_request())
            .await
            .expect("provisioned");
        check_response(&protocol_request(), &provisioned.response);
    }
    // Clones share the pool.
    let clone = service.clone();
    clone.provision(&protocol_request()).await.unwrap();

    let connections = accepted.load(Ordering::SeqCst);
    assert!(
        (1..=POOL).contains(&connections),
        "{} sequential provisions opened {connections} connections",
        CALLS + 1
    );

    // The server counted every call.
    let stats: Value = reqwest::get(format!("{}/stats", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats, json!({"provisions": CALLS + 1}));
}
