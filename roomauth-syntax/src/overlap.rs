//! Whether two patterns share a room name, decided exactly: under the
//! matching rule (a placeholder before a literal ends at that literal's
//! first occurrence) and with each placeholder's [`Shape`].

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use crate::{Part, Shape};

/// A pattern with the shapes of its placeholders, in placeholder order. A
/// placeholder without a shape (`shapes` too short) is [`Shape::Text`].
#[derive(Debug, Clone, Copy)]
pub struct Shaped<'p, 'a> {
    /// The pattern's parts, as [`parse`](crate::parse) gives them.
    pub parts: &'p [Part<'a>],
    /// The shape of each placeholder, in order.
    pub shapes: &'p [Shape],
}

impl<'p, 'a> Shaped<'p, 'a> {
    /// A pattern whose placeholders all take any text.
    pub fn text(parts: &'p [Part<'a>]) -> Self {
        Shaped { parts, shapes: &[] }
    }
}

/// Decides whether some room name matches both patterns, and if so gives a
/// shortest one.
///
/// Exact: the witness matches both patterns under the matching rule, with
/// every value in its placeholder's shape, and `None` proves that no room
/// name does. So `project-<id>` and `project-<id>-chat` overlap (on
/// `project-x-chat`) when `id` is any text, and not when it is an integer.
///
/// This is a breadth-first search over pairs of automaton states, one
/// automaton per pattern, over the characters the patterns and shapes name
/// plus one representative of each class of characters they treat alike.
/// Its time is polynomial in the patterns' lengths.
pub fn overlap(a: Shaped<'_, '_>, b: Shaped<'_, '_>) -> Option<String> {
    search(a, b, DENSE_PAIRS)
}

/// [`overlap`], keeping the pairs reached in a vector up to `dense_pairs`.
fn search(a: Shaped<'_, '_>, b: Shaped<'_, '_>, dense_pairs: usize) -> Option<String> {
    let a = Automaton::new(a);
    let b = Automaton::new(b);
    let alphabet = alphabet(&a, &b);
    let (a, b) = (Table::new(&a, &alphabet), Table::new(&b, &alphabet));
    // Pair (i, j) of state numbers is i * width + j; the start is (0, 0).
    let width = b.len();
    let mut visited = Visited::new(a.len() * width, dense_pairs);
    visited.insert(0, (usize::MAX, alphabet.len())); // no character: the start
    let mut queue = VecDeque::from([0usize]);
    while let Some(pair) = queue.pop_front() {
        let (i, j) = (pair / width, pair % width);
        if a.accepting[i] && b.accepting[j] {
            return Some(visited.path_to(pair, &alphabet));
        }
        for c in 0..alphabet.len() {
            let next_b = b.next(j, c);
            if next_b.is_empty() {
                continue;
            }
            for &next_i in a.next(i, c) {
                for &next_j in next_b {
                    let next = next_i as usize * width + next_j as usize;
                    if visited.insert(next, (pair, c)) {
                        queue.push_back(next);
                    }
                }
            }
        }
    }
    None
}

/// An automaton's reachable states, numbered from 0 (its start), with their
/// moves on each character of the alphabet: built once per pattern, so that
/// the search over pairs works on numbers and never runs `Automaton::step`
/// again (it did: a disjoint pair took 59 µs rather than 21).
struct Table {
    accepting: Vec<bool>,
    /// The targets of state `s` on character `c` are
    /// `targets[moves[s * alphabet + c]]`.
    moves: Vec<Range<u32>>,
    targets: Vec<u32>,
    alphabet: usize,
}

impl Table {
    fn new(automaton: &Automaton, alphabet: &[char]) -> Table {
        let start = automaton.enter(0);
        let mut states = vec![start];
        let mut numbers = HashMap::from([(start, 0u32)]);
        let (mut accepting, mut moves, mut targets) = (Vec::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(&state) = states.get(i) {
            accepting.push(automaton.accepts(state));
            for &c in alphabet {
                out.clear();
                automaton.step(state, c, &mut out);
                let first = targets.len() as u32;
                for &next in &out {
                    let number = *numbers.entry(next).or_insert_with(|| {
                        states.push(next);
                        states.len() as u32 - 1
                    });
                    targets.push(number);
                }
                moves.push(first..targets.len() as u32);
            }
            i += 1;
        }
        Table {
            accepting,
            moves,
            targets,
            alphabet: alphabet.len(),
        }
    }

    fn len(&self) -> usize {
        self.accepting.len()
    }

    fn next(&self, state: usize, c: usize) -> &[u32] {
        let range = self.moves[state * self.alphabet + c].clone();
        &self.targets[range.start as usize..range.end as usize]
    }
}

/// The pairs reached, each with the pair it was reached from and the
/// character read: a vector while the pairs fit in a few megabytes (every
/// realistic pattern), a map beyond.
enum Visited {
    Dense(Vec<(usize, usize)>),
    Sparse(HashMap<usize, (usize, usize)>),
}

/// The most pairs [`Visited`] keeps in a vector (16 bytes each).
const DENSE_PAIRS: usize = 1 << 18;

impl Visited {
    fn new(pairs: usize, dense_pairs: usize) -> Visited {
        match pairs <= dense_pairs {
            true => Visited::Dense(vec![(usize::MAX, usize::MAX); pairs]),
            false => Visited::Sparse(HashMap::new()),
        }
    }

    /// Records how `pair` was first reached; false if it was reached before.
    fn insert(&mut self, pair: usize, from: (usize, usize)) -> bool {
        match self {
            Visited::Dense(slots) => match slots.get_mut(pair) {
                Some(slot) if slot.1 == usize::MAX => {
                    *slot = from;
                    true
                }
                _ => false,
            },
            Visited::Sparse(map) => match map.entry(pair) {
                Entry::Vacant(slot) => {
                    slot.insert(from);
                    true
                }
                Entry::Occupied(_) => false,
            },
        }
    }

    fn get(&self, pair: usize) -> Option<(usize, usize)> {
        match self {
            Visited::Dense(slots) => slots.get(pair).copied(),
            Visited::Sparse(map) => map.get(&pair).copied(),
        }
    }

    /// The characters read from the start to `pair`.
    fn path_to(&self, mut pair: usize, alphabet: &[char]) -> String {
        let mut chars = Vec::new();
        while let Some((from, c)) = self.get(pair) {
            let Some(&c) = alphabet.get(c) else { break }; // the start
            chars.push(c);
            pair = from;
        }
        chars.iter().rev().collect()
    }
}

/// One step of a pattern's automaton.
enum Element {
    /// Literal text, read character by character.
    Literal(Vec<char>),
    /// A placeholder. `until` is the literal after it when that literal is
    /// not the final one: the value then ends at the literal's first
    /// occurrence, and the placeholder reads that literal too.
    Placeholder { shape: Shape, until: Option<Until> },
}

/// The literal that ends a placeholder's value, with its KMP failure table:
/// reading the value's text after its first character, the automaton tracks
/// how much of the literal it has just seen, since the literal may not occur
/// before the place where the value is taken to end.
struct Until {
    literal: Vec<char>,
    failure: Vec<usize>,
}

impl Until {
    fn new(literal: Vec<char>) -> Self {
        let mut failure = vec![0; literal.len()];
        let mut k = 0;
        for i in 1..literal.len() {
            while k > 0 && literal[i] != literal[k] {
                k = failure[k - 1];
            }
            if literal[i] == literal[k] {
                k += 1;
            }
            failure[i] = k;
        }
        Until { literal, failure }
    }

    /// How much of the literal ends the text after `matched` characters of
    /// it, then `c`.
    fn advance(&self, mut matched: usize, c: char) -> usize {
        if matched == self.literal.len() {
            matched = self.failure[matched - 1];
        }
        while matched > 0 && self.literal[matched] != c {
            matched = self.failure[matched - 1];
        }
        if self.literal[matched] == c {
            matched + 1
        } else {
            0
        }
    }

    fn is_complete(&self, matched: usize) -> bool {
        matched == self.literal.len()
    }
}

/// Where an automaton is, in element `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum State {
    /// `read` characters of a literal read.
    Literal { at: usize, read: usize },
    /// Before a placeholder's first character.
    Start { at: usize },
    /// Inside a value: the shape's state, and how much of the literal that
    /// ends it was just seen.
    Value { at: usize, shape: u32, seen: usize },
    /// Reading the literal that ends a value: `read` characters of it, and
    /// how much of it was just seen counting the value's text (reaching all
    /// of it before the end would mean an earlier occurrence).
    Until { at: usize, read: usize, seen: usize },
    /// Every element read.
    End,
}

struct Automaton {
    elements: Vec<Element>,
}

impl Automaton {
    fn new(pattern: Shaped<'_, '_>) -> Self {
        let parts = pattern.parts;
        let mut elements = Vec::new();
        let mut placeholder = 0;
        let mut i = 0;
        while let Some(part) = parts.get(i) {
            i += 1;
            match part {
                Part::Literal("") => {}
                Part::Literal(text) => elements.push(Element::Literal(text.chars().collect())),
                Part::Placeholder(_) => {
                    let shape = pattern
                        .shapes
                        .get(placeholder)
                        .map_or(Shape::Text, Shape::walked);
                    placeholder += 1;
                    // A literal followed by more parts is not the final one.
                    let until = match parts.get(i) {
                        Some(Part::Literal(text)) if i + 1 < parts.len() && !text.is_empty() => {
                            i += 1;
                            Some(Until::new(text.chars().collect()))
                        }
                        _ => None,
                    };
                    elements.push(Element::Placeholder { shape, until });
                }
            }
        }
        Automaton { elements }
    }

    /// The state at the start of element `at`.
    fn enter(&self, at: usize) -> State {
        match self.elements.get(at) {
            None => State::End,
            Some(Element::Literal(_)) => State::Literal { at, read: 0 },
            Some(Element::Placeholder { .. }) => State::Start { at },
        }
    }

    fn accepts(&self, state: State) -> bool {
        match state {
            State::End => true,
            // A last placeholder's value may end the room.
            State::Value { at, shape, .. } => {
                at + 1 == self.elements.len()
                    && matches!(&self.elements[at], Element::Placeholder { shape: s, .. } if s.accepts(shape))
            }
            _ => false,
        }
    }

    /// The states reached from `state` on `c`, added to `out`.
    fn step(&self, state: State, c: char, out: &mut Vec<State>) {
        match state {
            State::End => {}
            State::Literal { at, read } => {
                if let Some(Element::Literal(text)) = self.elements.get(at)
                    && text.get(read) == Some(&c)
                {
                    out.push(match read + 1 == text.len() {
                        true => self.enter(at + 1),
                        false => State::Literal { at, read: read + 1 },
                    });
                }
            }
            State::Start { at } => {
                let Some(Element::Placeholder { shape, .. }) = self.elements.get(at) else {
                    return;
                };
                // The first character is not searched for the literal.
                shape.step(Shape::START, c, &mut |shape| {
                    out.push(State::Value { at, shape, seen: 0 })
                });
            }
            State::Value {
                at,
                shape: inside,
                seen,
            } => {
                let Some(Element::Placeholder { shape, until }) = self.elements.get(at) else {
                    return;
                };
                match until {
                    // The value goes on, unless `c` completes the literal
                    // (which would have ended the value).
                    Some(until) => {
                        let seen_next = until.advance(seen, c);
                        if !until.is_complete(seen_next) {
                            shape.step(inside, c, &mut |shape| {
                                out.push(State::Value {
                                    at,
                                    shape,
                                    seen: seen_next,
                                })
                            });
                        }
                        // Or the value ends here and `c` starts the literal.
                        if shape.accepts(inside) {
                            self.read_until(at, until, 0, seen, c, out);
                        }
                    }
                    None => {
                        shape.step(inside, c, &mut |shape| {
                            out.push(State::Value { at, shape, seen })
                        });
                        // Or the value ends here and `c` starts what follows.
                        if shape.accepts(inside) {
                            self.step(self.enter(at + 1), c, out);
                        }
                    }
                }
            }
            State::Until { at, read, seen } => {
                if let Some(Element::Placeholder {
                    until: Some(until), ..
                }) = self.elements.get(at)
                {
                    self.read_until(at, until, read, seen, c, out);
                }
            }
        }
    }

    /// Reads `c` as character `read` of the literal that ends placeholder
    /// `at`: the literal may be complete only at its last character.
    fn read_until(
        &self,
        at: usize,
        until: &Until,
        read: usize,
        seen: usize,
        c: char,
        out: &mut Vec<State>,
    ) {
        if until.literal.get(read) != Some(&c) {
            return;
        }
        let seen = until.advance(seen, c);
        let last = read + 1 == until.literal.len();
        match (last, until.is_complete(seen)) {
            (true, true) => out.push(self.enter(at + 1)),
            (false, false) => out.push(State::Until {
                at,
                read: read + 1,
                seen,
            }),
            // An earlier occurrence, or (impossible) none at the end.
            _ => {}
        }
    }

    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.elements.iter().flat_map(|element| match element {
            Element::Literal(text) => text.clone(),
            Element::Placeholder { shape, until } => {
                let mut chars = shape.special_chars();
                chars.extend(until.iter().flat_map(|until| until.literal.iter().copied()));
                chars
            }
        })
    }
}

/// The characters the automata name, then one of each class they treat
/// alike that none names: a digit, a lowercase hex letter, anything else.
/// (Text reads like `project-x-settings`: the class representatives come first.)
fn alphabet(a: &Automaton, b: &Automaton) -> Vec<char> {
    let mut named: Vec<char> = a.chars().chain(b.chars()).collect();
    named.sort_unstable();
    named.dedup();
    let unnamed = |mut candidates: Box<dyn Iterator<Item = char>>| {
        candidates.find(|c| named.binary_search(c).is_err())
    };
    let other = unnamed(Box::new(
        "xyzghijklmnopqrstuvw"
            .chars()
            .chain((0xC0u32..).filter_map(char::from_u32)),
    ));
    let hex_letter = unnamed(Box::new('a'..='f'));
    let digit = unnamed(Box::new('0'..='9'));
    other
        .into_iter()
        .chain(digit)
        .chain(hex_letter)
        .chain(named)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn overlap_of(a: &str, b: &str) -> Option<String> {
        typed(a, &[], b, &[])
    }

    fn typed(a: &str, sa: &[Shape], b: &str, sb: &[Shape]) -> Option<String> {
        let (pa, pb) = (parse(a).unwrap(), parse(b).unwrap());
        let found = overlap(
            Shaped {
                parts: &pa,
                shapes: sa,
            },
            Shaped {
                parts: &pb,
                shapes: sb,
            },
        );
        // Symmetric in whether it finds one.
        let reverse = overlap(
            Shaped {
                parts: &pb,
                shapes: sb,
            },
            Shaped {
                parts: &pa,
                shapes: sa,
            },
        );
        assert_eq!(found.is_some(), reverse.is_some(), "{a} / {b}");
        found
    }

    #[test]
    fn overlapping_patterns() {
        assert_eq!(
            overlap_of("project-<id>", "project-<id>-settings").as_deref(),
            Some("project-x-settings")
        );
        assert_eq!(overlap_of("<a>-x", "y-<b>").as_deref(), Some("y-x"));
        assert_eq!(overlap_of("lobby", "lobby").as_deref(), Some("lobby"));
        assert_eq!(overlap_of("<a>", "lobby").as_deref(), Some("lobby"));
        assert_eq!(
            overlap_of("org-<org>-project-<id>", "org-<org>").as_deref(),
            Some("org-x-project-x")
        );
        assert_eq!(overlap_of("<x>-a-<y>", "<x>-b").as_deref(), Some("x-a-b"));
        // The unnamed character avoids every literal character.
        assert_eq!(overlap_of("x<a>y", "x<b>y").as_deref(), Some("xzy"));
        assert_eq!(overlap_of("x<a>", "<b>y").as_deref(), Some("xy"));
        assert_eq!(
            overlap_of("x-<a>.txt", "x-<a>-<b>.txt").as_deref(),
            Some("x-y-y.txt")
        );
    }

    #[test]
    fn disjoint_patterns() {
        assert_eq!(overlap_of("project-<id>", "doc-<id>"), None);
        assert_eq!(overlap_of("a-<x>", "b-<x>"), None);
        assert_eq!(overlap_of("<a>-x", "<a>-y"), None);
        assert_eq!(overlap_of("lobby", "lobby2"), None);
        assert_eq!(overlap_of("a<x>", "a"), None);
    }

    /// The matching rule, not only the literals, decides: in `<a>-<b>-c`,
    /// `<a>` ends at the first `-`, so it never holds one.
    #[test]
    fn the_first_occurrence_decides() {
        // `a-b-c` matches `<x>-c` (x = `a-b`) and `<a>-<b>-c` (a, b).
        assert_eq!(overlap_of("<x>-c", "<a>-<b>-c").as_deref(), Some("x-x-c"));
        assert_eq!(
            overlap_of("p-<a>-<b>!", "p-q-<c>!").as_deref(),
            Some("p-q-x!")
        );
        // In `<a>-<b>`, `<a>` ends at the first `-`: on `x-y-1` it is `x`
        // and `<b>` is `y-1`, no integer, so no room of `x-y-<c>` matches,
        // although `x-y` then `-` then `1` spells one. A check that took
        // each placeholder as "any text" between the literals would refuse.
        let u = Shape::Unsigned;
        assert_eq!(typed("<a>-<b>", &[Shape::Text, u], "x-y-<c>", &[u]), None);
        assert_eq!(
            typed("<a>-<b>", &[Shape::Text, Shape::Text], "x-y-<c>", &[u]).as_deref(),
            Some("x-y-1")
        );
        // A literal may not occur across the end of the value either: in
        // `<a>aba<b>`, `<a>` = `xab` is impossible (`aba` occurs at `ab|a`).
        assert_eq!(
            typed("<a>aba<b>", &[Shape::Text, u], "xababa<c>", &[u]),
            None
        );
    }

    /// Big automata keep their pairs in a map: same answers.
    #[test]
    fn the_map_finds_what_the_vector_finds() {
        for (a, b) in [
            ("project-<id>", "project-<id>-settings"),
            ("org-<org>-project-<id>", "org-<org>-doc-<id>"),
            ("<x>-c", "<a>-<b>-c"),
        ] {
            let (pa, pb) = (parse(a).unwrap(), parse(b).unwrap());
            let (sa, sb) = (Shaped::text(&pa), Shaped::text(&pb));
            assert_eq!(search(sa, sb, 0), search(sa, sb, usize::MAX), "{a} / {b}");
        }
    }

    #[test]
    fn integers_keep_suffixed_names_apart() {
        let u = [Shape::Unsigned];
        assert_eq!(typed("project-<id>", &u, "project-<id>-chat", &u), None);
        assert_eq!(
            typed("project-<id>", &[Shape::Text], "project-<id>-chat", &u).as_deref(),
            Some("project-1-chat")
        );
        assert_eq!(
            typed("project-<id>", &u, "project-<id>-chat", &[Shape::Text]),
            None
        );
        // Signed integers start with `-`, which `-<id>` does not hide.
        let s = [Shape::Signed];
        assert_eq!(typed("a-<id>", &s, "a--<n>", &[]).as_deref(), Some("a--1"));
        assert_eq!(typed("a-<id>", &u, "a--<n>", &[]), None);
        // Two integers, one per rule, meet on the digits.
        assert_eq!(typed("v<n>", &u, "v<m>", &s).as_deref(), Some("v1"));
    }

    #[test]
    fn uuids_and_fixed_texts() {
        let uuid = [Shape::Uuid];
        assert_eq!(typed("doc-<id>", &uuid, "doc-<id>-history", &uuid), None);
        let found = typed("doc-<id>", &uuid, "doc-<name>", &[]).unwrap();
        assert!(
            Shape::Uuid.fits(found.strip_prefix("doc-").unwrap()),
            "{found}"
        );
        let roles = [Shape::OneOf(&["admin", "member"])];
        assert_eq!(
            typed("team-<role>", &roles, "team-<id>", &[Shape::Unsigned]),
            None
        );
        assert_eq!(
            typed("team-<role>", &roles, "team-a<x>", &[]).as_deref(),
            Some("team-admin")
        );
        assert_eq!(
            typed("team-<role>", &roles, "team-me<x>", &[]).as_deref(),
            Some("team-member")
        );
    }
}
