//! [`Hocuspocus`]: the secret shared with roomauth's extension, from the
//! environment or in code.

use std::ffi::OsString;

use crate::env::{self, Env, EnvError};

use super::signature::HocuspocusSecret;

/// The environment variable holding the secret shared with the extension
/// (the same value on both sides).
pub const ENV_SECRET: &str = "HOCUSPOCUS_SECRET";

/// What [`ENV_SECRET`] holds, as errors say it.
const SECRET_WHAT: &str =
    "the secret shared with the Hocuspocus extension (the same value on both sides)";

/// The endpoint of roomauth's Hocuspocus extension (see the
/// [module docs](super)).
#[derive(Debug, Clone)]
pub struct Hocuspocus {
    pub(super) secret: HocuspocusSecret,
}

/// Why a [`Hocuspocus`] could not be configured. Never carries the secret.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `HOCUSPOCUS_SECRET` is unset, empty or not Unicode.
    #[error(transparent)]
    Env(#[from] EnvError),
}

crate::error::debug_is_display!(ConfigError);

impl Hocuspocus {
    /// An endpoint that accepts requests signed with `secret`.
    pub fn new(secret: HocuspocusSecret) -> Hocuspocus {
        Hocuspocus { secret }
    }

    /// An endpoint keyed with `HOCUSPOCUS_SECRET` (required, not empty).
    pub fn from_env() -> Result<Hocuspocus, ConfigError> {
        Hocuspocus::from_lookup(env::process)
    }

    /// [`Hocuspocus::from_env`] over any variable lookup (`None`: unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Hocuspocus, ConfigError> {
        let secret = Env::new(lookup).required_secret(ENV_SECRET, SECRET_WHAT)?;
        // Not empty (the reader refuses it), so it keys an HMAC.
        let secret = HocuspocusSecret::new(secret.expose()).ok_or(EnvError::EmptySecret {
            name: ENV_SECRET,
            what: SECRET_WHAT,
        })?;
        Ok(Hocuspocus::new(secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::fixture;

    #[test]
    fn the_secret_is_required_and_never_empty() {
        assert!(Hocuspocus::from_lookup(fixture::vars(&[(ENV_SECRET, "s3cret")])).is_ok());
        let missing = Hocuspocus::from_lookup(fixture::vars(&[])).unwrap_err();
        assert_eq!(
            missing,
            ConfigError::Env(EnvError::Missing {
                name: ENV_SECRET,
                what: SECRET_WHAT
            })
        );
        assert!(
            missing
                .to_string()
                .starts_with("HOCUSPOCUS_SECRET is not set: set it to the secret shared")
        );
        for empty in ["", " \n"] {
            let err = Hocuspocus::from_lookup(fixture::vars(&[(ENV_SECRET, empty)])).unwrap_err();
            assert_eq!(
                err,
                ConfigError::Env(EnvError::EmptySecret {
                    name: ENV_SECRET,
                    what: SECRET_WHAT
                })
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        assert_eq!(
            Hocuspocus::from_lookup(fixture::not_unicode(&[], ENV_SECRET)).unwrap_err(),
            ConfigError::Env(EnvError::NotUnicode { name: ENV_SECRET })
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let hocuspocus =
            Hocuspocus::from_lookup(fixture::vars(&[(ENV_SECRET, "supersecret")])).unwrap();
        assert!(!format!("{hocuspocus:?}").contains("supersecret"));
    }
}
