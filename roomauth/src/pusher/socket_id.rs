//! The connection's socket id, validated before anything is signed.

use std::fmt;

/// Longest socket id accepted. Servers issue two integers (Soketi: up to ten
/// digits each); the bound keeps a hostile value from being hashed whole.
pub const MAX_SOCKET_ID_LEN: usize = 64;

/// A socket id of the form `^\d+\.\d+$` (ASCII digits only).
///
/// The format matters for security: the signed string is
/// `<socket_id>:<channel_name>`, so an unchecked `1234.5678:private-other`
/// would make the app sign a grant for another channel (the 2015 format
/// injection). Only a `SocketId` is ever signed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SocketId(String);

/// Why a socket id was refused. The message never repeats the value.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocketIdError {
    /// Not `<digits>.<digits>`.
    #[error(
        "`socket_id` must be two groups of digits joined by a dot, as the Pusher server issues it"
    )]
    Format,
    /// Over [`MAX_SOCKET_ID_LEN`] bytes.
    #[error("`socket_id` is longer than {MAX_SOCKET_ID_LEN} bytes")]
    TooLong,
}

crate::error::debug_is_display!(SocketIdError);

impl SocketId {
    /// Validates `id`.
    pub fn parse(id: &str) -> Result<SocketId, SocketIdError> {
        if id.len() > MAX_SOCKET_ID_LEN {
            return Err(SocketIdError::TooLong);
        }
        let (left, right) = id.split_once('.').ok_or(SocketIdError::Format)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(left) && digits(right) {
            Ok(SocketId(id.to_owned()))
        } else {
            Err(SocketIdError::Format)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SocketId").field(&self.0).finish()
    }
}

impl fmt::Display for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_server_issued_ids() {
        for id in ["1234.5678", "0.0", "9279811608.1774295820"] {
            assert_eq!(SocketId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn refuses_everything_else() {
        for id in [
            "",
            ".",
            "1234.",
            ".5678",
            "1234",
            "1234.5678:private-other",
            "1234.5678.9",
            "1234.5678\n",
            " 1234.5678",
            "+1.2",
            "-1.2",
            "1e3.4",
            "١٢٣.٤٥٦", // Arabic-Indic digits are digits, not ASCII digits
            "1234.5678%3Aprivate-x",
        ] {
            assert_eq!(SocketId::parse(id), Err(SocketIdError::Format), "{id:?}");
        }
        let long = format!("{}.1", "1".repeat(MAX_SOCKET_ID_LEN));
        assert_eq!(SocketId::parse(&long), Err(SocketIdError::TooLong));
    }
}
