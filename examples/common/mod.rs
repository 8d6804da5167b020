//! What the example servers read from their environment, read the same way
//! by each: `RUST_LOG`, `PORT` and `SESSION_KEY`.

use std::env::{self, VarError};

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
}

/// The port to listen on: `PORT`, or `default` when it is not set.
pub fn port(default: u16) -> Result<u16, String> {
    parse_port(var("PORT")?.as_deref(), default)
}

/// The key that signs session cookies, from `SESSION_KEY`: `None` when it
/// is not set (a fresh key at each start logs everyone out on restart).
pub fn session_key() -> Result<Option<Vec<u8>>, String> {
    parse_session_key(var("SESSION_KEY")?.as_deref())
}

/// `PORT`'s value (0 picks a free port).
pub fn parse_port(value: Option<&str>, default: u16) -> Result<u16, String> {
    match value {
        None => Ok(default),
        Some(port) => port
            .trim()
            .parse()
            .map_err(|_| format!("PORT must be a port number (0 to 65535), not `{port}`")),
    }
}

/// `SESSION_KEY`'s value: hex digits for at least 64 bytes. The value itself
/// is never quoted in the error: it is a secret.
pub fn parse_session_key(value: Option<&str>) -> Result<Option<Vec<u8>>, String> {
    let Some(hex_digits) = value else {
        return Ok(None);
    };
    let key = hex::decode(hex_digits.trim())
        .map_err(|_| "SESSION_KEY must be hex digits (128 or more: 64 bytes)".to_owned())?;
    if key.len() < 64 {
        return Err(format!(
            "SESSION_KEY must be at least 64 bytes (128 hex digits), not {}",
            key.len()
        ));
    }
    Ok(Some(key))
}

/// An environment variable, `None` when unset.
fn var(name: &str) -> Result<Option<String>, String> {
    match env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(VarError::NotPresent) => Ok(None),
        Err(VarError::NotUnicode(_)) => Err(format!("{name} must be valid UTF-8")),
    }
}
