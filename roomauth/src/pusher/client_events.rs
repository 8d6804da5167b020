//! The app's stance on client events, and what a read grant means under it.
//!
//! A Pusher-protocol signature lets a socket into a channel; it carries no
//! right to publish. Where the server relays client events (`client-*`),
//! every member of a private, presence or encrypted channel may send them
//! to the others, and on an encrypted channel they decrypt as genuine (the
//! member holds the channel's key). So a read grant is only read where the
//! server relays no client events; elsewhere roomauth refuses it rather
//! than sign a write in disguise.

use std::fmt;
use std::str::FromStr;

use crate::Access;
use crate::error::WebhookError;
use crate::rules::Decision;

use super::channel::Channel;

/// Whether the Pusher server relays client events (`client-*`) from the
/// members of private and presence channels: Pusher's app setting "Enable
/// client events", Soketi's `enableClientMessages`, Reverb's
/// `accept_client_events_from` (`members` by default), Sockudo's
/// `enable_client_messages`. There is no default: the server's setting
/// decides what a read grant can mean, so the app must say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientEvents {
    /// The server relays them: a read grant cannot be kept and is refused
    /// (403, logged at warn); only write grants sign.
    On,
    /// The server relays none: members only receive, and read and write
    /// grants both sign.
    Off,
}

impl ClientEvents {
    /// `"on"` or `"off"`, as in `PUSHER_CLIENT_EVENTS`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientEvents::On => "on",
            ClientEvents::Off => "off",
        }
    }
}

impl fmt::Display for ClientEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stance that is neither `on` nor `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "client events must be `on` (the Pusher server relays client events from members) or `off` (it does not)"
)]
pub struct ClientEventsError;

impl FromStr for ClientEvents {
    type Err = ClientEventsError;

    /// `on` or `off`, in any case, around spaces.
    fn from_str(value: &str) -> Result<ClientEvents, ClientEventsError> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("on") {
            Ok(ClientEvents::On)
        } else if value.eq_ignore_ascii_case("off") {
            Ok(ClientEvents::Off)
        } else {
            Err(ClientEventsError)
        }
    }
}

/// Why a read grant is refused where client events are on: the message the
/// browser gets after "this user may only read this room, but".
const READ_NOT_KEPT: &str = "this Pusher app relays client events (PUSHER_CLIENT_EVENTS=on), which every member of a channel can send, so read-only cannot be kept: grant write access, or turn client events off on the Pusher server and set PUSHER_CLIENT_EVENTS=off";

impl ClientEvents {
    /// Refuses a decision an app of this stance cannot keep: a read grant
    /// while the server relays client events (every channel that reaches
    /// the endpoint, private, presence or encrypted, lets its members send
    /// them). Logged at warn: the app's rules and its server disagree.
    pub(super) fn check_access(
        self,
        channel: &Channel,
        decision: &Decision,
    ) -> Result<(), WebhookError> {
        if self == ClientEvents::On && decision.grant.access < Access::Write {
            tracing::warn!(
                backend = "pusher",
                rule = decision.rule,
                channel = channel.name(),
                user = decision.grant.user.as_str(),
                "read grant refused: client events are on, so a reader could publish; grant write or turn client events off"
            );
            return Err(WebhookError::ReadOnlyUnavailable(READ_NOT_KEPT));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_on_and_off_only() {
        for (text, expected) in [
            ("on", ClientEvents::On),
            ("OFF", ClientEvents::Off),
            (" off ", ClientEvents::Off),
        ] {
            assert_eq!(text.parse::<ClientEvents>(), Ok(expected), "{text:?}");
        }
        for bad in ["", "true", "1", "enabled", "o n"] {
            assert_eq!(
                bad.parse::<ClientEvents>(),
                Err(ClientEventsError),
                "{bad:?}"
            );
        }
    }
}
