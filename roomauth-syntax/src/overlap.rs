//! Whether two patterns share a room name, decided exactly: under the
//! matching rule (a placeholder before a literal ends at that literal's
//! first occurrence) and with each placeholder's [`Shape`].

use std::collections::{HashMap, VecDeque};

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
    let a = Automaton::new(a);
    let b = Automaton::new(b);
    let alphabet = alphabet(&a, &b);
    let start = (a.enter(0), b.enter(0));
    // For each pair reached: the pair it was reached from and the character read.
    let mut previous: HashMap<Pair, Option<(Pair, char)>> = HashMap::new();
    previous.insert(start, None);
    let mut queue = VecDeque::from([start]);
    let (mut next_a, mut next_b) = (Vec::new(), Vec::new());
    while let Some(pair) = queue.pop_front() {
        if a.accepts(pair.0) && b.accepts(pair.1) {
            return Some(witness(&previous, pair));
        }
        for &c in &alphabet {
            next_a.clear();
            a.step(pair.0, c, &mut next_a);
            if next_a.is_empty() {
                continue;
            }
            next_b.clear();
            b.step(pair.1, c, &mut next_b);
            for &sa in &next_a {
                for &sb in &next_b {
                    previous.entry((sa, sb)).or_insert_with(|| {
                        queue.push_back((sa, sb));
                        Some((pair, c))
                    });
                }
            }
        }
    }
    None
}

fn witness(previous: &HashMap<Pair, Option<(Pair, char)>>, end: Pair) -> String {
    let mut chars = Vec::new();
    let mut pair = end;
    while let Some(&Some((from, c))) = previous.get(&pair) {
        chars.push(c);
        pair = from;
    }
    chars.iter().rev().collect()
}

/// One state of each automaton.
type Pair = (State, State);

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
                        .copied()
                        .unwrap_or(Shape::Text);
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
        let mut shapes = Vec::new();
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
                shape.step(Shape::START, c, &mut shapes);
                out.extend(
                    shapes
                        .into_iter()
                        .map(|shape| State::Value { at, shape, seen: 0 }),
                );
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
                            shape.step(inside, c, &mut shapes);
                            out.extend(shapes.iter().map(|&shape| State::Value {
                                at,
                                shape,
                                seen: seen_next,
                            }));
                        }
                        // Or the value ends here and `c` starts the literal.
                        if shape.accepts(inside) {
                            self.read_until(at, until, 0, seen, c, out);
                        }
                    }
                    None => {
                        shape.step(inside, c, &mut shapes);
                        out.extend(shapes.iter().map(|&shape| State::Value { at, shape, seen }));
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
