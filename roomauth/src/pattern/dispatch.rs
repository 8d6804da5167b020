//! An index of many patterns that finds the one a room name matches.

use std::fmt;

use super::{Captures, Pattern};

/// Many patterns, each with a value, indexed so that finding the pattern a
/// room name matches neither tries every pattern nor allocates.
///
/// The patterns are kept in a byte trie keyed by their
/// [literal prefixes](Pattern::literal_prefix). A lookup walks the trie along
/// the room name and tries only the patterns stored at the nodes it passes:
/// the patterns whose literal prefix is a prefix of the room name. (Patterns
/// that share the same literal prefix are tried in turn.)
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
    nodes: Vec<Node>,
}

/// Builds a [`Dispatcher`], refusing overlapping patterns.
#[derive(Clone)]
pub struct DispatcherBuilder<T> {
    inner: Dispatcher<T>,
}

/// A trie node: the patterns whose literal prefix ends here, and the children
/// sorted by byte.
#[derive(Debug, Clone, Default)]
struct Node {
    patterns: Vec<usize>,
    children: Vec<(u8, usize)>,
}

impl Node {
    fn child(&self, byte: u8) -> Option<usize> {
        self.children
            .binary_search_by_key(&byte, |&(b, _)| b)
            .ok()
            .and_then(|at| self.children.get(at))
            .map(|&(_, node)| node)
    }
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "room pattern `{new}` overlaps room pattern `{existing}`: the room name {witness:?} could \
     match both; change the literal text of one of them (a distinct prefix or suffix, say) so \
     that every room name matches at most one pattern"
)]
pub struct OverlapError {
    /// The source text of the pattern already present.
    pub existing: String,
    /// The position of `existing` in insertion order.
    pub existing_index: usize,
    /// The source text of the pattern that was refused.
    pub new: String,
    /// A room name that could match both.
    pub witness: String,
}

impl<T> Dispatcher<T> {
    /// Starts building a dispatcher.
    pub fn builder() -> DispatcherBuilder<T> {
        DispatcherBuilder {
            inner: Dispatcher {
                entries: Vec::new(),
                nodes: vec![Node::default()],
            },
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
        let mut node = self.nodes.first()?;
        let mut bytes = room.bytes();
        loop {
            for &index in &node.patterns {
                if let Some((pattern, value)) = self.entries.get(index)
                    && let Some(captures) = pattern.matches(room)
                {
                    return Some(Match {
                        value,
                        index,
                        pattern,
                        captures,
                    });
                }
            }
            let next = node.child(bytes.next()?)?;
            node = self.nodes.get(next)?;
        }
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pattern and value at position `index` in insertion order.
    pub fn get(&self, index: usize) -> Option<(&Pattern, &T)> {
        self.entries
            .get(index)
            .map(|(pattern, value)| (pattern, value))
    }

    /// The patterns and their values, in insertion order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// The indexes of the patterns whose literal prefix is compatible with
    /// `prefix` (one is a prefix of the other), in insertion order; and the
    /// deepest existing node on `prefix`'s path with how many bytes it spells.
    fn compatible(&self, prefix: &[u8]) -> (Vec<usize>, usize, usize) {
        let mut found = Vec::new();
        let mut node = 0;
        let mut depth = 0;
        while let Some(current) = self.nodes.get(node) {
            if depth == prefix.len() {
                // Every pattern below this node has `prefix` as a prefix.
                let mut stack = vec![node];
                while let Some(below) = stack.pop() {
                    if let Some(below) = self.nodes.get(below) {
                        found.extend_from_slice(&below.patterns);
                        stack.extend(below.children.iter().map(|&(_, child)| child));
                    }
                }
                break;
            }
            found.extend_from_slice(&current.patterns);
            let child = prefix.get(depth).and_then(|&byte| current.child(byte));
            match child {
                Some(child) => {
                    node = child;
                    depth += 1;
                }
                None => break,
            }
        }
        found.sort_unstable();
        (found, node, depth)
    }
}

impl<T> DispatcherBuilder<T> {
    /// Adds a pattern with its value.
    ///
    /// Only the patterns whose literal prefixes are compatible with this
    /// one's are checked for overlap (the others cannot overlap), so building
    /// from many patterns with distinct prefixes is fast.
    ///
    /// # Errors
    ///
    /// Refuses a pattern that overlaps one already added, naming both and a
    /// room name that could match both; the builder is left unchanged.
    pub fn insert(&mut self, pattern: Pattern, value: T) -> Result<(), OverlapError> {
        let dispatcher = &mut self.inner;
        let prefix = pattern.literal_prefix().as_bytes().to_vec();
        let (candidates, mut node, depth) = dispatcher.compatible(&prefix);
        for existing_index in candidates {
            let Some((existing, _)) = dispatcher.entries.get(existing_index) else {
                continue;
            };
            if let Some(witness) = existing.overlaps(&pattern) {
                return Err(OverlapError {
                    existing: existing.as_str().to_owned(),
                    existing_index,
                    new: pattern.as_str().to_owned(),
                    witness,
                });
            }
        }
        for &byte in prefix.get(depth..).unwrap_or_default() {
            let child = dispatcher.nodes.len();
            dispatcher.nodes.push(Node::default());
            if let Some(parent) = dispatcher.nodes.get_mut(node) {
                let at = parent
                    .children
                    .binary_search_by_key(&byte, |&(b, _)| b)
                    .unwrap_or_else(|at| at);
                parent.children.insert(at, (byte, child));
            }
            node = child;
        }
        let index = dispatcher.entries.len();
        if let Some(node) = dispatcher.nodes.get_mut(node) {
            node.patterns.push(index);
        }
        dispatcher.entries.push((pattern, value));
        Ok(())
    }

    /// Adds a pattern with its value, for chaining.
    ///
    /// # Errors
    ///
    /// As [`DispatcherBuilder::insert`].
    pub fn with(mut self, pattern: Pattern, value: T) -> Result<Self, OverlapError> {
        self.insert(pattern, value)?;
        Ok(self)
    }

    /// The number of patterns added so far.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether no pattern was added yet.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Finishes building.
    pub fn build(self) -> Dispatcher<T> {
        self.inner
    }
}

impl<T> Default for DispatcherBuilder<T> {
    fn default() -> Self {
        Dispatcher::builder()
    }
}

impl<T> Default for Dispatcher<T> {
    fn default() -> Self {
        Dispatcher::builder().build()
    }
}

impl<T: fmt::Debug> fmt::Debug for Dispatcher<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for DispatcherBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DispatcherBuilder")
            .field(&self.inner)
            .finish()
    }
}

impl<'d, T> IntoIterator for &'d Dispatcher<T> {
    type Item = (&'d Pattern, &'d T);
    type IntoIter = Iter<'d, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The patterns of a [`Dispatcher`] and their values, in insertion order.
#[derive(Debug, Clone)]
pub struct Iter<'d, T> {
    inner: std::slice::Iter<'d, (Pattern, T)>,
}

impl<'d, T> Iterator for Iter<'d, T> {
    type Item = (&'d Pattern, &'d T);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(pattern, value)| (pattern, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner
            .next_back()
            .map(|(pattern, value)| (pattern, value))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(dispatcher.get(2).map(|(p, _)| p.as_str()), Some("lobby"));
        assert_eq!((&dispatcher).into_iter().len(), 5);
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
             name \"project-x-settings\" could match both; change the literal text of one of \
             them (a distinct prefix or suffix, say) so that every room name matches at most one \
             pattern"
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
    fn empty_dispatcher() {
        let dispatcher: Dispatcher<()> = Dispatcher::default();
        assert!(dispatcher.is_empty());
        assert!(dispatcher.lookup("anything").is_none());
        assert_eq!(format!("{dispatcher:?}"), "{}");
    }
}
