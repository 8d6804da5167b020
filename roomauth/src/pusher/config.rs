//! The backend's configuration: app key, app secret, the stance on client
//! events, optional encryption master key; from the environment or a
//! builder.

use std::ffi::OsString;
use std::fmt;

use crate::env::{self, Env, EnvError};
use crate::secret::Secret;

use super::client_events::ClientEvents;
use super::master_key::{MasterKey, MasterKeyError};
use super::sign::Signer;

/// The Pusher Channels backend: answers pusher-js's channel authorization,
/// user sign-in and batched authorization for one Pusher app (Pusher,
/// Soketi, Laravel Reverb, Ably's adapter, Sockudo: every server of the
/// protocol). See the [module docs](crate::pusher).
#[derive(Clone)]
pub struct Pusher {
    pub(super) signer: Signer,
    pub(super) master_key: Option<MasterKey>,
    pub(super) client_events: ClientEvents,
}

/// Why a [`Pusher`] could not be configured. Never carries a secret.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is unset, empty or not Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
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
    /// No stance on client events was given to the builder.
    #[error(
        "no stance on client events: call `.client_events(ClientEvents::On)` if the Pusher server relays client events (`client-*`) from channel members, `.client_events(ClientEvents::Off)` if it does not"
    )]
    MissingClientEvents,
    /// The encryption master key is not 32 bytes of base64.
    #[error("{ENV_ENCRYPTION_MASTER_KEY_BASE64}: {0}")]
    MasterKey(#[from] MasterKeyError),
}

crate::error::debug_is_display!(ConfigError);

/// The environment variable holding the app key (public: pusher-js gets it
/// too).
pub const ENV_APP_KEY: &str = "PUSHER_APP_KEY";
/// The environment variable holding the app secret.
pub const ENV_APP_SECRET: &str = "PUSHER_APP_SECRET";
/// The environment variable holding the app's stance on client events,
/// `on` or `off` (required; see [`ClientEvents`]).
pub const ENV_CLIENT_EVENTS: &str = "PUSHER_CLIENT_EVENTS";
/// What [`ENV_CLIENT_EVENTS`] must be set to, as its errors say.
const CLIENT_EVENTS_WHAT: &str = "`on` if the Pusher server relays client events (`client-*`) from channel members, `off` if it does not";
/// The environment variable holding the encryption master key, base64 of
/// 32 bytes; optional (unset, `private-encrypted-` channels are refused;
/// set but empty, an error).
pub const ENV_ENCRYPTION_MASTER_KEY_BASE64: &str = "PUSHER_ENCRYPTION_MASTER_KEY_BASE64";

impl Pusher {
    /// A backend for the app with this key and secret and this stance on
    /// client events, no encryption.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: impl Into<Secret>,
        client_events: ClientEvents,
    ) -> Result<Pusher, ConfigError> {
        Pusher::builder()
            .app_key(app_key)
            .app_secret(app_secret)
            .client_events(client_events)
            .build()
    }

    /// Starts a configuration.
    pub fn builder() -> PusherBuilder {
        PusherBuilder::default()
    }

    /// Reads [`ENV_APP_KEY`], [`ENV_APP_SECRET`] (both required) and, when
    /// set, [`ENV_ENCRYPTION_MASTER_KEY_BASE64`].
    pub fn from_env() -> Result<Pusher, ConfigError> {
        Pusher::from_lookup(env::process)
    }

    /// [`from_env`](Self::from_env) over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Pusher, ConfigError> {
        let env = Env::new(lookup);
        let mut builder = Pusher::builder()
            .app_key(env.required(ENV_APP_KEY, "the Pusher app's key")?)
            .app_secret(env.required_secret(ENV_APP_SECRET, "the Pusher app's secret")?)
            .client_events(env.parsed(ENV_CLIENT_EVENTS, CLIENT_EVENTS_WHAT)?.ok_or(
                EnvError::Missing {
                    name: ENV_CLIENT_EVENTS,
                    what: CLIENT_EVENTS_WHAT,
                },
            )?);
        if let Some(key) = env.secret(
            ENV_ENCRYPTION_MASTER_KEY_BASE64,
            "32 random bytes in base64 (`openssl rand -base64 32`), or unset it to refuse encrypted channels",
        )? {
            builder = builder.encryption_master_key_base64(key.expose());
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

    /// The app's stance on client events: with [`ClientEvents::On`], read
    /// grants are refused.
    pub fn client_events(&self) -> ClientEvents {
        self.client_events
    }
}

impl fmt::Debug for Pusher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pusher")
            .field("app_key", &self.app_key())
            .field("app_secret", &"[redacted]")
            .field("client_events", &self.client_events)
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
    app_secret: Option<Secret>,
    client_events: Option<ClientEvents>,
    master_key: Option<Result<MasterKey, MasterKeyError>>,
}

impl PusherBuilder {
    /// The app key (`PUSHER_APP_KEY`): printable ASCII without `:`.
    pub fn app_key(mut self, key: impl Into<String>) -> Self {
        self.app_key = Some(key.into());
        self
    }

    /// The app secret (`PUSHER_APP_SECRET`).
    pub fn app_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.app_secret = Some(secret.into());
        self
    }

    /// Whether the Pusher server relays client events from channel members
    /// (`PUSHER_CLIENT_EVENTS`); required, see [`ClientEvents`].
    pub fn client_events(mut self, client_events: ClientEvents) -> Self {
        self.client_events = Some(client_events);
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
    pub fn build(self) -> Result<Pusher, ConfigError> {
        let app_key = self.app_key.ok_or(ConfigError::MissingAppKey)?;
        if app_key.is_empty() || !app_key.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(ConfigError::InvalidAppKey);
        }
        let secret = self.app_secret.ok_or(ConfigError::MissingAppSecret)?;
        if secret.is_empty() {
            return Err(ConfigError::EmptyAppSecret);
        }
        let client_events = self.client_events.ok_or(ConfigError::MissingClientEvents)?;
        let master_key = self.master_key.transpose()?;
        let signer = Signer::new(app_key, &secret).ok_or(ConfigError::EmptyAppSecret)?;
        Ok(Pusher {
            signer,
            master_key,
            client_events,
        })
    }
}

impl fmt::Debug for PusherBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PusherBuilder")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field("client_events", &self.client_events)
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

    use crate::env::fixture;

    fn env(vars: &[(&'static str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        fixture::vars(vars)
    }

    #[test]
    fn from_env_reads_the_four_variables() {
        let pusher = Pusher::from_lookup(env(&[
            (ENV_APP_KEY, "app-key"),
            (ENV_APP_SECRET, "app-secret"),
            (ENV_CLIENT_EVENTS, "on"),
            (
                ENV_ENCRYPTION_MASTER_KEY_BASE64,
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=",
            ),
        ]))
        .unwrap();
        assert_eq!(pusher.app_key(), "app-key");
        assert!(pusher.encryption_enabled());
        assert_eq!(pusher.client_events(), ClientEvents::On);
        let debug = format!("{pusher:?}");
        assert!(
            !debug.contains("app-secret") && !debug.contains("QUJD"),
            "{debug}"
        );
    }

    #[test]
    fn from_env_says_what_is_missing() {
        let err = Pusher::from_lookup(env(&[(ENV_APP_KEY, "app-key")])).unwrap_err();
        assert_eq!(
            err,
            ConfigError::Env(EnvError::Missing {
                name: ENV_APP_SECRET,
                what: "the Pusher app's secret"
            })
        );
        assert_eq!(
            err.to_string(),
            "PUSHER_APP_SECRET is not set: set it to the Pusher app's secret"
        );
        let err = Pusher::from_lookup(env(&[(ENV_APP_SECRET, "s")])).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Env(EnvError::Missing {
                name: ENV_APP_KEY,
                ..
            })
        ));
        let err = Pusher::from_lookup(env(&[
            (ENV_APP_KEY, "k"),
            (ENV_APP_SECRET, "s"),
            (ENV_CLIENT_EVENTS, "off"),
            (ENV_ENCRYPTION_MASTER_KEY_BASE64, "c2hvcnQ="),
        ]))
        .unwrap_err();
        assert_eq!(err, ConfigError::MasterKey(MasterKeyError::Length(5)));
        let plain = Pusher::from_lookup(env(&[
            (ENV_APP_KEY, "k"),
            (ENV_APP_SECRET, "s"),
            (ENV_CLIENT_EVENTS, "off"),
        ]))
        .unwrap();
        assert!(!plain.encryption_enabled());
        assert_eq!(plain.client_events(), ClientEvents::Off);
    }

    #[test]
    fn client_events_must_be_said() {
        // No silent default: unset, blank or anything but on/off is an
        // error naming the variable and its two values.
        for (value, invalid) in [(None, false), (Some(" "), false), (Some("yes"), true)] {
            let mut vars = vec![(ENV_APP_KEY, "k"), (ENV_APP_SECRET, "s")];
            if let Some(value) = value {
                vars.push((ENV_CLIENT_EVENTS, value));
            }
            let err = Pusher::from_lookup(env(&vars)).unwrap_err();
            let expected = if invalid {
                EnvError::Invalid {
                    name: ENV_CLIENT_EVENTS,
                    what: CLIENT_EVENTS_WHAT,
                }
            } else {
                EnvError::Missing {
                    name: ENV_CLIENT_EVENTS,
                    what: CLIENT_EVENTS_WHAT,
                }
            };
            assert_eq!(err, ConfigError::Env(expected), "{value:?}");
            let message = err.to_string();
            assert!(
                message.starts_with("PUSHER_CLIENT_EVENTS is not")
                    && message.contains("`on`")
                    && message.contains("`off`"),
                "{message}"
            );
        }
        let err = Pusher::builder()
            .app_key("k")
            .app_secret("s")
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::MissingClientEvents);
        assert!(err.to_string().contains(".client_events("), "{err}");
    }

    #[test]
    fn empty_is_unset_and_an_empty_secret_is_refused() {
        let err =
            Pusher::from_lookup(env(&[(ENV_APP_KEY, " "), (ENV_APP_SECRET, "s")])).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Env(EnvError::Missing {
                name: ENV_APP_KEY,
                ..
            })
        ));
        for name in [ENV_APP_SECRET, ENV_ENCRYPTION_MASTER_KEY_BASE64] {
            let mut vars = vec![
                (ENV_APP_KEY, "k"),
                (ENV_APP_SECRET, "s"),
                (ENV_CLIENT_EVENTS, "off"),
            ];
            vars.retain(|(k, _)| *k != name);
            vars.push((name, ""));
            let err = Pusher::from_lookup(env(&vars)).unwrap_err();
            assert!(
                matches!(err, ConfigError::Env(EnvError::EmptySecret { name: n, .. }) if n == name),
                "{err:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        let vars = [
            (ENV_APP_KEY, "k"),
            (ENV_APP_SECRET, "s"),
            (ENV_CLIENT_EVENTS, "off"),
            (
                ENV_ENCRYPTION_MASTER_KEY_BASE64,
                "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=",
            ),
        ];
        for name in [
            ENV_APP_KEY,
            ENV_APP_SECRET,
            ENV_CLIENT_EVENTS,
            ENV_ENCRYPTION_MASTER_KEY_BASE64,
        ] {
            assert_eq!(
                Pusher::from_lookup(fixture::not_unicode(&vars, name)).unwrap_err(),
                ConfigError::Env(EnvError::NotUnicode { name })
            );
        }
    }

    #[test]
    fn builder_checks_the_key() {
        for bad in ["", "a:b", "a b", "ключ"] {
            assert_eq!(
                Pusher::new(bad, "secret", ClientEvents::Off).unwrap_err(),
                ConfigError::InvalidAppKey,
                "{bad:?}"
            );
        }
        assert_eq!(
            Pusher::new("key", "", ClientEvents::Off).unwrap_err(),
            ConfigError::EmptyAppSecret
        );
        assert_eq!(
            Pusher::builder().app_key("k").build().unwrap_err(),
            ConfigError::MissingAppSecret
        );
    }
}
