//! Minting: the claims of a grant, signed, and the answer the client reads.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::claims::{AgentDispatch, Claims, RoomConfig, VideoGrant, name_and_metadata};
use super::{LiveKit, LiveKitGrant};

/// What `TokenSource.endpoint` expects back (protobuf JSON of
/// `TokenSourceResponse`, snake_case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSourceResponse {
    /// The LiveKit server to connect to.
    pub server_url: String,
    /// The access token.
    pub participant_token: String,
}

/// Who the token is for and what they may do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Participant<'a> {
    /// The room.
    pub room: &'a str,
    /// The identity (`sub`): the grant's user.
    pub identity: &'a str,
    /// Whether they may publish tracks and data (write access).
    pub publish: bool,
    /// The grant's user info: `name` and `metadata`.
    pub info: Option<&'a serde_json::Value>,
    /// LiveKit's part of the grant: publish sources, attributes.
    pub livekit: Option<&'a LiveKitGrant>,
    /// The agents to dispatch (asked for by the client, allowed by the
    /// grant).
    pub agents: &'a [String],
}

impl LiveKit {
    /// The claims of `participant`'s token, valid from `now` for the
    /// configured lifetime.
    pub fn claims(&self, participant: &Participant<'_>, now: SystemTime) -> Claims {
        let nbf = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let (name, metadata) = name_and_metadata(participant.info);
        let mut video = VideoGrant::new(participant.room, participant.publish);
        if participant.publish {
            video.can_publish_sources = participant
                .livekit
                .and_then(|grant| grant.publish_sources.clone());
        }
        Claims {
            iss: self.api_key.clone(),
            sub: participant.identity.to_owned(),
            nbf,
            exp: nbf.saturating_add(self.ttl.as_secs()),
            name,
            metadata,
            video,
            attributes: participant
                .livekit
                .map(|grant| grant.attributes.clone())
                .unwrap_or_default(),
            room_config: (!participant.agents.is_empty()).then(|| RoomConfig {
                agents: participant
                    .agents
                    .iter()
                    .map(|agent_name| AgentDispatch {
                        agent_name: agent_name.clone(),
                    })
                    .collect(),
            }),
        }
    }

    /// The signed token of `claims`.
    pub fn sign(&self, claims: &Claims) -> Result<String, serde_json::Error> {
        self.signer.sign(claims)
    }

    /// The answer for `participant`: a token valid from now, and the server
    /// URL.
    pub fn token_response(
        &self,
        participant: &Participant<'_>,
    ) -> Result<TokenSourceResponse, serde_json::Error> {
        let claims = self.claims(participant, SystemTime::now());
        Ok(TokenSourceResponse {
            server_url: self.server_url.clone(),
            participant_token: self.sign(&claims)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::livekit::TrackSource;

    fn dev() -> LiveKit {
        LiveKit::builder()
            .api_key("devkey")
            .api_secret("secret")
            .server_url("ws://127.0.0.1:7880")
            .build()
            .unwrap()
    }

    fn payload(token: &str) -> serde_json::Value {
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn claims_of_a_write_grant() {
        let info = json!({"name": "Alice"});
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let participant = Participant {
            room: "project-1",
            identity: "alice",
            publish: true,
            info: Some(&info),
            livekit: None,
            agents: &[],
        };
        let token = dev().sign(&dev().claims(&participant, now)).unwrap();
        assert_eq!(
            payload(&token),
            json!({
                "iss": "devkey", "sub": "alice",
                "nbf": 1_700_000_000u64, "exp": 1_700_000_000u64 + 6 * 3600,
                "name": "Alice", "metadata": "{\"name\":\"Alice\"}",
                "video": {"room": "project-1", "roomJoin": true, "canSubscribe": true,
                          "canPublish": true, "canPublishData": true}
            })
        );
    }

    #[test]
    fn response_carries_the_server_url() {
        let participant = Participant {
            room: "project-2",
            identity: "alice",
            publish: false,
            info: None,
            livekit: None,
            agents: &[],
        };
        let response = dev().token_response(&participant).unwrap();
        assert_eq!(response.server_url, "ws://127.0.0.1:7880");
        let claims = payload(&response.participant_token);
        assert_eq!(claims["video"]["canPublish"], false);
        assert_eq!(
            serde_json::to_value(&response)
                .unwrap()
                .as_object()
                .unwrap()
                .len(),
            2
        );
    }

    /// LiveKit's own Rust verifier (crate `livekit-token`) accepts the
    /// tokens and reads the grants as LiveKit's server does.
    mod verified_by_livekit_token {
        use livekit_token::TokenVerifier;

        use super::*;

        fn token(livekit: &LiveKit, publish: bool, now: SystemTime) -> String {
            let info = json!({"name": "Alice", "team": 7});
            let participant = Participant {
                room: "project-1",
                identity: "alice",
                publish,
                info: Some(&info),
                livekit: None,
                agents: &[],
            };
            livekit.sign(&livekit.claims(&participant, now)).unwrap()
        }

        #[test]
        fn write_grant() {
            let jwt = token(&dev(), true, SystemTime::now());
            let claims = TokenVerifier::with_api_key("devkey", "secret")
                .verify(&jwt)
                .unwrap();
            assert_eq!(claims.iss, "devkey");
            assert_eq!(claims.sub, "alice");
            assert_eq!(claims.name, "Alice");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&claims.metadata).unwrap(),
                json!({"name": "Alice", "team": 7})
            );
            let video = &claims.video;
            assert_eq!(video.room, "project-1");
            assert!(video.room_join && video.can_subscribe());
            assert!(video.can_publish() && video.can_publish_data());
            assert!(!video.room_create && !video.room_list && !video.room_admin);
            assert!(!video.room_record && !video.hidden && !video.can_update_own_metadata());
            assert!(claims.exp - claims.nbf == 6 * 3600);
        }

        #[test]
        fn sources_attributes_and_agents() {
            let livekit = LiveKitGrant::new()
                .publish_sources([TrackSource::Microphone, TrackSource::Camera])
                .attribute("role", "speaker")
                .allow_agents(["helper", "other"]);
            let agents = ["helper".to_owned()];
            let participant = |publish| Participant {
                room: "project-1",
                identity: "alice",
                publish,
                info: None,
                livekit: Some(&livekit),
                agents: &agents,
            };
            let dev = dev();
            let verifier = TokenVerifier::with_api_key("devkey", "secret");
            let jwt = dev
                .sign(&dev.claims(&participant(true), SystemTime::now()))
                .unwrap();
            let claims = verifier.verify(&jwt).unwrap();
            assert_eq!(claims.video.can_publish_sources, ["camera", "microphone"]);
            assert_eq!(
                claims.attributes.get("role").map(String::as_str),
                Some("speaker")
            );
            let config = claims.room_config.expect("roomConfig");
            assert_eq!(config.agents.len(), 1);
            assert_eq!(config.agents[0].agent_name, "helper");
            // A read grant publishes nothing: no sources written.
            let jwt = dev
                .sign(&dev.claims(&participant(false), SystemTime::now()))
                .unwrap();
            let claims = verifier.verify(&jwt).unwrap();
            assert!(!claims.video.can_publish());
            assert!(claims.video.can_publish_sources.is_empty());
            assert_eq!(claims.attributes.len(), 1);
        }

        #[test]
        fn read_grant_cannot_publish() {
            let jwt = token(&dev(), false, SystemTime::now());
            let claims = TokenVerifier::with_api_key("devkey", "secret")
                .verify(&jwt)
                .unwrap();
            assert!(claims.video.room_join && claims.video.can_subscribe());
            assert!(!claims.video.can_publish());
            assert!(!claims.video.can_publish_data());
        }

        #[test]
        fn refused_with_another_secret_or_key() {
            let jwt = token(&dev(), true, SystemTime::now());
            assert!(
                TokenVerifier::with_api_key("devkey", "secreT")
                    .verify(&jwt)
                    .is_err()
            );
            assert!(
                TokenVerifier::with_api_key("otherkey", "secret")
                    .verify(&jwt)
                    .is_err()
            );
        }

        #[test]
        fn refused_after_expiry_and_before_nbf() {
            let short = LiveKit::builder()
                .api_key("devkey")
                .api_secret("secret")
                .server_url("ws://127.0.0.1:7880")
                .ttl(Duration::from_secs(60))
                .build()
                .unwrap();
            let verifier = TokenVerifier::with_api_key("devkey", "secret");
            // jsonwebtoken allows 60 s of leeway either way.
            let expired = token(&short, true, SystemTime::now() - Duration::from_secs(3600));
            assert!(verifier.verify(&expired).is_err());
            let future = token(&short, true, SystemTime::now() + Duration::from_secs(3600));
            assert!(verifier.verify(&future).is_err());
            let fresh = token(&short, true, SystemTime::now());
            assert!(verifier.verify(&fresh).is_ok());
        }
    }
}
