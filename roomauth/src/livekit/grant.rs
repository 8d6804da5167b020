//! What a rule decides for LiveKit beyond read or write: the sources a
//! participant may publish, its attributes, and the agents it may dispatch.
//! Attached to a grant with [`Grant::with_extension`](crate::Grant::with_extension);
//! the other backends ignore it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// LiveKit's part of a grant:
///
/// ```
/// use roomauth::Grant;
/// use roomauth::livekit::{LiveKitGrant, TrackSource};
///
/// let grant = Grant::write("alice").with_extension(
///     LiveKitGrant::new()
///         .publish_sources([TrackSource::Microphone])
///         .attribute("role", "speaker")
///         .allow_agents(["note-taker"]),
/// );
/// # assert!(grant.extension::<LiveKitGrant>().is_some());
/// ```
///
/// - [`publish_sources`](Self::publish_sources): `video.canPublishSources`,
///   for a write grant (a read grant publishes nothing at all);
/// - [`attribute`](Self::attribute): the token's `attributes`, which a
///   client may also name in its request only with the same values;
/// - [`allow_agents`](Self::allow_agents): the agent names the client may
///   dispatch with `room_config.agents` (agent dispatch by name); the token
///   carries exactly those the client asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveKitGrant {
    pub(super) publish_sources: Option<Vec<TrackSource>>,
    pub(super) attributes: BTreeMap<String, String>,
    pub(super) agents: Vec<String>,
}

/// A track source, as `canPublishSources` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackSource {
    /// `camera`.
    Camera,
    /// `microphone`.
    Microphone,
    /// `screen_share`.
    ScreenShare,
    /// `screen_share_audio`.
    ScreenShareAudio,
}

impl LiveKitGrant {
    /// Nothing beyond read or write.
    pub fn new() -> LiveKitGrant {
        LiveKitGrant::default()
    }

    /// With write access, publish only from these sources
    /// (`canPublishSources`); an empty list publishes no track (data
    /// only).
    #[must_use]
    pub fn publish_sources(mut self, sources: impl IntoIterator<Item = TrackSource>) -> Self {
        let mut sources: Vec<TrackSource> = sources.into_iter().collect();
        sources.sort_unstable();
        sources.dedup();
        self.publish_sources = Some(sources);
        self
    }

    /// The participant attribute `key` (replacing an earlier value).
    #[must_use]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The agents (by `agent_name`) the client may dispatch into the room.
    #[must_use]
    pub fn allow_agents<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.agents.extend(names.into_iter().map(Into::into));
        self.agents.sort_unstable();
        self.agents.dedup();
        self
    }

    /// Whether the client may dispatch the agent `name`.
    pub fn allows_agent(&self, name: &str) -> bool {
        self.agents.iter().any(|agent| agent == name)
    }
}
