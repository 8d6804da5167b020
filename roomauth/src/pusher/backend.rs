//! `Pusher` as a [`Backend`]: channel authorization through the shared
//! webhook path (origin, size, decode, rules, grant).

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::pattern::Pattern;
use crate::reply::Reply;
use crate::request::{RequestHead, form};
use crate::rules::Decision;

use super::auth::AuthError;
use super::channel::ChannelKind;
use super::config::Pusher;
use super::form::{ChannelRequest, FormError};

/// Refuses a body not declared as a form (415): a JSON body is not what
/// pusher-js sends.
pub(super) fn require_form(head: &RequestHead<'_>) -> Result<(), WebhookError> {
    form::require_form(head.content_type())
}

pub(super) fn form_error(error: FormError) -> WebhookError {
    WebhookError::malformed(error.to_string())
}

/// The contract's answer when nothing could be signed.
pub(super) fn auth_error(error: AuthError) -> WebhookError {
    match error {
        AuthError::EncryptionDisabled => {
            // The server's configuration, not the client, is at fault: a
            // 500 that only the browser would see otherwise.
            tracing::error!(
                outcome = "encrypted channel without a master key",
                hint = "set PUSHER_ENCRYPTION_MASTER_KEY_BASE64 (32 random bytes, base64) \
                        for `Pusher::from_env()`, or call \
                        `.encryption_master_key_base64(..)` on `Pusher::builder()`; \
                        or keep the client off `private-encrypted-` channels",
                "a `private-encrypted-` channel was asked for, and this server has no \
                 encryption master key"
            );
            WebhookError::Misconfigured(
                "encrypted channels are not enabled: set PUSHER_ENCRYPTION_MASTER_KEY_BASE64 (32 bytes, base64)",
            )
        }
        AuthError::UserInfoTooLarge { len } => {
            tracing::warn!(len, "presence user_info over the protocol's 2 KB");
            WebhookError::malformed(error.to_string())
        }
        AuthError::EmptyUserId => WebhookError::malformed(error.to_string()),
    }
}

impl Pusher {
    /// Refuses what this configuration cannot answer before any rule runs:
    /// an encrypted channel with no master key.
    pub(super) fn check_serves(&self, request: &ChannelRequest) -> Result<(), WebhookError> {
        if request.channel.kind() == ChannelKind::PrivateEncrypted && !self.encryption_enabled() {
            return Err(auth_error(AuthError::EncryptionDisabled));
        }
        Ok(())
    }

    /// The 200 answer for a decided channel.
    pub(super) fn channel_reply(
        &self,
        request: &ChannelRequest,
        decision: &Decision,
    ) -> Result<Reply, WebhookError> {
        let answer = self
            .authorize_channel(
                &request.socket_id,
                &request.channel,
                decision.grant.user.as_str(),
                decision.grant.info.as_ref(),
            )
            .map_err(auth_error)?;
        Ok(Reply::json(&answer))
    }
}

/// Channel authorization (`POST /pusher/auth`): the rules decide on the
/// channel name after its prefix.
impl Backend for Pusher {
    type Request = ChannelRequest;

    fn name(&self) -> &'static str {
        "pusher"
    }

    fn decode(&self, head: &RequestHead<'_>, body: &[u8]) -> Result<ChannelRequest, WebhookError> {
        require_form(head)?;
        let request = ChannelRequest::from_form(body).map_err(form_error)?;
        self.check_serves(&request)?;
        Ok(request)
    }

    fn room<'r>(&self, request: &'r ChannelRequest) -> &'r str {
        request.channel.room()
    }

    async fn grant(
        &self,
        request: &ChannelRequest,
        decision: Decision,
    ) -> Result<Reply, WebhookError> {
        self.channel_reply(request, &decision)
    }

    fn accepts_form_bodies(&self) -> bool {
        true
    }

    fn check_pattern(&self, pattern: &Pattern) -> Result<(), String> {
        super::channel::check_pattern(pattern)
    }
}
