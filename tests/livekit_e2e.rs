//! The LiveKit endpoint of the realtime example (`POST /livekit/token`),
//! end to end: livekit-client's own `TokenSource.endpoint` asks for tokens
//! in Node, livekit-server-sdk's `TokenVerifier` checks them, and hostile
//! requests get a 4xx JSON answer.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use axum_extra::extract::cookie::Key;
use roomauth::livekit::LiveKit;
use roomauth_suite::tools::npm_project;
use roomauth_suite::{Browser, Served, serve};
use serde_json::{Value, json};

const API_KEY: &str = "APIroomauthtest";
const API_SECRET: &str = "a-secret-of-at-least-thirty-two-bytes-for-tests";
const SERVER_URL: &str = "wss://livekit.example.test";

/// The realtime example on a free port, LiveKit configured with the test key.
async fn realtime() -> Served {
    let backends = app::Backends {
        livekit: LiveKit::builder()
            .api_key(API_KEY)
            .api_secret(API_SECRET)
            .server_url(SERVER_URL)
            .build()
            .expect("LiveKit config"),
        ..app::Backends::dev()
    };
    let router = app::app(app::AppState::demo(Key::generate()), backends).expect("rules build");
    serve(router).await
}

/// Runs `node token-source.mjs` against `server`; its observations.
fn token_source(server: &Served) -> Value {
    npm_project("tests/node/livekit").node_json(
        "token-source.mjs",
        [server.url(""), API_KEY.to_owned(), API_SECRET.to_owned()],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn livekit_client_and_server_sdk_accept_the_rules_tokens() {
    let server = realtime().await;
    let out = tokio::task::spawn_blocking(move || {
        let out = token_source(&server);
        drop(server);
        out
    })
    .await
    .unwrap();

    // alice writes project-1: may publish tracks and data.
    let p1 = &out["project-1"];
    assert_eq!(p1["ok"], true, "{p1}");
    assert_eq!(p1["serverUrl"], SERVER_URL);
    let claims = &p1["claims"];
    assert_eq!(claims["iss"], API_KEY);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["name"], "Alice");
    assert_eq!(claims["metadata"], r#"{"name":"Alice"}"#);
    assert_eq!(
        claims["video"],
        json!({"room": "project-1", "roomJoin": true, "canSubscribe": true,
               "canPublish": true, "canPublishData": true,
               "canPublishSources": ["camera", "microphone", "screen_share"]})
    );
    assert_eq!(claims["attributes"], json!({"role": "editor"}));
    assert!(claims.get("roomConfig").is_none(), "{claims}");
    let ttl = claims["exp"].as_u64().unwrap() - claims["nbf"].as_u64().unwrap();
    assert_eq!(ttl, 6 * 3600);

    // alice reads project-2: joins and subscribes, publishes nothing.
    let p2 = &out["project-2"];
    assert_eq!(p2["ok"], true, "{p2}");
    assert_eq!(
        p2["claims"]["video"],
        json!({"room": "project-2", "roomJoin": true, "canSubscribe": true,
               "canPublish": false, "canPublishData": false})
    );
    assert_eq!(p2["claims"]["attributes"], json!({"role": "viewer"}));

    // project-3 has no members: 403; no session: 401. TokenSource throws
    // with the status and the JSON body.
    let p3 = out["project-3"]["error"].as_str().unwrap();
    assert!(
        p3.contains("received 403 /") && p3.contains(r#"{"error":"#),
        "{p3}"
    );
    let anonymous = out["no-session"]["error"].as_str().unwrap();
    assert!(anonymous.contains("received 401 /"), "{anonymous}");

    // What the client asks for and the rule did not decide is refused with
    // a 400 naming every such field; nothing is dropped silently.
    let more = out["asks-for-more"]["error"].as_str().unwrap();
    assert!(
        more.contains("received 400 /")
            && more.contains(
                "participant_name, participant_metadata, participant_attributes.role, room_config.agents[0].agent_name"
            ),
        "{more}"
    );
    // What the rule decides the same way is granted; the agent is
    // dispatched through the token (agent dispatch by name).
    let same = &out["asks-what-the-rule-decides"];
    assert_eq!(same["ok"], true, "{same}");
    assert_eq!(same["claims"]["name"], "Alice");
    assert_eq!(same["claims"]["attributes"], json!({"role": "editor"}));
    assert_eq!(
        same["claims"]["roomConfig"],
        json!({"agents": [{"agentName": "note-taker"}]})
    );
    let reader = &out["reader-asks-for-the-agent"];
    assert_eq!(reader["ok"], true, "{reader}");
    assert_eq!(reader["claims"]["video"]["canPublish"], false);
    assert_eq!(
        reader["claims"]["roomConfig"],
        json!({"agents": [{"agentName": "note-taker"}]})
    );
    let metadata = out["agent-metadata"]["error"].as_str().unwrap();
    assert!(
        metadata.contains("received 400 /") && metadata.contains("room_config.agents[0].metadata"),
        "{metadata}"
    );
    let other = out["other-identity"]["error"].as_str().unwrap();
    assert!(
        other.contains("received 400 /") && other.contains("participant_identity"),
        "{other}"
    );

    // The verifier refuses the token with another secret or key, and once
    // it has expired.
    assert_eq!(out["wrong-secret"]["ok"], false);
    assert_eq!(
        out["wrong-secret"]["code"],
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
    assert_eq!(out["wrong-key"]["ok"], false);
    assert_eq!(out["after-expiry"]["ok"], false);
    assert_eq!(out["after-expiry"]["code"], "ERR_JWT_EXPIRED");
    assert_eq!(out["before-expiry"]["ok"], true);
}

/// At least 20 hostile requests: each is a 4xx with `{"error": ..}`, none
/// a token or a 5xx.
#[tokio::test]
async fn hostile_requests_get_a_4xx_json_answer() {
    let server = realtime().await;
    let url = server.url("/livekit/token");
    let mut alice = Browser::logged_in(&server.url("/login"), "alice").await;

    let json = Some("application/json");
    let long_room = format!(r#"{{"room_name":"{}"}}"#, "a".repeat(257));
    let huge = format!(
        r#"{{"room_name":"project-1","pad":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    let deep = format!(
        r#"{{"room_name":"project-1","room_config":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let cases: Vec<(Option<&str>, Vec<u8>, u16)> = vec![
        (None, br#"{"room_name":"project-1"}"#.to_vec(), 415),
        (
            Some("text/plain"),
            br#"{"room_name":"project-1"}"#.to_vec(),
            415,
        ),
        (
            Some("application/x-www-form-urlencoded"),
            b"room_name=project-1".to_vec(),
            415,
        ),
        (json, b"".to_vec(), 400),
        (json, b"null".to_vec(), 400),
        (json, b"[]".to_vec(), 400),
        (json, br#"["project-1"]"#.to_vec(), 400),
        (json, br#""project-1""#.to_vec(), 400),
        (json, b"{}".to_vec(), 400),
        (json, br#"{"room_name":""}"#.to_vec(), 400),
        (json, br#"{"room_name":1}"#.to_vec(), 400),
        (json, br#"{"room_name":["project-1"]}"#.to_vec(), 400),
        (
            json,
            br#"{"room_name":"project-1","roomName":"project-2"}"#.to_vec(),
            400,
        ),
        (json, br#"{"room_name":"project-1\u0000"}"#.to_vec(), 400),
        (json, br#"{"room_name":"project-1\n"}"#.to_vec(), 400),
        (json, long_room.into_bytes(), 400),
        (json, b"{\"room_name\":\"project-\xff\"}".to_vec(), 400),
        (json, br#"{"room_name":"project-1""#.to_vec(), 400),
        (
            json,
            br#"{"room_name":"project-1","participant_attributes":{"a":1}}"#.to_vec(),
            400,
        ),
        (
            json,
            br#"{"room_name":"project-1","room_config":[]}"#.to_vec(),
            400,
        ),
        (
            json,
            br#"{"room_name":"project-1","participant_identity":7}"#.to_vec(),
            400,
        ),
        (
            json,
            br#"{"room_name":"project-1","participant_identity":"bob"}"#.to_vec(),
            400,
        ),
        (json, deep.into_bytes(), 400),
        (json, huge.into_bytes(), 413),
        (json, br#"{"room_name":"project-01"}"#.to_vec(), 403),
        // A look-alike name: the room-name floor's 400 (issue 18), before
        // any rule (it was a 403 when only the rules saw it).
        (json, br#"{"room_name":"project-1 "}"#.to_vec(), 400),
        (json, br#"{"room_name":"../project-1"}"#.to_vec(), 403),
        (json, br#"{"room_name":"project-3"}"#.to_vec(), 403),
        (json, br#"{"room_name":"PROJECT-1"}"#.to_vec(), 403),
    ];
    assert!(cases.len() >= 20);
    for (content_type, body, status) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(80)
            .collect::<String>();
        let answer = alice.post(&url, content_type, body).await;
        assert_eq!(answer.status, status, "{shown}: {}", answer.text);
        let message = answer.json["error"].as_str();
        assert!(
            message.is_some_and(|m| !m.is_empty()),
            "{shown}: {}",
            answer.text
        );
        assert!(!answer.text.contains(API_SECRET), "{shown}");
        assert!(answer.json.get("participant_token").is_none(), "{shown}");
    }
}

/// Revoking: `LiveKitRoomService`'s `RemoveParticipant` and
/// `UpdateParticipant` (a downgrade) are what `livekit-server-sdk`'s
/// `RoomServiceClient` sends for the same calls (path, body, the admin
/// token's claims), and the SDK's `TokenVerifier` accepts roomauth's admin
/// tokens. Both are captured by stub servers on 127.0.0.1 (no LiveKit
/// server installs here).
#[tokio::test(flavor = "multi_thread")]
async fn room_service_calls_match_the_server_sdk() {
    use roomauth::livekit::LiveKitRoomService;
    use roomauth::revoke::{Applied, Revoker};
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(String, String, String)>>>;
    let seen: Seen = Arc::default();
    let stub = {
        let seen = Arc::clone(&seen);
        axum::Router::new().route(
            "/twirp/livekit.RoomService/{method}",
            axum::routing::post(
                move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: String| {
                    let seen = Arc::clone(&seen);
                    async move {
                        let bearer = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.strip_prefix("Bearer "))
                            .unwrap_or_default()
                            .to_owned();
                        let not_there = body.contains("\"bob\"");
                        seen.lock()
                            .unwrap()
                            .push((uri.path().to_owned(), body, bearer));
                        if not_there {
                            (
                                axum::http::StatusCode::NOT_FOUND,
                                axum::Json(
                                    json!({"code": "not_found", "msg": "participant not found"}),
                                ),
                            )
                        } else {
                            (axum::http::StatusCode::OK, axum::Json(json!({})))
                        }
                    }
                },
            ),
        )
    };
    let stub = serve(stub).await;
    let livekit = LiveKit::builder()
        .api_key(API_KEY)
        .api_secret(API_SECRET)
        // As LIVEKIT_URL would name it: ws:// is called as http://.
        .server_url(stub.url("").replacen("http", "ws", 1))
        .build()
        .expect("LiveKit config");
    let revoker = Revoker::builder()
        .target(LiveKitRoomService::new(&livekit).expect("RoomService"))
        .build();
    let report = revoker.revoke("alice", "project-1").await;
    assert_eq!(report.outcomes[0].result, Ok(Applied::Done), "{report}");
    let report = revoker
        .access_changed("alice", "project-1", Some(roomauth::Access::Read))
        .await;
    assert_eq!(report.outcomes[0].result, Ok(Applied::Done), "{report}");
    // Not in the room (LiveKit's 404): nothing to revoke.
    let report = revoker.revoke("bob", "project-1").await;
    assert!(
        matches!(report.outcomes[0].result, Ok(Applied::Nothing(_))),
        "{report}"
    );
    let report = revoker.revoke_user("alice").await;
    assert!(
        matches!(report.outcomes[0].result, Ok(Applied::Unsupported(_))),
        "{report}"
    );
    let ours = seen.lock().unwrap().clone();
    assert_eq!(ours.len(), 3);

    let tokens: Vec<&str> = ours.iter().map(|(_, _, token)| token.as_str()).collect();
    let input = serde_json::to_string(&tokens).expect("json");
    let sdk = tokio::task::spawn_blocking(move || {
        let project = npm_project("tests/node/livekit");
        let mut child = project
            .node("room-service.mjs")
            .env("API_KEY", API_KEY)
            .env("API_SECRET", API_SECRET)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run node");
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        let output = child.wait_with_output().expect("node output");
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice::<Value>(&output.stdout).expect("one JSON line")
    })
    .await
    .unwrap();
    let claims = |token: &str| -> Value {
        use base64::Engine as _;
        let payload = token.split('.').nth(1).expect("a JWT");
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .expect("base64url"),
        )
        .expect("JSON claims")
    };
    for (i, (path, body, token)) in ours.iter().take(2).enumerate() {
        let reference = &sdk["sdk"][i];
        assert_eq!(reference["path"], *path, "{sdk:#}");
        assert_eq!(
            reference["body"],
            serde_json::from_str::<Value>(body).expect("json body"),
            "{sdk:#}"
        );
        // The same claims but the times, and the same lifetime.
        let (mine, theirs) = (claims(token), &reference["claims"]);
        assert_eq!(mine["video"], theirs["video"], "{mine} vs {theirs}");
        assert_eq!(mine["iss"], theirs["iss"]);
        let lifetime = |c: &Value| c["exp"].as_u64().unwrap() - c["nbf"].as_u64().unwrap();
        assert_eq!(lifetime(&mine), lifetime(theirs));
        assert_eq!(
            mine.as_object().unwrap().keys().collect::<Vec<_>>(),
            theirs.as_object().unwrap().keys().collect::<Vec<_>>()
        );
        // The SDK's verifier accepts roomauth's admin token.
        assert_eq!(
            sdk["verified"][i]["video"],
            json!({"roomAdmin": true, "room": "project-1"})
        );
    }
}
