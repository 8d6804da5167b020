//! Hostile requests against the Hocuspocus, y-sweet and Centrifugo
//! endpoints of the realtime example, over real HTTP on 127.0.0.1, with
//! alice's session: each is a 4xx with a JSON `{"error"}`, never a 5xx,
//! never a grant, and none reaches the y-sweet server (a recorder stands in
//! for it and counts what arrives). Pusher's are in `pusher_hostile.rs`.

#[path = "../examples/realtime/app.rs"]
#[allow(dead_code)]
mod app;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::HeaderName;
use axum_extra::extract::cookie::Key;
use roomauth::centrifugo::{CentrifugoPublish, CentrifugoSubscribe, PROXY_SECRET_HEADER};
use roomauth::hocuspocus::{Hocuspocus, HocuspocusSecret, SIGNATURE_HEADER};
use roomauth::y_sweet::{ConnectionString, YSweet};
use roomauth_suite::{Served, login_cookie, serve};

const JSON: &str = "application/json";
const SECRET: &str = "hostile-test-hocuspocus-secret";
const PROXY_SECRET: &str = "hostile-test-proxy-secret";

/// One request: content type, body, and extra headers.
struct Hostile {
    why: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
    /// Whether to send alice's session cookie.
    cookie: bool,
}

impl Hostile {
    fn json(why: &str, body: impl Into<Vec<u8>>) -> Hostile {
        Hostile {
            why: why.to_owned(),
            content_type: Some(JSON),
            body: body.into(),
            headers: Vec::new(),
            cookie: true,
        }
    }

    fn content_type(mut self, content_type: Option<&'static str>) -> Hostile {
        self.content_type = content_type;
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Hostile {
        self.headers.push((name, value.into()));
        self
    }

    fn without_cookie(mut self) -> Hostile {
        self.cookie = false;
        self
    }
}

/// The realtime example with these backends, and alice's session cookie.
async fn start(backends: app::Backends) -> (Served, String) {
    let router = app::app(app::AppState::demo(Key::generate()), backends)
        .expect("the realtime example builds");
    let server = serve(router).await;
    let alice = login_cookie(&server.url(""), "alice").await;
    (server, alice)
}

/// Sends each case to `path`; asserts a 4xx JSON `{"error"}` whose body has
/// none of `granted` (the markers of a grant).
async fn assert_refused(
    server: &Served,
    cookie: &str,
    path: &str,
    cases: Vec<Hostile>,
    granted: &[&str],
) {
    let client = reqwest::Client::new();
    for case in cases {
        let mut request = client.post(server.url(path)).body(case.body);
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        if case.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in case.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("post");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let why = &case.why;
        assert!((400..500).contains(&status), "{why}: {status} {text}");
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{why}: not JSON: {text}"));
        assert!(value["error"].is_string(), "{why}: {text}");
        for marker in granted {
            assert!(!text.contains(marker), "{why}: a grant in {text}");
        }
    }
}

/// Malformed bodies every JSON endpoint must refuse, with `field` the
/// endpoint's one field (its value a room name).
fn malformed_json(field: &str) -> Vec<Hostile> {
    vec![
        Hostile::json("empty body", ""),
        Hostile::json("not JSON", "project-1"),
        Hostile::json("truncated JSON", format!(r#"{{"{field}": "project-1""#)),
        Hostile::json("an empty object", "{}"),
        Hostile::json("null", "null"),
        Hostile::json("an array", format!(r#"[{{"{field}": "project-1"}}]"#)),
        Hostile::json("a bare string", r#""project-1""#),
        Hostile::json("a number", format!(r#"{{"{field}": 1}}"#)),
        Hostile::json("null name", format!(r#"{{"{field}": null}}"#)),
        Hostile::json(
            "an object name",
            format!(r#"{{"{field}": {{"room": "project-1"}}}}"#),
        ),
        Hostile::json("an array name", format!(r#"{{"{field}": ["project-1"]}}"#)),
        Hostile::json(
            "duplicate key",
            format!(r#"{{"{field}": "project-3", "{field}": "project-1"}}"#),
        ),
        Hostile::json("invalid UTF-8", {
            let mut body = format!(r#"{{"{field}": "project-1"#).into_bytes();
            body.extend_from_slice(b"\xff\"}");
            body
        }),
        Hostile::json(
            "a lone surrogate",
            format!(r#"{{"{field}": "project-1\ud800"}}"#),
        ),
        Hostile::json(
            "oversize body",
            format!(
                r#"{{"{field}": "project-1", "pad": "{}"}}"#,
                "a".repeat(20_000)
            ),
        ),
        Hostile::json("text/plain", format!(r#"{{"{field}": "project-1"}}"#))
            .content_type(Some("text/plain")),
        Hostile::json("a form body", format!("{field}=project-1"))
            .content_type(Some("application/x-www-form-urlencoded")),
        Hostile::json("no content type", format!(r#"{{"{field}": "project-1"}}"#))
            .content_type(None),
    ]
}

/// Well-formed bodies naming rooms alice may not enter, or not as alice.
fn not_allowed(field: &str) -> Vec<Hostile> {
    let named =
        |why: &str, room: &str| Hostile::json(why, serde_json::json!({ field: room }).to_string());
    vec![
        named("a project without alice", "project-3"),
        named("no rule", "lobby"),
        named("a leading zero", "project-01"),
        named("a fullwidth digit", "project-\u{ff11}"),
        named("a zero-width space", "project-1\u{200b}"),
        named("trailing space", "project-1 "),
        named("a newline", "project-1\n"),
        named("NUL", "project-1\u{0}"),
        named("an empty name", ""),
        named("a path", "../project-1"),
        named("overlong", &format!("project-{}", "1".repeat(600))),
        named("no session", "project-1").without_cookie(),
    ]
}

/// Hocuspocus: unsigned and mis-signed requests (401), then correctly
/// signed hostile bodies (what a compromised or buggy extension could send).
#[tokio::test]
async fn hocuspocus_refuses_hostile_requests() {
    let secret = HocuspocusSecret::new(SECRET).expect("secret");
    let (server, alice) = start(app::Backends {
        hocuspocus: Hocuspocus::new(secret.clone()),
        ..app::Backends::dev()
    })
    .await;
    let body = r#"{"documentName":"project-1"}"#;
    let other = HocuspocusSecret::new("another-secret").expect("secret");
    let good = secret.sign(body.as_bytes());
    let mut cases = vec![
        Hostile::json("unsigned", body),
        Hostile::json("signed with another secret", body)
            .header(SIGNATURE_HEADER, other.sign(body.as_bytes())),
        Hostile::json("signature of another body", body).header(
            SIGNATURE_HEADER,
            secret.sign(br#"{"documentName":"project-2"}"#),
        ),
        Hostile::json("signature without its prefix", body)
            .header(SIGNATURE_HEADER, good.trim_start_matches("sha256=")),
        Hostile::json("sha1 prefix", body)
            .header(SIGNATURE_HEADER, good.replace("sha256=", "sha1=")),
        Hostile::json("truncated signature", body).header(SIGNATURE_HEADER, &good[..40]),
        Hostile::json("empty signature", body).header(SIGNATURE_HEADER, "sha256="),
        Hostile::json("not hex", body)
            .header(SIGNATURE_HEADER, format!("sha256={}", "zz".repeat(32))),
        Hostile::json("signature in another header", body)
            .header("x-hub-signature-256", good.clone()),
    ];
    for mut case in malformed_json("documentName")
        .into_iter()
        .chain(not_allowed("documentName"))
    {
        let signature = secret.sign(&case.body);
        case.headers.push((SIGNATURE_HEADER, signature));
        cases.push(case);
    }
    assert!(cases.len() >= 20, "{}", cases.len());
    assert_refused(&server, &alice, "/hocuspocus/auth", cases, &["readOnly"]).await;

    // The same endpoint grants a correctly signed request for project-1.
    let answer = reqwest::Client::new()
        .post(server.url("/hocuspocus/auth"))
        .header("content-type", JSON)
        .header("cookie", &alice)
        .header(SIGNATURE_HEADER, good)
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), 200);
}

/// y-sweet: nothing hostile reaches the server.
#[tokio::test]
async fn y_sweet_refuses_hostile_requests_before_the_server() {
    let hits = Arc::new(AtomicUsize::new(0));
    let recorder = serve(axum::Router::new().fallback({
        let hits = hits.clone();
        move || async move {
            hits.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }))
    .await;
    let connection =
        ConnectionString::parse(&format!("ys://server-token@{}", recorder.addr)).expect("ys://");
    let (server, alice) = start(app::Backends {
        y_sweet: YSweet::new(connection).expect("client"),
        ..app::Backends::dev()
    })
    .await;
    let mut cases = malformed_json("docId");
    cases.extend(not_allowed("docId"));
    for (why, id) in [
        ("a slash", "project-1/x"),
        ("a query", "project-1?x=1"),
        ("percent-encoded", "project%2D1"),
        ("a dot", "project-1.json"),
    ] {
        cases.push(Hostile::json(
            why,
            serde_json::json!({ "docId": id }).to_string(),
        ));
    }
    assert!(cases.len() >= 20, "{}", cases.len());
    assert_refused(&server, &alice, "/y-sweet/auth", cases, &["\"token\""]).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a hostile request reached y-sweet"
    );

    // The recorder is the server the endpoint calls: a legitimate request
    // reaches it.
    let answer = reqwest::Client::new()
        .post(server.url("/y-sweet/auth"))
        .header("cookie", &alice)
        .json(&serde_json::json!({"docId": "project-1"}))
        .send()
        .await
        .expect("post");
    assert!(answer.status().is_server_error(), "{}", answer.status());
    assert!(hits.load(Ordering::SeqCst) > 0);
}

/// Centrifugo's subscribe and publish proxies: requests Centrifugo never
/// sends are HTTP 4xx (the rules' own refusals are 200 `{"error"}` in proxy
/// shape).
#[tokio::test]
async fn centrifugo_proxy_refuses_hostile_requests() {
    let header = || HeaderName::from_static(PROXY_SECRET_HEADER);
    let (server, alice) = start(app::Backends {
        centrifugo_subscribe: CentrifugoSubscribe::new()
            .require_header(header(), PROXY_SECRET)
            .expect("a proxy secret"),
        centrifugo_publish: CentrifugoPublish::new()
            .require_header(header(), PROXY_SECRET)
            .expect("a proxy secret"),
        ..app::Backends::dev()
    })
    .await;
    let request = |channel: &str| {
        serde_json::json!({"client": "c1", "transport": "websocket", "protocol": "json",
                           "encoding": "json", "user": "alice", "channel": channel,
                           "data": {"text": "hi"}})
        .to_string()
    };
    for path in ["/centrifugo/subscribe", "/centrifugo/publish"] {
        let mut cases = vec![
            Hostile::json("no proxy secret", request("project:1")),
            Hostile::json("wrong proxy secret", request("project:1"))
                .header(PROXY_SECRET_HEADER, "wrong"),
            Hostile::json("proxy secret prefix", request("project:1"))
                .header(PROXY_SECRET_HEADER, &PROXY_SECRET[..10]),
            Hostile::json("empty proxy secret", request("project:1"))
                .header(PROXY_SECRET_HEADER, ""),
        ];
        let mut signed = malformed_json("channel");
        if path == "/centrifugo/publish" {
            // The publish proxy takes publications up to Centrifugo's
            // default message size: its oversize body is bigger.
            signed.retain(|case| case.why != "oversize body");
            signed.push(Hostile::json(
                "oversize publication",
                format!(
                    r#"{{"channel": "project:1", "data": {{"text": "{}"}}}}"#,
                    "a".repeat(app::centrifugo::PUBLISH_BODY_LIMIT)
                ),
            ));
        }
        signed.extend([
            Hostile::json("a space", request("project: 1")),
            Hostile::json("a newline", request("project:1\n")),
            Hostile::json("NUL", request("project:1\u{0}")),
            Hostile::json("non-ASCII", request("project:\u{ff11}")),
            Hostile::json("a zero-width space", request("project:1\u{200b}")),
            Hostile::json("only the private prefix", request("$")),
            Hostile::json("empty channel", request("")),
            Hostile::json("overlong", request(&format!("project:{}", "1".repeat(300)))),
            Hostile::json("user is a number", r#"{"user": 5, "channel": "project:1"}"#),
            Hostile::json("no channel", r#"{"user": "alice", "client": "c1"}"#),
        ]);
        for case in signed {
            cases.push(case.header(PROXY_SECRET_HEADER, PROXY_SECRET));
        }
        assert!(cases.len() >= 20, "{}", cases.len());
        assert_refused(&server, &alice, path, cases, &["result"]).await;

        // The same endpoint lets alice into (and publish to) project:1.
        let answer = reqwest::Client::new()
            .post(server.url(path))
            .header("content-type", JSON)
            .header("cookie", &alice)
            .header(PROXY_SECRET_HEADER, PROXY_SECRET)
            .body(request("project:1"))
            .send()
            .await
            .expect("post");
        assert_eq!(answer.status(), 200, "{path}");
        assert!(
            answer.text().await.expect("body").contains("result"),
            "{path}"
        );
    }
}

/// Centrifugo's subscription tokens: no token for a hostile request.
#[tokio::test]
async fn centrifugo_tokens_refuse_hostile_requests() {
    let (server, alice) = start(app::Backends::dev()).await;
    let mut cases = malformed_json("channel");
    cases.extend(not_allowed("channel"));
    cases.extend([
        Hostile::json("$ only", r#"{"channel": "$"}"#),
        Hostile::json("another member's project", r#"{"channel": "$project:3"}"#),
    ]);
    assert!(cases.len() >= 20, "{}", cases.len());
    assert_refused(
        &server,
        &alice,
        "/centrifugo/subscription-token",
        cases,
        &["\"token\""],
    )
    .await;
}
