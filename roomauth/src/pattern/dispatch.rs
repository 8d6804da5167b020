//! An index of many patterns that finds the one a room name matches.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

use super::radix::{Direction, Radix};
use super::{Captures, Pattern};

/// Many patterns, each with a value, indexed so that finding the pattern a
/// room name matches neither tries every pattern nor allocates.
///
/// The patterns are kept in a radix trie keyed by their
/// [literal prefixes](Pattern::literal_prefix), and the patterns that share
/// a literal prefix in a second, backward trie keyed by their
/// [literal suffixes](Pattern::literal_suffix). A lookup walks the first
/// trie along the room name and, at each node it passes, the second one
/// from the end of the room name: only the patterns whose literal prefix and final
/// literal both fit the room are tried, so the time depends on the room
/// name's length, not on the number of patterns, except for patterns that
/// share both. (Patterns that share both
/// are told apart by their placeholders' [shapes](super::Shape), like
/// `team-<id>` with an integer and `team-<role>` with a fixed set of names:
/// as many as there are ways to keep them apart, a handful in practice.)
///
/// No two patterns of a dispatcher overlap (see [`Pattern::overlaps`]), so at
/// most one pattern matches any room name, and insertion order does not
/// matter.
///
/// ```
/// use roomauth::pattern::{Dispatcher, Pattern};
///
/// let mut builder = Dispatcher::builder();
/// builder.insert(Pattern::parse("project-<id>")?, "projects")?;
/// builder.insert(Pattern::parse("doc-<id>")?, "docs")?;
/// // Refused: `project-x-settings` would match both.
/// assert!(builder.insert(Pattern::parse("project-<id>-settings")?, "settings").is_err());
/// let dispatcher = builder.build();
///
/// let found = dispatcher.lookup("doc-42").expect("a pattern matches");
/// assert_eq!(*found.value, "docs");
/// assert_eq!(found.get("id"), Some("42"));
/// assert!(dispatcher.lookup("other-42").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Dispatcher<T> {
    entries: Vec<(Pattern, T)>,
    /// Literal prefix, then literal suffix, to the patterns' indexes.
    index: Radix<Radix<Box<[usize]>>>,
}

/// Builds a [`Dispatcher`], refusing overlapping patterns.
#[derive(Clone)]
pub struct DispatcherBuilder<T> {
    entries: Vec<(Pattern, T)>,
    /// The patterns' indexes by literal prefix, to find the ones a new
    /// pattern might overlap.
    by_prefix: BTreeMap<String, Vec<usize>>,
}

/// The pattern a room name matched in a [`Dispatcher`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'d, 'r, T> {
    /// The value inserted with the pattern.
    pub value: &'d T,
    /// The pattern's position in insertion order.
    pub index: usize,
    /// The pattern that matched.
    pub pattern: &'d Pattern,
    /// The placeholder values.
    pub captures: Captures<'r>,
}

impl<'r, T> Match<'_, 'r, T> {
    /// The value of the placeholder called `name`.
    pub fn get(&self, name: &str) -> Option<&'r str> {
        self.captures.name(self.pattern, name)
    }
}

/// Refusal to add a pattern that overlaps one already in a [`Dispatcher`].
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "room pattern `{new}` overlaps room pattern `{existing}`: the room name {witness:?} matches \
     both; change the literal text of one of them (a distinct prefix or suffix, say) or the type \
     of a placeholder (an integer is never `7-chat`), so that every room name matches at most \
     one pattern"
)]
pub struct OverlapError {
    /// The source text of the pattern already present.
    pub existing: String,
    /// The position of `existing` in insertion order.
    pub existing_index: usize,
    /// The source text of the pattern that was refused.
    pub new: String,
    /// A room name that matches both.
    pub witness: String,
}

crate::error::debug_is_display!(OverlapError);

impl<T> Dispatcher<T> {
    /// Starts building a dispatcher.
    pub fn builder() -> DispatcherBuilder<T> {
        DispatcherBuilder {
            entries: Vec::new(),
            by_prefix: BTreeMap::new(),
        }
    }

    /// Builds a dispatcher from `(pattern, value)` pairs.
    ///
    /// # Errors
    ///
    /// The first pattern that overlaps one before it.
    pub fn try_from_iter(
        pairs: impl IntoIterator<Item = (Pattern, T)>,
    ) -> Result<Self, OverlapError> {
        let mut builder = Self::builder();
        for (pattern, value) in pairs {
            builder.insert(pattern, value)?;
        }
        Ok(builder.build())
    }

    /// Finds the pattern `room` matches, if any, without allocating.
    pub fn lookup<'d, 'r>(&'d self, room: &'r str) -> Option<Match<'d, 'r, T>> {
        let room_bytes = room.as_bytes();
        self.index.find_map(room_bytes, |by_final_literal| {
            by_final_literal.find_map(room_bytes, |indexes| {
                indexes.iter().find_map(|&index| {
                    let (pattern, value) = self.entries.get(index)?;
                    let captures = pattern.matches(room)?;
                    Some(Match {
                        value,
                        index,
                        pattern,
                        captures,
                    })
                })
            })
        })
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The patterns and their values, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Pattern, &T)> + '_ {
        self.entries.iter().map(|(pattern, value)| (pattern, value))
    }
}

impl<T> DispatcherBuilder<T> {
    /// Adds a pattern with its value.
    ///
    /// Only the patterns whose literal prefixes and suffixes are compatible
    /// with this one's (one is a prefix, or suffix, of the other) are checked
    /// for overlap: the others cannot overlap, so building from many patterns
    /// is fast.
    ///
    /// # Errors
    ///
    /// Refuses a pattern that overlaps one already added, naming both and a
    /// room name that matches both; the builder is left unchanged.
    pub fn insert(&mut self, pattern: Pattern, value: T) -> Result<(), OverlapError> {
        let suffix = pattern.literal_suffix();
        for existing_index in self.compatible(pattern.literal_prefix()) {
            let Some((existing, _)) = self.entries.get(existing_index) else {
                continue;
            };
            let other_suffix = existing.literal_suffix();
            if !suffix.ends_with(other_suffix) && !other_suffix.ends_with(suffix) {
                continue;
            }
            if let Some(witness) = existing.overlaps(&pattern) {
                return Err(OverlapError {
                    existing: existing.as_str().to_owned(),
                    existing_index,
                    new: pattern.as_str().to_owned(),
                    witness,
                });
            }
        }
        self.by_prefix
            .entry(pattern.literal_prefix().to_owned())
            .or_default()
            .push(self.entries.len());
        self.entries.push((pattern, value));
        Ok(())
    }

    /// The indexes of the patterns whose literal prefix is a prefix of
    /// `prefix` or starts with it, in insertion order.
    fn compatible(&self, prefix: &str) -> Vec<usize> {
        let shorter = (0..prefix.len())
            .filter_map(|end| prefix.get(..end))
            .filter_map(|shorter| self.by_prefix.get(shorter));
        let longer = self
            .by_prefix
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(other, _)| other.starts_with(prefix))
            .map(|(_, indexes)| indexes);
        let mut found: Vec<usize> = shorter.chain(longer).flatten().copied().collect();
        found.sort_unstable();
        found
    }

    /// The number of patterns added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no pattern was added yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Finishes building: indexes the patterns.
    pub fn build(self) -> Dispatcher<T> {
        let entries = self.entries;
        let index = Radix::build(
            Direction::Forward,
            self.by_prefix
                .into_iter()
                .map(|(prefix, indexes)| (prefix.into_bytes(), indexes)),
            |groups: Vec<Vec<usize>>| {
                let same_prefix = groups.into_iter().flatten().filter_map(|index| {
                    let (pattern, _) = entries.get(index)?;
                    Some((pattern.literal_suffix().as_bytes().to_vec(), index))
                });
                Radix::build(Direction::Backward, same_prefix, Vec::into_boxed_slice)
            },
        );
        Dispatcher { entries, index }
    }
}

impl<T: fmt::Debug> fmt::Debug for Dispatcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for DispatcherBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DispatcherBuilder")
            .field("entries", &self.entries)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Shape;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
    }

    #[test]
    fn finds_the_matching_pattern() {
        let dispatcher = Dispatcher::try_from_iter([
            (p("project-<id>"), 1),
            (p("doc-<id>"), 2),
            (p("lobby"), 3),
            (p("org-<org>-project-<id>"), 5),
            (p("proj"), 6),
        ])
        .unwrap();
        assert_eq!(dispatcher.len(), 5);
        assert!(!dispatcher.is_empty());
        let found = dispatcher.lookup("project-7").unwrap();
        assert_eq!(
            (*found.value, found.index, found.get("id")),
            (1, 0, Some("7"))
        );
        assert_eq!(found.pattern, &p("project-<id>"));
        assert_eq!(*dispatcher.lookup("doc-x").unwrap().value, 2);
        assert_eq!(*dispatcher.lookup("lobby").unwrap().value, 3);
        assert_eq!(dispatcher.lookup("lobby2").map(|m| *m.value), None);
        assert_eq!(dispatcher.lookup("lob").map(|m| *m.value), None);
        let found = dispatcher.lookup("org-a-project-b-project-1").unwrap();
        assert_eq!(
            found.captures.iter().collect::<Vec<_>>(),
            ["a", "b-project-1"]
        );
        assert_eq!(*dispatcher.lookup("proj").unwrap().value, 6);
        assert!(dispatcher.lookup("project-").is_none());
        assert!(dispatcher.lookup("").is_none());
        assert!(dispatcher.lookup("zzz").is_none());
        assert_eq!(
            dispatcher.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [1, 2, 3, 5, 6]
        );
        assert_eq!(dispatcher.iter().len(), 5);
    }

    #[test]
    fn empty_prefixes() {
        let dispatcher = Dispatcher::try_from_iter([
            (p("<user>@home"), 1),
            (p("<a>.pdf"), 2),
            (p("x-<a>.txt"), 3),
            (p("x-<a>-<b>.txt"), 4),
        ]);
        assert!(dispatcher.is_err(), "x-<a>.txt and x-<a>-<b>.txt overlap");
        let dispatcher = Dispatcher::try_from_iter([
            (p("<user>@home"), 1),
            (p("<a>.pdf"), 2),
            (p("x-<a>.txt"), 3),
        ])
        .unwrap();
        let found = dispatcher.lookup("ann@home").unwrap();
        assert_eq!((*found.value, found.get("user")), (1, Some("ann")));
        assert_eq!(dispatcher.lookup("x-1.pdf").map(|m| *m.value), Some(2));
        let found = dispatcher.lookup("x-1.txt").unwrap();
        assert_eq!((*found.value, found.get("a")), (3, Some("1")));
        assert!(dispatcher.lookup("x-.txt").is_none());
    }

    #[test]
    fn refuses_overlaps() {
        let mut builder = Dispatcher::builder();
        builder.insert(p("project-<id>"), ()).unwrap();
        builder.insert(p("doc-<id>"), ()).unwrap();
        let error = builder.insert(p("project-<id>-settings"), ()).unwrap_err();
        assert_eq!(error.existing, "project-<id>");
        assert_eq!(error.existing_index, 0);
        assert_eq!(error.new, "project-<id>-settings");
        assert_eq!(error.witness, "project-x-settings");
        assert_eq!(
            error.to_string(),
            "room pattern `project-<id>-settings` overlaps room pattern `project-<id>`: the room \
             name \"project-x-settings\" matches both; change the literal text of one of them \
             (a distinct prefix or suffix, say) or the type of a placeholder (an integer is never \
             `7-chat`), so that every room name matches at most one pattern"
        );
        // Shorter prefixes, longer prefixes, and the empty prefix are checked.
        assert!(builder.insert(p("proj<x>"), ()).is_err());
        assert!(builder.insert(p("project-1<x>"), ()).is_err());
        assert!(builder.insert(p("<x>-1"), ()).is_err());
        assert!(builder.insert(p("project-<id>"), ()).is_err());
        // The builder is unchanged by refusals.
        assert_eq!(builder.len(), 2);
        let error = builder.insert(p("<x>@home"), ()).unwrap_err();
        assert_eq!(
            (error.existing_index, error.witness.as_str()),
            (0, "project-@home")
        );
        builder.insert(p("docs"), ()).unwrap();
        let dispatcher = builder.build();
        assert_eq!(dispatcher.len(), 3);
        assert_eq!(dispatcher.lookup("docs").map(|m| m.index), Some(2));
        assert_eq!(dispatcher.lookup("doc-s").map(|m| m.index), Some(1));
    }

    fn shaped(src: &str, shapes: &[(&str, Shape)]) -> Pattern {
        shapes.iter().fold(p(src), |pattern, &(name, shape)| {
            pattern.with_shape(name, shape).unwrap()
        })
    }

    /// Typed placeholders keep apart what the literals do not: these share
    /// their literal prefix, and some their final literal too, so the
    /// lookup must try several candidates at one place in the index.
    #[test]
    fn shapes_tell_patterns_apart() {
        const ROLES: Shape = Shape::OneOf(&["admin", "member"]);
        let dispatcher = Dispatcher::try_from_iter([
            (shaped("team-<id>", &[("id", Shape::Unsigned)]), "team"),
            (shaped("team-<id>-chat", &[("id", Shape::Unsigned)]), "chat"),
            (shaped("team-<role>", &[("role", ROLES)]), "role"),
            (shaped("team-<id>", &[("id", Shape::Uuid)]), "uuid"),
            (
                shaped("team-<a>-<b>-chat", &[("a", ROLES), ("b", ROLES)]),
                "pair",
            ),
        ])
        .unwrap();
        let uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        for (room, expected) in [
            ("team-7", Some("team")),
            ("team-0", Some("team")),
            ("team-7-chat", Some("chat")),
            ("team-admin", Some("role")),
            ("team-member", Some("role")),
            (&format!("team-{uuid}"), Some("uuid")),
            ("team-admin-member-chat", Some("pair")),
            ("team-07", None),
            ("team-guest", None),
            ("team-7-chat-chat", None),
            ("team-admin-chat", None),
            (&format!("team-{}", uuid.to_uppercase()), None),
        ] {
            assert_eq!(
                dispatcher.lookup(room).map(|found| *found.value),
                expected,
                "{room}"
            );
        }
        // Text still overlaps them all.
        let mut builder = Dispatcher::builder();
        builder
            .insert(shaped("team-<id>", &[("id", Shape::Unsigned)]), ())
            .unwrap();
        let error = builder.insert(p("team-<name>"), ()).unwrap_err();
        assert_eq!(error.witness, "team-1");
    }

    #[test]
    fn many_patterns_with_distinct_prefixes() {
        let mut builder = Dispatcher::builder();
        for i in 0..10_000 {
            builder.insert(p(&format!("t{i}-<id>")), i).unwrap();
        }
        let dispatcher = builder.build();
        for i in [0, 1, 10, 999, 9_999] {
            let room = format!("t{i}-abc");
            let found = dispatcher.lookup(&room).unwrap();
            assert_eq!((*found.value, found.get("id")), (i, Some("abc")));
        }
        assert!(dispatcher.lookup("t10000-abc").is_none());
        assert!(dispatcher.lookup("t1").is_none());
    }

    #[test]
    fn many_patterns_sharing_a_prefix() {
        // Same literal prefix, distinct literal suffixes: found through the
        // second trie. (Two patterns with placeholders that share both
        // always overlap.)
        let mut builder = Dispatcher::builder();
        for i in 0..1_000 {
            builder.insert(p(&format!("room-<id>-v{i}")), i).unwrap();
        }
        builder.insert(p("room-<id>-x-<n>-end"), 1_000).unwrap();
        builder.insert(p("room-<id>-y-<n>-end"), 1_001).unwrap_err();
        builder.insert(p("room-<id>"), 1_001).unwrap_err();
        builder.insert(p("room-"), 1_001).unwrap();
        builder.insert(p("room-<id>room-"), 1_002).unwrap();
        let dispatcher = builder.build();
        for i in [0, 1, 10, 999] {
            let room = format!("room-a-v{i}");
            let found = dispatcher.lookup(&room).unwrap();
            assert_eq!((*found.value, found.get("id")), (i, Some("a")));
        }
        let found = dispatcher.lookup("room-a-v1-v10").unwrap();
        assert_eq!((*found.value, found.get("id")), (10, Some("a-v1")));
        let found = dispatcher.lookup("room-a-x-2-end").unwrap();
        assert_eq!((*found.value, found.get("n")), (1_000, Some("2")));
        assert_eq!(dispatcher.lookup("room-").map(|m| *m.value), Some(1_001));
        assert_eq!(dispatcher.lookup("room-room-").map(|m| *m.value), None);
        assert_eq!(
            dispatcher.lookup("room-aroom-").map(|m| *m.value),
            Some(1_002)
        );
        assert!(dispatcher.lookup("room-a-v1000").is_none());
        assert!(dispatcher.lookup("room--v1").is_none());
        assert!(dispatcher.lookup("room-v1").is_none());
        assert!(dispatcher.lookup("room-a-z-2-end").is_none());
    }

    #[test]
    fn empty_dispatcher() {
        let dispatcher: Dispatcher<()> = Dispatcher::builder().build();
        assert!(dispatcher.is_empty());
        assert!(dispatcher.lookup("anything").is_none());
        assert_eq!(format!("{dispatcher:?}"), "{}");
    }
}
