//! The rules guarding the app's own realtime server: no token in between.
//!
//! A backend turns the rules' decision into a token for someone else's
//! server; a [`Guard`] hands it to the app's own WebSocket route or
//! Socket.IO handler instead, as an [`Admission`]: the room, the user, the
//! access and the user info. The handler keeps it for as long as the
//! connection stays in the room, and asks it before relaying each message
//! ([`Admission::check_write`]): a read grant receives, and its messages are
//! refused.
//!
//! The guard checks the room name with the floor of every backend
//! ([`check_room_name`]: a look-alike name is a 400), runs
//! [`Rules::decide`], and logs each decision as the webhooks do. The framework glue is in `roomauth::axum::guard`
//! (feature `axum`) and `roomauth::socketio` (feature `socketioxide`).

use std::fmt;

use crate::error::WebhookError;
use crate::name::check_room_name;
use crate::origin::OriginPolicy;
use crate::request::RequestHead;
use crate::rule::{Access, Grant, RequestContext};
use crate::rules::{BuildError, IntoRules, Rules};
use crate::text::{Escaped, truncate};
use crate::webhook::{Denied, refused};

/// The rules of an app's own realtime server. Cheap to clone.
pub struct Guard<Cx: RequestContext> {
    rules: Rules<Cx>,
    origins: OriginPolicy,
}

impl<Cx: RequestContext> Clone for Guard<Cx> {
    fn clone(&self) -> Self {
        Guard {
            rules: self.rules.clone(),
            origins: self.origins.clone(),
        }
    }
}

impl<Cx: RequestContext> fmt::Debug for Guard<Cx> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("rules", &self.rules)
            .field("origins", &self.origins)
            .finish()
    }
}

impl<Cx: RequestContext> Guard<Cx> {
    /// A guard over `rules` (`rules![project_rooms, lobby]`, or a shared
    /// [`Rules`] value); fails as [`Rules::new`] does: overlapping patterns,
    /// or no rule.
    pub fn new(rules: impl IntoRules<Cx>) -> Result<Guard<Cx>, BuildError> {
        Ok(Guard::from_rules(Rules::index(rules.into_rules())?))
    }

    /// A guard over rules already indexed (the ones a webhook uses:
    /// `webhook.rules().clone()`).
    pub fn from_rules(rules: Rules<Cx>) -> Guard<Cx> {
        Guard {
            rules,
            origins: OriginPolicy::same_site_only(),
        }
    }

    /// Accepts the pages of these origins, and only them
    /// (`https://app.example`: scheme, host and port; list the app's own
    /// origin too, since browsers send `Origin` with every WebSocket
    /// handshake). By default a guard accepts only what the browser marks
    /// as its own origin's: a WebSocket handshake has no CORS preflight, so
    /// without this check any site's page could open the user's room with
    /// the user's cookies (cross-site WebSocket hijacking).
    #[must_use]
    pub fn allowed_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.origins.allow(origins);
        self
    }

    /// Accepts requests from every origin: only for a server whose
    /// sessions are not cookies the browser adds by itself (a token the
    /// page sends in the handshake's `auth`, say).
    #[must_use]
    pub fn any_origin(mut self) -> Self {
        self.origins = OriginPolicy::default();
        self
    }

    /// Whether the handshake's head comes from a page the guard accepts
    /// (see [`allowed_origins`](Self::allowed_origins)): the contract's 403,
    /// logged with the fix, when not. The framework glue calls it before
    /// [`admit`](Self::admit).
    pub fn check_origin(&self, head: &RequestHead<'_>) -> Result<(), WebhookError> {
        self.origins.check(head, "room guard")
    }

    /// The rules.
    pub fn rules(&self) -> &Rules<Cx> {
        &self.rules
    }

    /// Decides whether the request of `cx` may enter `room`: the name is
    /// checked (400 for a name no backend would accept), then the rules
    /// decide (401, 403, 500, or an extractor's own rejection). Logged like
    /// the webhooks' decisions.
    pub async fn admit(&self, room: &str, cx: &mut Cx) -> Result<Admission, Denied<Cx::Rejection>> {
        if let Err(error) = check_room_name(room) {
            // The name is the client's: cut and escaped in the log.
            let room = truncate(room, 128);
            tracing::info!(room = %Escaped(&room), outcome = "malformed room name", "room guard");
            return Err(Denied::Error(error));
        }
        match self.rules.decide(room, cx).await {
            Ok(decision) => {
                tracing::info!(
                    rule = decision.rule,
                    room,
                    user = decision.grant.user.as_str(),
                    access = %decision.grant.access,
                    outcome = "allowed",
                    "room guard"
                );
                Ok(Admission {
                    room: room.to_owned(),
                    rule: decision.rule,
                    grant: decision.grant,
                })
            }
            Err(refusal) => Err(refused(room, refusal)),
        }
    }
}

/// The rules' yes for one room, kept by the connection that entered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    /// The room, as the client named it (and the guard checked it).
    pub room: String,
    /// The rule that decided (the annotated function's name).
    pub rule: &'static str,
    /// Who, with which access, and what the others see of them.
    pub grant: Grant,
}

impl Admission {
    /// The user's id.
    pub fn user(&self) -> &str {
        self.grant.user.as_str()
    }

    /// Read or write.
    pub fn access(&self) -> Access {
        self.grant.access
    }

    /// What the room's other members see of the user, if the rule said.
    pub fn info(&self) -> Option<&serde_json::Value> {
        self.grant.info.as_ref()
    }

    /// Whether the user may send to the room: `Ok` for a write grant;
    /// [`WriteRefused::ReadOnly`] for a read grant, logged. The one call a
    /// handler makes before relaying a message.
    pub fn check_write(&self) -> Result<(), WriteRefused> {
        if self.grant.access >= Access::Write {
            return Ok(());
        }
        tracing::info!(
            rule = self.rule,
            room = self.room.as_str(),
            user = self.user(),
            outcome = "write refused: read-only",
            "room guard"
        );
        Err(WriteRefused::ReadOnly)
    }
}

/// Why a message to a room was not relayed. Its JSON
/// ([`to_json`](Self::to_json)) is what the client is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteRefused {
    /// The user's grant for the room is read: they receive, they do not send.
    #[error("read-only access to this room: your messages are not sent to it")]
    ReadOnly,
    /// The connection has not joined the room (or was refused it).
    #[error("not in this room: join it first")]
    NotJoined,
}

impl WriteRefused {
    /// `{"error": "<message>"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WebhookError;
    use crate::pattern::Pattern;
    use crate::room::RoomMatch;
    use crate::rule::{BoxFuture, Deny, Refusal, Rule};

    /// `project-<id>`: alice writes 1, reads 2; `()` context: the user is
    /// fixed, so the tests are about the guard alone.
    struct Projects {
        patterns: Vec<Pattern>,
    }

    impl Rule<()> for Projects {
        fn name(&self) -> &'static str {
            "projects"
        }
        fn patterns(&self) -> &[Pattern] {
            &self.patterns
        }
        fn authorize<'a>(
            &'a self,
            room: RoomMatch<'a>,
            _cx: &'a mut (),
        ) -> BoxFuture<'a, Result<Grant, Refusal<std::convert::Infallible>>> {
            Box::pin(async move {
                match room.param::<u64>("id") {
                    Some(1) => Ok(Grant::write("alice")),
                    Some(2) => Ok(Grant::read("alice")),
                    Some(9) => Err(Refusal::Deny(Deny::Unauthorized)),
                    Some(_) => Err(Refusal::Deny(Deny::Forbidden)),
                    None => Err(Refusal::NoMatch),
                }
            })
        }
    }

    fn guard() -> Guard<()> {
        Guard::new(vec![Box::new(Projects {
            patterns: vec![Pattern::parse("project-<id>").unwrap()],
        }) as Box<dyn Rule<()>>])
        .unwrap()
    }

    fn admit(room: &str) -> Result<Admission, Denied<std::convert::Infallible>> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(guard().admit(room, &mut ()))
    }

    fn status(denied: Denied<std::convert::Infallible>) -> u16 {
        match denied {
            Denied::Error(error) => error.status().as_u16(),
            Denied::Rejected(never) => match never {},
        }
    }

    #[test]
    fn a_write_grant_may_send_and_a_read_grant_may_not() {
        let writer = admit("project-1").unwrap();
        assert_eq!(writer.room, "project-1");
        assert_eq!(writer.user(), "alice");
        assert_eq!(writer.access(), Access::Write);
        assert_eq!(writer.rule, "projects");
        assert_eq!(writer.check_write(), Ok(()));

        let reader = admit("project-2").unwrap();
        assert_eq!(reader.access(), Access::Read);
        assert_eq!(reader.check_write(), Err(WriteRefused::ReadOnly));
        assert_eq!(
            WriteRefused::ReadOnly.to_json(),
            serde_json::json!({"error": "read-only access to this room: your messages are not sent to it"})
        );
    }

    #[test]
    fn refusals_have_the_webhooks_statuses() {
        assert_eq!(status(admit("project-3").unwrap_err()), 403);
        assert_eq!(status(admit("elsewhere").unwrap_err()), 403);
        assert_eq!(status(admit("project-01").unwrap_err()), 403);
        assert_eq!(status(admit("project-9").unwrap_err()), 401);
    }

    #[test]
    fn look_alike_names_are_refused_before_the_rules() {
        for room in ["", " project-1", "project-1\n", "project-\u{202e}1"] {
            match admit(room) {
                Err(Denied::Error(error @ WebhookError::Malformed(_))) => {
                    assert_eq!(error.status(), 400, "{room:?}");
                    assert!(error.to_string().contains("room name"), "{error}");
                }
                other => panic!("{room:?}: {other:?}"),
            }
        }
    }
}
