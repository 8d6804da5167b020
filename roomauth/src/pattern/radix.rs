//! A compressed (radix) trie over byte strings, read from the front (keys
//! that are prefixes of a text) or from the back (keys that are suffixes).
//!
//! [`Dispatcher`](super::Dispatcher) keeps its patterns in one forward trie
//! keyed by their literal prefixes, and at each of its nodes a backward trie
//! keyed by their literal suffixes.

/// Which end of the text the keys are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Keys are prefixes of the text.
    Forward,
    /// Keys are suffixes of the text.
    Backward,
}

/// Keys mapped to values; every node on a key's path holds a value (`make`
/// of no items for nodes that end no key). An empty trie has no node.
#[derive(Debug, Clone)]
pub(super) struct Radix<V> {
    direction: Direction,
    nodes: Vec<Node<V>>,
}

#[derive(Debug, Clone)]
struct Node<V> {
    /// The bytes between the parent and this node, in text order.
    label: Box<[u8]>,
    value: V,
    /// The byte each child's label starts with in reading order (its first
    /// byte forward, its last backward), sorted, and the children in the same
    /// order.
    edges: Box<[u8]>,
    children: Box<[usize]>,
}

impl<V> Radix<V> {
    /// Builds the trie from `(key, item)` pairs: the value of a key's node
    /// is `make` of all the items given with that key, in the order given.
    pub(super) fn build<I>(
        direction: Direction,
        pairs: impl IntoIterator<Item = (Vec<u8>, I)>,
        mut make: impl FnMut(Vec<I>) -> V,
    ) -> Radix<V> {
        // Keys in reading order, sorted: the keys below a node are then a
        // contiguous run, and a node's own key comes first in its run.
        let mut pairs: Vec<(Vec<u8>, I)> = pairs
            .into_iter()
            .map(|(mut key, item)| {
                if direction == Direction::Backward {
                    key.reverse();
                }
                (key, item)
            })
            .collect();
        pairs.sort_by(|(a, _), (b, _)| a.cmp(b));
        let (keys, items): (Vec<Vec<u8>>, Vec<I>) = pairs.into_iter().unzip();
        let mut items: Vec<Option<I>> = items.into_iter().map(Some).collect();

        let mut nodes: Vec<Node<V>> = Vec::new();
        if keys.is_empty() {
            // No root either: a lookup ends at once.
            return Radix { direction, nodes };
        }
        // (node, the run of keys below it, the depth it spells)
        let mut pending = vec![(0, 0..keys.len(), 0)];
        nodes.push(Node {
            label: Box::default(),
            value: make(Vec::new()),
            edges: Box::default(),
            children: Box::default(),
        });
        while let Some((at, run, depth)) = pending.pop() {
            let mut start = run.start;
            let mut own = Vec::new();
            while start < run.end && keys.get(start).is_some_and(|key| key.len() == depth) {
                own.extend(items.get_mut(start).and_then(Option::take));
                start += 1;
            }
            let mut edges = Vec::new();
            let mut children = Vec::new();
            while start < run.end {
                let byte = keys.get(start).and_then(|key| key.get(depth)).copied();
                let end = (start..run.end)
                    .find(|&i| keys.get(i).and_then(|key| key.get(depth)).copied() != byte)
                    .unwrap_or(run.end);
                let (Some(first), Some(last)) = (keys.get(start), keys.get(end - 1)) else {
                    break;
                };
                // Sorted keys: the run's common prefix is that of its ends.
                let common = first.iter().zip(last).take_while(|(a, b)| a == b).count();
                let mut label: Box<[u8]> = first.get(depth..common).unwrap_or_default().into();
                if direction == Direction::Backward {
                    label.reverse();
                }
                edges.extend(byte);
                children.push(nodes.len());
                pending.push((nodes.len(), start..end, common));
                nodes.push(Node {
                    label,
                    value: make(Vec::new()),
                    edges: Box::default(),
                    children: Box::default(),
                });
                start = end;
            }
            if let Some(node) = nodes.get_mut(at) {
                node.value = make(own);
                node.edges = edges.into();
                node.children = children.into();
            }
        }
        Radix { direction, nodes }
    }

    /// Calls `f` with the value of every node whose key is a prefix (a
    /// suffix, backward) of `text`, shortest key first, until `f` gives an
    /// answer.
    pub(super) fn find_map<R>(&self, text: &[u8], mut f: impl FnMut(&V) -> Option<R>) -> Option<R> {
        let mut node = self.nodes.first()?;
        let mut rest = text;
        loop {
            if let Some(found) = f(&node.value) {
                return Some(found);
            }
            let byte = match self.direction {
                Direction::Forward => rest.first(),
                Direction::Backward => rest.last(),
            }?;
            // Few children in practice: a scan of the sorted bytes beats a
            // binary search.
            let at = match node.edges.len() {
                0..=16 => node.edges.iter().position(|edge| edge >= byte)?,
                _ => node.edges.partition_point(|edge| edge < byte),
            };
            if node.edges.get(at) != Some(byte) {
                return None;
            }
            node = self.nodes.get(*node.children.get(at)?)?;
            // A one-byte label is the byte just compared.
            rest = match (self.direction, node.label.len()) {
                (Direction::Forward, 1) => rest.get(1..)?,
                (Direction::Backward, 1) => rest.get(..rest.len() - 1)?,
                (Direction::Forward, _) => rest.strip_prefix(&*node.label)?,
                (Direction::Backward, _) => rest.strip_suffix(&*node.label)?,
            };
        }
    }

    /// The number of nodes.
    #[cfg(test)]
    fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(direction: Direction, keys: &[&str]) -> Radix<Vec<usize>> {
        Radix::build(
            direction,
            keys.iter()
                .enumerate()
                .map(|(i, key)| (key.as_bytes().to_vec(), i)),
            |items| items,
        )
    }

    fn all(trie: &Radix<Vec<usize>>, text: &str) -> Vec<usize> {
        let mut found = Vec::new();
        trie.find_map(text.as_bytes(), |items| {
            found.extend_from_slice(items);
            None::<()>
        });
        found
    }

    #[test]
    fn forward_finds_every_prefix_shortest_first() {
        let keys = ["project-", "proj", "", "doc-", "project-", "project-x", "q"];
        let trie = trie(Direction::Forward, &keys);
        assert_eq!(all(&trie, "project-xyz"), [2, 1, 0, 4, 5]);
        assert_eq!(all(&trie, "project"), [2, 1]);
        assert_eq!(all(&trie, "doc-1"), [2, 3]);
        assert_eq!(all(&trie, "do"), [2]);
        assert_eq!(all(&trie, ""), [2]);
        assert_eq!(all(&trie, "q"), [2, 6]);
        // root, "doc-", "proj", "project-", "project-x", "q": compressed.
        assert_eq!(trie.node_count(), 6);
    }

    #[test]
    fn backward_finds_every_suffix_shortest_first() {
        let keys = ["-v1", "-v10", ".md", "", "0", "é"];
        let trie = trie(Direction::Backward, &keys);
        assert_eq!(all(&trie, "room-a-v10"), [3, 4, 1]);
        assert_eq!(all(&trie, "room-a-v1"), [3, 0]);
        assert_eq!(all(&trie, "notes.md"), [3, 2]);
        assert_eq!(all(&trie, "café"), [3, 5]);
        assert_eq!(all(&trie, "v1"), [3]);
    }

    #[test]
    fn stops_at_the_first_answer() {
        let trie = trie(Direction::Forward, &["a", "ab", "abc"]);
        let mut seen = 0;
        let found = trie.find_map(b"abcd", |items| {
            seen += 1;
            items.contains(&1).then_some("ab")
        });
        assert_eq!((found, seen), (Some("ab"), 3));
    }

    #[test]
    fn empty_trie() {
        let trie = trie(Direction::Forward, &[]);
        assert_eq!(all(&trie, "x"), Vec::<usize>::new());
    }
}
