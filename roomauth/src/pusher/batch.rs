//! The answer to a batched authorization, in the format of the
//! `pusher-js-auth` plugin (4.x): one entry per channel, keyed by its name,
//! each with its own status, so that one refusal does not fail the rest.
//!
//! ```json
//! {"private-a": {"status": 200, "data": {"auth": "app-key:…"}},
//!  "private-b": {"status": 403, "error": "not allowed to join this room"}}
//! ```
//!
//! The plugin hands `data` to pusher-js as the channel's answer when
//! `status` is 200 (or absent), and fails the channel with `status`
//! otherwise; `error` is for people reading the answer.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::auth::ChannelAuth;
use super::channel::Channel;

/// One channel's entry in a [`BatchAnswer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchEntry {
    /// Authorized: status 200 and the channel's answer.
    Granted(ChannelAuth),
    /// Refused with this HTTP status and message.
    Refused {
        /// The status a single request would have had (401, 403, 400, …).
        status: u16,
        /// Why, as `{"error"}` of a single request.
        error: String,
    },
}

/// The answer to a batched request, in request order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchAnswer {
    entries: Vec<(Channel, BatchEntry)>,
}

impl BatchAnswer {
    /// An empty answer with room for `n` channels.
    pub fn with_capacity(n: usize) -> BatchAnswer {
        BatchAnswer {
            entries: Vec::with_capacity(n),
        }
    }

    /// Adds `channel`'s entry.
    pub fn push(&mut self, channel: Channel, entry: BatchEntry) {
        self.entries.push((channel, entry));
    }

    /// The entries, in request order.
    pub fn entries(&self) -> &[(Channel, BatchEntry)] {
        &self.entries
    }
}

#[derive(Serialize)]
struct Granted<'a> {
    status: u16,
    data: &'a ChannelAuth,
}

#[derive(Serialize)]
struct Refused<'a> {
    status: u16,
    error: &'a str,
}

impl Serialize for BatchAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (channel, entry) in &self.entries {
            match entry {
                BatchEntry::Granted(data) => {
                    map.serialize_entry(channel.name(), &Granted { status: 200, data })?
                }
                BatchEntry::Refused { status, error } => map.serialize_entry(
                    channel.name(),
                    &Refused {
                        status: *status,
                        error,
                    },
                )?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_plugin_reads_it() {
        let mut answer = BatchAnswer::with_capacity(2);
        answer.push(
            Channel::parse("private-a").unwrap(),
            BatchEntry::Granted(ChannelAuth {
                auth: "k:s".into(),
                channel_data: None,
                shared_secret: None,
            }),
        );
        answer.push(
            Channel::parse("presence-b").unwrap(),
            BatchEntry::Refused {
                status: 403,
                error: "no".into(),
            },
        );
        assert_eq!(
            serde_json::to_string(&answer).unwrap(),
            r#"{"private-a":{"status":200,"data":{"auth":"k:s"}},"presence-b":{"status":403,"error":"no"}}"#
        );
    }
}
