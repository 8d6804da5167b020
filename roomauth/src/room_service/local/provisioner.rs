//! The local provisioner itself: its keys and settings, and issuing a
//! token for a validated request.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use super::ids::{document_id, room_id};
use super::keys::{SigningKey, SigningKeys, fallback_entropy};
use super::token::{MAX_TOKEN_BYTES, TokenClaims};
use super::validate::validate;
use crate::room_service::config::ConfigError;
use crate::room_service::provision::{ProvisionError, Provisioned, Provisioner};
use crate::room_service::wire::{ObjectKind, ProvisionRequest, ProvisionResponse};
use crate::secret::ApiKey;

/// How long a token is valid: 6 hours, like Room Service's.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(6 * 60 * 60);

/// The embedded provisioner: Room Service's `/provision`, in process.
///
/// As a [`Provisioner`] it does not check an API key (it is the app's own);
/// the HTTP server in [`server`](crate::room_service::server) does, with
/// [`api_key_matches`](LocalProvisioner::api_key_matches).
pub struct LocalProvisioner {
    api_key: ApiKey,
    pub(super) keys: SigningKeys,
    token_lifetime: Duration,
    jti_seed: [u8; 32],
    jti_counter: AtomicU64,
}

impl fmt::Debug for LocalProvisioner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalProvisioner")
            .field("api_key", &self.api_key)
            .field("keys", &self.keys)
            .field("token_lifetime", &self.token_lifetime)
            .finish_non_exhaustive()
    }
}

impl LocalProvisioner {
    /// A provisioner that accepts `api_key` over HTTP and signs with `keys`.
    pub fn new(api_key: ApiKey, keys: SigningKeys) -> LocalProvisioner {
        let mut jti_seed = [0u8; 32];
        if getrandom::fill(&mut jti_seed).is_err() {
            // Token ids need uniqueness and unpredictability, not secrecy.
            jti_seed = fallback_entropy();
        }
        LocalProvisioner {
            api_key,
            keys,
            token_lifetime: TOKEN_LIFETIME,
            jti_seed,
            jti_counter: AtomicU64::new(0),
        }
    }

    /// The development provisioner: API key [`ApiKey::LOCAL_DEV`] and a
    /// random signing key generated now (tokens do not survive a restart).
    ///
    /// Should the operating system's random number generator fail, the key
    /// comes from the standard library's hash seeds instead, with a warning;
    /// use [`LocalProvisioner::try_development`] to get an error instead.
    pub fn development() -> LocalProvisioner {
        let key = SigningKey::generate().unwrap_or_else(|err| {
            tracing::warn!(error = %err, "falling back to std's hash seeds for the development signing key");
            SigningKey::fallback()
        });
        LocalProvisioner::new(ApiKey::new(ApiKey::LOCAL_DEV), SigningKeys::new(key))
    }

    /// [`LocalProvisioner::development`], failing if the operating system's
    /// random number generator does.
    pub fn try_development() -> Result<LocalProvisioner, ConfigError> {
        Ok(LocalProvisioner::new(
            ApiKey::new(ApiKey::LOCAL_DEV),
            SigningKeys::new(SigningKey::generate()?),
        ))
    }

    /// Issues tokens valid for `lifetime` instead of [`TOKEN_LIFETIME`].
    #[must_use]
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> LocalProvisioner {
        self.token_lifetime = lifetime;
        self
    }

    /// How long issued tokens are valid.
    pub fn token_lifetime(&self) -> Duration {
        self.token_lifetime
    }

    /// The signing keys.
    pub fn signing_keys(&self) -> &SigningKeys {
        &self.keys
    }

    /// Whether `presented` is this provisioner's API key (constant time).
    pub fn api_key_matches(&self, presented: &str) -> bool {
        self.api_key.matches(presented)
    }

    /// Provisions as if the clock read `now` (tokens issued at `now`).
    pub fn provision_at(
        &self,
        request: &ProvisionRequest,
        now: SystemTime,
    ) -> Result<Provisioned, ProvisionError> {
        validate(request)?;

        let mut resources = Vec::with_capacity(request.resources.len() * 2);
        let mut rooms: Vec<String> = Vec::new();
        let mut docs: Vec<(String, String)> = Vec::new();
        for resource in &request.resources {
            let mut granted = resource.clone();
            match resource.object {
                ObjectKind::Room => {
                    let room = &resource.reference;
                    granted.id = Some(room_id(room));
                    resources.push(granted);
                    if !rooms.contains(room) {
                        rooms.push(room.clone());
                    }
                }
                ObjectKind::Document => {
                    let room = resource.room.as_deref().unwrap_or_default();
                    granted.id = Some(document_id(room, &resource.reference));
                    resources.push(granted);
                    push_unique(&mut docs, (room.to_owned(), resource.reference.clone()));
                }
            }
        }

        let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let claims = TokenClaims {
            sub: request.user.clone(),
            rooms,
            docs,
            iat,
            exp: iat.saturating_add(self.token_lifetime.as_secs()),
            jti: self.next_jti(),
        };
        let token = self.sign(&claims)?;
        Provisioned::from_response(ProvisionResponse {
            user: request.user.clone(),
            resources,
            token,
        })
    }

    pub(super) fn sign(&self, claims: &TokenClaims) -> Result<String, ProvisionError> {
        let token =
            self.keys
                .current()
                .signer
                .sign(claims)
                .map_err(|_| ProvisionError::InvalidBody {
                    reason: "the token could not be serialized".to_owned(),
                })?;
        if token.len() > MAX_TOKEN_BYTES {
            // Unreachable with validated requests; never issue a token
            // `verify` would refuse.
            return Err(ProvisionError::InvalidRequest {
                reason: "the request grants too much for one token".to_owned(),
            });
        }
        Ok(token)
    }

    /// A unique, unpredictable token id: 32 hex digits.
    pub(super) fn next_jti(&self) -> String {
        let n = self.jti_counter.fetch_add(1, Ordering::Relaxed);
        let digest = Sha256::new()
            .chain_update(self.jti_seed)
            .chain_update(n.to_be_bytes())
            .finalize();
        hex::encode(&digest[..16])
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[async_trait]
impl Provisioner for LocalProvisioner {
    async fn provision(&self, request: &ProvisionRequest) -> Result<Provisioned, ProvisionError> {
        self.provision_at(request, SystemTime::now())
    }
}
