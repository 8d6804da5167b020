//! Secrets that must never reach a response, an error or a log line.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// A provisioning API key. `Debug` and `Display` print `[redacted]`; the key
/// is zeroed on drop (through `secrecy`). Only the provisioners read it.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// The development key of the embedded local provisioner and of
    /// `roomauth-local` when `ROOMSERVICE_API_KEY` is unset.
    pub const LOCAL_DEV: &'static str = "sk_localdev";

    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(SecretString::from(key.into()))
    }

    /// The key itself, for the one place that must send or compare it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Compares with a presented key in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        self.expose().as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> ApiKey {
        ApiKey::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> ApiKey {
        ApiKey::new(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let key = ApiKey::new("sk_live_supersecret");
        assert_eq!(format!("{key}"), "[redacted]");
        assert!(!format!("{key:?}").contains("supersecret"));
        assert!(!format!("{:#?}", Some(&key)).contains("supersecret"));
    }

    #[test]
    fn matches_compares_whole_key() {
        let key = ApiKey::new("abc");
        assert!(key.matches("abc"));
        assert!(!key.matches("abd"));
        assert!(!key.matches("ab"));
        assert!(!key.matches("abcd"));
    }
}
