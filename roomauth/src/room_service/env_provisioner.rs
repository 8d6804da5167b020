//! The provisioner the environment chooses: Room Service over HTTP when an
//! API key is set, the embedded local provisioner otherwise.
//!
//! Above both provisioners (it builds either), so that neither imports it.

use super::client::HttpProvisioner;
use super::local::LocalProvisioner;
use super::provision::{ConfigError, ENV_API_KEY, ENV_URL, ProvisionFuture, Provisioner, env_var};
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

/// The provisioner the environment asks for.
///
/// - `ROOMSERVICE_API_KEY` set: [`HttpProvisioner`] at `ROOMSERVICE_URL` (default
///   [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)), with `ROOMSERVICE_AUTH_SCHEME` if given.
/// - `ROOMSERVICE_API_KEY` unset (and `ROOMSERVICE_URL` unset): the embedded
///   [`LocalProvisioner::development`].
///
/// An empty key, a bad URL or a URL without a key are errors rather than a
/// silent fallback.
pub fn provisioner_from_env() -> Result<EnvProvisioner, ConfigError> {
    provisioner_from_lookup(env_var)
}

/// [`provisioner_from_env`] over any variable lookup (testable without
/// touching the process environment).
fn provisioner_from_lookup(
    lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
) -> Result<EnvProvisioner, ConfigError> {
    if lookup(ENV_API_KEY)?.is_some() {
        let service = HttpProvisioner::from_lookup(lookup)?;
        tracing::info!(
            provisioner = "room-service",
            endpoint = %service.endpoint(),
            auth_scheme = ?service.auth_scheme(),
            "provisioning through Room Service"
        );
        return Ok(EnvProvisioner::Http(service));
    }
    if lookup(ENV_URL)?.is_some() {
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
    use crate::room_service::provision::ENV_AUTH_SCHEME;

    fn lookup_from(
        vars: &[(&'static str, &str)],
    ) -> impl Fn(&'static str) -> Result<Option<String>, ConfigError> {
        let vars: Vec<(&'static str, String)> =
            vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        move |name| {
            Ok(vars
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone()))
        }
    }

    #[test]
    fn unset_key_chooses_local() {
        assert!(provisioner_from_lookup(lookup_from(&[])).is_ok());
    }

    #[test]
    fn set_key_chooses_room_service() {
        assert!(provisioner_from_lookup(lookup_from(&[(ENV_API_KEY, "sk_live_abc")])).is_ok());
        assert!(
            provisioner_from_lookup(lookup_from(&[
                (ENV_API_KEY, "sk_live_abc"),
                (ENV_URL, "http://127.0.0.1:7070/"),
                (ENV_AUTH_SCHEME, "bearer"),
            ]))
            .is_ok()
        );
    }

    #[test]
    fn bad_environments_are_errors() {
        let err = |vars: &[(&'static str, &str)]| provisioner_from_lookup(lookup_from(vars)).err();
        assert_eq!(err(&[(ENV_API_KEY, "")]), Some(ConfigError::EmptyApiKey));
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
        assert!(matches!(
            err(&[(ENV_API_KEY, "k"), (ENV_AUTH_SCHEME, "basic")]),
            Some(ConfigError::InvalidAuthScheme { .. })
        ));
    }
}
