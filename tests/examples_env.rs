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
