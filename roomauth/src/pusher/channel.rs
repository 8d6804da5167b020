//! Channel names: the protocol's charset and length, and the prefix that
//! says which kind of channel it is. Rules see the name after the prefix.

use std::fmt;

/// Longest channel name the protocol allows, in bytes (all ASCII).
pub const MAX_CHANNEL_NAME_LEN: usize = 200;

/// The kinds of channel that need the app's authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// `private-encrypted-*`: end-to-end encrypted; the answer carries the
    /// channel's `shared_secret`.
    PrivateEncrypted,
    /// `private-*`: the answer is a signature only.
    Private,
    /// `presence-*`: the answer carries the member's `channel_data`
    /// (`user_id`, `user_info`), and the signature covers it.
    Presence,
}

impl ChannelKind {
    /// Prefixes, longest first: `private-encrypted-` is also `private-`.
    const PREFIXES: [(&'static str, ChannelKind); 3] = [
        ("private-encrypted-", ChannelKind::PrivateEncrypted),
        ("private-", ChannelKind::Private),
        ("presence-", ChannelKind::Presence),
    ];

    /// The channel-name prefix of this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            ChannelKind::PrivateEncrypted => "private-encrypted-",
            ChannelKind::Private => "private-",
            ChannelKind::Presence => "presence-",
        }
    }
}

/// Refuses a rule pattern that starts with a channel prefix: rules see the
/// channel name after it, so such a pattern matches no channel. `Err` says
/// what to write instead.
pub(super) fn check_pattern(pattern: &crate::pattern::Pattern) -> Result<(), String> {
    let text = pattern.as_str();
    match ChannelKind::PREFIXES
        .into_iter()
        .find(|(prefix, _)| pattern.literal_prefix().starts_with(prefix))
    {
        Some((prefix, _)) => Err(format!(
            "the pattern `{text}` starts with the Pusher channel prefix `{prefix}`, but rules \
             decide on the channel name after its prefix (channel `{prefix}project-1` is room \
             `project-1`): write `rooms = \"{}\"`, which serves the `private-`, `presence-` and \
             `private-encrypted-` channels of that name alike",
            text.get(prefix.len()..).unwrap_or_default()
        )),
        None => Ok(()),
    }
}

/// A validated channel name that needs authorization: only bytes of
/// `[A-Za-z0-9_\-=@,.;]`, at most [`MAX_CHANNEL_NAME_LEN`], a known prefix
/// and a non-empty room after it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Channel {
    name: String,
    kind: ChannelKind,
}

/// Why a channel name was refused. The message never repeats the name.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Empty.
    #[error("`channel_name` is missing its value")]
    Empty,
    /// Over [`MAX_CHANNEL_NAME_LEN`] bytes.
    #[error("`channel_name` is longer than {MAX_CHANNEL_NAME_LEN} bytes")]
    TooLong,
    /// A byte outside the protocol's charset.
    #[error(
        "`channel_name` may only contain letters, digits and `_-=@,.;` (the Pusher protocol's channel names)"
    )]
    Charset,
    /// A public channel (no `private-` or `presence-` prefix): nothing to
    /// authorize.
    #[error(
        "only `private-`, `presence-` and `private-encrypted-` channels are authorized; public channels need no authorization"
    )]
    Public,
    /// The prefix alone (`private-`, `presence-`, `private-encrypted-`).
    #[error("`channel_name` has no name after its `{0}` prefix")]
    NoRoom(&'static str),
    /// The room after the prefix fails the [floor](crate::name) every
    /// backend holds room names to (a look-alike name): its reason.
    #[error("{0}")]
    RoomName(String),
}

crate::error::debug_is_display!(ChannelError);

/// Whether `b` is in the protocol's channel-name charset.
fn is_channel_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=' | b'@' | b',' | b'.' | b';')
}

impl Channel {
    /// Validates `name`: length, charset, prefix, a room after the prefix.
    pub fn parse(name: &str) -> Result<Channel, ChannelError> {
        if name.is_empty() {
            return Err(ChannelError::Empty);
        }
        if name.len() > MAX_CHANNEL_NAME_LEN {
            return Err(ChannelError::TooLong);
        }
        let prefixed = ChannelKind::PREFIXES
            .into_iter()
            .find(|(prefix, _)| name.starts_with(prefix));
        if !name.bytes().all(is_channel_byte) {
            // A look-alike room gets the floor's refusal, as from every
            // backend; other bytes outside the charset, the protocol's.
            let room = prefixed.map_or(name, |(prefix, _)| &name[prefix.len()..]);
            return Err(match crate::name::check_name("room", room) {
                Err(reason) => ChannelError::RoomName(reason),
                Ok(()) => ChannelError::Charset,
            });
        }
        let (prefix, kind) = prefixed.ok_or(ChannelError::Public)?;
        if name.len() == prefix.len() {
            return Err(ChannelError::NoRoom(prefix));
        }
        Ok(Channel {
            name: name.to_owned(),
            kind,
        })
    }

    /// The whole channel name, as signed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The kind of channel, from its prefix.
    pub fn kind(&self) -> ChannelKind {
        self.kind
    }

    /// The room the rules decide on: the name after its prefix, so that one
    /// rule serves `private-`, `presence-` and `private-encrypted-` alike.
    pub fn room(&self) -> &str {
        &self.name[self.kind.prefix().len()..]
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Channel").field(&self.name).finish()
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_longest_prefix() {
        let cases = [
            ("private-project-1", ChannelKind::Private, "project-1"),
            ("presence-project-1", ChannelKind::Presence, "project-1"),
            (
                "private-encrypted-project-1",
                ChannelKind::PrivateEncrypted,
                "project-1",
            ),
            ("private-orders.42", ChannelKind::Private, "orders.42"),
            ("presence-a=b@c,d;e_f", ChannelKind::Presence, "a=b@c,d;e_f"),
            ("private-encrypted", ChannelKind::Private, "encrypted"),
        ];
        for (name, kind, room) in cases {
            let channel = Channel::parse(name).unwrap();
            assert_eq!(
                (channel.name(), channel.kind(), channel.room()),
                (name, kind, room)
            );
        }
    }

    #[test]
    fn refuses_what_the_protocol_refuses() {
        assert_eq!(Channel::parse(""), Err(ChannelError::Empty));
        assert_eq!(Channel::parse("project-1"), Err(ChannelError::Public));
        assert_eq!(Channel::parse("Private-x"), Err(ChannelError::Public));
        assert_eq!(
            Channel::parse("#server-to-user-alice"),
            Err(ChannelError::Charset)
        );
        for bare in ["private-", "presence-", "private-encrypted-"] {
            assert!(
                matches!(Channel::parse(bare), Err(ChannelError::NoRoom(_))),
                "{bare}"
            );
        }
        for bad in [
            "private-project 1",
            "private-project-1:x",
            "private-prøject",
            "private-a/b",
            "private-%41",
        ] {
            assert_eq!(Channel::parse(bad), Err(ChannelError::Charset), "{bad:?}");
        }
        for look_alike in [
            "private-project-1\n",
            "private-project-1\u{200b}",
            "presence- project-1",
            "private-encrypted-project-1\u{202e}",
        ] {
            assert!(
                matches!(Channel::parse(look_alike), Err(ChannelError::RoomName(_))),
                "{look_alike:?}"
            );
        }
        let longest = format!("private-{}", "a".repeat(MAX_CHANNEL_NAME_LEN - 8));
        assert!(Channel::parse(&longest).is_ok());
        let over = format!("{longest}a");
        assert_eq!(Channel::parse(&over), Err(ChannelError::TooLong));
    }

    #[test]
    fn patterns_with_a_channel_prefix_are_refused_with_the_fix() {
        use crate::pattern::Pattern;
        let check = |p: &str| check_pattern(&Pattern::parse(p).unwrap());
        let error = check("presence-project-<id>").unwrap_err();
        assert!(
            error.starts_with(
                "the pattern `presence-project-<id>` starts with the Pusher channel prefix `presence-`"
            ) && error.contains("write `rooms = \"project-<id>\"`"),
            "{error}"
        );
        let error = check("private-encrypted-<room>").unwrap_err();
        assert!(
            error.contains("prefix `private-encrypted-`") && error.contains("`rooms = \"<room>\"`"),
            "{error}"
        );
        assert!(
            check("private-lobby")
                .unwrap_err()
                .contains("`rooms = \"lobby\"`")
        );
        for fine in ["project-<id>", "<kind>-project", "privately-<x>", "lobby"] {
            assert_eq!(check(fine), Ok(()), "{fine}");
        }
    }
}
