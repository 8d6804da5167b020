//! Building a room name from placeholder values, refusing values that would
//! not match back.

use roomauth_syntax::Shape;

use super::matching::find_literal;
use super::{MAX_ROOM_LEN, Pattern, Segment};

impl Pattern {
    /// Builds the room name with these placeholder values, in order.
    ///
    /// # Errors
    ///
    /// Refuses, naming the placeholder, any value that would not come back
    /// unchanged from [`Pattern::matches`] on the result: an empty value, a
    /// value not of its placeholder's [`Shape`], or a value in which the
    /// literal that follows its placeholder would be found too early. Also
    /// refuses the wrong number of values.
    pub fn format(&self, values: &[&str]) -> Result<String, FormatError> {
        let expected = self.placeholder_count();
        if values.len() != expected {
            return Err(FormatError::WrongCount {
                pattern: self.as_str().to_owned(),
                expected,
                got: values.len(),
            });
        }
        let capacity = self.source.len() + values.iter().map(|v| v.len()).sum::<usize>();
        let mut room = String::with_capacity(capacity);
        // For each placeholder: its name, where its value sits in `room`, and
        // the literal after it if that literal is not the final one.
        let mut placed: Vec<(&str, usize, usize, Option<&str>)> = Vec::with_capacity(expected);
        let mut values_iter = values.iter();
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Literal(text) => room.push_str(text),
                Segment::Placeholder(name) => {
                    let value = values_iter.next().copied().unwrap_or_default();
                    if value.is_empty() {
                        return Err(FormatError::EmptyValue {
                            pattern: self.as_str().to_owned(),
                            placeholder: name.to_string(),
                        });
                    }
                    let shape = self.shape(placed.len());
                    if !shape.fits(value) {
                        return Err(FormatError::WrongShape {
                            pattern: self.as_str().to_owned(),
                            placeholder: name.to_string(),
                            value: value.to_owned(),
                            shape,
                        });
                    }
                    let start = room.len();
                    room.push_str(value);
                    let next = match self.segments.get(i + 1) {
                        Some(Segment::Literal(text)) if i + 2 < self.segments.len() => {
                            Some(&**text)
                        }
                        _ => None,
                    };
                    placed.push((name, start, room.len(), next));
                }
            }
        }
        if room.len() > MAX_ROOM_LEN {
            return Err(FormatError::TooLong {
                pattern: self.as_str().to_owned(),
                len: room.len(),
            });
        }
        for &(name, start, end, next) in &placed {
            let Some(literal) = next else { continue };
            let value = &room[start..end];
            let first = value.chars().next().map_or(0, char::len_utf8);
            let found = find_literal(&room.as_bytes()[start + first..], literal.as_bytes())
                .map(|at| start + first + at);
            if found != Some(end) {
                return Err(FormatError::NotRoundTrip {
                    pattern: self.as_str().to_owned(),
                    placeholder: name.to_owned(),
                    value: value.to_owned(),
                    literal: literal.to_owned(),
                    room,
                });
            }
        }
        // The checks above are exactly the matching rule; this guards them.
        let round_trips = self
            .matches(&room)
            .is_some_and(|captures| captures.iter().eq(values.iter().copied()));
        if round_trips {
            Ok(room)
        } else {
            Err(FormatError::NoMatch {
                pattern: self.as_str().to_owned(),
                room,
            })
        }
    }
}

/// Why [`Pattern::format`](Pattern::format) refused to build a room name.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not one value per placeholder.
    #[error(
        "room pattern `{pattern}` has {expected} placeholder(s), but {got} value(s) were given"
    )]
    WrongCount {
        /// The pattern's source text.
        pattern: String,
        /// The number of placeholders.
        expected: usize,
        /// The number of values given.
        got: usize,
    },
    /// A value not of its placeholder's shape (see [`Pattern::shape`](Pattern::shape)).
    #[error(
        "value {value:?} for placeholder `<{placeholder}>` of room pattern `{pattern}` is not of \
         its shape ({shape:?}), so the room name would not match the pattern: give a value its \
         type would write (`RoomParam::write_param`)"
    )]
    WrongShape {
        /// The pattern's source text.
        pattern: String,
        /// The placeholder's name.
        placeholder: String,
        /// The refused value.
        value: String,
        /// The placeholder's shape.
        shape: Shape,
    },
    /// An empty value: placeholders only match non-empty text.
    #[error(
        "empty value for placeholder `<{placeholder}>` of room pattern `{pattern}`: \
         a placeholder matches at least one character, so the room name would not parse back"
    )]
    EmptyValue {
        /// The pattern's source text.
        pattern: String,
        /// The placeholder's name.
        placeholder: String,
    },
    /// A value in which the literal that ends its placeholder would be found
    /// too early, so that the room name would parse back differently.
    #[error(
        "value {value:?} for placeholder `<{placeholder}>` of room pattern `{pattern}` would not \
         round-trip: in the room name {room:?}, the text {literal:?} that ends the placeholder \
         occurs inside or across the value, so parsing would cut the value short; \
         use a value that does not contain {literal:?}"
    )]
    NotRoundTrip {
        /// The pattern's source text.
        pattern: String,
        /// The placeholder's name.
        placeholder: String,
        /// The refused value.
        value: String,
        /// The literal text that follows the placeholder.
        literal: String,
        /// The room name that would have been produced.
        room: String,
    },
    /// The room name would be longer than [`MAX_ROOM_LEN`], so it would
    /// match no pattern.
    #[error(
        "the room name built from room pattern `{pattern}` would be {len} bytes long, \
         but room names longer than {MAX_ROOM_LEN} bytes match no pattern: use shorter values"
    )]
    TooLong {
        /// The pattern's source text.
        pattern: String,
        /// The length the room name would have had, in bytes.
        len: usize,
    },
    /// The room name also matches an earlier pattern of the same room type
    /// ([`RoomResource::PATTERNS`](crate::RoomResource::PATTERNS)), which
    /// parsing tries first, so it would parse back as another value.
    #[error(
        "the room name {room:?} of room pattern `{pattern}` also matches the earlier pattern \
         `{earlier}` of the same room type, so it would parse back as another value: make the \
         two patterns disjoint (a distinct literal, or placeholder types whose texts differ)"
    )]
    MatchesEarlierPattern {
        /// The pattern the room name was built from.
        pattern: String,
        /// The earlier pattern that matches it too.
        earlier: String,
        /// The room name.
        room: String,
    },
    /// The produced room name does not match back to the same values (a
    /// pattern built with [`Pattern::from_static`](Pattern::from_static) from inconsistent parts).
    #[error(
        "the room name {room:?} does not match room pattern `{pattern}` back to the same values"
    )]
    NoMatch {
        /// The pattern's source text.
        pattern: String,
        /// The room name that would have been produced.
        room: String,
    },
}

crate::error::debug_is_display!(FormatError);

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
    }

    #[test]
    fn format_refuses_rooms_too_long_to_match() {
        let pattern = p("a-<id>");
        let fits = "x".repeat(MAX_ROOM_LEN - 2);
        assert_eq!(pattern.format(&[&fits]).unwrap().len(), MAX_ROOM_LEN);
        let error = pattern.format(&[&format!("{fits}x")]).unwrap_err();
        assert_eq!(
            error,
            FormatError::TooLong {
                pattern: "a-<id>".into(),
                len: MAX_ROOM_LEN + 1
            }
        );
        assert!(error.to_string().contains("65535 bytes"), "{error}");
    }

    #[test]
    fn format_round_trips() {
        let pattern = p("org-<org>-project-<id>");
        assert_eq!(
            pattern.format(&["acme", "42"]).unwrap(),
            "org-acme-project-42"
        );
        // The last placeholder may contain the literal before it.
        assert_eq!(
            pattern.format(&["a", "b-project-1"]).unwrap(),
            "org-a-project-b-project-1"
        );
        // A value may start with the literal that follows it.
        assert_eq!(p("<a>-<b>").format(&["-", "x"]).unwrap(), "--x");
        assert_eq!(
            p("room-<id>-settings").format(&["a-settings"]).unwrap(),
            "room-a-settings-settings"
        );
        assert_eq!(p("lobby").format(&[]).unwrap(), "lobby");
    }

    #[test]
    fn format_refusals() {
        let pattern = p("org-<org>-project-<id>");
        assert_eq!(
            pattern.format(&["acme"]),
            Err(FormatError::WrongCount {
                pattern: "org-<org>-project-<id>".into(),
                expected: 2,
                got: 1
            })
        );
        let error = pattern.format(&["", "1"]).unwrap_err();
        assert_eq!(
            error,
            FormatError::EmptyValue {
                pattern: "org-<org>-project-<id>".into(),
                placeholder: "org".into()
            }
        );
        assert!(error.to_string().contains("`<org>`"));
        assert!(matches!(
            pattern.format(&["a", ""]),
            Err(FormatError::EmptyValue { placeholder, .. }) if placeholder == "id"
        ));
        let error = pattern.format(&["a-project-b", "1"]).unwrap_err();
        assert_eq!(
            error,
            FormatError::NotRoundTrip {
                pattern: "org-<org>-project-<id>".into(),
                placeholder: "org".into(),
                value: "a-project-b".into(),
                literal: "-project-".into(),
                room: "org-a-project-b-project-1".into(),
            }
        );
        assert!(error.to_string().contains("`<org>`"), "{error}");
        // An occurrence straddling the end of the value is refused too.
        assert!(matches!(
            p("<a>aba<b>").format(&["xab", "y"]),
            Err(FormatError::NotRoundTrip { placeholder, .. }) if placeholder == "a"
        ));
        assert!(matches!(
            p("<a>.<b>.<c>").format(&["1", "2.5", "3"]),
            Err(FormatError::NotRoundTrip { placeholder, .. }) if placeholder == "b"
        ));
    }
}
