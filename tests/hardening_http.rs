//! Hardening of the quickstart over real HTTP on 127.0.0.1 (issue #6):
//!
//! 1. hostile and malformed webhook requests, each answered with its own 4xx
//!    and a JSON error, none reaching the provisioner (which counts calls);
//! 2. upstream faults from a fault-injecting provisioner (raw HTTP over a
//!    tokio `TcpListener`), each answered with 502, 503 or 504 and a JSON
//!    error within a bounded time, retried only where it is safe;
//! 3. secrets: every run starts with recognisable keys (API key, session
//!    cookie key, token-signing key), and no response (status line, headers,
//!    body) nor captured log line (at trace level) contains any of them;
//! 4. browser safety: JSON only, the `Origin` allow-list (axum and
//!    actix-web), the session cookie's attributes, deny by default, and the
//!    user id taken from the rule only.
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too.

#[path = "../examples/quickstart/app.rs"]
#[allow(dead_code)]
mod app;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::routing::post;
use axum_extra::extract::cookie::Key;
use base64::Engine as _;
use roomauth::Webhook;
use roomauth::pattern::Pattern;
use roomauth::room::RoomMatch;
use roomauth::room_service::{
    HttpProvisioner, LocalProvisioner, ProvisionError, Provisioned, Provisioner, RoomService,
    SigningKey, SigningKeys,
};
use roomauth::room_service::{ProvisionRequest, ProvisionResponse};
use roomauth::rule::{BoxFuture, Grant, Refusal, Rule};
use roomauth::secret::ApiKey;
use roomauth_suite::{Served, serve, serve_local_provisioner};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------
// Secrets, and searching for them.

/// The API key every provisioner of these tests is configured with.
const API_KEY: &str = "sk_CANARYapikey_5e1f0c";
/// The session-cookie key (64 bytes, as `Key::from` wants).
const COOKIE_KEY: &[u8; 64] = b"COOKIEKEYCANARY_0123456789abcdef_COOKIEKEYCANARY_0123456789abcde";
/// The token-signing secret of the local provisioner.
const SIGNING_SECRET: &[u8; 40] = b"SIGNINGKEYCANARY_0123456789abcdef_SIGNKY";

/// Every form a secret could leak in: as is, hex, and each base64 flavour.
fn secret_forms() -> Vec<(String, &'static str)> {
    let mut forms = Vec::new();
    for (secret, name) in [
        (API_KEY.as_bytes(), "API key"),
        (&COOKIE_KEY[..], "cookie key"),
        (&SIGNING_SECRET[..], "signing key"),
    ] {
        forms.push((String::from_utf8_lossy(secret).into_owned(), name));
        forms.push((hex::encode(secret), name));
        for engine in [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ] {
            // Drop the last characters: they depend on what follows.
            let encoded = engine.encode(secret);
            forms.push((encoded[..encoded.len() - 4].to_owned(), name));
        }
    }
    forms.push(("CANARY".to_owned(), "a canary marker"));
    forms
}

/// Panics if `text` holds any form of any secret.
fn assert_no_secret(text: &str, what: &str) {
    for (form, name) in secret_forms() {
        assert!(
            !text.contains(&form),
            "the {name} leaked into {what} (as `{form}`):\n{text:.2000}"
        );
    }
}

#[path = "../roomauth/tests/support/logs.rs"]
mod logs;
use logs::Logs;

/// Counts panics outside this file's own assertions, anywhere in this test
/// binary (a handler that panics would also just drop its connection).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_none_or(|l| !l.file().ends_with("hardening_http.rs"))
            {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

// ---------------------------------------------------------------------------
// The app under test.

fn state() -> app::AppState {
    app::AppState::demo(Key::from(COOKIE_KEY))
}

fn local_provisioner() -> LocalProvisioner {
    let key = SigningKey::new("kid-hardening", SIGNING_SECRET).expect("a valid signing key");
    LocalProvisioner::new(ApiKey::new(API_KEY), SigningKeys::new(key))
}

/// A provisioner that counts its calls and keeps the requests it got.
struct Counting {
    inner: LocalProvisioner,
    calls: AtomicUsize,
    requests: Mutex<Vec<ProvisionRequest>>,
}

impl Counting {
    fn new() -> Arc<Counting> {
        Arc::new(Counting {
            inner: local_provisioner(),
            calls: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Provisioner for Counting {
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.requests.lock().unwrap().push(request.clone());
        self.inner.provision(request).await
    }
}

/// One HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
    json: Value,
}

impl Answer {
    /// Status line, headers and body, as one text to search.
    fn transcript(&self) -> String {
        let mut text = format!("{}\n", self.status);
        for (name, value) in &self.headers {
            text += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
        }
        text + &self.text
    }

    fn error(&self) -> Option<&str> {
        self.json["error"].as_str().filter(|m| !m.is_empty())
    }
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    content_type: Option<&str>,
    headers: &[(&str, &[u8])],
    body: impl Into<reqwest::Body>,
) -> Answer {
    let mut request = client.post(url).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    for (name, value) in headers {
        request = request.header(
            *name,
            reqwest::header::HeaderValue::from_bytes(value).expect("a header value"),
        );
    }
    let response = request
        .send()
        .await
        .expect("an answer (a panicking handler would drop the connection)");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("the whole body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

/// Logs in as `user` on the quickstart and returns the `Cookie` header.
async fn login(client: &reqwest::Client, server: &Served, user: &str) -> (String, Answer) {
    let answer = send(
        client,
        &server.url("/login"),
        Some("application/json"),
        &[],
        json!({ "user": user }).to_string(),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let set_cookie = answer
        .headers
        .get("set-cookie")
        .expect("login sets the session cookie")
        .to_str()
        .unwrap();
    let pair = set_cookie.split(';').next().unwrap().to_owned();
    (pair, answer)
}

fn url_strategy(room: &str) -> Value {
    json!({"resources": [
        {"object": "document", "reference": "default", "permission": "read_write", "room": room},
        {"object": "room", "reference": room, "permission": "join"},
    ]})
}

/// Sends raw bytes on a fresh connection; with `half_close`, shuts the
/// write side after them. Returns everything the server sent until it
/// closed (at most 5 s).
async fn raw(addr: SocketAddr, request: &[u8], half_close: bool) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    if half_close {
        stream.shutdown().await.unwrap();
    }
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    assert!(
        read.is_ok(),
        "the server answered and closed within 5 s; got so far:\n{}",
        String::from_utf8_lossy(&out)
    );
    String::from_utf8_lossy(&out).into_owned()
}

/// The status and JSON body of a raw HTTP/1.1 answer.
fn parse_raw(answer: &str) -> (u16, Value) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

// ---------------------------------------------------------------------------
// 1. Bad input.

/// A body of JSON `depth` arrays deep.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
}

fn resources(items: &[Value]) -> String {
    json!({ "resources": items }).to_string()
}

fn room_res(room: &str) -> Value {
    json!({"object": "room", "reference": room, "permission": "join"})
}

fn doc_res(room: &str, doc: &str) -> Value {
    json!({"object": "document", "reference": doc, "permission": "read_write", "room": room})
}

/// The hostile bodies: (what, content type, body bytes, expected status).
fn hostile_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>, u16)> {
    const JSON: Option<&str> = Some("application/json");
    let s = |text: &str| text.as_bytes().to_vec();
    let room = |name: &str| json!({ "room": name }).to_string().into_bytes();
    let mut cases: Vec<(&'static str, Option<&'static str>, Vec<u8>, u16)> = vec![
        // Not JSON, or not a JSON object.
        ("invalid JSON", JSON, s("{not json"), 400),
        ("truncated JSON", JSON, s(r#"{"room":"project-1""#), 400),
        ("empty body", JSON, Vec::new(), 400),
        ("whitespace body", JSON, s(" \r\n\t "), 400),
        ("null", JSON, s("null"), 400),
        ("array", JSON, s(r#"["project-1"]"#), 400),
        ("string", JSON, s(r#""project-1""#), 400),
        ("number", JSON, s("42"), 400),
        ("boolean", JSON, s("true"), 400),
        ("empty object", JSON, s("{}"), 400),
        ("byte-order mark", JSON, [&b"\xEF\xBB\xBF"[..], br#"{"room":"project-1"}"#].concat(), 400),
        ("trailing garbage", JSON, s(r#"{"room":"project-1"} x"#), 400),
        ("two documents", JSON, s(r#"{"room":"project-1"}{"room":"project-2"}"#), 400),
        // `room` of the wrong type, or empty.
        ("room null", JSON, s(r#"{"room":null}"#), 400),
        ("room number", JSON, s(r#"{"room":1}"#), 400),
        ("room float", JSON, s(r#"{"room":1e2}"#), 400),
        ("room huge number", JSON, s(r#"{"room":1e999999}"#), 400),
        ("room array", JSON, s(r#"{"room":["project-1"]}"#), 400),
        ("room object", JSON, s(r#"{"room":{"name":"project-1"}}"#), 400),
        ("room empty", JSON, room(""), 400),
        ("room twice", JSON, s(r#"{"room":"project-2","room":"project-1"}"#), 400),
        // Both forms, neither, smuggled fields.
        ("both forms", JSON, s(&json!({"room": "project-1", "resources": [room_res("project-1")]}).to_string()), 400),
        ("smuggled user", JSON, s(r#"{"room":"project-1","user":"bob"}"#), 400),
        ("smuggled user, URL strategy", JSON, s(&json!({"resources": [room_res("project-1")], "user": "bob"}).to_string()), 400),
        ("smuggled user inside a resource", JSON, resources(&[json!({"object": "room", "reference": "project-1", "permission": "join", "user": "bob"})]).into_bytes(), 400),
        ("smuggled token", JSON, s(r#"{"room":"project-1","token":"t"}"#), 400),
        // Resources that are wrong.
        ("resources a string", JSON, s(r#"{"resources":"project-1"}"#), 400),
        ("resources empty", JSON, resources(&[]).into_bytes(), 400),
        ("resources of empty objects", JSON, s(r#"{"resources":[{},{}]}"#), 400),
        ("unknown object", JSON, resources(&[json!({"object": "file", "reference": "project-1", "permission": "join"})]).into_bytes(), 400),
        ("unknown permission", JSON, resources(&[json!({"object": "room", "reference": "project-1", "permission": "admin"})]).into_bytes(), 400),
        ("room with read_write", JSON, resources(&[json!({"object": "room", "reference": "project-1", "permission": "read_write"})]).into_bytes(), 400),
        ("document with join", JSON, resources(&[room_res("project-1"), json!({"object": "document", "reference": "default", "permission": "join", "room": "project-1"})]).into_bytes(), 400),
        ("document of another room", JSON, resources(&[room_res("project-1"), doc_res("project-2", "default")]).into_bytes(), 400),
        ("document without a room", JSON, resources(&[room_res("project-1"), json!({"object": "document", "reference": "default", "permission": "read_write"})]).into_bytes(), 400),
        ("document only", JSON, resources(&[doc_res("project-1", "default")]).into_bytes(), 400),
        ("two rooms", JSON, resources(&[room_res("project-1"), room_res("project-2")]).into_bytes(), 400),
        ("a resource with an id", JSON, resources(&[json!({"object": "room", "reference": "project-1", "permission": "join", "id": "rm_1"})]).into_bytes(), 400),
        ("a document twice", JSON, resources(&[room_res("project-1"), doc_res("project-1", "d"), doc_res("project-1", "d")]).into_bytes(), 400),
        (
            "more resources than the limit",
            JSON,
            resources(&std::iter::once(room_res("project-1")).chain((0..roomauth::room_service::MAX_RESOURCES).map(|i| doc_res("project-1", &format!("d{i}")))).collect::<Vec<_>>()).into_bytes(),
            400,
        ),
        // Room names that are not names.
        ("control character", JSON, room("project-1\u{7}"), 400),
        ("NUL", JSON, room("project-1\0"), 400),
        ("newline", JSON, room("project-1\nproject-2"), 400),
        ("ANSI escape", JSON, room("project-\u{1b}[31m1"), 400),
        ("C1 control", JSON, room("project-\u{85}1"), 400),
        ("leading space", JSON, room(" project-1"), 400),
        ("trailing space", JSON, room("project-1 "), 400),
        ("trailing tab", JSON, room("project-1\t"), 400),
        ("trailing no-break space", JSON, room("project-1\u{a0}"), 400),
        ("leading ideographic space", JSON, room("\u{3000}project-1"), 400),
        ("bidi override", JSON, room("project-\u{202e}1"), 400),
        ("zero-width space", JSON, room("project\u{200b}-1"), 400),
        ("line separator", JSON, room("project-1\u{2028}"), 400),
        ("byte-order mark in the name", JSON, room("\u{feff}project-1"), 400),
        ("lone high surrogate", JSON, s(r#"{"room":"project-\ud800"}"#), 400),
        ("lone low surrogate", JSON, s(r#"{"room":"project-\udc00"}"#), 400),
        ("reversed surrogate pair", JSON, s(r#"{"room":"\udc00\ud800"}"#), 400),
        ("non-UTF-8 byte", JSON, [&br#"{"room":"project-"#[..], b"\xff", b"\"}"].concat(), 400),
        ("overlong UTF-8", JSON, [&br#"{"room":"project-"#[..], b"\xc0\xb1", b"\"}"].concat(), 400),
        ("UTF-8-encoded surrogate", JSON, [&br#"{"room":"project-"#[..], b"\xed\xa0\x80", b"\"}"].concat(), 400),
        ("name over the limit", JSON, room(&format!("project-{}", "1".repeat(roomauth::room_service::MAX_NAME_LEN))), 400),
        ("multi-byte name over the limit", JSON, room(&"é".repeat(roomauth::room_service::MAX_NAME_LEN / 2 + 1)), 400),
        ("document name over the limit", JSON, resources(&[room_res("project-1"), doc_res("project-1", &"d".repeat(300))]).into_bytes(), 400),
        // Names that parse but match no rule of the app: 403, like any room
        // no rule answers for.
        ("Arabic-Indic digit", JSON, room("project-\u{661}"), 403),
        ("fullwidth digit", JSON, room("project-\u{ff11}"), 403),
        ("superscript digit", JSON, room("project-\u{b9}"), 403),
        ("percent-encoded digit", JSON, room("project-%31"), 403),
        ("escaped digit is still a digit", JSON, s(r#"{"room":"project-\u0031"}"#), 200),
        ("leading zero", JSON, room("project-01"), 403),
        ("plus sign", JSON, room("project-+1"), 403),
        ("minus sign", JSON, room("project--1"), 403),
        ("exponent", JSON, room("project-1e0"), 403),
        ("hex", JSON, room("project-0x1"), 403),
        ("u64 overflow", JSON, room("project-18446744073709551617"), 403),
        ("inner space", JSON, room("project- 1"), 403),
        ("path traversal", JSON, room("project-1/../2"), 403),
        ("case", JSON, room("Project-1"), 403),
        ("no rule", JSON, room("admin"), 403),
        ("glob", JSON, room("project-*"), 403),
        // Deep nesting: refused at the first wrong type or past serde's
        // recursion limit, never a stack overflow.
        ("deeply nested arrays", JSON, nested(7_000, "").into_bytes(), 400),
        ("deeply nested room", JSON, format!(r#"{{"room":{}}}"#, nested(5_000, "1")).into_bytes(), 400),
        ("deeply nested resources", JSON, format!(r#"{{"resources":{}}}"#, nested(5_000, "")).into_bytes(), 400),
        ("deeply nested objects", JSON, format!("{}{}", r#"{"room":"#.repeat(1_500), "}".repeat(1_500)).into_bytes(), 400),
        ("long unknown key", JSON, format!(r#"{{"{}":1}}"#, "k".repeat(10_000)).into_bytes(), 400),
        // Size.
        ("body over the limit", JSON, format!(r#"{{"room":"{}"}}"#, "x".repeat(roomauth::webhook::DEFAULT_BODY_LIMIT)).into_bytes(), 413),
        ("padding over the limit", JSON, format!(r#"{{"room":"project-1"{}}}"#, " ".repeat(roomauth::webhook::DEFAULT_BODY_LIMIT)).into_bytes(), 413),
        // Content types a cross-site form or `fetch` without preflight can send.
        ("text/plain", Some("text/plain"), room("project-1"), 415),
        ("text/plain with charset", Some("text/plain; charset=utf-8"), room("project-1"), 415),
        ("form", Some("application/x-www-form-urlencoded"), s("room=project-1"), 415),
        ("multipart", Some("multipart/form-data; boundary=x"), s("--x\r\nContent-Disposition: form-data; name=\"room\"\r\n\r\nproject-1\r\n--x--\r\n"), 415),
        ("text/json", Some("text/json"), room("project-1"), 415),
        ("application/jsonp", Some("application/jsonp"), room("project-1"), 415),
        ("no content type", None, room("project-1"), 415),
        ("empty content type", Some(""), room("project-1"), 415),
    ];
    // The one valid request of the table, to prove the counter counts.
    cases.push(("valid control request", JSON, room("project-1"), 200));
    cases
}

#[tokio::test]
async fn hostile_requests_get_a_json_4xx_and_never_reach_the_provisioner() {
    count_panics();
    let (logs, _guard) = Logs::capture();
    let provisioner = Counting::new();
    let server =
        serve(app::app(state(), provisioner.clone()).expect("the quickstart builds")).await;
    let webhook = server.url("/api/roomservice");
    let client = reqwest::Client::new();
    let (cookie, login_answer) = login(&client, &server, "alice").await;
    let mut everything = login_answer.transcript();
    let (bob, _) = login(&client, &server, "bob").await;

    let cases = hostile_bodies();
    let mut tried = 0;
    let mut expected_calls = 0;
    for (what, content_type, body, expected) in cases {
        let answer = send(
            &client,
            &webhook,
            content_type,
            &[("cookie", cookie.as_bytes())],
            body,
        )
        .await;
        tried += usize::from(expected != 200);
        assert_eq!(answer.status, expected, "{what}: {answer:?}");
        if expected == 200 {
            expected_calls += 1;
        } else {
            assert!(answer.error().is_some(), "{what}: a JSON error: {answer:?}");
            assert!(
                answer.text.len() < 600,
                "{what}: a short error, not an echo of the input: {answer:?}"
            );
            assert_eq!(
                answer.headers.get("content-type").unwrap(),
                "application/json",
                "{what}"
            );
        }
        assert_eq!(
            provisioner.calls(),
            expected_calls,
            "{what}: the provisioner was called"
        );
        everything += &answer.transcript();
    }

    // Forged, tampered and oversized cookies: never alice's session (bob's
    // genuine one may win over a forged one next to it: 403, not 200).
    let forged_cookies = [
        "session=alice".to_owned(),
        bob.replace("bob", "alice"),
        cookie.replace("alice", "alicf"),
        format!("{cookie}x"),
        format!("session={}", "A".repeat(16 * 1024)),
        format!("{bob}; session=alice"),
        format!("session=alice; {bob}"),
        format!("{}; session=alice", bob.replace("session=", "Session=")),
        "session=".to_owned(),
        "session=%00alice".to_owned(),
    ];
    for forged in &forged_cookies {
        let answer = send(
            &client,
            &webhook,
            Some("application/json"),
            &[("cookie", forged.as_bytes())],
            json!({"room": "project-1"}).to_string(),
        )
        .await;
        tried += 1;
        assert!(
            matches!(answer.status, 401 | 403),
            "{forged:.60}: {answer:?}"
        );
        assert!(answer.error().is_some(), "{forged:.60}: {answer:?}");
        everything += &answer.transcript();
    }
    // Many cookies, none of them the session.
    let many: String = (0..500).map(|i| format!("c{i}=v{i}; ")).collect();
    let answer = send(
        &client,
        &webhook,
        Some("application/json"),
        &[("cookie", many.as_bytes())],
        json!({"room": "project-1"}).to_string(),
    )
    .await;
    tried += 1;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(
        provisioner.calls(),
        expected_calls,
        "forged cookies reached the provisioner"
    );

    // Lying and odd framing, over a raw connection.
    let addr = server.addr;
    let room = br#"{"room":"project-1"}"#;
    let head = |length: &str| {
        format!(
            "POST /api/roomservice HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nCookie: {cookie}\r\nConnection: close\r\n{length}\r\n"
        )
    };
    let raw_cases: Vec<(&str, Vec<u8>, bool, u16)> = vec![
        // Claims more than it sends, then stops sending.
        (
            "Content-Length longer than the body",
            [head("Content-Length: 100\r\n").as_bytes(), room].concat(),
            true,
            400,
        ),
        // Claims less: the server reads a cut body.
        (
            "Content-Length shorter than the body",
            [head("Content-Length: 8\r\n").as_bytes(), room].concat(),
            false,
            400,
        ),
        // Claims more than the limit: refused before reading.
        (
            "Content-Length over the limit",
            head("Content-Length: 1000000000\r\n").into_bytes(),
            false,
            413,
        ),
        // Chunked past the limit, with no length announced.
        (
            "chunked body over the limit",
            [
                head("Transfer-Encoding: chunked\r\n").as_bytes(),
                format!("{:x}\r\n{}\r\n", 20_000, "x".repeat(20_000)).as_bytes(),
                b"0\r\n\r\n",
            ]
            .concat(),
            false,
            413,
        ),
        // Chunked and cut off.
        (
            "chunked body cut off",
            [
                head("Transfer-Encoding: chunked\r\n").as_bytes(),
                b"ff\r\n{\"room\"",
            ]
            .concat(),
            true,
            400,
        ),
    ];
    for (what, request, half_close, expected) in raw_cases {
        let answer = raw(addr, &request, half_close).await;
        tried += 1;
        let (status, json) = parse_raw(&answer);
        assert_eq!(status, expected, "{what}:\n{answer}");
        assert!(
            json["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: a JSON error:\n{answer}"
        );
        everything += &answer;
    }
    assert_eq!(
        provisioner.calls(),
        expected_calls,
        "raw requests reached the provisioner"
    );
    assert!(tried >= 40, "at least 40 hostile inputs ({tried})");
    eprintln!(
        "hostile inputs tried: {tried}, provisioner calls: {} (the two valid control requests)",
        provisioner.calls()
    );

    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
    let logs = logs.text();
    assert!(
        logs.contains("room auth"),
        "the decisions were logged: {logs:.2000}"
    );
    assert_no_secret(&everything, "a response");
    assert_no_secret(&logs, "the logs");
}

// ---------------------------------------------------------------------------
// 2. Upstream faults.

/// What the fault-injecting provisioner does with each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Answers like Room Service: the resources with ids, and a token.
    Ok,
    /// Reads the request, then resets the connection.
    ResetBeforeAnswer,
    /// Announces a 200 body, sends part of it, then resets.
    ResetMidBody,
    /// Reads the request and never answers.
    Silent,
    /// Sends a 200 and its body one byte every 100 ms.
    SlowBody,
    /// Answers with this status and an error body.
    Status(u16),
    /// 429 with `Retry-After: 7`.
    RateLimited,
    /// 503 for the first attempt, then like `Ok`.
    FailOnceThenOk,
    /// 500 after `delay` ms.
    SlowStatus(u16, u64),
    /// A 302 to elsewhere.
    Redirect,
    /// A 200 whose body is HTML.
    Garbage,
    /// A 200 JSON array.
    JsonArray,
    /// A 200 with the resources but no token.
    NoToken,
    /// A 200 with an empty token.
    EmptyToken,
    /// A 200 answering for another user.
    OtherUser,
    /// A 200 granting another room.
    OtherRoom,
    /// A 200 granting the room and another one.
    ExtraRoom,
    /// A 200 whose resources have no ids.
    NoIds,
    /// A 200 announcing a 2 MiB body.
    HugeDeclared,
    /// A 200 streaming 2 MiB, chunked.
    HugeChunked,
    /// A 200 echoing the `Authorization` header back in its body, after
    /// this many bytes of padding (to place the key where an error message
    /// quoting the body would be cut short).
    EchoAuthorization(usize),
    /// Bytes that are not HTTP.
    NotHttp,
}

/// The fault-injecting provisioner: raw HTTP/1.1 on a tokio `TcpListener`,
/// one request per connection, counting the requests it read.
struct FaultServer {
    addr: SocketAddr,
    attempts: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    async fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let attempts = Arc::new(AtomicUsize::new(0));
        let counter = attempts.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve_fault(stream, fault, counter.clone()));
            }
        });
        FaultServer {
            addr,
            attempts,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

/// Reads one request: the head, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        })
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn http(status: u16, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The answer Room Service would give, bent by `bend`.
fn answer_for(body: &[u8], bend: impl FnOnce(&mut Value)) -> String {
    let request: ProvisionRequest =
        serde_json::from_slice(body).expect("the webhook sends a provision request");
    let resources = request
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.id = Some(format!("id_{i}"));
            r
        })
        .collect();
    let response = ProvisionResponse {
        user: request.user,
        resources,
        token: "tok_fault".to_owned(),
    };
    let mut value = serde_json::to_value(response).unwrap();
    bend(&mut value);
    value.to_string()
}

async fn serve_fault(mut stream: TcpStream, fault: Fault, attempts: Arc<AtomicUsize>) {
    let Some((head, body)) = read_request(&mut stream).await else {
        return;
    };
    let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
    let error = r#"{"error":"injected fault"}"#;
    let reply = match fault {
        Fault::Ok => http(200, "", &answer_for(&body, |_| {})),
        Fault::FailOnceThenOk if attempt == 1 => http(503, "", error),
        Fault::FailOnceThenOk => http(200, "", &answer_for(&body, |_| {})),
        Fault::ResetBeforeAnswer => {
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::ResetMidBody => {
            let full = answer_for(&body, |_| {});
            let mut bytes = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", full.len() + 400)
                .into_bytes();
            bytes.extend_from_slice(&full.as_bytes()[..full.len() / 2]);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let _ = stream.set_zero_linger();
            return;
        }
        Fault::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Fault::SlowBody => {
            let full = answer_for(&body, |_| {});
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", full.len());
            let _ = stream.write_all(head.as_bytes()).await;
            for byte in full.as_bytes() {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            return;
        }
        Fault::Status(status) => http(status, "", error),
        Fault::RateLimited => http(429, "Retry-After: 7\r\n", error),
        Fault::SlowStatus(status, delay) => {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            http(status, "", error)
        }
        Fault::Redirect => http(302, "Location: http://127.0.0.1:9/provision\r\n", ""),
        Fault::Garbage => http(200, "", "<html><body>Service Unavailable</body></html>"),
        Fault::JsonArray => http(200, "", r#"[{"token":"t"}]"#),
        Fault::NoToken => http(
            200,
            "",
            &answer_for(&body, |v| {
                v.as_object_mut().unwrap().remove("token");
            }),
        ),
        Fault::EmptyToken => http(200, "", &answer_for(&body, |v| v["token"] = json!(""))),
        Fault::OtherUser => http(200, "", &answer_for(&body, |v| v["user"] = json!("mallory"))),
        Fault::OtherRoom => http(
            200,
            "",
            &answer_for(&body, |v| {
                v["resources"] = json!([{"object": "room", "reference": "project-2", "permission": "join", "id": "rm_2"}]);
            }),
        ),
        Fault::ExtraRoom => http(
            200,
            "",
            &answer_for(&body, |v| {
                v["resources"].as_array_mut().unwrap().push(json!({"object": "room", "reference": "project-2", "permission": "join", "id": "rm_2"}));
            }),
        ),
        Fault::NoIds => http(
            200,
            "",
            &answer_for(&body, |v| {
                for r in v["resources"].as_array_mut().unwrap() {
                    r.as_object_mut().unwrap().remove("id");
                }
            }),
        ),
        Fault::HugeDeclared => {
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n{\"token\":\"".to_vec()
        }
        Fault::HugeChunked => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            for _ in 0..32 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            b"0\r\n\r\n".to_vec()
        }
        Fault::EchoAuthorization(pad) => {
            let authorization = head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")).unwrap_or_default();
            let echo = format!("{}{authorization}", "x".repeat(pad));
            http(200, "", &json!({ "token": "t", "user": "alice", "resources": [{"object": echo}] }).to_string())
        }
        Fault::NotHttp => b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

/// The Room Service client of the tests: the recognisable key, a 300 ms
/// budget, two retries.
fn room_service(base: String, timeout: Duration) -> HttpProvisioner {
    HttpProvisioner::builder()
        .api_key(ApiKey::new(API_KEY))
        .base_url(base)
        .timeout(timeout)
        .max_retries(2)
        .retry_backoff(Duration::from_millis(25))
        .build()
        .expect("a valid Room Service configuration")
}

const BUDGET: Duration = Duration::from_millis(300);
/// The correctness bound on a loaded CI machine, not a benchmark.
const BOUND: Duration = Duration::from_secs(3);

/// Runs one webhook request through the quickstart provisioning through
/// `base`; returns the answer and how long it took.
async fn through_quickstart(base: String, timeout: Duration) -> (Answer, Duration) {
    let server = serve(app::app(state(), room_service(base, timeout)).unwrap()).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &server, "alice").await;
    let started = Instant::now();
    let answer = send(
        &client,
        &server.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", cookie.as_bytes())],
        url_strategy("project-1").to_string(),
    )
    .await;
    (answer, started.elapsed())
}

#[tokio::test]
async fn upstream_faults_map_to_502_503_504_in_bounded_time() {
    count_panics();
    let (logs, _guard) = Logs::capture();
    // (fault, expected status, expected upstream attempts)
    let cases: &[(Fault, u16, usize)] = &[
        (Fault::ResetBeforeAnswer, 502, 1),
        (Fault::ResetMidBody, 502, 1),
        (Fault::Silent, 504, 1),
        (Fault::SlowBody, 504, 1),
        (Fault::Status(500), 502, 3),
        (Fault::Status(502), 502, 3),
        (Fault::Status(503), 502, 3),
        (Fault::Status(504), 502, 3),
        (Fault::RateLimited, 503, 1),
        (Fault::Status(401), 502, 1),
        (Fault::Status(403), 502, 1),
        (Fault::Status(404), 502, 1),
        (Fault::Status(400), 502, 1),
        (Fault::Redirect, 502, 1),
        (Fault::Garbage, 502, 1),
        (Fault::JsonArray, 502, 1),
        (Fault::NoToken, 502, 1),
        (Fault::EmptyToken, 502, 1),
        (Fault::OtherUser, 502, 1),
        (Fault::OtherRoom, 502, 1),
        (Fault::ExtraRoom, 502, 1),
        (Fault::NoIds, 502, 1),
        (Fault::HugeDeclared, 502, 1),
        (Fault::HugeChunked, 502, 1),
        (Fault::EchoAuthorization(0), 502, 1),
        (Fault::NotHttp, 502, 1),
        (Fault::FailOnceThenOk, 200, 2),
        (Fault::Ok, 200, 1),
    ];
    // The key echoed at every offset around the cut of a quoted reason.
    let echoes: Vec<(Fault, u16, usize)> = (150..=190)
        .step_by(2)
        .map(|pad| (Fault::EchoAuthorization(pad), 502, 1))
        .collect();
    let mut everything = String::new();
    let mut survived = 0;
    for &(fault, expected, attempts) in cases.iter().chain(&echoes) {
        let upstream = FaultServer::start(fault).await;
        let (answer, took) = through_quickstart(upstream.url(), BUDGET).await;
        assert_eq!(answer.status, expected, "{fault:?}: {answer:?}");
        assert!(
            took < BOUND,
            "{fault:?}: answered in {took:?}, over {BOUND:?}"
        );
        if expected == 200 {
            assert_eq!(answer.json["token"], "tok_fault", "{fault:?}: {answer:?}");
        } else {
            assert!(
                answer.error().is_some_and(|m| m.contains("provisioning")),
                "{fault:?}: a JSON error: {answer:?}"
            );
            survived += 1;
        }
        if expected == 504 {
            assert!(
                took >= BUDGET - Duration::from_millis(50),
                "{fault:?}: a timeout before the budget ran out ({took:?})"
            );
        }
        // The retries, if any, have stopped: no attempt comes late (the
        // call is over once the webhook answered; a short wait to be sure).
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            upstream.attempts(),
            attempts,
            "{fault:?}: upstream attempts"
        );
        let retry_after = answer
            .headers
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            retry_after.as_deref(),
            (fault == Fault::RateLimited).then_some("7"),
            "{fault:?}: Retry-After"
        );
        everything += &format!("{fault:?} ({took:?}): {}\n", answer.transcript());
    }

    // Nothing listens: connection refused, retried twice, fast.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let before = logs.text().matches("retrying the provision").count();
    let (answer, took) = through_quickstart(format!("http://{closed}"), BUDGET).await;
    assert_eq!(answer.status, 502, "refused: {answer:?}");
    assert!(
        answer.error().is_some_and(|m| m.contains("connect")),
        "{answer:?}"
    );
    assert!(took < BOUND, "refused: {took:?}");
    let retries = logs.text().matches("retrying the provision").count() - before;
    assert_eq!(retries, 2, "a refused connection is retried twice");
    survived += 1;
    everything += &answer.transcript();

    // The budget covers the retries: each attempt takes 600 ms of a 1 s
    // budget, so the second is cut short (504) and there is no third.
    let upstream = FaultServer::start(Fault::SlowStatus(500, 600)).await;
    let (answer, took) = through_quickstart(upstream.url(), Duration::from_secs(1)).await;
    assert_eq!(answer.status, 504, "{answer:?}");
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "{took:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(upstream.attempts(), 2, "the deadline stopped the retries");
    survived += 1;
    everything += &answer.transcript();

    eprintln!("upstream faults survived: {survived} (+1 recovered by a retry)");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
    let logs = logs.text();
    assert!(
        logs.contains("provisioning failed"),
        "the failures were logged: {logs:.2000}"
    );
    assert_no_secret(&everything, "a response");
    assert_no_secret(&logs, "the logs");
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let upstream = FaultServer::start(Fault::Status(500)).await;
    let service = HttpProvisioner::builder()
        .api_key(ApiKey::new(API_KEY))
        .base_url(upstream.url())
        .max_retries(0)
        .build()
        .unwrap();
    let server = serve(app::app(state(), service).unwrap()).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &server, "alice").await;
    let answer = send(
        &client,
        &server.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", cookie.as_bytes())],
        r#"{"room":"project-1"}"#,
    )
    .await;
    assert_eq!(answer.status, 502, "{answer:?}");
    assert_eq!(upstream.attempts(), 1);
}

// ---------------------------------------------------------------------------
// 3 and 4. Secrets end to end, cookies, deny by default, origins.

#[tokio::test]
async fn allowed_requests_leak_no_secret_and_grant_exactly_what_was_asked() {
    let (logs, _guard) = Logs::capture();
    // Over HTTP through the local provisioner's server, with the same key.
    let local = Arc::new(local_provisioner());
    let upstream = serve_local_provisioner(local.clone()).await;
    let counting = Counting::new();
    let server = serve(
        app::app(
            state(),
            room_service(upstream.url(""), Duration::from_secs(5)),
        )
        .unwrap(),
    )
    .await;
    let in_process = serve(app::app(state(), counting.clone()).unwrap()).await;
    let client = reqwest::Client::new();
    let mut everything = String::new();

    for server in [&server, &in_process] {
        let webhook = server.url("/api/roomservice");
        let (alice, answer) = login(&client, server, "alice").await;
        everything += &answer.transcript();
        let (bob, answer) = login(&client, server, "bob").await;
        everything += &answer.transcript();

        let two_docs = resources(&[
            doc_res("project-1", "default"),
            doc_res("project-1", "notes"),
            room_res("project-1"),
        ]);
        let cases: Vec<(&str, String, u16)> = vec![
            (
                alice.as_str(),
                json!({"room": "project-1"}).to_string(),
                200,
            ),
            (alice.as_str(), two_docs.clone(), 200),
            (bob.as_str(), json!({"room": "project-2"}).to_string(), 200),
            // Deny by default: not a member, no rule, not logged in.
            (bob.as_str(), json!({"room": "project-1"}).to_string(), 403),
            (bob.as_str(), url_strategy("project-1").to_string(), 403),
            (
                alice.as_str(),
                json!({"room": "project-3"}).to_string(),
                403,
            ),
            (alice.as_str(), json!({"room": "lobby"}).to_string(), 403),
            ("", json!({"room": "project-2"}).to_string(), 401),
        ];
        for (session, body, expected) in cases {
            let headers: Vec<(&str, &[u8])> = if session.is_empty() {
                Vec::new()
            } else {
                vec![("cookie", session.as_bytes())]
            };
            let answer = send(
                &client,
                &webhook,
                Some("application/json"),
                &headers,
                body.clone(),
            )
            .await;
            assert_eq!(answer.status, expected, "{body}: {answer:?}");
            if expected == 200 {
                let token = answer.json["token"].as_str().unwrap();
                let claims = local
                    .verify(token)
                    .expect("a token of the canary signing key");
                let user = if session == alice { "alice" } else { "bob" };
                assert_eq!(
                    claims.sub, user,
                    "the user id comes from the session, through the rule"
                );
                assert_eq!(answer.json["user"], user);
                assert_eq!(claims.rooms.len(), 1, "exactly one room: {claims:?}");
                let room = &claims.rooms[0];
                assert!(
                    body.contains(room.as_str()),
                    "the room asked for: {claims:?}"
                );
                if body == two_docs {
                    assert!(
                        claims.grants_document("project-1", "default")
                            && claims.grants_document("project-1", "notes")
                    );
                    assert_eq!(claims.docs.len(), 2, "{claims:?}");
                }
            }
            everything += &answer.transcript();
        }
    }
    // What the in-process provisioner was asked: the session's user, the
    // room and documents of the request, nothing else.
    let asked = counting.requests.lock().unwrap().clone();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert_eq!(asked[0].user, "alice");
    assert_eq!(
        asked[0].resources,
        vec![roomauth::room_service::Resource::room("project-1")]
    );
    assert_eq!(
        asked[1].resources,
        vec![
            roomauth::room_service::Resource::room("project-1"),
            roomauth::room_service::Resource::document("project-1", "default"),
            roomauth::room_service::Resource::document("project-1", "notes")
        ]
    );
    assert_eq!(asked[2].user, "bob");

    // Debug output of everything that holds a secret.
    everything += &format!(
        "{:?} {:?} {:?} {:?} {:?}",
        room_service(upstream.url(""), BUDGET),
        local,
        SigningKey::new("kid", SIGNING_SECRET).unwrap(),
        Key::from(COOKIE_KEY),
        ApiKey::new(API_KEY)
    );
    let logs = logs.text();
    assert!(
        logs.contains("provisioned"),
        "the local server logged: {logs:.2000}"
    );
    assert_no_secret(&everything, "a response or a Debug output");
    assert_no_secret(&logs, "the logs");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_signed() {
    let server = serve(app::app(state(), Counting::new()).unwrap()).await;
    let client = reqwest::Client::new();
    let (pair, answer) = login(&client, &server, "alice").await;
    let set_cookie = answer
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let attributes: Vec<String> = set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.iter().any(|a| a == "httponly"), "{set_cookie}");
    assert!(
        attributes.iter().any(|a| a == "samesite=lax"),
        "{set_cookie}"
    );
    assert!(attributes.iter().any(|a| a == "path=/"), "{set_cookie}");
    let value = pair.strip_prefix("session=").expect("the session cookie");
    assert_ne!(value, "alice", "the cookie is signed, not the bare user id");
    assert!(
        value.ends_with("alice") && value.len() >= 44 + 5,
        "a signature (base64 HMAC) precedes the value: {value}"
    );
    // A cookie signed with another key is no session.
    let other =
        serve(app::app(app::AppState::demo(Key::generate()), Counting::new()).unwrap()).await;
    let answer = send(
        &client,
        &other.url("/api/roomservice"),
        Some("application/json"),
        &[("cookie", pair.as_bytes())],
        r#"{"room":"project-1"}"#,
    )
    .await;
    assert_eq!(answer.status, 401, "{answer:?}");
}

/// The quickstart's rule behind an `Origin` allow-list.
fn with_origins(provisioner: Arc<Counting>, state: app::AppState) -> axum::Router {
    let webhook = Webhook::builder(RoomService::new(provisioner))
        .rule(app::project_rooms {})
        .allowed_origins(["http://app.example", "https://app.example:8443/"])
        .build()
        .unwrap();
    axum::Router::new()
        .route("/api/roomservice", post(webhook.axum_handler()))
        .with_state(state)
}

#[tokio::test]
async fn origins_outside_the_allow_list_are_refused_before_anything_else() {
    let provisioner = Counting::new();
    // Sessions live in the app's state: both servers share it.
    let state = state();
    let login_server = serve(app::app(state.clone(), Counting::new()).unwrap()).await;
    let server = serve(with_origins(provisioner.clone(), state)).await;
    let client = reqwest::Client::new();
    let (cookie, _) = login(&client, &login_server, "alice").await;
    let webhook = server.url("/api/roomservice");
    let body = r#"{"room":"project-1"}"#;
    let cases: &[(Option<&[u8]>, u16)] = &[
        (None, 200),
        (Some(b"http://app.example"), 200),
        (Some(b"HTTP://APP.EXAMPLE/"), 200),
        (Some(b"https://app.example:8443"), 200),
        (Some(b"http://evil.example"), 403),
        (Some(b"http://app.example.evil.example"), 403),
        (Some(b"http://app.example:8080"), 403),
        (Some(b"https://app.example"), 403),
        (Some(b"null"), 403),
        (Some(b""), 403),
        (Some(b"http://app.example\xff"), 403),
    ];
    let mut calls = 0;
    for &(origin, expected) in cases {
        let mut headers: Vec<(&str, &[u8])> = vec![("cookie", cookie.as_bytes())];
        headers.extend(origin.map(|o| ("origin", o)));
        let answer = send(&client, &webhook, Some("application/json"), &headers, body).await;
        assert_eq!(
            answer.status,
            expected,
            "{:?}: {answer:?}",
            origin.map(String::from_utf8_lossy)
        );
        if expected == 403 {
            assert!(
                answer.error().is_some_and(|m| m.contains("origin")),
                "{answer:?}"
            );
        } else {
            calls += 1;
        }
        assert_eq!(
            provisioner.calls(),
            calls,
            "{:?}",
            origin.map(String::from_utf8_lossy)
        );
    }
    // Refused before the body is looked at: a bad body from a bad origin is a 403.
    let answer = send(
        &client,
        &webhook,
        Some("text/plain"),
        &[("origin", b"http://evil.example")],
        "room=project-1",
    )
    .await;
    assert_eq!(answer.status, 403, "{answer:?}");
}

// ---------------------------------------------------------------------------
// The actix-web adapter: the same `Origin` check and `Retry-After`.

/// Lets everyone into `room-<n>` as `alice`.
struct Open(Vec<Pattern>);

impl Rule<roomauth::actix::ActixContext> for Open {
    fn name(&self) -> &'static str {
        "open"
    }
    fn patterns(&self) -> &[Pattern] {
        &self.0
    }
    fn authorize<'a>(
        &'a self,
        _: RoomMatch<'a>,
        _: &'a mut roomauth::actix::ActixContext,
    ) -> BoxFuture<'a, Result<Grant, Refusal<roomauth::actix::ActixRejection>>> {
        Box::pin(async { Ok(Grant::write("alice")) })
    }
}

#[tokio::test]
async fn actix_checks_origins_and_passes_retry_after_on() {
    let upstream = FaultServer::start(Fault::RateLimited).await;
    let webhook = Webhook::builder(RoomService::new(room_service(upstream.url(), BUDGET)))
        .rule(Open(vec![Pattern::parse("room-<n>").unwrap()]))
        .allowed_origins(["http://app.example"])
        .build()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().route(
            "/api/roomservice",
            actix_web::web::post().to(webhook.actix_handler()),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server));

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/roomservice");
    let body = r#"{"room":"room-1"}"#;
    let answer = send(
        &client,
        &url,
        Some("application/json"),
        &[("origin", b"http://evil.example")],
        body,
    )
    .await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert!(
        answer.error().is_some_and(|m| m.contains("origin")),
        "{answer:?}"
    );
    assert_eq!(upstream.attempts(), 0);

    let answer = send(
        &client,
        &url,
        Some("application/json"),
        &[("origin", b"http://app.example")],
        body,
    )
    .await;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(
        answer.headers.get("retry-after").unwrap(),
        "7",
        "{answer:?}"
    );
    assert!(
        answer.error().is_some_and(|m| m.contains("rate limiting")),
        "{answer:?}"
    );
    assert_eq!(upstream.attempts(), 1, "a 429 is not retried");
    assert_no_secret(&answer.transcript(), "a response");
    handle.stop(false).await;
}
