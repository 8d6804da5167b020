//! Room patterns: literal text and `<name>` placeholders, like
//! `org-<org>-project-<id>`, matched against room names at runtime.
//!
//! A [`Pattern`] is parsed at runtime with [`Pattern::parse`], or at compile
//! time by the macros (which validate it with the same parser, [`syntax`],
//! and build it in a `static`). [`Pattern::matches`] binds the placeholders of
//! one room name, without allocating; [`Pattern::format`] builds a room name
//! from placeholder values and refuses values that would not parse back;
//! [`Dispatcher`] finds, among many patterns, the one a room name matches.
//!
//! # Syntax
//!
//! Literal text is any characters except `<` and `>`, matched exactly
//! (byte for byte, case-sensitive). There is no escape syntax: a literal can
//! never contain `<` or `>`. A placeholder is `<name>`, where `name` is a Rust
//! identifier (`[A-Za-z_][A-Za-z0-9_]*`, not `_`, not a keyword). Names are
//! unique in a pattern, two placeholders are always separated by literal
//! text, and a pattern has at most [`MAX_PLACEHOLDERS`] placeholders. See
//! [`syntax`] for the list of mistakes and their messages.
//!
//! # The matching rule
//!
//! Write a pattern as `L0 <p1> L1 <p2> L2 ... <pn> Ln`, where the leading
//! literal `L0` and the final literal `Ln` may be empty and every literal
//! between two placeholders is non-empty. A room name matches when the
//! following procedure succeeds, reading the room left to right, once, with
//! no backtracking:
//!
//! 1. The room must start with `L0`. (A pattern without placeholders matches
//!    exactly the room equal to it.)
//! 2. Then for each placeholder `<pk>` in turn, from the current position:
//!    - if it is followed by a literal `Lk` that is **not** the final literal,
//!      its value is the **shortest non-empty** text up to the **first**
//!      occurrence of `Lk`: the search for `Lk` starts one character (not
//!      byte) after the placeholder's start. If `Lk` does not occur, there is
//!      no match. Matching continues after that occurrence of `Lk`.
//!    - if it is followed by the final literal `Ln`, the room must end with
//!      `Ln`, and the value is everything between the current position and
//!      that suffix, which must not be empty.
//!    - if it ends the pattern, its value is the whole rest of the room,
//!      which must not be empty.
//!
//!    The value must then have the placeholder's [`Shape`] (any text unless
//!    the pattern says otherwise: the macros give each placeholder its
//!    type's `RoomParam::SHAPE`, so a `u64` placeholder takes only
//!    canonical digits).
//! 3. If any step fails, the room does not match. No other way of splitting
//!    the room is tried.
//!
//! A room name longer than [`MAX_ROOM_LEN`] (65,535) bytes matches no
//! pattern: the values are kept as 16-bit offsets. (The webhook refuses
//! names over 256 bytes long before any matching.)
//!
//! Examples with `org-<org>-project-<id>`:
//!
//! | room                         | result                              |
//! |------------------------------|-------------------------------------|
//! | `org-acme-project-42`        | `org` = `acme`, `id` = `42`         |
//! | `org-a-project-b-project-1`  | `org` = `a`, `id` = `b-project-1`   |
//! | `org---project-1`            | `org` = `-`, `id` = `1`             |
//! | `org--project-1`             | no match: `org` would be empty      |
//! | `org-acme-project-`          | no match: `id` would be empty       |
//! | `Org-acme-project-42`        | no match: literals are case-sensitive |
//! | `org-acme-projects-42`       | no match: `-project-` never occurs  |
//!
//! With a final literal, `room-<id>-settings` matches
//! `room-a-settings-settings` with `id` = `a-settings`: the final literal is a
//! suffix, not a first occurrence.
//!
//! Consequences:
//!
//! - Matching takes time `O(len(room) + len(pattern))` and never allocates.
//! - A room matches a pattern in at most one way, so the values are never
//!   ambiguous.
//! - The value of a placeholder followed by a non-final literal `L` never
//!   contains an occurrence of `L` that starts after its first character (the
//!   first such occurrence would have ended the value). Only the last
//!   placeholder's value may contain the literal that follows it. So
//!   [`Pattern::format`] refuses such values rather than produce a room name
//!   that parses back differently.
//! - Every value is non-empty.
//!
//! # Example
//!
//! ```
//! use roomauth::pattern::Pattern;
//!
//! let pattern = Pattern::parse("org-<org>-project-<id>")?;
//! let captures = pattern.matches("org-a-project-b-project-1").expect("matches");
//! assert_eq!(captures.name(&pattern, "org"), Some("a"));
//! assert_eq!(captures.get(1), Some("b-project-1"));
//!
//! assert_eq!(pattern.format(&["acme", "42"])?, "org-acme-project-42");
//! assert!(pattern.format(&["a-project-b", "42"]).is_err()); // would not round-trip
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod captures;
mod dispatch;
mod radix;
/// The grammar of room patterns (the `roomauth-syntax` crate, which the macros
/// use too).
pub use roomauth_syntax as syntax;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

pub use captures::{Captures, CapturesIter};
pub use dispatch::{Dispatcher, DispatcherBuilder, Iter, Match, OverlapError};
pub use syntax::{MAX_PLACEHOLDERS, Part, Shape, SyntaxError, SyntaxErrorKind};

/// The longest room name that can match a pattern, in bytes.
pub const MAX_ROOM_LEN: usize = u16::MAX as usize;

/// One piece of a [`Pattern`], in a form that macro-generated code can build
/// in a `static`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Literal text, matched exactly.
    Literal(Cow<'static, str>),
    /// A placeholder; holds its name without the angle brackets.
    Placeholder(Cow<'static, str>),
}

impl Segment {
    /// The literal text, or the placeholder's name.
    pub fn as_str(&self) -> &str {
        match self {
            Segment::Literal(text) | Segment::Placeholder(text) => text,
        }
    }

    fn as_part(&self) -> Part<'_> {
        match self {
            Segment::Literal(text) => Part::Literal(text),
            Segment::Placeholder(name) => Part::Placeholder(name),
        }
    }
}

/// A room pattern such as `org-<org>-project-<id>`, with the [`Shape`] of
/// each placeholder's value.
///
/// See the [module documentation](self) for the syntax and the matching rule.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    source: Cow<'static, str>,
    segments: Cow<'static, [Segment]>,
    /// One per placeholder, in order.
    shapes: Cow<'static, [Shape]>,
}

impl Pattern {
    /// Parses and validates a pattern.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] listing every mistake in `src`.
    pub fn parse(src: &str) -> Result<Pattern, PatternError> {
        let parts = syntax::parse(src).map_err(|errors| PatternError {
            pattern: src.to_owned(),
            errors,
        })?;
        let segments = parts
            .into_iter()
            .map(|part| match part {
                Part::Literal(text) => Segment::Literal(Cow::Owned(text.to_owned())),
                Part::Placeholder(name) => Segment::Placeholder(Cow::Owned(name.to_owned())),
            })
            .collect::<Vec<_>>();
        let placeholders = segments
            .iter()
            .filter(|segment| matches!(segment, Segment::Placeholder(_)))
            .count();
        Ok(Pattern {
            source: Cow::Owned(src.to_owned()),
            segments: Cow::Owned(segments),
            shapes: Cow::Owned(vec![Shape::Text; placeholders]),
        })
    }

    /// Builds a pattern from its parts without checking them.
    ///
    /// For macro-generated code, which validated the pattern at compile time.
    /// `segments` must be what [`syntax::parse`] gives for `source`, and
    /// `shapes` hold one shape per placeholder; a pattern with more than
    /// [`MAX_PLACEHOLDERS`] placeholders or with two placeholders in a row
    /// matches nothing, and a placeholder without a shape takes any text.
    #[doc(hidden)]
    pub const fn from_static(
        source: &'static str,
        segments: &'static [Segment],
        shapes: &'static [Shape],
    ) -> Pattern {
        Pattern {
            source: Cow::Borrowed(source),
            segments: Cow::Borrowed(segments),
            shapes: Cow::Borrowed(shapes),
        }
    }

    /// The same pattern with placeholder `placeholder` restricted to values
    /// of this shape: what `#[room_auth]` and `#[derive(RoomResource)]` do
    /// with each placeholder's type ([`RoomParam::SHAPE`](crate::RoomParam::SHAPE)).
    ///
    /// ```
    /// use roomauth::pattern::{Pattern, Shape};
    ///
    /// let project = Pattern::parse("project-<id>")?.with_shape("id", Shape::Unsigned)?;
    /// assert!(project.is_match("project-7"));
    /// assert!(!project.is_match("project-7-chat"));
    /// let chat = Pattern::parse("project-<id>-chat")?.with_shape("id", Shape::Unsigned)?;
    /// assert_eq!(project.overlaps(&chat), None); // no room matches both
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The pattern has no placeholder called `placeholder`.
    pub fn with_shape(mut self, placeholder: &str, shape: Shape) -> Result<Pattern, NoPlaceholder> {
        let Some(index) = self.placeholder_index(placeholder) else {
            return Err(NoPlaceholder {
                pattern: self.as_str().to_owned(),
                placeholder: placeholder.to_owned(),
                placeholders: self.placeholders().map(str::to_owned).collect(),
            });
        };
        let shapes = self.shapes.to_mut();
        if shapes.len() <= index {
            shapes.resize(index + 1, Shape::Text);
        }
        shapes[index] = shape;
        Ok(self)
    }

    /// The shape of the `index`-th placeholder's values ([`Shape::Text`]
    /// past the end).
    pub fn shape(&self, index: usize) -> Shape {
        self.shapes.get(index).copied().unwrap_or(Shape::Text)
    }

    /// The pattern's source text, like `org-<org>-project-<id>`.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parsed pieces of the pattern, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The placeholders' names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> + '_ {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Placeholder(name) => Some(&**name),
            Segment::Literal(_) => None,
        })
    }

    /// The number of placeholders.
    pub fn placeholder_count(&self) -> usize {
        self.placeholders().count()
    }

    /// The position of the placeholder called `name` among the placeholders.
    pub fn placeholder_index(&self, name: &str) -> Option<usize> {
        self.placeholders().position(|candidate| candidate == name)
    }

    /// The literal text before the first placeholder: the whole pattern if it
    /// has no placeholder, empty if it starts with one.
    pub fn literal_prefix(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Literal(text)) => text,
            _ => "",
        }
    }

    /// The literal text after the last placeholder: the whole pattern if it
    /// has no placeholder, empty if it ends with one. Every room name the
    /// pattern matches ends with it.
    pub fn literal_suffix(&self) -> &str {
        match &*self.segments {
            [.., Segment::Placeholder(_), Segment::Literal(text)] | [Segment::Literal(text)] => {
                text
            }
            _ => "",
        }
    }

    /// Matches a room name, binding the placeholders, following the
    /// [matching rule](self#the-matching-rule).
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

    /// Whether some room name matches both patterns; if so, gives a
    /// shortest one.
    ///
    /// Exact, shapes included: the name returned matches both, and `None`
    /// proves that none does. See [`syntax::overlap`]. (Two bounds it does
    /// not model: a room longer than [`MAX_ROOM_LEN`] matches no pattern,
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

/// The first occurrence of `literal` in `text`.
///
/// Room names are short: below [`SHORT_TEXT`] bytes a plain scan of the
/// windows is about twice as fast as setting up `memmem`'s searcher, and
/// takes at most `SHORT_TEXT` comparisons; longer texts go to `memmem`,
/// which keeps matching linear in the length of the room.
fn find_literal(text: &[u8], literal: &[u8]) -> Option<usize> {
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

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("Pattern");
        tuple.field(&self.as_str());
        // Only the shapes that say something.
        for (name, shape) in self.placeholders().zip(self.shapes.iter()) {
            if *shape != Shape::Text {
                tuple.field(&format_args!("{name}: {shape:?}"));
            }
        }
        tuple.finish()
    }
}

impl FromStr for Pattern {
    type Err = PatternError;

    fn from_str(src: &str) -> Result<Self, Self::Err> {
        Pattern::parse(src)
    }
}

/// A pattern that does not parse: every mistake found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PatternError {
    pattern: String,
    errors: Vec<SyntaxError>,
}

impl PatternError {
    /// The pattern's source text.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Every mistake, in the order they appear in the pattern.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        write!(
            f,
            "invalid room pattern {:?}: {count} error{}",
            self.pattern,
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.errors {
            write!(
                f,
                "\n  at byte {}: {}",
                error.span.start,
                error.message_in(&self.pattern)
            )?;
        }
        Ok(())
    }
}

/// Refusal to shape a placeholder a pattern does not have
/// ([`Pattern::with_shape`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "room pattern `{pattern}` has no placeholder `<{placeholder}>`: shape one of its placeholders \
     ({})",
    placeholders.iter().map(|p| format!("`<{p}>`")).collect::<Vec<_>>().join(", ")
)]
pub struct NoPlaceholder {
    pattern: String,
    placeholder: String,
    placeholders: Vec<String>,
}

/// Why [`Pattern::format`] refused to build a room name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// A value not of its placeholder's shape (see [`Pattern::shape`]).
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
    /// pattern built with [`Pattern::from_static`] from inconsistent parts).
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn accessors() {
        let pattern = p("org-<org>-project-<id>");
        assert_eq!(pattern.as_str(), "org-<org>-project-<id>");
        assert_eq!(pattern.to_string(), "org-<org>-project-<id>");
        assert_eq!(
            format!("{pattern:?}"),
            "Pattern(\"org-<org>-project-<id>\")"
        );
        assert_eq!(pattern.placeholders().collect::<Vec<_>>(), ["org", "id"]);
        assert_eq!(pattern.placeholder_count(), 2);
        assert_eq!(pattern.placeholder_index("id"), Some(1));
        assert_eq!(pattern.literal_prefix(), "org-");
        assert_eq!(p("<a>-b").literal_prefix(), "");
        assert_eq!(p("lobby").literal_prefix(), "lobby");
        assert_eq!(pattern.literal_suffix(), "");
        assert_eq!(p("a-<b>.md").literal_suffix(), ".md");
        assert_eq!(p("a-<b>-<c>").literal_suffix(), "");
        assert_eq!(p("lobby").literal_suffix(), "lobby");
        assert_eq!(pattern.clone(), pattern);
        assert_eq!("a-<b>".parse::<Pattern>().unwrap(), p("a-<b>"));
    }

    #[test]
    fn static_patterns_equal_parsed_ones() {
        static SEGMENTS: [Segment; 2] = [
            Segment::Literal(Cow::Borrowed("project-")),
            Segment::Placeholder(Cow::Borrowed("id")),
        ];
        static PATTERN: Pattern = Pattern::from_static("project-<id>", &SEGMENTS, &[Shape::Text]);
        assert_eq!(PATTERN, p("project-<id>"));
        assert_eq!(PATTERN.matches("project-7").unwrap().get(0), Some("7"));
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

    #[test]
    fn parse_errors() {
        let error = Pattern::parse("a-<>-<type").unwrap_err();
        assert_eq!(error.pattern(), "a-<>-<type");
        assert_eq!(error.errors().len(), 2);
        assert_eq!(
            error.to_string(),
            format!(
                "invalid room pattern \"a-<>-<type\": 2 errors\n  at byte 2: {}\n  at byte 5: {}",
                SyntaxErrorKind::EmptyName.message(),
                SyntaxErrorKind::Unclosed.message()
            )
        );
        let error = Pattern::parse("<type>").unwrap_err();
        assert!(error.to_string().starts_with(
            "invalid room pattern \"<type>\": 1 error\n  at byte 1: invalid placeholder name `type`"
        ));
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
    fn shapes_refuse_what_they_do_not_admit() {
        let pattern = p("org-<org>-project-<id>")
            .with_shape("id", Shape::Unsigned)
            .unwrap();
        assert_eq!(pattern.shape(1), Shape::Unsigned);
        assert_eq!(pattern.shape(0), Shape::Text);
        assert_eq!(pattern.shape(9), Shape::Text);
        assert!(pattern.is_match("org-a-project-7"));
        assert!(!pattern.is_match("org-a-project-07"));
        assert_eq!(
            format!("{pattern:?}"),
            "Pattern(\"org-<org>-project-<id>\", id: Unsigned)"
        );
        let error = pattern.format(&["a", "x"]).unwrap_err();
        assert_eq!(
            error,
            FormatError::WrongShape {
                pattern: "org-<org>-project-<id>".into(),
                placeholder: "id".into(),
                value: "x".into(),
                shape: Shape::Unsigned,
            }
        );
        assert!(error.to_string().contains("`<id>`"), "{error}");
        let error = p("project-<id>")
            .with_shape("ident", Shape::Uuid)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "room pattern `project-<id>` has no placeholder `<ident>`: shape one of its \
             placeholders (`<id>`)"
        );
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
