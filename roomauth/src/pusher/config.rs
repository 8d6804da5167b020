//! The backend's configuration: app key, app secret, optional encryption
//! master key; from the environment or a builder.

use std::fmt;

use super::secret::{AppSecret, MasterKey, MasterKeyError};
use super::sign::Signer;

/// The Pusher Channels backend: answers pusher-js's channel authorization,
/// user sign-in and batched authorization for one Pusher app (Pusher,
/// Soketi, Laravel Reverb, Ably's adapter, Sockudo: every server of the
/// protocol). See the [module docs](crate::pusher).
#[derive(Clone)]
pub struct Pusher {
    pub(super) signer: Signer,
    pub(super) master_key: Option<MasterKey>,
}

/// Why a [`Pusher`] could not be configured. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PusherConfigError {
    /// A required environment variable is unset or empty.
    #[error("{0} is not set: give it the Pusher app's {what}", what = env_what(.0))]
    MissingEnv(&'static str),
    /// No app key was given to the builder.
    #[error("no app key: call `.app_key(..)` with the Pusher app's key")]
    MissingAppKey,
    /// No app secret was given to the builder.
    #[error("no app secret: call `.app_secret(..)` with the Pusher app's secret")]
    MissingAppSecret,
    /// The app key is empty, contains `:` or a non-printable character (it is
    /// written before the `:` of every signature).
    #[error("the app key must be printable ASCII without `:` or spaces")]
    InvalidAppKey,
    /// The app secret is empty.
    #[error("the app secret is empty")]
    EmptyAppSecret,
    /// The encryption master key is not 32 bytes of base64.
    #[error("{PUSHER_ENCRYPTION_MASTER_KEY_BASE64}: {0}")]
    MasterKey(#[from] MasterKeyError),
}

fn env_what(name: &str) -> &'static str {
    match name {
        PUSHER_APP_KEY => "key",
        _ => "secret",
    }
}

/// The app key (public: pusher-js gets it too).
pub const PUSHER_APP_KEY: &str = "PUSHER_APP_KEY";
/// The app secret.
pub const PUSHER_APP_SECRET: &str = "PUSHER_APP_SECRET";
/// The encryption master key, base64 of 32 bytes; optional (without it,
/// `private-encrypted-` channels are refused).
pub const PUSHER_ENCRYPTION_MASTER_KEY_BASE64: &str = "PUSHER_ENCRYPTION_MASTER_KEY_BASE64";

impl Pusher {
    /// A backend for the app with this key and secret, no encryption.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: impl Into<String>,
    ) -> Result<Pusher, PusherConfigError> {
        Pusher::builder()
            .app_key(app_key)
            .app_secret(app_secret)
            .build()
    }

    /// Starts a configuration.
    pub fn builder() -> PusherBuilder {
        PusherBuilder::default()
    }

    /// Reads [`PUSHER_APP_KEY`], [`PUSHER_APP_SECRET`] and, when set,
    /// [`PUSHER_ENCRYPTION_MASTER_KEY_BASE64`].
    pub fn from_env() -> Result<Pusher, PusherConfigError> {
        Pusher::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with another source of variables.
    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Pusher, PusherConfigError> {
        let var = |name| lookup(name).filter(|value| !value.is_empty());
        let mut builder = Pusher::builder()
            .app_key(var(PUSHER_APP_KEY).ok_or(PusherConfigError::MissingEnv(PUSHER_APP_KEY))?)
            .app_secret(
                var(PUSHER_APP_SECRET).ok_or(PusherConfigError::MissingEnv(PUSHER_APP_SECRET))?,
            );
        if let Some(key) = var(PUSHER_ENCRYPTION_MASTER_KEY_BASE64) {
            builder = builder.encryption_master_key_base64(&key);
        }
        builder.build()
    }

    /// The app key, as written before the `:` of every signature.
    pub fn app_key(&self) -> &str {
        self.signer.app_key()
    }

    /// Whether `private-encrypted-` channels are served (a master key is
    /// configured).
    pub fn encryption_enabled(&self) -> bool {
        self.master_key.is_some()
    }
}

impl fmt::Debug for Pusher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pusher")
            .field("app_key", &self.app_key())
            .field("app_secret", &"[redacted]")
            .field(
                "encryption_master_key",
                &self.master_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Configures a [`Pusher`]; see [`Pusher::builder`].
#[derive(Default)]
#[must_use]
pub struct PusherBuilder {
    app_key: Option<String>,
    app_secret: Option<AppSecret>,
    master_key: Option<Result<MasterKey, MasterKeyError>>,
}

impl PusherBuilder {
    /// The app key (`PUSHER_APP_KEY`).
    pub fn app_key(mut self, key: impl Into<String>) -> Self {
        self.app_key = Some(key.into());
        self
    }

    /// The app secret (`PUSHER_APP_SECRET`).
    pub fn app_secret(mut self, secret: impl Into<String>) -> Self {
        self.app_secret = Some(AppSecret::new(secret));
        self
    }

    /// The encryption master key, 32 bytes.
    pub fn encryption_master_key(mut self, key: MasterKey) -> Self {
        self.master_key = Some(Ok(key));
        self
    }

    /// The encryption master key as base64
    /// (`PUSHER_ENCRYPTION_MASTER_KEY_BASE64`); checked by
    /// [`build`](Self::build).
    pub fn encryption_master_key_base64(mut self, key: &str) -> Self {
        self.master_key = Some(MasterKey::from_base64(key));
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<Pusher, PusherConfigError> {
        let app_key = self.app_key.ok_or(PusherConfigError::MissingAppKey)?;
        if app_key.is_empty() || !app_key.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(PusherConfigError::InvalidAppKey);
        }
        let secret = self.app_secret.ok_or(PusherConfigError::MissingAppSecret)?;
        if secret.expose().is_empty() {
            return Err(PusherConfigError::EmptyAppSecret);
        }
        let master_key = self.master_key.transpose()?;
        let signer = Signer::new(app_key, &secret).ok_or(PusherConfigError::EmptyAppSecret)?;
        Ok(Pusher { signer, master_key })
    }
}

impl fmt::Debug for PusherBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PusherBuilder")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field(
                "encryption_master_key",
                &self.master_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_env_reads_the_three_variables() {
        let pusher = Pusher::from_lookup(env(&[
            (PUSHER_APP_KEY, "app-key"),
            (PUSHER_APP_SECRET, "app-secret"),
            (
                PUSHER_ENCRYPTION_MASTER_KEY_BASE64,
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=",
            ),
        ]))
        .unwrap();
        assert_eq!(pusher.app_key(), "app-key");
        assert!(pusher.encryption_enabled());
        let debug = format!("{pusher:?}");
        assert!(
            !debug.contains("app-secret") && !debug.contains("QUJD"),
            "{debug}"
        );
    }

    #[test]
    fn from_env_says_what_is_missing() {
        let err = Pusher::from_lookup(env(&[(PUSHER_APP_KEY, "app-key")])).unwrap_err();
        assert_eq!(err, PusherConfigError::MissingEnv(PUSHER_APP_SECRET));
        assert!(err.to_string().contains("PUSHER_APP_SECRET"));
        let err = Pusher::from_lookup(env(&[(PUSHER_APP_SECRET, "s")])).unwrap_err();
        assert_eq!(err, PusherConfigError::MissingEnv(PUSHER_APP_KEY));
        let err = Pusher::from_lookup(env(&[
            (PUSHER_APP_KEY, "k"),
            (PUSHER_APP_SECRET, "s"),
            (PUSHER_ENCRYPTION_MASTER_KEY_BASE64, "c2hvcnQ="),
        ]))
        .unwrap_err();
        assert_eq!(err, PusherConfigError::MasterKey(MasterKeyError::Length(5)));
        assert!(
            !Pusher::from_lookup(env(&[(PUSHER_APP_KEY, "k"), (PUSHER_APP_SECRET, "s")]))
                .unwrap()
                .encryption_enabled()
        );
    }

    #[test]
    fn builder_checks_the_key() {
        for bad in ["", "a:b", "a b", "ключ"] {
            assert_eq!(
                Pusher::new(bad, "secret").unwrap_err(),
                PusherConfigError::InvalidAppKey,
                "{bad:?}"
            );
        }
        assert_eq!(
            Pusher::new("key", "").unwrap_err(),
            PusherConfigError::EmptyAppSecret
        );
        assert_eq!(
            Pusher::builder().app_key("k").build().unwrap_err(),
            PusherConfigError::MissingAppSecret
        );
    }
}
