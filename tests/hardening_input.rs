//! Hardening of the quickstart over real HTTP on 127.0.0.1 (issue #6), bad
//! input: hostile and malformed webhook requests (bodies, content types,
//! forged cookies, lying framing over a raw connection), each answered with
//! its own 4xx and a JSON error, none reaching the provisioner (which counts
//! calls), none leaking a secret into a response or a log line. JSON only:
//! the content types a cross-site form or a `fetch` without preflight can
//! send are refused with 415.
//!
//! Every test runs on a current-thread runtime, so that the thread-local log
//! capture sees the servers' and the client's log lines too. What the
//! hardening tests share is in `tests/hardening/`.

#[path = "hardening/mod.rs"]
#[allow(dead_code)]
mod hardening;

use hardening::logs::Logs;
use hardening::{
    Counting, PANICS, app, assert_no_secret, count_panics, doc_res, login, parse_raw, raw,
    resources, room_res, send, state,
};
use roomauth_suite::serve;
use serde_json::json;
use std::sync::atomic::Ordering;

/// A body of JSON `depth` arrays deep.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
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
