//! Matching one room name against one pattern: the
//! [matching rule](super#the-matching-rule), in one pass, without allocating.

use roomauth_syntax::Shape;

use super::{Captures, Pattern, Segment};

/// The longest room name that can match a pattern, in bytes: captures keep
/// their values as 16-bit offsets.
pub const MAX_ROOM_LEN: usize = u16::MAX as usize;

impl Pattern {
    /// Matches a room name, binding the placeholders, following the
    /// [matching rule](super#the-matching-rule).
    ///
    /// Takes time linear in the lengths of `room` and the pattern and never
    /// allocates. A room longer than [`MAX_ROOM_LEN`] never matches.
    pub fn matches<'r>(&self, room: &'r str) -> Option<Captures<'r>> {
        if room.len() > MAX_ROOM_LEN {
            return None;
        }
        // Works on bytes: every cut is before or after a literal, and a
        // literal (valid UTF-8) only occurs on a character boundary, so the
        // values are always whole characters.
        let bytes = room.as_bytes();
        let segments: &[Segment] = &self.segments;
        let mut captures = Captures::new(room);
        let mut pos = 0;
        let mut i = 0;
        while let Some(segment) = segments.get(i) {
            let Segment::Literal(literal) = segment else {
                // A placeholder: find where its value ends (`end`), where
                // matching goes on (`next`) and how many segments it used.
                let (end, next, used) = match segments.get(i + 1) {
                    None => (bytes.len(), bytes.len(), 1),
                    // Two placeholders in a row (only from inconsistent
                    // `from_static` parts): nothing tells where one ends.
                    Some(Segment::Placeholder(_)) => return None,
                    Some(Segment::Literal(literal))
                        if literal.is_empty() && i + 2 < segments.len() =>
                    {
                        return None;
                    }
                    Some(Segment::Literal(last)) if i + 2 == segments.len() => {
                        if !bytes.ends_with(last.as_bytes()) {
                            return None;
                        }
                        (bytes.len() - last.len(), bytes.len(), 2)
                    }
                    Some(Segment::Literal(literal)) => {
                        // Searching from the next byte finds the first
                        // occurrence after the value's first character.
                        let after = pos + 1;
                        let found = find_literal(bytes.get(after..)?, literal.as_bytes())?;
                        (after + found, after + found + literal.len(), 2)
                    }
                };
                if end <= pos {
                    return None; // values are never empty
                }
                match self.shapes.get(captures.len()) {
                    Some(Shape::Text) | None => {}
                    Some(shape) => {
                        if !shape.fits(room.get(pos..end)?) {
                            return None;
                        }
                    }
                }
                captures.push(pos, end)?;
                pos = next;
                i += used;
                continue;
            };
            if !bytes.get(pos..)?.starts_with(literal.as_bytes()) {
                return None;
            }
            pos += literal.len();
            i += 1;
        }
        (pos == bytes.len()).then_some(captures)
    }

    /// Whether `room` matches; see [`Pattern::matches`].
    pub fn is_match(&self, room: &str) -> bool {
        self.matches(room).is_some()
    }
}

/// The first occurrence of `literal` in `text`.
///
/// Room names are short: below [`SHORT_TEXT`] bytes a plain scan of the
/// windows is about twice as fast as setting up `memmem`'s searcher, and
/// takes at most `SHORT_TEXT` comparisons; longer texts go to `memmem`,
/// which keeps matching linear in the length of the room.
pub(super) fn find_literal(text: &[u8], literal: &[u8]) -> Option<usize> {
    // Never empty in a valid pattern; found nowhere rather than everywhere.
    let first = literal.first()?;
    if text.len() <= SHORT_TEXT {
        text.windows(literal.len())
            .position(|window| window.first() == Some(first) && window == literal)
    } else {
        memchr::memmem::find(text, literal)
    }
}

/// See [`find_literal`].
const SHORT_TEXT: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{FormatError, MAX_PLACEHOLDERS};
    use std::borrow::Cow;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
    }

    fn m(pattern: &str, room: &str) -> Option<Vec<String>> {
        p(pattern)
            .matches(room)
            .map(|c| c.iter().map(str::to_owned).collect())
    }

    fn v(values: &[&str]) -> Option<Vec<String>> {
        Some(values.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn matching_examples() {
        let pat = "org-<org>-project-<id>";
        assert_eq!(m(pat, "org-acme-project-42"), v(&["acme", "42"]));
        assert_eq!(
            m(pat, "org-a-project-b-project-1"),
            v(&["a", "b-project-1"])
        );
        assert_eq!(m(pat, "org---project-1"), v(&["-", "1"]));
        assert_eq!(m(pat, "org--project-1"), None);
        assert_eq!(m(pat, "org-acme-project-"), None);
        assert_eq!(m(pat, "Org-acme-project-42"), None);
        assert_eq!(m(pat, "org-acme-projects-42"), None);
        assert_eq!(m(pat, "org-"), None);
        assert_eq!(m(pat, ""), None);

        assert_eq!(
            m("room-<id>-settings", "room-a-settings-settings"),
            v(&["a-settings"])
        );
        assert_eq!(m("room-<id>-settings", "room--settings"), None);
        assert_eq!(m("room-<id>-settings", "room-settings"), None);
        assert_eq!(m("lobby", "lobby"), v(&[]));
        assert_eq!(m("lobby", "lobby2"), None);
        assert_eq!(m("lobby", "lobb"), None);
        assert_eq!(m("<id>", "anything at all"), v(&["anything at all"]));
        assert_eq!(m("<id>", ""), None);
        assert_eq!(m("<a>-<b>", "--x"), v(&["-", "x"]));
        assert_eq!(m("<a>-<b>", "a-"), None);
        assert_eq!(m("<a>.<b>.<c>", "1.2.3.4"), v(&["1", "2", "3.4"]));
        assert_eq!(m("<a>.<b>.<c>!", "1.2.3.4!"), v(&["1", "2", "3.4"]));
        assert_eq!(m("<a>.<b>.<c>!", "1.2.3.4"), None);
    }

    #[test]
    fn long_rooms_match_nothing() {
        let pattern = p("a-<id>");
        let longest = format!("a-{}", "x".repeat(MAX_ROOM_LEN - 2));
        assert_eq!(
            pattern.matches(&longest).unwrap().get(0).unwrap().len(),
            MAX_ROOM_LEN - 2
        );
        assert_eq!(pattern.matches(&format!("{longest}x")), None);
        let literal = "l".repeat(MAX_ROOM_LEN + 1);
        assert_eq!(p(&literal).matches(&literal), None);
    }

    #[test]
    fn find_literal_agrees_with_memmem_on_short_and_long_texts() {
        for len in [0_usize, 1, 5, 63, 64, 65, 200] {
            for at in [0, len / 2, len.saturating_sub(3)] {
                let mut text = "ab".repeat(len).into_bytes();
                text.truncate(len);
                if at + 3 <= len {
                    text[at..at + 3].copy_from_slice(b"-x-");
                }
                for literal in [&b"-x-"[..], b"ba", b"b", b"zz", b"-x-ab-x-"] {
                    assert_eq!(
                        find_literal(&text, literal),
                        memchr::memmem::find(&text, literal),
                        "{literal:?} in {text:?}"
                    );
                }
            }
        }
        // Long rooms go through the other branch, with the same result.
        let long = format!("org-{}-project-{}", "a".repeat(100), "1".repeat(100));
        let captures = p("org-<org>-project-<id>").matches(&long).unwrap();
        assert_eq!(captures.get(0), Some("a".repeat(100).as_str()));
    }

    #[test]
    fn matching_respects_utf8() {
        assert_eq!(m("<a>é<b>", "éé€"), v(&["é", "€"]));
        assert_eq!(m("<a>\u{80}<b>", "\u{100}\u{80}z"), v(&["\u{100}", "z"]));
        assert_eq!(m("x<a>", "xé"), v(&["é"]));
        assert_eq!(m("<a>é", "éé"), v(&["é"]));
    }

    #[test]
    fn captures() {
        let pattern = p("org-<org>-project-<id>");
        let captures = pattern.matches("org-acme-project-42").unwrap();
        assert_eq!(captures.len(), 2);
        assert!(!captures.is_empty());
        assert_eq!(captures.get(0), Some("acme"));
        assert_eq!(captures.get(2), None);
        assert_eq!(captures.name(&pattern, "id"), Some("42"));
        assert_eq!(captures.name(&pattern, "nope"), None);
        assert_eq!(captures.room(), "org-acme-project-42");
        assert_eq!(captures.into_iter().collect::<Vec<_>>(), ["acme", "42"]);
        assert_eq!(captures.iter().len(), 2);
        let other_room = "xorg-acme-project-42";
        assert_eq!(pattern.matches(&other_room[1..]), Some(captures));
        assert_ne!(pattern.matches("org-acme-project-43"), Some(captures));
        assert_eq!((&captures).into_iter().count(), 2);
        assert_eq!(format!("{captures:?}"), "[\"acme\", \"42\"]");
        assert!(p("lobby").matches("lobby").unwrap().is_empty());
    }

    #[test]
    fn many_placeholders() {
        let src: String = (0..MAX_PLACEHOLDERS).map(|i| format!("<p{i}>-")).collect();
        let pattern = p(&src);
        let values: Vec<String> = (0..MAX_PLACEHOLDERS).map(|i| i.to_string()).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let room = pattern.format(&values).unwrap();
        let captures = pattern.matches(&room).unwrap();
        assert_eq!(captures.iter().collect::<Vec<_>>(), values);
    }

    #[test]
    fn inconsistent_static_patterns_match_nothing() {
        static ADJACENT: [Segment; 2] = [
            Segment::Placeholder(Cow::Borrowed("a")),
            Segment::Placeholder(Cow::Borrowed("b")),
        ];
        let pattern = Pattern::from_static("<a><b>", &ADJACENT, &[]);
        assert_eq!(pattern.matches("ab"), None);
        static EMPTY_BETWEEN: [Segment; 3] = [
            Segment::Placeholder(Cow::Borrowed("a")),
            Segment::Literal(Cow::Borrowed("")),
            Segment::Placeholder(Cow::Borrowed("b")),
        ];
        let empty_between = Pattern::from_static("<a><b>", &EMPTY_BETWEEN, &[]);
        assert_eq!(empty_between.matches("éx"), None);
        assert_eq!(empty_between.matches(&format!("é{}", "x".repeat(80))), None);
        assert!(empty_between.format(&["é", "x"]).is_err());
        assert!(matches!(
            pattern.format(&["a", "b"]),
            Err(FormatError::NoMatch { .. })
        ));
        let many: Vec<Segment> = (0..33)
            .map(|i| match i % 2 {
                1 => Segment::Placeholder(Cow::Borrowed("p")),
                _ => Segment::Literal(Cow::Borrowed("-")),
            })
            .collect();
        let many: &'static [Segment] = many.leak();
        let pattern = Pattern::from_static("too many", many, &[]);
        assert_eq!(pattern.matches(&"-a".repeat(16)), None);
        assert_eq!(pattern.matches(&"-a".repeat(17)), None);
    }
}
