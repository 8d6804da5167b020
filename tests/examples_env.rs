//! The example servers' environment (`examples/common`): `PORT` and
//! `SESSION_KEY` are read the same way by each, and a bad value is refused
//! with a message that says what to set, never quoting the key.

#[path = "../examples/common/mod.rs"]
#[allow(dead_code)] // the examples call the environment readers
mod common;

use common::{parse_port, parse_session_key};

#[test]
fn port_defaults_and_refusals() {
    assert_eq!(parse_port(None, 8080), Ok(8080));
    assert_eq!(parse_port(Some("0"), 8080), Ok(0));
    assert_eq!(parse_port(Some(" 9000 "), 8080), Ok(9000));
    for bad in ["", "http", "65536", "-1"] {
        let error = parse_port(Some(bad), 8080).unwrap_err();
        assert!(error.starts_with("PORT must be a port number"), "{error}");
        assert!(error.contains(&format!("`{bad}`")), "{error}");
    }
}

#[test]
fn session_keys_are_checked_and_never_quoted() {
    assert_eq!(parse_session_key(None), Ok(None));
    let key = "ab".repeat(64);
    assert_eq!(parse_session_key(Some(&key)), Ok(Some(vec![0xab; 64])));
    assert_eq!(
        parse_session_key(Some(&format!(" {key}\n"))),
        Ok(Some(vec![0xab; 64]))
    );
    let secret_but_not_hex = format!("zz{}", "ab".repeat(70));
    let error = parse_session_key(Some(&secret_but_not_hex)).unwrap_err();
    assert!(error.contains("hex digits"), "{error}");
    assert!(!error.contains("zzab"), "the key is quoted: {error}");
    let short = "ab".repeat(63);
    let error = parse_session_key(Some(&short)).unwrap_err();
    assert_eq!(
        error,
        "SESSION_KEY must be at least 64 bytes (128 hex digits), not 63"
    );
}

#[path = "../examples/common/sessions.rs"]
mod sessions;

/// A bearer token lasts its own lifetime, never longer than its session.
#[test]
fn bearer_tokens_are_short_lived() {
    use std::time::Duration;
    let sessions = sessions::Sessions::default();
    let id = sessions.start("alice", Duration::from_secs(3600));
    let short = sessions.token(&id, Duration::from_millis(50)).unwrap();
    let long = sessions.token(&id, Duration::from_secs(3600)).unwrap();
    assert_ne!(short, long);
    assert_eq!(sessions.token_user(&short).as_deref(), Some("alice"));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(sessions.token_user(&short), None, "expired");
    assert_eq!(sessions.token_user(&long).as_deref(), Some("alice"));
    sessions.end(&id);
    assert_eq!(sessions.token_user(&long), None, "ended with the session");
    assert_eq!(
        sessions.token("no-such-session", Duration::from_secs(1)),
        None
    );
}
