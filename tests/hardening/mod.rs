//! What the hardening tests share (issue #6): they attack the quickstart
//! over real HTTP on 127.0.0.1, each concern in its own test binary
//! (`tests/hardening_input.rs`, `hardening_upstream.rs`,
//! `hardening_secrets.rs`, `hardening_actix.rs`), each including this module
//! with `#[path = "hardening/mod.rs"] mod hardening;`.
//!
//! Here: the recognisable canary secrets every run starts with (API key,
//! session-cookie key, token-signing key) and the search for them in any
//! form; the panic counter; the quickstart's state; a provisioner that counts
//! its calls; the HTTP helpers (`send`, `login`, `raw`); the Room Service
//! client of the tests; and, in [`fault_server`], the fault-injecting
//! provisioner.

pub mod fault_server;

#[path = "../../examples/quickstart/app.rs"]
#[allow(dead_code)]
pub mod app;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use async_trait::async_trait;
use axum_extra::extract::cookie::Key;
use base64::Engine as _;
use roomauth::room_service::{
    HttpProvisioner, LocalProvisioner, ProvisionError, ProvisionRequest, Provisioned, Provisioner,
    SigningKey, SigningKeys,
};
use roomauth::secret::ApiKey;
use roomauth_suite::Served;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

// ---------------------------------------------------------------------------
// Secrets, and searching for them.

/// The API key every provisioner of these tests is configured with.
pub const API_KEY: &str = "sk_CANARYapikey_5e1f0c";
/// The session-cookie key (64 bytes, as `Key::from` wants).
pub const COOKIE_KEY: &[u8; 64] =
    b"COOKIEKEYCANARY_0123456789abcdef_COOKIEKEYCANARY_0123456789abcde";
/// The token-signing secret of the local provisioner.
pub const SIGNING_SECRET: &[u8; 40] = b"SIGNINGKEYCANARY_0123456789abcdef_SIGNKY";

/// Every form a secret could leak in: as is, hex, and each base64 flavour.
pub fn secret_forms() -> Vec<(String, &'static str)> {
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
pub fn assert_no_secret(text: &str, what: &str) {
    for (form, name) in secret_forms() {
        assert!(
            !text.contains(&form),
            "the {name} leaked into {what} (as `{form}`):\n{text:.2000}"
        );
    }
}

#[path = "../../roomauth/tests/support/logs.rs"]
pub mod logs;

/// Counts panics outside the hardening tests' own assertions (their test
/// files and this folder), anywhere in the test binary (a handler that
/// panics would also just drop its connection).
pub static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Whether `file` (a panic's location) is one of the hardening tests' own:
/// `tests/hardening_*.rs` or a file of `tests/hardening/`.
fn is_hardening_test_file(file: &str) -> bool {
    let path = Path::new(file);
    let own_binary = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("hardening_") && name.ends_with(".rs"));
    own_binary || path.parent().is_some_and(|dir| dir.ends_with("hardening"))
}

/// Installs the hook that feeds [`PANICS`] (once per test binary).
pub fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_none_or(|l| !is_hardening_test_file(l.file()))
            {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

// ---------------------------------------------------------------------------
// The app under test.

/// The quickstart's state, its sessions signed with the canary cookie key.
pub fn state() -> app::AppState {
    app::AppState::demo(Key::from(COOKIE_KEY))
}

/// A local provisioner holding the canary API key and signing key.
pub fn local_provisioner() -> LocalProvisioner {
    let key = SigningKey::new("kid-hardening", SIGNING_SECRET).expect("a valid signing key");
    LocalProvisioner::new(ApiKey::new(API_KEY), SigningKeys::new(key))
}

/// A provisioner that counts its calls and keeps the requests it got.
pub struct Counting {
    inner: LocalProvisioner,
    calls: AtomicUsize,
    /// The requests it got, in order.
    pub requests: Mutex<Vec<ProvisionRequest>>,
}

impl Counting {
    /// A counting provisioner over [`local_provisioner`], no calls yet.
    pub fn new() -> Arc<Counting> {
        Arc::new(Counting {
            inner: local_provisioner(),
            calls: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
        })
    }

    /// How many times it was asked to provision.
    pub fn calls(&self) -> usize {
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
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// Status line, headers and body, as one text to search.
    pub fn transcript(&self) -> String {
        let mut text = format!("{}\n", self.status);
        for (name, value) in &self.headers {
            text += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
        }
        text + &self.text
    }

    /// The JSON error message, if the body holds a non-empty one.
    pub fn error(&self) -> Option<&str> {
        self.json["error"].as_str().filter(|m| !m.is_empty())
    }
}

/// POSTs `body` to `url` with these headers; the whole answer.
pub async fn send(
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
pub async fn login(client: &reqwest::Client, server: &Served, user: &str) -> (String, Answer) {
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

/// The URL-strategy body asking for `room` and its default document.
pub fn url_strategy(room: &str) -> Value {
    json!({"resources": [
        {"object": "document", "reference": "default", "permission": "read_write", "room": room},
        {"object": "room", "reference": room, "permission": "join"},
    ]})
}

/// Sends raw bytes on a fresh connection; with `half_close`, shuts the
/// write side after them. Returns everything the server sent until it
/// closed (at most 5 s).
pub async fn raw(addr: SocketAddr, request: &[u8], half_close: bool) -> String {
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
pub fn parse_raw(answer: &str) -> (u16, Value) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// A `{"resources": [...]}` body.
pub fn resources(items: &[Value]) -> String {
    json!({ "resources": items }).to_string()
}

/// The resource joining `room`.
pub fn room_res(room: &str) -> Value {
    json!({"object": "room", "reference": room, "permission": "join"})
}

/// The resource reading and writing document `doc` of `room`.
pub fn doc_res(room: &str, doc: &str) -> Value {
    json!({"object": "document", "reference": doc, "permission": "read_write", "room": room})
}

/// The Room Service client of the tests: the recognisable key, a 300 ms
/// budget, two retries.
pub fn room_service(base: String, timeout: Duration) -> HttpProvisioner {
    HttpProvisioner::builder()
        .api_key(ApiKey::new(API_KEY))
        .base_url(base)
        .timeout(timeout)
        .max_retries(2)
        .retry_backoff(Duration::from_millis(25))
        .build()
        .expect("a valid Room Service configuration")
}

/// The time budget of the tests' Room Service client.
pub const BUDGET: Duration = Duration::from_millis(300);
