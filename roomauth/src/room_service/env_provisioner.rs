//! The provisioner the environment chooses: Room Service over HTTP when an
//! API key is set, the embedded local provisioner otherwise; and the
//! `from_env` / `from_lookup` of [`HttpProvisioner`].
//!
//! Above both provisioners (it builds either), so that neither imports it.

use std::ffi::OsString;

use crate::env::{self, Env};

use super::client::{AuthScheme, HttpProvisioner};
use super::config::{API_KEY_WHAT, ConfigError, ENV_API_KEY, ENV_AUTH_SCHEME, ENV_URL};
use super::local::LocalProvisioner;
use super::provision::{ProvisionFuture, Provisioner};
use super::wire::ProvisionRequest;

/// The provisioner the environment chose ([`provisioner_from_env`]).
#[derive(Debug)]
pub enum EnvProvisioner {
    /// A Room Service-compatible server over HTTP.
    Http(HttpProvisioner),
    /// The embedded local provisioner.
    Local(LocalProvisioner),
}

/// Hands back the chosen provisioner's future as is: one boxed future per
/// request, as a concrete provisioner has.
impl Provisioner for EnvProvisioner {
    fn provision<'s, 'r, 'f>(&'s self, request: &'r ProvisionRequest) -> ProvisionFuture<'f>
    where
        's: 'f,
        'r: 'f,
        Self: 'f,
    {
        match self {
            EnvProvisioner::Http(http) => http.provision(request),
            EnvProvisioner::Local(local) => local.provision(request),
        }
    }
}

impl HttpProvisioner {
    /// Reads `ROOMSERVICE_API_KEY` (required, not empty), `ROOMSERVICE_URL`
    /// (default [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)) and
    /// `ROOMSERVICE_AUTH_SCHEME` (`bearer-colon`, the default, or `bearer`).
    pub fn from_env() -> Result<HttpProvisioner, ConfigError> {
        HttpProvisioner::from_lookup(env::process)
    }

    /// [`HttpProvisioner::from_env`] over any variable lookup (`None`:
    /// unset).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<HttpProvisioner, ConfigError> {
        http_from_env(&Env::new(lookup))
    }
}

/// The HTTP provisioner of `env`'s variables.
fn http_from_env(
    env: &Env<impl Fn(&str) -> Option<OsString>>,
) -> Result<HttpProvisioner, ConfigError> {
    let mut builder = HttpProvisioner::builder();
    if let Some(key) = env.secret(ENV_API_KEY, API_KEY_WHAT)? {
        builder = builder.api_key(key);
    }
    if let Some(url) = env.optional(ENV_URL)? {
        builder = builder.base_url(url);
    }
    if let Some(scheme) = env.parsed::<AuthScheme>(
        ENV_AUTH_SCHEME,
        "`bearer-colon` (\"Bearer: <key>\", the default) or `bearer` (\"Bearer <key>\")",
    )? {
        builder = builder.auth_scheme(scheme);
    }
    builder.build()
}

/// The provisioner the environment asks for.
///
/// - `ROOMSERVICE_API_KEY` set: [`HttpProvisioner`] at `ROOMSERVICE_URL` (default
///   [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)), with `ROOMSERVICE_AUTH_SCHEME` if given.
/// - `ROOMSERVICE_API_KEY` unset (and `ROOMSERVICE_URL` unset): the embedded
///   [`LocalProvisioner::development`].
///
/// Empty variables are unset, except the key: an empty key, a bad URL or a
/// URL without a key are errors rather than a silent fallback.
pub fn provisioner_from_env() -> Result<EnvProvisioner, ConfigError> {
    provisioner_from_lookup(env::process)
}

/// [`provisioner_from_env`] over any variable lookup (`None`: unset).
pub fn provisioner_from_lookup(
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<EnvProvisioner, ConfigError> {
    let env = Env::new(lookup);
    if env.secret(ENV_API_KEY, API_KEY_WHAT)?.is_some() {
        let service = http_from_env(&env)?;
        tracing::info!(
            provisioner = "room-service",
            endpoint = %service.endpoint(),
            auth_scheme = ?service.auth_scheme(),
            "provisioning through Room Service"
        );
        return Ok(EnvProvisioner::Http(service));
    }
    if env.optional(ENV_URL)?.is_some() {
        return Err(ConfigError::UrlWithoutApiKey);
    }
    let local = LocalProvisioner::try_development()?;
    tracing::info!(
        provisioner = "local",
        kid = local.signing_keys().current().kid(),
        "ROOMSERVICE_API_KEY is unset: provisioning with the embedded local provisioner (development only)"
    );
    Ok(EnvProvisioner::Local(local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{EnvError, fixture};

    fn err(vars: &[(&'static str, &str)]) -> Option<ConfigError> {
        provisioner_from_lookup(fixture::vars(vars)).err()
    }

    #[test]
    fn unset_key_chooses_local() {
        assert!(matches!(
            provisioner_from_lookup(fixture::vars(&[])),
            Ok(EnvProvisioner::Local(_))
        ));
        // Empty is unset, for the URL and the scheme.
        assert!(matches!(
            provisioner_from_lookup(fixture::vars(&[(ENV_URL, ""), (ENV_AUTH_SCHEME, " ")])),
            Ok(EnvProvisioner::Local(_))
        ));
    }

    #[test]
    fn set_key_chooses_room_service() {
        assert!(matches!(
            provisioner_from_lookup(fixture::vars(&[(ENV_API_KEY, "sk_live_abc")])),
            Ok(EnvProvisioner::Http(_))
        ));
        let Ok(EnvProvisioner::Http(http)) = provisioner_from_lookup(fixture::vars(&[
            (ENV_API_KEY, "sk_live_abc"),
            (ENV_URL, "http://127.0.0.1:7070/"),
            (ENV_AUTH_SCHEME, "bearer"),
        ])) else {
            panic!("the HTTP provisioner");
        };
        assert_eq!(http.endpoint().as_str(), "http://127.0.0.1:7070/provision");
        assert_eq!(http.auth_scheme(), AuthScheme::Bearer);
        let from_lookup =
            HttpProvisioner::from_lookup(fixture::vars(&[(ENV_API_KEY, "k"), (ENV_URL, " ")]))
                .unwrap();
        assert_eq!(
            from_lookup.endpoint().as_str(),
            "https://super.roomservice.dev/provision"
        );
    }

    #[test]
    fn bad_environments_are_errors() {
        for empty in ["", " "] {
            let empty = err(&[(ENV_API_KEY, empty)]).unwrap();
            assert_eq!(
                empty,
                ConfigError::Env(EnvError::EmptySecret {
                    name: ENV_API_KEY,
                    what: API_KEY_WHAT
                })
            );
            assert!(
                empty
                    .to_string()
                    .starts_with("ROOMSERVICE_API_KEY is empty")
            );
        }
        assert_eq!(
            HttpProvisioner::from_lookup(fixture::vars(&[])).unwrap_err(),
            ConfigError::MissingApiKey
        );
        assert_eq!(
            err(&[(ENV_API_KEY, "sk live")]),
            Some(ConfigError::InvalidApiKey)
        );
        assert_eq!(
            err(&[(ENV_URL, "http://x")]),
            Some(ConfigError::UrlWithoutApiKey)
        );
        assert!(matches!(
            err(&[(ENV_API_KEY, "k"), (ENV_URL, "ftp://x")]),
            Some(ConfigError::InvalidUrl { .. })
        ));
        let scheme = err(&[(ENV_API_KEY, "k"), (ENV_AUTH_SCHEME, "sk_live_pasted_here")]).unwrap();
        assert!(
            matches!(
                scheme,
                ConfigError::Env(EnvError::Invalid {
                    name: ENV_AUTH_SCHEME,
                    ..
                })
            ),
            "{scheme:?}"
        );
        assert!(!scheme.to_string().contains("sk_live"), "{scheme}");
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_names_the_variable() {
        let vars = [
            (ENV_API_KEY, "k"),
            (ENV_URL, "http://x"),
            (ENV_AUTH_SCHEME, "bearer"),
        ];
        for name in [ENV_API_KEY, ENV_URL, ENV_AUTH_SCHEME] {
            assert_eq!(
                provisioner_from_lookup(fixture::not_unicode(&vars, name)).err(),
                Some(ConfigError::Env(EnvError::NotUnicode { name }))
            );
        }
    }
}
