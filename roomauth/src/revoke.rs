//! Keeping decisions true after they were issued: one call the app makes
//! when someone's access changes, fanned out to every backend that can cut
//! a grant short.
//!
//! A grant holds for as long as the service keeps it: a Pusher subscription
//! for the life of the socket, a LiveKit participant for the life of the
//! call. Two mechanisms end it early, both answered by the same rules:
//!
//! - **re-asking (pull)**: where the service asks again on its own
//!   (Centrifugo's `expire_at` and sub-refresh proxy, the Hocuspocus
//!   extension's interval and `onTokenSync`, short-lived tokens), the next
//!   answer of the rules takes effect within the interval the app chose;
//! - **revoking (push)**: where the service has a server API, a
//!   [`Revoker`] tells it now. Each backend's target ([`Revoke`]) signs the
//!   call as the service's own server SDK does.
//!
//! ```no_run
//! # #[cfg(all(feature = "pusher", feature = "hocuspocus"))]
//! # async fn example(user: String, project: u64) -> Result<(), Box<dyn std::error::Error>> {
//! use roomauth::hocuspocus::{Hocuspocus, HocuspocusHook};
//! use roomauth::pusher::{Pusher, PusherApi};
//! use roomauth::revoke::Revoker;
//! # async fn remove_member(_: &str, _: u64) -> Result<(), std::io::Error> { Ok(()) }
//! # let (pusher, hocuspocus) = (Pusher::from_env()?, Hocuspocus::from_env()?);
//! let revoker = Revoker::builder()
//!     .target_if(PusherApi::from_env(&pusher)?)                            // terminate_connections
//!     .target(HocuspocusHook::new("http://127.0.0.1:1234", &hocuspocus)?) // the extension's hook
//!     .build();
//! // First change the app's own record, then tell the services:
//! remove_member(&user, project).await?;
//! let report = revoker.revoke(&user, &format!("project-{project}")).await;
//! if !report.is_complete() { /* retry, alert: each failure says why */ }
//! # Ok(()) }
//! # fn main() {}
//! ```
//!
//! The order matters: a service told to let go re-asks the rules (the
//! Pusher client reconnects and re-subscribes, the Hocuspocus extension
//! re-checks its connections), and the rules must already give the new
//! answer. Nothing is stored: a revoke goes to the services, so app
//! replicas share no state.
//!
//! Every target runs at once; one failing (down, refusing the key, late)
//! never keeps the others from being told, and the [`RevokeReport`] has one
//! [`Outcome`] per target.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::upstream::UpstreamError;
use crate::rule::{Access, BoxFuture};

/// What changed: whose access, to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `user`'s access to `room` is now `access`: `None` when removed,
    /// `Some(Access::Read)` on a downgrade, `Some(Access::Write)` on an
    /// upgrade. `room` is the room name as the rules see it
    /// (`project-1`).
    Room {
        /// The user id, as the rules' grants name it.
        user: String,
        /// The room name, as the rules match it.
        room: String,
        /// The access the rules now give.
        access: Option<Access>,
    },
    /// `user` lost every room: a ban, a deleted account, every session
    /// ended.
    User {
        /// The user id.
        user: String,
    },
}

impl Change {
    /// The user whose access changed.
    pub fn user(&self) -> &str {
        match self {
            Change::Room { user, .. } | Change::User { user } => user,
        }
    }

    /// Whether the change takes something away (a removal, a downgrade, a
    /// whole user): an upgrade takes nothing away.
    pub fn withdraws(&self) -> bool {
        !matches!(
            self,
            Change::Room {
                access: Some(Access::Write),
                ..
            }
        )
    }
}

/// What a target did with a [`Change`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The service was told and accepted the call.
    Done,
    /// Nothing needed to be sent: why (an upgrade the service learns on
    /// the client's next request, a change that is not this service's).
    Nothing(&'static str),
    /// The service has no call for this change: the bound is the one
    /// named (a token's lifetime, the re-asking interval).
    Unsupported(&'static str),
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Applied::Done => f.write_str("done"),
            Applied::Nothing(why) => write!(f, "nothing to do ({why})"),
            Applied::Unsupported(bound) => write!(f, "no server call ({bound})"),
        }
    }
}

/// Why a target could not apply a change. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeError {
    /// The call to the service failed.
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// The change cannot be written as this service's call (a user id the
    /// service's API cannot carry): what to fix.
    #[error("{0}")]
    Unsendable(String),
    /// The target panicked (a bug in it; the panic is in the log).
    #[error("the target failed unexpectedly (it panicked): see the log")]
    Panicked,
}

/// A backend's server API, as a [`Revoker`] calls it. Implemented by each
/// backend's target (`pusher::PusherApi`, `hocuspocus::HocuspocusHook`,
/// `centrifugo::CentrifugoApi`, `livekit::LiveKitRoomService`); an app may
/// add its own (its own WebSocket server's sessions).
pub trait Revoke: Send + Sync + 'static {
    /// The service's name in reports and logs.
    fn service(&self) -> &'static str;

    /// Tells the service about `change`.
    fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>>;
}

/// What one target did, and how long it took.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The target's [`Revoke::service`].
    pub service: &'static str,
    /// What it did, or why it failed.
    pub result: Result<Applied, RevokeError>,
    /// How long its call took.
    pub elapsed: Duration,
}

/// One [`Outcome`] per target, in the order they were added.
#[derive(Debug, Clone)]
pub struct RevokeReport {
    /// The outcomes.
    pub outcomes: Vec<Outcome>,
}

impl RevokeReport {
    /// Whether no target failed.
    pub fn is_complete(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.result.is_ok())
    }

    /// The targets that failed, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &RevokeError)> {
        self.outcomes
            .iter()
            .filter_map(|outcome| Some((outcome.service, outcome.result.as_ref().err()?)))
    }
}

impl fmt::Display for RevokeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, outcome) in self.outcomes.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match &outcome.result {
                Ok(Applied::Done) => write!(f, "{}: done", outcome.service)?,
                Ok(Applied::Nothing(why)) => {
                    write!(f, "{}: nothing to do ({why})", outcome.service)?
                }
                Ok(Applied::Unsupported(bound)) => {
                    write!(f, "{}: no server call ({bound})", outcome.service)?
                }
                Err(err) => write!(f, "{}: failed: {err}", outcome.service)?,
            }
        }
        Ok(())
    }
}

/// Tells every configured service when someone's access changes (see the
/// [module docs](self)). Cheap to clone; share one per app.
#[derive(Clone, Default)]
pub struct Revoker {
    targets: Arc<[Arc<dyn Revoke>]>,
}

impl fmt::Debug for Revoker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.targets.iter().map(|target| target.service()))
            .finish()
    }
}

/// Collects a [`Revoker`]'s targets; see [`Revoker::builder`].
#[derive(Default)]
#[must_use]
pub struct RevokerBuilder {
    targets: Vec<Arc<dyn Revoke>>,
}

impl RevokerBuilder {
    /// Adds a service.
    pub fn target(mut self, target: impl Revoke) -> Self {
        self.targets.push(Arc::new(target));
        self
    }

    /// Adds a service when it is configured (`from_env` constructors
    /// return `None` when their variables are unset).
    pub fn target_if(self, target: Option<impl Revoke>) -> Self {
        match target {
            Some(target) => self.target(target),
            None => self,
        }
    }

    /// The revoker.
    pub fn build(self) -> Revoker {
        Revoker {
            targets: self.targets.into(),
        }
    }
}

impl Revoker {
    /// Starts a revoker with no target.
    pub fn builder() -> RevokerBuilder {
        RevokerBuilder::default()
    }

    /// The services it tells, in order.
    pub fn services(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.targets.iter().map(|target| target.service())
    }

    /// `user` may no longer enter `room`.
    pub async fn revoke(&self, user: &str, room: &str) -> RevokeReport {
        self.access_changed(user, room, None).await
    }

    /// `user`'s access to `room` is now `access` (`None`: removed).
    pub async fn access_changed(
        &self,
        user: &str,
        room: &str,
        access: Option<Access>,
    ) -> RevokeReport {
        self.apply(Change::Room {
            user: user.to_owned(),
            room: room.to_owned(),
            access,
        })
        .await
    }

    /// `user` may no longer enter any room.
    pub async fn revoke_user(&self, user: &str) -> RevokeReport {
        self.apply(Change::User {
            user: user.to_owned(),
        })
        .await
    }

    /// Tells every target about `change`, all at once; one outcome each.
    pub async fn apply(&self, change: Change) -> RevokeReport {
        let change = Arc::new(change);
        let mut tasks = tokio::task::JoinSet::new();
        for (index, target) in self.targets.iter().enumerate() {
            let (target, change) = (Arc::clone(target), Arc::clone(&change));
            tasks.spawn(async move {
                let started = Instant::now();
                let result = target.apply(&change).await;
                (index, result, started.elapsed())
            });
        }
        let mut results: Vec<Option<(Result<Applied, RevokeError>, Duration)>> =
            (0..self.targets.len()).map(|_| None).collect();
        while let Some(joined) = tasks.join_next().await {
            // A target that panicked is reported as a failure below.
            if let Ok((index, result, elapsed)) = joined {
                results[index] = Some((result, elapsed));
            }
        }
        let outcomes = self
            .targets
            .iter()
            .zip(results)
            .map(|(target, result)| {
                let (result, elapsed) =
                    result.unwrap_or((Err(RevokeError::Panicked), Duration::ZERO));
                match &result {
                    Ok(applied) => {
                        tracing::info!(service = target.service(), user = %crate::text::Escaped(change.user()), ?applied, ?elapsed, "revocation applied")
                    }
                    Err(error) => {
                        tracing::warn!(service = target.service(), user = %crate::text::Escaped(change.user()), %error, "revocation failed")
                    }
                }
                Outcome {
                    service: target.service(),
                    result,
                    elapsed,
                }
            })
            .collect();
        RevokeReport { outcomes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::upstream::{Service, UpstreamErrorKind};

    const SERVICE: Service = Service {
        name: "Down",
        url_setting: "DOWN_URL",
        key_setting: "DOWN_KEY",
    };

    /// Answers after `delay` with `result`; records what it was told.
    struct Scripted {
        name: &'static str,
        delay: Duration,
        result: Result<Applied, RevokeError>,
        seen: Arc<std::sync::Mutex<Vec<Change>>>,
    }

    impl Revoke for Scripted {
        fn service(&self) -> &'static str {
            self.name
        }
        fn apply<'a>(&'a self, change: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
            Box::pin(async move {
                tokio::time::sleep(self.delay).await;
                self.seen.lock().unwrap().push(change.clone());
                self.result.clone()
            })
        }
    }

    struct Panics;
    impl Revoke for Panics {
        fn service(&self) -> &'static str {
            "panics"
        }
        fn apply<'a>(&'a self, _: &'a Change) -> BoxFuture<'a, Result<Applied, RevokeError>> {
            Box::pin(async { panic!("a broken target") })
        }
    }

    #[tokio::test]
    async fn every_target_is_told_and_one_failure_loses_no_other() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let target = |name, delay_ms, result| Scripted {
            name,
            delay: Duration::from_millis(delay_ms),
            result,
            seen: Arc::clone(&seen),
        };
        let revoker = Revoker::builder()
            .target(target(
                "down",
                30,
                Err(RevokeError::Upstream(UpstreamError::new(
                    SERVICE,
                    UpstreamErrorKind::Connect,
                ))),
            ))
            .target(Panics)
            .target(target("fast", 0, Ok(Applied::Done)))
            .target_if(None::<Panics>)
            .build();
        assert_eq!(
            revoker.services().collect::<Vec<_>>(),
            ["down", "panics", "fast"]
        );
        let report = revoker.revoke("alice", "project-1").await;
        assert!(!report.is_complete());
        let services: Vec<_> = report.outcomes.iter().map(|o| o.service).collect();
        assert_eq!(services, ["down", "panics", "fast"]);
        assert_eq!(report.outcomes[2].result, Ok(Applied::Done));
        let failed: Vec<_> = report.failures().map(|(service, _)| service).collect();
        assert_eq!(failed, ["down", "panics"]);
        assert_eq!(report.outcomes[1].result, Err(RevokeError::Panicked));
        let text = report.to_string();
        assert!(
            text.contains("down: failed: cannot connect to Down"),
            "{text}"
        );
        assert!(text.contains("fast: done"), "{text}");
        let change = Change::Room {
            user: "alice".into(),
            room: "project-1".into(),
            access: None,
        };
        assert_eq!(*seen.lock().unwrap(), [change.clone(), change]);
    }

    #[tokio::test]
    async fn targets_are_told_at_once() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let slow = |name| Scripted {
            name,
            delay: Duration::from_millis(500),
            result: Ok(Applied::Done),
            seen: Arc::clone(&seen),
        };
        let revoker = Revoker::builder()
            .target(slow("one"))
            .target(slow("two"))
            .target(slow("three"))
            .build();
        let started = Instant::now();
        let report = revoker.revoke_user("alice").await;
        assert!(report.is_complete(), "{report}");
        // Together 500 ms, not 1.5 s one after the other.
        assert!(started.elapsed() < Duration::from_millis(1200));
        assert!(
            report
                .outcomes
                .iter()
                .all(|o| o.elapsed >= Duration::from_millis(500))
        );
    }

    #[test]
    fn an_upgrade_withdraws_nothing() {
        let room = |access| Change::Room {
            user: "a".into(),
            room: "r".into(),
            access,
        };
        assert!(room(None).withdraws());
        assert!(room(Some(Access::Read)).withdraws());
        assert!(!room(Some(Access::Write)).withdraws());
        assert!(Change::User { user: "a".into() }.withdraws());
    }
}
