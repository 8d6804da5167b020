//! `Pusher` as a [`Backend`]: channel authorization through the shared
//! webhook path (origin, size, decode, rules, grant).

use crate::backend::Backend;
use crate::error::WebhookError;
use crate::pattern::Pattern;
use crate::reply::Reply;
use crate::request::{RequestHead, form};
use crate::rules::Decision;

use super::auth::{AuthError, ChannelAuth};
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
        AuthError::EmptyUserId | AuthError::Watchlist { .. } => {
            WebhookError::malformed(error.to_string())
        }
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

    /// The signed answer for a decided channel, or why the decision cannot
    /// be signed (a read grant while client events are on, a presence user
    /// the protocol refuses).
    pub(super) fn answer_channel(
        &self,
        request: &ChannelRequest,
        decision: &Decision,
    ) -> Result<ChannelAuth, WebhookError> {
        self.client_events
            .check_access(&request.channel, decision)?;
        self.authorize_channel(
            &request.socket_id,
            &request.channel,
            decision.grant.user.as_str(),
            decision.grant.info.as_ref(),
        )
        .map_err(auth_error)
    }

    /// The 200 answer for a decided channel.
    pub(super) fn channel_reply(
        &self,
        request: &ChannelRequest,
        decision: &Decision,
    ) -> Result<Reply, WebhookError> {
        let answer = self.answer_channel(request, decision)?;
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

#[cfg(test)]
mod tests {
    use crate::text::logs_of;

    use super::*;
    use crate::Grant;
    use crate::pusher::{Channel, ClientEvents, SocketId};

    fn pusher(client_events: ClientEvents) -> Pusher {
        Pusher::builder()
            .app_key("app-key")
            .app_secret("app-secret")
            .client_events(client_events)
            .encryption_master_key_base64("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=")
            .build()
            .unwrap()
    }

    fn request(channel: &str) -> ChannelRequest {
        ChannelRequest {
            socket_id: SocketId::parse("1234.5678").unwrap(),
            channel: Channel::parse(channel).unwrap(),
        }
    }

    fn decision(grant: Grant) -> Decision {
        Decision {
            rule: "projects",
            grant,
        }
    }

    const KINDS: [&str; 3] = [
        "private-project-2",
        "presence-project-2",
        "private-encrypted-project-2",
    ];

    #[test]
    fn with_client_events_on_a_read_grant_is_refused_with_the_reason() {
        let pusher = pusher(ClientEvents::On);
        for channel in KINDS {
            let mut refused = None;
            let logs = logs_of(|| {
                refused =
                    Some(pusher.answer_channel(&request(channel), &decision(Grant::read("alice"))));
            });
            let error = refused.unwrap().unwrap_err();
            assert_eq!(error.status(), http::StatusCode::FORBIDDEN, "{channel}");
            let message = error.to_string();
            assert!(
                message.contains("may only read")
                    && message.contains("client events")
                    && message.contains("PUSHER_CLIENT_EVENTS=off"),
                "{message}"
            );
            assert!(
                logs.contains("WARN") && logs.contains("read grant refused"),
                "{logs}"
            );
            assert!(logs.contains(channel) && logs.contains("alice"), "{logs}");
            // A write grant signs.
            assert!(
                pusher
                    .answer_channel(&request(channel), &decision(Grant::write("bob")))
                    .is_ok(),
                "{channel}"
            );
        }
    }

    #[test]
    fn with_client_events_off_read_and_write_sign_the_same() {
        let pusher = pusher(ClientEvents::Off);
        for channel in KINDS {
            let read = pusher
                .answer_channel(&request(channel), &decision(Grant::read("alice")))
                .unwrap();
            let write = pusher
                .answer_channel(&request(channel), &decision(Grant::write("alice")))
                .unwrap();
            assert_eq!(read, write, "{channel}");
        }
    }
}
