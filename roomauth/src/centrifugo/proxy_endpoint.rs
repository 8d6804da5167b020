//! What the subscribe and publish proxy endpoints share: the static header
//! that stands for a signature, the JSON body with a channel, and refusals
//! in the proxy's answer shape.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::WebhookError;
use crate::reply::Reply;
use crate::request::{RequestHead, decode_json};
use crate::text::Escaped;

use super::channel::decoded_room;
use super::config::ProxySecret;
use super::proxy::ProxyAnswer;

/// Checks the static header (constant time; missing or wrong: 401) and the
/// content type, decodes the proxy's JSON body `what` and checks its
/// channel.
pub(super) fn decode_proxy<T: DeserializeOwned>(
    secret: Option<&ProxySecret>,
    head: &RequestHead<'_>,
    body: &[u8],
    what: &str,
    channel: impl Fn(&T) -> &str,
) -> Result<T, WebhookError> {
    if let Some(secret) = secret {
        let presented = head.header(secret.header.as_str()).unwrap_or("");
        if !secret.value.matches(presented) {
            tracing::warn!(backend = "centrifugo", header = %secret.header, "proxy request refused: static secret header missing or wrong");
            return Err(WebhookError::BadSignature);
        }
    }
    let request: T = decode_json(head.content_type(), body, what)?;
    decoded_room(channel(&request))?;
    Ok(request)
}

/// A refusal of the rules as a 200 in the proxy's shape (Centrifugo reads
/// no other status); the other errors stay HTTP errors (requests
/// Centrifugo never sends).
pub(super) fn refusal_reply<R: Serialize>(error: WebhookError) -> Reply {
    let answer = match error {
        WebhookError::Unauthorized => ProxyAnswer::<R>::unauthorized(),
        WebhookError::Forbidden => ProxyAnswer::<R>::permission_denied(),
        WebhookError::Internal => ProxyAnswer::<R>::internal(),
        other => return other.into(),
    };
    Reply::json(&answer)
}

/// Whether the proxied connection's user may act on the session's grant:
/// the cookie is the browser's, the connection Centrifugo's; when
/// Centrifugo knows the connection's user, it must be the one the rules
/// granted, or presence and publications would carry another user's name.
pub(super) fn same_user(connection_user: &str, granted: &str, channel: &str) -> bool {
    if connection_user.is_empty() || connection_user == granted {
        return true;
    }
    // Both users are client text: escaped, or a `\n` in one would end this
    // line and forge the next.
    tracing::warn!(backend = "centrifugo", channel = %Escaped(channel), connection_user = %Escaped(connection_user), session_user = %Escaped(granted), "refused: the connection's user is not the session's");
    false
}
