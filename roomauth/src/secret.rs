//! The one secret type: API keys, app secrets, HMAC keys and server tokens
//! that must never reach a response, an error or a log line.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// A secret: `Debug` and `Display` print `[redacted]`, comparison is in
/// constant time, and the value is zeroed on drop (through `secrecy`). Only
/// the code that sends it or keys an HMAC with it reads it.
///
/// Read from the environment ([`crate::env::Env::secret`]), an empty secret
/// is a configuration error; built in code, each backend's builder refuses
/// it.
#[derive(Clone)]
pub struct Secret(SecretString);

/// The name the provisioners' and upstream services' keys go by: the same
/// type.
pub type ApiKey = Secret;

impl Secret {
    /// The development key of the embedded local provisioner and of
    /// `roomauth-local` when `ROOMSERVICE_API_KEY` is unset.
    pub const LOCAL_DEV: &'static str = "sk_localdev";

    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(SecretString::from(secret.into()))
    }

    /// The secret itself, for the one place that must send it or key an
    /// HMAC with it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is empty (which no backend accepts).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Compares with a presented value in time independent of where they
    /// differ.
    pub fn matches(&self, presented: &str) -> bool {
        self.expose().as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Secret {
        Secret::new(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Secret {
        Secret::new(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let key = Secret::new("sk_live_supersecret");
        assert_eq!(format!("{key}"), "[redacted]");
        assert!(!format!("{key:?}").contains("supersecret"));
        assert!(!format!("{:#?}", Some(&key)).contains("supersecret"));
    }

    #[test]
    fn matches_compares_whole_secret() {
        let key = Secret::new("abc");
        assert!(key.matches("abc"));
        assert!(!key.matches("abd"));
        assert!(!key.matches("ab"));
        assert!(!key.matches("abcd"));
        assert!(!key.matches(""));
        assert!(Secret::new("").is_empty() && !key.is_empty());
    }
}
