//! The form-encoded bodies pusher-js (and the `pusher-js-auth` batch
//! plugin) send, decoded strictly: broken percent-encoding, a repeated
//! field or a missing one is a 400, never a guess.

use std::borrow::Cow;

use super::channel::{Channel, ChannelError};
use super::socket_id::{SocketId, SocketIdError};
use crate::request::form::{self, fields, once};

/// Most channels in one batched request.
pub const MAX_BATCH_CHANNELS: usize = 100;

/// A channel authorization: `socket_id=<id>&channel_name=<name>` (other
/// fields, pusher-js's `params`, are ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRequest {
    /// The connection.
    pub socket_id: SocketId,
    /// The channel to join.
    pub channel: Channel,
}

/// A user sign-in: `socket_id=<id>` (other fields ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRequest {
    /// The connection.
    pub socket_id: SocketId,
}

/// A batched authorization (`pusher-js-auth`):
/// `socket_id=<id>&channel_name[0]=<a>&channel_name[1]=<b>…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRequest {
    /// The connection.
    pub socket_id: SocketId,
    /// The channels, in index order, each once.
    pub channels: Vec<Channel>,
}

/// Why a body was refused; each message says what to fix and never
/// repeats the input.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// Broken percent-encoding, or a field sent twice.
    #[error(transparent)]
    Form(#[from] form::FormError),
    /// A required field is absent.
    #[error("`{0}` is missing: pusher-js sends it, is this request from pusher-js?")]
    Missing(&'static str),
    /// The socket id.
    #[error(transparent)]
    SocketId(#[from] SocketIdError),
    /// A channel name.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// A batch with a plain `channel_name`, or an index that is not a
    /// number.
    #[error(
        "a batched request names its channels `channel_name[0]`, `channel_name[1]`, …; send single channels to the single endpoint"
    )]
    BatchField,
    /// A batch with the same index twice.
    #[error("`channel_name[{0}]` is sent more than once")]
    DuplicateIndex(u32),
    /// A batch over [`MAX_BATCH_CHANNELS`].
    #[error("a batched request may name at most {MAX_BATCH_CHANNELS} channels")]
    TooManyChannels,
}

crate::error::debug_is_display!(FormError);

fn socket_id(value: Option<Cow<'_, str>>) -> Result<SocketId, FormError> {
    Ok(SocketId::parse(
        &value.ok_or(FormError::Missing("socket_id"))?,
    )?)
}

impl ChannelRequest {
    /// Decodes and validates a body.
    pub fn from_form(body: &[u8]) -> Result<ChannelRequest, FormError> {
        let (mut socket, mut channel) = (None, None);
        for (key, value) in fields(body)? {
            match &*key {
                "socket_id" => once(&mut socket, value, "socket_id")?,
                "channel_name" => once(&mut channel, value, "channel_name")?,
                _ => {}
            }
        }
        let socket_id = socket_id(socket)?;
        let channel = Channel::parse(&channel.ok_or(FormError::Missing("channel_name"))?)?;
        Ok(ChannelRequest { socket_id, channel })
    }
}

impl UserRequest {
    /// Decodes and validates a body.
    pub fn from_form(body: &[u8]) -> Result<UserRequest, FormError> {
        let mut socket = None;
        for (key, value) in fields(body)? {
            if key == "socket_id" {
                once(&mut socket, value, "socket_id")?;
            }
        }
        Ok(UserRequest {
            socket_id: socket_id(socket)?,
        })
    }
}

impl BatchRequest {
    /// Decodes and validates a body; every channel name must be valid.
    pub fn from_form(body: &[u8]) -> Result<BatchRequest, FormError> {
        let mut socket = None;
        let mut indexed: Vec<(u32, Cow<'_, str>)> = Vec::new();
        for (key, value) in fields(body)? {
            if key == "socket_id" {
                once(&mut socket, value, "socket_id")?;
            } else if let Some(rest) = key.strip_prefix("channel_name") {
                let index = rest
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(']'))
                    .filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|i| i.parse::<u32>().ok())
                    .ok_or(FormError::BatchField)?;
                if indexed.len() == MAX_BATCH_CHANNELS {
                    return Err(FormError::TooManyChannels);
                }
                indexed.push((index, value));
            }
        }
        let socket_id = socket_id(socket)?;
        if indexed.is_empty() {
            return Err(FormError::Missing("channel_name[0]"));
        }
        indexed.sort_by_key(|(index, _)| *index);
        if let Some(pair) = indexed.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(FormError::DuplicateIndex(pair[0].0));
        }
        let mut channels: Vec<Channel> = Vec::with_capacity(indexed.len());
        for (_, name) in indexed {
            let channel = Channel::parse(&name)?;
            if !channels.contains(&channel) {
                channels.push(channel);
            }
        }
        Ok(BatchRequest {
            socket_id,
            channels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_pusher_js_sends() {
        let request = ChannelRequest::from_form(
            b"socket_id=9279811608.1774295820&channel_name=private-project-1&extra=1",
        )
        .unwrap();
        assert_eq!(request.socket_id.as_str(), "9279811608.1774295820");
        assert_eq!(request.channel.room(), "project-1");
        let user = UserRequest::from_form(b"socket_id=1.2&x=%E2%9C%93").unwrap();
        assert_eq!(user.socket_id.as_str(), "1.2");
    }

    #[test]
    fn reads_what_the_batch_plugin_sends() {
        // pusher-js-auth 4.0.1 `composeQuery`: a leading `&`, raw brackets.
        let batch = BatchRequest::from_form(
            b"&socket_id=1.2&channel_name[1]=presence-b&channel_name[0]=private-a&channel_name[2]=private-a",
        )
        .unwrap();
        let names: Vec<_> = batch.channels.iter().map(Channel::name).collect();
        assert_eq!(names, ["private-a", "presence-b"]);
        let encoded =
            BatchRequest::from_form(b"socket_id=1.2&channel_name%5B0%5D=private-a").unwrap();
        assert_eq!(encoded.channels.len(), 1);
    }

    #[test]
    fn refuses_broken_bodies() {
        let cases: [(&[u8], FormError); 9] = [
            (
                b"socket_id=1.2&channel_name=private-%zz",
                FormError::Form(form::FormError::Percent),
            ),
            (
                b"socket_id=1.2&channel_name=private-a%",
                FormError::Form(form::FormError::Percent),
            ),
            (
                b"socket_id=1.2&channel_name=private-a%4",
                FormError::Form(form::FormError::Percent),
            ),
            (
                b"socket_id=1.2&socket_id=3.4&channel_name=private-a",
                FormError::Form(form::FormError::Duplicate("socket_id")),
            ),
            (
                b"socket_id=1.2&channel_name=private-a&channel_name=private-b",
                FormError::Form(form::FormError::Duplicate("channel_name")),
            ),
            (b"channel_name=private-a", FormError::Missing("socket_id")),
            (b"socket_id=1.2", FormError::Missing("channel_name")),
            (
                b"socket_id=1.2%3Aprivate-b&channel_name=private-a",
                FormError::SocketId(SocketIdError::Format),
            ),
            (
                b"socket_id=1.2&channel_name=private-a%3A",
                FormError::Channel(ChannelError::Charset),
            ),
        ];
        for (body, error) in cases {
            assert_eq!(
                ChannelRequest::from_form(body).unwrap_err(),
                error,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn refuses_broken_batches() {
        let cases: [(&[u8], FormError); 5] = [
            (
                b"socket_id=1.2&channel_name=private-a",
                FormError::BatchField,
            ),
            (
                b"socket_id=1.2&channel_name[x]=private-a",
                FormError::BatchField,
            ),
            (
                b"socket_id=1.2&channel_name[]=private-a",
                FormError::BatchField,
            ),
            (
                b"socket_id=1.2&channel_name[0]=private-a&channel_name[0]=private-b",
                FormError::DuplicateIndex(0),
            ),
            (b"socket_id=1.2", FormError::Missing("channel_name[0]")),
        ];
        for (body, error) in cases {
            assert_eq!(BatchRequest::from_form(body).unwrap_err(), error);
        }
        let mut many = String::from("socket_id=1.2");
        for i in 0..=MAX_BATCH_CHANNELS {
            many.push_str(&format!("&channel_name[{i}]=private-{i}"));
        }
        assert_eq!(
            BatchRequest::from_form(many.as_bytes()).unwrap_err(),
            FormError::TooManyChannels
        );
    }
}
