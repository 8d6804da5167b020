//! The overlap check: whether some room name matches two patterns.

use roomauth_syntax::{self as syntax, Part};

use super::{Pattern, Segment};

impl Pattern {
    /// Whether some room name matches both patterns; if so, gives a
    /// shortest one.
    ///
    /// Exact, shapes included: the name returned matches both, and `None`
    /// proves that none does. See [`syntax::overlap`]. (Two bounds it does
    /// not model: a room longer than [`MAX_ROOM_LEN`](super::MAX_ROOM_LEN) matches no pattern,
    /// and neither does one of a pattern built by [`Pattern::from_static`]
    /// from inconsistent parts; for those it may name a room that matches
    /// neither.)
    pub fn overlaps(&self, other: &Pattern) -> Option<String> {
        let a: Vec<Part<'_>> = self.segments.iter().map(Segment::as_part).collect();
        let b: Vec<Part<'_>> = other.segments.iter().map(Segment::as_part).collect();
        syntax::overlap(
            syntax::Shaped {
                parts: &a,
                shapes: &self.shapes,
            },
            syntax::Shaped {
                parts: &b,
                shapes: &other.shapes,
            },
        )
    }
}

impl Segment {
    fn as_part(&self) -> Part<'_> {
        match self {
            Segment::Literal(text) => Part::Literal(text),
            Segment::Placeholder(name) => Part::Placeholder(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Shape;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
    }

    /// The overlap check against brute force: every room up to five
    /// characters over the patterns' alphabet is matched against both.
    mod overlap_is_exact {
        use super::*;
        use proptest::prelude::*;

        const ROOM_CHARS: [char; 6] = ['a', 'b', '-', '0', '1', 'x'];

        fn shape() -> impl Strategy<Value = Shape> {
            prop_oneof![
                Just(Shape::Text),
                Just(Shape::Unsigned),
                Just(Shape::Signed),
                Just(Shape::OneOf(&["a", "ab", "b-"])),
            ]
        }

        /// Literals of `a`, `b` and `-`, with up to three placeholders.
        fn pattern() -> impl Strategy<Value = Pattern> {
            let literal = "[ab-]{1,2}";
            (
                prop::option::of(literal),
                prop::collection::vec((shape(), literal), 0..3),
                prop::option::of(shape()),
            )
                .prop_map(|(lead, middle, last)| {
                    let mut src = lead.unwrap_or_default();
                    let mut shapes = Vec::new();
                    for (i, (shape, literal)) in middle.into_iter().enumerate() {
                        src.push_str(&format!("<p{i}>{literal}"));
                        shapes.push(shape);
                    }
                    if let Some(shape) = last {
                        src.push_str(&format!("<p{}>", shapes.len()));
                        shapes.push(shape);
                    }
                    if src.is_empty() {
                        src.push('a');
                    }
                    let pattern = Pattern::parse(&src).unwrap();
                    (0..shapes.len()).fold(pattern, |pattern, i| {
                        pattern.with_shape(&format!("p{i}"), shapes[i]).unwrap()
                    })
                })
        }

        fn rooms(len: usize) -> Vec<String> {
            let mut rooms = vec![String::new()];
            for _ in 0..len {
                rooms = rooms
                    .into_iter()
                    .flat_map(|room| ROOM_CHARS.map(|c| format!("{room}{c}")))
                    .collect();
            }
            rooms
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            #[test]
            fn agrees_with_brute_force(a in pattern(), b in pattern()) {
                let found = a.overlaps(&b);
                if let Some(room) = &found {
                    prop_assert!(a.is_match(room) && b.is_match(room), "{a:?} {b:?} {room:?}");
                }
                let brute = (1..=5).flat_map(rooms).find(|room| a.is_match(room) && b.is_match(room));
                if let Some(room) = brute {
                    prop_assert!(found.is_some(), "{a:?} and {b:?} both match {room:?}");
                }
            }
        }
    }

    #[test]
    fn overlaps() {
        assert_eq!(
            p("project-<id>")
                .overlaps(&p("project-<id>-settings"))
                .as_deref(),
            Some("project-x-settings")
        );
        assert_eq!(p("<a>-x").overlaps(&p("y-<b>")).as_deref(), Some("y-x"));
        assert_eq!(p("project-<id>").overlaps(&p("doc-<id>")), None);
        assert_eq!(p("a-<x>").overlaps(&p("b-<x>")), None);
    }
}
