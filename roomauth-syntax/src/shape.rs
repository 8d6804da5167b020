//! The shape of a placeholder's value: the texts its type can parse.

/// The texts a placeholder's value can take, as its type declares them
/// (`roomauth::RoomParam::SHAPE`).
///
/// A pattern matches a room only when every value has its placeholder's
/// shape, so two patterns whose placeholders' shapes keep them apart do not
/// overlap: `project-<id>` and `project-<id>-chat` with an integer `id` share
/// no room, since `7-chat` is no integer.
///
/// A shape describes the form of the text, not a range: `Unsigned` admits
/// `300` for a `u8` too, and the type's parser refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shape {
    /// Any non-empty text (`String`, and the default for a type that
    /// declares nothing).
    Text,
    /// The canonical decimal form of an unsigned integer: `0`, or a digit
    /// other than `0` followed by digits.
    Unsigned,
    /// The canonical decimal form of a signed integer: as [`Shape::Unsigned`],
    /// or `-` followed by a digit other than `0` and digits.
    Signed,
    /// A UUID in its lowercase hyphenated form, like
    /// `67e55044-10b1-426f-9247-bb680e5fe0c8`.
    Uuid,
    /// Exactly one of these texts (a fieldless enum's variants).
    OneOf(&'static [&'static str]),
}

/// Where the hyphens of a hyphenated UUID are.
const UUID_HYPHENS: [usize; 4] = [8, 13, 18, 23];
/// The length of a hyphenated UUID.
const UUID_LEN: usize = 36;

impl Shape {
    /// Whether `value` has this shape. The empty text never has one.
    pub fn fits(&self, value: &str) -> bool {
        let bytes = value.as_bytes();
        match self {
            Shape::Text => !value.is_empty(),
            Shape::Unsigned => is_canonical_unsigned(bytes),
            Shape::Signed => {
                is_canonical_unsigned(bytes.strip_prefix(b"-").unwrap_or(bytes)) && bytes != b"-0"
            }
            Shape::Uuid => {
                bytes.len() == UUID_LEN
                    && bytes.iter().enumerate().all(|(i, &b)| match i {
                        8 | 13 | 18 | 23 => b == b'-',
                        _ => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
                    })
            }
            Shape::OneOf(texts) => !value.is_empty() && texts.contains(&value),
        }
    }

    /// The state before the first character, for [`Shape::step`].
    pub(crate) const START: u32 = 0;

    /// Calls `out` with each state this shape's automaton reaches from
    /// `state` on `c` (a callback rather than a vector: no allocation per
    /// step). The states are small numbers private to each shape; the
    /// overlap check walks them character by character.
    /// Only for a shape [`walked`](Shape::walked) gave: a `OneOf` too long
    /// for the state numbers would overflow them.
    pub(crate) fn step(&self, state: u32, c: char, out: &mut dyn FnMut(u32)) {
        let this = *self;
        // Unsigned and Signed: 1 = "0" (complete, nothing may follow),
        // 2 = a digit other than 0 then digits, 3 = "-" (Signed only).
        match this {
            Shape::Text => out(1),
            Shape::Unsigned | Shape::Signed => match (state, c) {
                (0, '0') => out(1),
                (0 | 3, '1'..='9') | (2, '0'..='9') => out(2),
                (0, '-') if this == Shape::Signed => out(3),
                _ => {}
            },
            Shape::Uuid => {
                let at = state as usize;
                let fits = match at {
                    UUID_LEN.. => false,
                    _ if UUID_HYPHENS.contains(&at) => c == '-',
                    _ => matches!(c, '0'..='9' | 'a'..='f'),
                };
                if fits {
                    out(state + 1);
                }
            }
            // State 0 is the start; then `(text index + 1) << 16 | chars read`.
            Shape::OneOf(texts) => {
                let candidates = match ((state >> 16) as usize).checked_sub(1) {
                    None => 0..texts.len(),
                    Some(text) => text..text + 1,
                };
                let read = (state & 0xFFFF) as usize;
                for index in candidates {
                    let next_char = texts.get(index).and_then(|text| text.chars().nth(read));
                    if next_char == Some(c) && read < 0xFFFF {
                        out(((index as u32 + 1) << 16) | (read as u32 + 1));
                    }
                }
            }
        }
    }

    /// The shape the automaton walks: itself, or [`Shape::Text`] for a
    /// `OneOf` too long for its state numbers (texts and their lengths in
    /// 16 bits each), which may report an overlap the texts would rule
    /// out, never miss one.
    /// The overlap check takes it once per placeholder, not per step.
    pub(crate) fn walked(&self) -> Shape {
        match *self {
            Shape::OneOf(texts)
                if texts.len() >= 0xFFFF || texts.iter().any(|text| text.len() >= 0xFFFF) =>
            {
                Shape::Text
            }
            shape => shape,
        }
    }

    /// Whether the text read to reach `state` has this shape.
    pub(crate) fn accepts(&self, state: u32) -> bool {
        match *self {
            Shape::Text => state == 1,
            Shape::Unsigned | Shape::Signed => state == 1 || state == 2,
            Shape::Uuid => state as usize == UUID_LEN,
            Shape::OneOf(texts) => {
                let read = (state & 0xFFFF) as usize;
                ((state >> 16) as usize)
                    .checked_sub(1)
                    .and_then(|text| texts.get(text))
                    .is_some_and(|text| text.chars().count() == read)
            }
        }
    }

    /// Characters that the shape treats specially, which the overlap check
    /// must try (all others behave alike, class by class).
    pub(crate) fn special_chars(&self) -> Vec<char> {
        match *self {
            Shape::Text => Vec::new(),
            Shape::Unsigned => vec!['0'],
            Shape::Signed => vec!['0', '-'],
            Shape::Uuid => vec!['-'],
            Shape::OneOf(texts) => texts.iter().flat_map(|text| text.chars()).collect(),
        }
    }
}

/// `0`, or a digit other than `0` followed by digits.
fn is_canonical_unsigned(bytes: &[u8]) -> bool {
    match bytes {
        [] => false,
        [b'0'] => true,
        [b'0', ..] => false,
        _ => bytes.iter().all(u8::is_ascii_digit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the automaton over `value`: it must agree with `fits`.
    fn automaton_accepts(shape: Shape, value: &str) -> bool {
        let mut states = vec![Shape::START];
        for c in value.chars() {
            let mut next = Vec::new();
            for state in states {
                shape.step(state, c, &mut |s| next.push(s));
            }
            states = next;
        }
        states.into_iter().any(|state| shape.accepts(state))
    }

    const ROLES: Shape = Shape::OneOf(&["admin", "adm", "member"]);

    /// A `OneOf` too long for the automaton's state numbers is walked as
    /// any text: conservative, and no overflow.
    #[test]
    fn huge_fixed_sets_are_walked_as_text() {
        let texts: Vec<&'static str> = (0..70_000)
            .map(|i| &*Box::leak(format!("t{i}").into_boxed_str()))
            .collect();
        let huge = Shape::OneOf(texts.leak());
        assert!(huge.fits("t69999") && !huge.fits("u"));
        assert_eq!(huge.walked(), Shape::Text);
        assert!(automaton_accepts(huge.walked(), "anything"));
        assert_eq!(ROLES.walked(), ROLES);
    }

    #[test]
    fn fits_and_the_automaton_agree() {
        let cases: &[(Shape, &str, bool)] = &[
            (Shape::Text, "a b-c", true),
            (Shape::Text, "", false),
            (Shape::Unsigned, "0", true),
            (Shape::Unsigned, "7", true),
            (Shape::Unsigned, "1234567890", true),
            (Shape::Unsigned, "007", false),
            (Shape::Unsigned, "+7", false),
            (Shape::Unsigned, "-7", false),
            (Shape::Unsigned, "7a", false),
            (Shape::Unsigned, "", false),
            (Shape::Unsigned, "٣", false),
            (Shape::Signed, "-7", true),
            (Shape::Signed, "0", true),
            (Shape::Signed, "-0", false),
            (Shape::Signed, "-", false),
            (Shape::Signed, "-07", false),
            (Shape::Signed, "70", true),
            (Shape::Uuid, "67e55044-10b1-426f-9247-bb680e5fe0c8", true),
            (Shape::Uuid, "67E55044-10b1-426f-9247-bb680e5fe0c8", false),
            (Shape::Uuid, "67e5504410b1426f9247bb680e5fe0c8", false),
            (Shape::Uuid, "67e55044-10b1-426f-9247-bb680e5fe0c", false),
            (Shape::Uuid, "67e55044-10b1-426f-9247-bb680e5fe0c8a", false),
            (ROLES, "admin", true),
            (ROLES, "adm", true),
            (ROLES, "member", true),
            (ROLES, "ad", false),
            (ROLES, "admins", false),
            (ROLES, "", false),
            (Shape::OneOf(&[]), "x", false),
        ];
        for &(shape, value, fits) in cases {
            assert_eq!(shape.fits(value), fits, "{shape:?} {value:?}");
            assert_eq!(
                automaton_accepts(shape, value),
                fits,
                "automaton {shape:?} {value:?}"
            );
        }
    }
}
