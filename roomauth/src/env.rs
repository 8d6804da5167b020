//! The one reader of configuration variables, the same for every backend:
//! each backend's `from_env()` is its `from_lookup(..)` over the process
//! environment, and `from_lookup` reads through an [`Env`].
//!
//! - unset, empty and blank mean the same: not set;
//! - a value that is not valid Unicode is an error naming the variable;
//! - a secret set to an empty (or blank) value is an error, never "no
//!   secret": an empty secret would silently turn a check off or fall back
//!   to a development setup (`KEY=${KEY}` with `KEY` unset, say);
//! - errors name the variable and what to set it to, never its value.
//!
//! ```
//! use std::ffi::OsString;
//! use roomauth::env::{Env, EnvError};
//!
//! let env = Env::new(|name: &str| match name {
//!     "PORT" => Some(OsString::from("8080")),
//!     "EMPTY_SECRET" => Some(OsString::new()),
//!     _ => None,
//! });
//! assert_eq!(env.parsed::<u16>("PORT", "a port number")?, Some(8080));
//! assert_eq!(env.optional("UNSET")?, None);
//! assert!(matches!(
//!     env.secret("EMPTY_SECRET", "the shared secret"),
//!     Err(EnvError::EmptySecret { name: "EMPTY_SECRET", .. })
//! ));
//! # Ok::<(), EnvError>(())
//! ```

use std::ffi::OsString;
use std::str::FromStr;

use crate::secret::Secret;

/// Reads configuration variables through a lookup: the process environment
/// ([`Env::process`]) or any function of a name (tests, defaults layered
/// under the environment).
#[derive(Clone, Copy)]
pub struct Env<L> {
    lookup: L,
}

/// The process environment's lookup (`std::env::var_os`): what every
/// backend's `from_env()` hands its `from_lookup(..)`.
pub fn process(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

impl Env<fn(&str) -> Option<OsString>> {
    /// The process environment ([`process`]).
    pub fn process() -> Env<fn(&str) -> Option<OsString>> {
        Env { lookup: process }
    }
}

impl<L: Fn(&str) -> Option<OsString>> Env<L> {
    /// Variables as `lookup` gives them: `None` is unset.
    pub fn new(lookup: L) -> Env<L> {
        Env { lookup }
    }

    /// The value as set, `None` when unset; non-Unicode is an error.
    fn raw(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        (self.lookup)(name)
            .map(|value| value.into_string())
            .transpose()
            .map_err(|_| EnvError::NotUnicode { name })
    }

    /// The value, `None` when unset, empty or blank.
    pub fn optional(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        Ok(self.raw(name)?.filter(|value| !value.trim().is_empty()))
    }

    /// The value; unset, empty or blank is [`EnvError::Missing`], which
    /// says to set it to `what`.
    pub fn required(&self, name: &'static str, what: &'static str) -> Result<String, EnvError> {
        self.optional(name)?.ok_or(EnvError::Missing { name, what })
    }

    /// The value parsed, `None` when unset, empty or blank; a value that
    /// does not parse is [`EnvError::Invalid`] (which never quotes it).
    pub fn parsed<T: FromStr>(
        &self,
        name: &'static str,
        what: &'static str,
    ) -> Result<Option<T>, EnvError> {
        self.optional(name)?
            .map(|value| {
                value
                    .trim()
                    .parse()
                    .map_err(|_| EnvError::Invalid { name, what })
            })
            .transpose()
    }

    /// A secret, `None` when unset; set to an empty or blank value, it is
    /// [`EnvError::EmptySecret`].
    pub fn secret(
        &self,
        name: &'static str,
        what: &'static str,
    ) -> Result<Option<Secret>, EnvError> {
        match self.raw(name)? {
            None => Ok(None),
            Some(value) if value.trim().is_empty() => Err(EnvError::EmptySecret { name, what }),
            Some(value) => Ok(Some(Secret::new(value))),
        }
    }

    /// A secret that must be set: unset is [`EnvError::Missing`], empty
    /// [`EnvError::EmptySecret`].
    pub fn required_secret(
        &self,
        name: &'static str,
        what: &'static str,
    ) -> Result<Secret, EnvError> {
        self.secret(name, what)?
            .ok_or(EnvError::Missing { name, what })
    }
}

/// A variable that cannot be used. Messages name the variable and what to
/// set it to, never its value (it may be a secret, or one pasted into the
/// wrong variable).
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A required variable is unset, empty or blank.
    #[error("{name} is not set: set it to {what}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// What it holds.
        what: &'static str,
    },
    /// A secret is set to an empty or blank value.
    #[error("{name} is empty: set it to {what} (an empty secret is refused, never ignored)")]
    EmptySecret {
        /// The variable.
        name: &'static str,
        /// What it holds.
        what: &'static str,
    },
    /// The value is not valid Unicode.
    #[error("{name} is not valid Unicode: write its value in UTF-8")]
    NotUnicode {
        /// The variable.
        name: &'static str,
    },
    /// The value does not parse.
    #[error("{name} is not valid: set it to {what}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What it holds.
        what: &'static str,
    },
}

crate::error::debug_is_display!(EnvError);

impl EnvError {
    /// The variable the error is about.
    pub fn name(&self) -> &'static str {
        match *self {
            EnvError::Missing { name, .. }
            | EnvError::EmptySecret { name, .. }
            | EnvError::NotUnicode { name }
            | EnvError::Invalid { name, .. } => name,
        }
    }
}

/// Test support: a lookup over fixed variables, and a non-Unicode value.
#[cfg(test)]
pub(crate) mod fixture {
    use std::ffi::OsString;

    /// A lookup over `vars`; unlisted names are unset.
    pub(crate) fn vars(vars: &[(&'static str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let vars: Vec<(&'static str, OsString)> =
            vars.iter().map(|(k, v)| (*k, OsString::from(v))).collect();
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    }

    /// `vars` with `name` set to bytes that are not UTF-8.
    #[cfg(unix)]
    pub(crate) fn not_unicode(
        vars: &[(&'static str, &str)],
        name: &'static str,
    ) -> impl Fn(&str) -> Option<OsString> + use<> {
        use std::os::unix::ffi::OsStringExt;
        let set = self::vars(vars);
        move |asked| {
            if asked == name {
                Some(OsString::from_vec(b"ab\xffcd".to_vec()))
            } else {
                set(asked)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::vars;
    use super::*;

    const WHAT: &str = "the thing";

    #[test]
    fn empty_and_blank_mean_unset() {
        let env = Env::new(vars(&[("EMPTY", ""), ("BLANK", " \t"), ("SET", " x ")]));
        assert_eq!(env.optional("EMPTY"), Ok(None));
        assert_eq!(env.optional("BLANK"), Ok(None));
        assert_eq!(env.optional("UNSET"), Ok(None));
        assert_eq!(env.optional("SET"), Ok(Some(" x ".to_owned())));
        for name in ["EMPTY", "BLANK", "UNSET"] {
            assert_eq!(
                env.required(name, WHAT),
                Err(EnvError::Missing { name, what: WHAT })
            );
        }
        assert_eq!(env.parsed::<u16>("EMPTY", WHAT), Ok(None));
    }

    #[test]
    fn parsed_values_never_quote_the_value() {
        let env = Env::new(vars(&[("PORT", " 80 "), ("BAD", "sk_live_oops")]));
        assert_eq!(env.parsed::<u16>("PORT", WHAT), Ok(Some(80)));
        let err = env.parsed::<u16>("BAD", WHAT).unwrap_err();
        assert_eq!(
            err,
            EnvError::Invalid {
                name: "BAD",
                what: WHAT
            }
        );
        assert_eq!(err.to_string(), "BAD is not valid: set it to the thing");
    }

    #[test]
    fn an_empty_secret_is_an_error_and_unset_is_none() {
        let env = Env::new(vars(&[("EMPTY", ""), ("BLANK", " "), ("SET", "s3cret")]));
        assert_eq!(env.secret("UNSET", WHAT).unwrap().map(|_| ()), None);
        assert_eq!(env.secret("SET", WHAT).unwrap().unwrap().expose(), "s3cret");
        for name in ["EMPTY", "BLANK"] {
            let err = env.secret(name, WHAT).unwrap_err();
            assert_eq!(err, EnvError::EmptySecret { name, what: WHAT });
            assert!(err.to_string().starts_with(&format!("{name} is empty")));
            assert_eq!(
                env.required_secret(name, WHAT).unwrap_err(),
                EnvError::EmptySecret { name, what: WHAT }
            );
        }
        assert_eq!(
            env.required_secret("UNSET", WHAT).unwrap_err(),
            EnvError::Missing {
                name: "UNSET",
                what: WHAT
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_is_an_error_naming_the_variable() {
        let env = Env::new(super::fixture::not_unicode(&[], "BYTES"));
        let expected = EnvError::NotUnicode { name: "BYTES" };
        assert_eq!(env.optional("BYTES"), Err(expected));
        assert_eq!(env.required("BYTES", WHAT), Err(expected));
        assert_eq!(env.parsed::<u16>("BYTES", WHAT), Err(expected));
        assert_eq!(env.secret("BYTES", WHAT).map(|_| ()), Err(expected));
        assert_eq!(expected.name(), "BYTES");
        assert!(
            expected
                .to_string()
                .starts_with("BYTES is not valid Unicode")
        );
    }

    #[test]
    fn the_process_environment_is_read() {
        // PATH is set wherever tests run; a name nobody sets is unset.
        let env = Env::process();
        assert!(env.optional("PATH").unwrap().is_some());
        assert_eq!(env.optional("ROOMAUTH_TEST_NEVER_SET_7F3A").unwrap(), None);
    }
}
