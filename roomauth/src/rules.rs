//! The registered rules of an app: one index over every pattern, and the
//! decision for one room.
//!
//! [`Rules::decide`] finds the one rule whose pattern matches the room (the
//! index refuses overlapping patterns when it is built, so there is at most
//! one), runs it with the request context, and clamps its grant to the
//! rule's maximum [`Access`](crate::Access). It knows no backend: every backend asks it the
//! same question and maps the answer onto its own protocol.

use std::sync::Arc;

use crate::pattern::{Dispatcher, OverlapError, Pattern};
use crate::room::RoomMatch;
use crate::rule::{Deny, Grant, Refusal, RequestContext, Rule};

/// The rules' yes: the grant, and the rule that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The name of the rule that decided (the annotated function's name).
    pub rule: &'static str,
    /// What the user may do, never more than the rule's maximum access.
    pub grant: Grant,
}

/// A set of rules, indexed by their patterns. Cheap to clone: declare the
/// app's rules once and give the same value to every webhook, whatever its
/// backend.
///
/// ```no_run
/// # use roomauth::{Webhook, Rules, rules, room_auth};
/// # use roomauth::livekit::LiveKit;
/// # use roomauth::pusher::Pusher;
/// # #[room_auth(rooms = "project-<id>")]
/// # fn project_rooms(id: u64) -> Option<String> { Some(id.to_string()) }
/// # #[room_auth(rooms = "lobby")]
/// # fn lobby() -> Option<String> { Some("guest".into()) }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let rules: Rules<()> = Rules::new(rules![project_rooms, lobby])?; // checked once
/// let livekit = Webhook::builder(LiveKit::from_env()?)
///     .rules(rules.clone())
///     .build()?;
/// let pusher = Webhook::builder(Pusher::from_env()?)
///     .rules(rules)
///     .same_site_only()
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Rules<Cx: RequestContext> {
    inner: Arc<Inner<Cx>>,
}

/// What [`WebhookBuilder::rules`](crate::webhook::WebhookBuilder::rules)
/// takes: the list [`rules!`](crate::rules!) makes, or a [`Rules`] value
/// shared by several webhooks.
pub trait IntoRules<Cx: RequestContext> {
    /// The rules, each shared with whoever else holds it.
    fn into_rules(self) -> Vec<Arc<dyn Rule<Cx>>>;
}

impl<Cx: RequestContext> IntoRules<Cx> for Vec<Box<dyn Rule<Cx>>> {
    fn into_rules(self) -> Vec<Arc<dyn Rule<Cx>>> {
        self.into_iter().map(Arc::from).collect()
    }
}

impl<Cx: RequestContext> IntoRules<Cx> for Vec<Arc<dyn Rule<Cx>>> {
    fn into_rules(self) -> Vec<Arc<dyn Rule<Cx>>> {
        self
    }
}

impl<Cx: RequestContext> IntoRules<Cx> for Rules<Cx> {
    fn into_rules(self) -> Vec<Arc<dyn Rule<Cx>>> {
        self.inner.rules.clone()
    }
}

impl<Cx: RequestContext> IntoRules<Cx> for &Rules<Cx> {
    fn into_rules(self) -> Vec<Arc<dyn Rule<Cx>>> {
        self.inner.rules.clone()
    }
}

struct Inner<Cx: RequestContext> {
    rules: Vec<Arc<dyn Rule<Cx>>>,
    /// Every pattern of every rule, with (rule index, pattern index).
    index: Dispatcher<(usize, usize)>,
}

impl<Cx: RequestContext> Clone for Rules<Cx> {
    fn clone(&self) -> Self {
        Rules {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<Cx: RequestContext> std::fmt::Debug for Rules<Cx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.inner.rules.iter().map(|rule| rule.name()))
            .finish()
    }
}

/// Why a set of rules could not be built.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Two patterns (of two rules, or of one) could match the same room.
    #[error("rule `{first_rule}` and rule `{second_rule}` overlap: {source}")]
    Overlap {
        /// The rule added first.
        first_rule: &'static str,
        /// The rule added later.
        second_rule: &'static str,
        /// The two patterns and a room both match.
        source: OverlapError,
    },
    /// The same rule was added twice (same name, same patterns): a mistake
    /// in the registration, not two rules that overlap.
    #[error("rule `{0}` is registered twice; remove one of them from `rules![..]`")]
    DuplicateRule(&'static str),
    /// No rule was added, so every room would be refused.
    #[error(
        "the webhook has no rules and would refuse every room; add them with `.rules(rules![..])`"
    )]
    NoRules,
    /// A rule's pattern can never match a room of this backend (a Pusher
    /// pattern with a channel prefix, say); the message says what to write.
    #[error("rule `{rule}`: {reason}")]
    PatternRefused {
        /// The rule whose pattern it is.
        rule: &'static str,
        /// Why, and what to write instead.
        reason: String,
    },
    /// The backend cannot be served as configured (a form-encoded backend
    /// without cross-site protection, say); the message says what to set.
    #[error("{0}")]
    Backend(String),
}

crate::error::debug_is_display!(BuildError);

impl<Cx: RequestContext> Rules<Cx> {
    /// Indexes `rules` (what `rules![..]` makes); fails when two patterns
    /// could match one room, or when there is no rule.
    pub fn new(rules: Vec<Box<dyn Rule<Cx>>>) -> Result<Rules<Cx>, BuildError> {
        Rules::index(rules.into_rules())
    }

    /// [`Rules::new`] over rules that may be shared with other sets.
    pub(crate) fn index(rules: Vec<Arc<dyn Rule<Cx>>>) -> Result<Rules<Cx>, BuildError> {
        if rules.is_empty() {
            return Err(BuildError::NoRules);
        }
        for (i, rule) in rules.iter().enumerate() {
            let twice = rules[..i].iter().any(|earlier| {
                earlier.name() == rule.name() && earlier.patterns() == rule.patterns()
            });
            if twice {
                return Err(BuildError::DuplicateRule(rule.name()));
            }
        }
        let mut index = Dispatcher::builder();
        // The rule of each pattern, in insertion order, to name both rules
        // of an overlap.
        let mut owners: Vec<usize> = Vec::new();
        for (rule_index, rule) in rules.iter().enumerate() {
            for (pattern_index, pattern) in rule.patterns().iter().enumerate() {
                index
                    .insert(pattern.clone(), (rule_index, pattern_index))
                    .map_err(|source| BuildError::Overlap {
                        first_rule: rules[owners[source.existing_index]].name(),
                        second_rule: rule.name(),
                        source,
                    })?;
                owners.push(rule_index);
            }
        }
        Ok(Rules {
            inner: Arc::new(Inner {
                rules,
                index: index.build(),
            }),
        })
    }

    /// The rules, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Rule<Cx>> {
        self.inner.rules.iter().map(|rule| &**rule)
    }

    /// The registered patterns that look meant for `room` when none
    /// matches it ([`pattern::near`](crate::pattern::near)): what the log
    /// names when no rule answers.
    pub fn near(&self, room: &str) -> Vec<&Pattern> {
        crate::pattern::near(self.iter().flat_map(|rule| rule.patterns()), room)
    }

    /// Finds the rule for `room` and runs it with `cx`. Deny by default:
    /// no rule, a placeholder that does not parse, or a refusal are all a
    /// no. A grant above the rule's [`Rule::access`] is clamped to it (and
    /// logged at warn): a rule never grants more than it declares.
    pub async fn decide(
        &self,
        room: &str,
        cx: &mut Cx,
    ) -> Result<Decision, Refusal<Cx::Rejection>> {
        let Some(found) = self.inner.index.lookup(room) else {
            return Err(Refusal::NoRule);
        };
        let (rule_index, pattern_index) = *found.value;
        let rule = &self.inner.rules[rule_index];
        let matched = RoomMatch {
            room,
            pattern: found.pattern,
            pattern_index,
            captures: found.captures,
        };
        let mut grant = rule.authorize(matched, cx).await?;
        if grant.user.as_str().is_empty() {
            // The app's bug, not the user's: every backend needs an id.
            return Err(Refusal::Deny(Deny::internal(format!(
                "the rule `{}` returned an empty user id",
                rule.name()
            ))));
        }
        let max = rule.access();
        if grant.access > max {
            tracing::warn!(
                rule = rule.name(),
                granted = %grant.access,
                max = %max,
                "the rule granted more than its declared access; clamped"
            );
            grant.access = max;
        }
        Ok(Decision {
            rule: rule.name(),
            grant,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Pattern;
    use crate::rule::{Access, BoxFuture};

    /// A hand-written rule: `room-<n>`, granting what `grant` says.
    struct Fixed {
        patterns: Vec<Pattern>,
        max: Access,
        grant: Grant,
    }

    impl Rule<()> for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn patterns(&self) -> &[Pattern] {
            &self.patterns
        }
        fn access(&self) -> Access {
            self.max
        }
        fn authorize<'a>(
            &'a self,
            room: RoomMatch<'a>,
            _cx: &'a mut (),
        ) -> BoxFuture<'a, Result<Grant, Refusal<std::convert::Infallible>>> {
            Box::pin(async move {
                match room.param::<u64>("n") {
                    Some(1) => Ok(self.grant.clone()),
                    Some(_) => Err(Refusal::Deny(Deny::Forbidden)),
                    None => Err(Refusal::NoMatch),
                }
            })
        }
    }

    fn rules(max: Access, grant: Grant) -> Rules<()> {
        Rules::new(vec![Box::new(Fixed {
            patterns: vec![Pattern::parse("room-<n>").unwrap()],
            max,
            grant,
        })])
        .unwrap()
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn one_rule_set_serves_many_webhooks() {
        let shared = rules(Access::Write, Grant::write("alice"));
        // What two builders get from `.rules(shared.clone())` and
        // `.rules(&shared)`: the same rule objects, not copies.
        let by_value = Rules::index(shared.clone().into_rules()).unwrap();
        let by_ref = Rules::index((&shared).into_rules()).unwrap();
        for other in [&by_value, &by_ref] {
            assert_eq!(other.inner.rules.len(), 1);
            assert!(Arc::ptr_eq(&other.inner.rules[0], &shared.inner.rules[0]));
            let decision = block_on(other.decide("room-1", &mut ())).unwrap();
            assert_eq!(decision.grant, Grant::write("alice"));
            assert!(block_on(other.decide("room-2", &mut ())).is_err());
        }
        // Rules added beside the shared ones are checked against them.
        let mut twice = shared.clone().into_rules();
        twice.extend(shared.into_rules());
        assert!(matches!(
            Rules::index(twice),
            Err(BuildError::DuplicateRule("fixed"))
        ));
    }

    #[test]
    fn a_grant_above_the_maximum_is_clamped() {
        let rules = rules(Access::Read, Grant::write("alice"));
        let decision = block_on(rules.decide("room-1", &mut ())).unwrap();
        assert_eq!(decision.grant, Grant::read("alice"));
        assert_eq!(decision.rule, "fixed");
    }

    #[test]
    fn clamping_is_logged_at_warn() {
        let rules = rules(Access::Read, Grant::write("alice"));
        let logs = crate::text::logs_of(|| {
            block_on(rules.decide("room-1", &mut ())).unwrap();
        });
        assert!(logs.contains("WARN"), "{logs}");
        assert!(logs.contains("clamped"), "{logs}");
        assert!(
            logs.contains("granted=write") && logs.contains("max=read"),
            "{logs}"
        );
    }

    #[test]
    fn a_grant_within_the_maximum_is_kept() {
        let info = serde_json::json!({ "name": "Alice" });
        let rules = rules(Access::Write, Grant::read("alice").with_info(info.clone()));
        let decision = block_on(rules.decide("room-1", &mut ())).unwrap();
        assert_eq!(decision.grant, Grant::read("alice").with_info(info));
    }

    #[test]
    fn refusals_are_told_apart() {
        let rules = rules(Access::Write, Grant::write("alice"));
        assert!(matches!(
            block_on(rules.decide("elsewhere", &mut ())),
            Err(Refusal::NoRule)
        ));
        assert!(matches!(
            block_on(rules.decide("room-01", &mut ())),
            Err(Refusal::NoMatch)
        ));
        assert!(matches!(
            block_on(rules.decide("room-2", &mut ())),
            Err(Refusal::Deny(Deny::Forbidden))
        ));
    }

    #[test]
    fn a_rule_registered_twice_is_its_own_error() {
        let fixed = || -> Box<dyn Rule<()>> {
            Box::new(Fixed {
                patterns: vec![Pattern::parse("room-<n>").unwrap()],
                max: Access::Write,
                grant: Grant::write("alice"),
            })
        };
        let error = Rules::new(vec![fixed(), fixed()]).unwrap_err();
        assert!(
            matches!(error, BuildError::DuplicateRule("fixed")),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "rule `fixed` is registered twice; remove one of them from `rules![..]`"
        );
    }

    #[test]
    fn no_rules_is_an_error() {
        assert!(matches!(
            Rules::<()>::new(Vec::new()),
            Err(BuildError::NoRules)
        ));
    }
}
