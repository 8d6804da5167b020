//! Centrifugo channel names and the room the rules decide on.
//!
//! A channel is `[$][namespace:]name`: `:` is the namespace boundary, `$`
//! the private prefix (a channel that needs a subscription token). The room
//! is the channel without the private prefix, so that `project:1` and
//! `$project:1` are decided by the same rule (`rooms = "project:<id>"`).

use crate::error::WebhookError;
use crate::name::floor_or;

/// Centrifugo's default `channel_max_length`.
pub const MAX_CHANNEL_LEN: usize = 255;

/// Centrifugo's default private channel prefix.
pub const PRIVATE_PREFIX: &str = "$";

/// Why a channel name is refused.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Empty, or only the private prefix.
    #[error("`channel` is empty")]
    Empty,
    /// Over [`MAX_CHANNEL_LEN`] bytes.
    #[error("`channel` is over {MAX_CHANNEL_LEN} bytes")]
    TooLong,
    /// Not printable ASCII (Centrifugo channels are ASCII; a space or a
    /// control character is a mistake or an attack).
    #[error("`channel` may only have printable ASCII characters without spaces")]
    Charset,
}

crate::error::debug_is_display!(ChannelError);

/// Checks `channel` and gives the room the rules decide on: the channel
/// without its private prefix.
pub fn room_of(channel: &str) -> Result<&str, ChannelError> {
    if channel.len() > MAX_CHANNEL_LEN {
        return Err(ChannelError::TooLong);
    }
    if !channel.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ChannelError::Charset);
    }
    let room = channel.strip_prefix(PRIVATE_PREFIX).unwrap_or(channel);
    if room.is_empty() {
        return Err(ChannelError::Empty);
    }
    Ok(room)
}

/// [`room_of`] as the endpoints answer it: a 400 that says what to fix;
/// for a look-alike room, the floor's (the same 400 every backend gives).
pub(super) fn decoded_room(channel: &str) -> Result<&str, WebhookError> {
    room_of(channel).map_err(|error| {
        let own = WebhookError::malformed(error.to_string());
        match error {
            ChannelError::Charset => {
                floor_or(channel.strip_prefix(PRIVATE_PREFIX).unwrap_or(channel), own)
            }
            ChannelError::Empty | ChannelError::TooLong => own,
        }
    })
}

/// Whether `channel` is private (needs a subscription token).
pub fn is_private(channel: &str) -> bool {
    channel.starts_with(PRIVATE_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_of_channels() {
        assert_eq!(room_of("project:1"), Ok("project:1"));
        assert_eq!(room_of("$project:1"), Ok("project:1"));
        assert_eq!(room_of("project-1"), Ok("project-1"));
        assert_eq!(room_of("dialog#42,43"), Ok("dialog#42,43"));
        assert!(is_private("$project:1"));
        assert!(!is_private("project:1"));
    }

    #[test]
    fn refuses_bad_channels() {
        assert_eq!(room_of(""), Err(ChannelError::Empty));
        assert_eq!(room_of("$"), Err(ChannelError::Empty));
        assert_eq!(
            room_of(&"a".repeat(MAX_CHANNEL_LEN + 1)),
            Err(ChannelError::TooLong)
        );
        assert_eq!(
            room_of(&"a".repeat(MAX_CHANNEL_LEN)),
            Ok(&*"a".repeat(MAX_CHANNEL_LEN))
        );
        for bad in ["a b", "a\nb", "é", "a\u{0}", "\t"] {
            assert_eq!(room_of(bad), Err(ChannelError::Charset), "{bad:?}");
        }
    }
}
