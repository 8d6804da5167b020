//! Typed room names: [`RoomParam`] for one placeholder value,
//! [`RoomResource`] for a whole room name (what `#[derive(RoomResource)]`
//! implements), and [`RoomMatch`], a room name matched by a pattern.

use std::fmt;

use crate::pattern::{Captures, FormatError, Pattern, Shape};

/// A value that a room placeholder parses into and formats from.
///
/// Parsing is strict: it accepts only the canonical text of a value, the one
/// [`write_param`](RoomParam::write_param) produces, so that every room has
/// one name (`project-7`, never `project-007` or `project-+7`).
///
/// [`SHAPE`](RoomParam::SHAPE) tells the patterns what that text looks like,
/// so that `project-<id>` and `project-<id>-chat` can be two rules when `id`
/// is an integer: `7-chat` is no integer, so no room matches both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be parsed from a room name",
    label = "this type does not implement `roomauth::RoomParam`",
    note = "placeholders parse into integers, `String`, `uuid::Uuid` (feature `uuid`), or a type that implements or derives `roomauth::RoomParam`"
)]
pub trait RoomParam: Sized {
    /// The form of every text [`parse_param`](RoomParam::parse_param)
    /// accepts: a pattern only matches a room whose value for this
    /// placeholder has this shape, and the overlap check between rules uses
    /// it. It may admit more than `parse_param` does, never less: a text
    /// outside the shape never reaches `parse_param`. The default,
    /// [`Shape::Text`], admits any text.
    const SHAPE: Shape = Shape::Text;

    /// Parses the canonical text of a value; anything else is `None`.
    fn parse_param(value: &str) -> Option<Self>;

    /// Appends the canonical text of the value.
    fn write_param(&self, out: &mut String);
}

impl RoomParam for String {
    const SHAPE: Shape = Shape::Text;

    fn parse_param(value: &str) -> Option<Self> {
        (!value.is_empty()).then(|| value.to_owned())
    }

    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

macro_rules! room_param_integer {
    ($shape:expr, $doc:literal => $($t:ty),*) => {$(
        impl RoomParam for $t {
            #[doc = $doc]
            const SHAPE: Shape = $shape;

            fn parse_param(value: &str) -> Option<Self> {
                if Self::SHAPE.fits(value) { value.parse().ok() } else { None }
            }

            fn write_param(&self, out: &mut String) {
                use std::fmt::Write;
                // Writing to a String cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
room_param_integer!(
    Shape::Unsigned, "Digits only, no leading zeros." => u8, u16, u32, u64, u128, usize
);
room_param_integer!(
    Shape::Signed, "Digits with an optional leading `-`, no leading zeros, no `-0`." =>
    i8, i16, i32, i64, i128, isize
);

#[cfg(feature = "uuid")]
impl RoomParam for uuid::Uuid {
    const SHAPE: Shape = Shape::Uuid;

    /// Only the lowercase hyphenated form (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
    fn parse_param(value: &str) -> Option<Self> {
        Self::SHAPE
            .fits(value)
            .then(|| uuid::Uuid::try_parse(value).ok())?
    }

    fn write_param(&self, out: &mut String) {
        let mut buf = uuid::Uuid::encode_buffer();
        out.push_str(self.hyphenated().encode_lower(&mut buf));
    }
}

/// A typed room name: one pattern (or, for an enum, one per variant) that
/// parses and formats it. Derive it with `#[derive(RoomResource)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a typed room name: it does not derive `RoomResource`",
    label = "`rooms = ...` takes a pattern string, a list of them, or a type that derives `RoomResource`",
    note = "derive it: `#[derive(RoomResource)] #[room(pattern = \"project-<id>\")] struct ProjectRoom {{ id: u64 }}`"
)]
pub trait RoomResource: Sized {
    /// The patterns of this room type, one per enum variant.
    const PATTERNS: &'static [Pattern];

    /// Builds the value from a room matched by `PATTERNS[m.pattern_index]`;
    /// `None` when a placeholder does not parse into its field.
    fn from_match(m: &RoomMatch<'_>) -> Option<Self>;

    /// The room name, or why this value has none (a field whose text would
    /// not parse back to the same value).
    fn to_room(&self) -> Result<String, FormatError>;

    /// Parses a room name.
    fn parse_room(room: &str) -> Result<Self, ParseRoomError> {
        for (pattern_index, pattern) in Self::PATTERNS.iter().enumerate() {
            if let Some(captures) = pattern.matches(room) {
                let m = RoomMatch {
                    room,
                    pattern,
                    pattern_index,
                    captures,
                };
                return Self::from_match(&m).ok_or_else(|| ParseRoomError {
                    room: room.to_owned(),
                    reason: ParseRoomErrorReason::BadValue {
                        pattern: pattern.as_str().to_owned(),
                    },
                });
            }
        }
        Err(ParseRoomError {
            room: room.to_owned(),
            reason: ParseRoomErrorReason::NoPattern {
                expected: Self::PATTERNS
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
            },
        })
    }
}

/// `room`, built from `patterns[index]`, unless an earlier pattern also
/// matches it (then it would parse back as another value): what derived
/// `to_room` checks, since a macro cannot see every placeholder type's shape.
#[doc(hidden)]
pub fn first_match_only(
    patterns: &[Pattern],
    index: usize,
    room: String,
) -> Result<String, FormatError> {
    let earlier = patterns.get(..index).unwrap_or_default();
    match earlier.iter().find(|pattern| pattern.is_match(&room)) {
        None => Ok(room),
        Some(earlier) => Err(FormatError::MatchesEarlierPattern {
            pattern: patterns
                .get(index)
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            earlier: earlier.as_str().to_owned(),
            room,
        }),
    }
}

/// Why a room name is not a value of a [`RoomResource`] type.
#[derive(Clone, PartialEq, Eq)]
pub struct ParseRoomError {
    room: String,
    reason: ParseRoomErrorReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ParseRoomErrorReason {
    NoPattern { expected: Vec<String> },
    BadValue { pattern: String },
}

impl ParseRoomError {
    /// The room name that did not parse.
    pub fn room(&self) -> &str {
        &self.room
    }
}

impl fmt::Display for ParseRoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            ParseRoomErrorReason::NoPattern { expected } => write!(
                f,
                "room `{}` matches none of the patterns `{}`",
                self.room.escape_debug(),
                expected.join("`, `")
            ),
            ParseRoomErrorReason::BadValue { pattern } => write!(
                f,
                "room `{}` has the shape `{pattern}`, but a placeholder's text is not a canonical value of its field",
                self.room.escape_debug()
            ),
        }
    }
}

impl std::error::Error for ParseRoomError {}

crate::error::debug_is_display!(ParseRoomError);

/// A room name matched by one of a rule's patterns.
#[derive(Debug, Clone, Copy)]
pub struct RoomMatch<'r> {
    /// The room name as the browser sent it.
    pub room: &'r str,
    /// The pattern that matched it.
    pub pattern: &'r Pattern,
    /// Which of the rule's patterns it was (0 for a single-pattern rule).
    pub pattern_index: usize,
    /// The placeholder values, in pattern order.
    pub captures: Captures<'r>,
}

impl<'r> RoomMatch<'r> {
    /// The raw text of placeholder `name`.
    pub fn value(&self, name: &str) -> Option<&'r str> {
        self.captures.name(self.pattern, name)
    }

    /// Placeholder `name` parsed into `T`; `None` when absent, unparsable or
    /// not in canonical form (then the room does not match the rule).
    pub fn param<T: RoomParam>(&self, name: &str) -> Option<T> {
        self.value(name).and_then(T::parse_param)
    }

    /// The `index`-th placeholder parsed into `T`, as [`RoomMatch::param`];
    /// what generated rules use, since they know each placeholder's
    /// position.
    pub fn param_at<T: RoomParam>(&self, index: usize) -> Option<T> {
        self.captures.get(index).and_then(T::parse_param)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_only_in_canonical_form() {
        assert_eq!(u64::parse_param("7"), Some(7));
        assert_eq!(u64::parse_param("0"), Some(0));
        assert_eq!(i32::parse_param("-12"), Some(-12));
        for bad in ["", "007", "+7", "-0", "-", "7 ", " 7", "1_000", "٣", "0x10"] {
            assert_eq!(i64::parse_param(bad), None, "{bad:?}");
        }
        assert_eq!(u64::parse_param("-1"), None);
        assert_eq!(u8::parse_param("256"), None);
    }

    #[test]
    fn integers_round_trip() {
        for v in [0i64, 1, -1, i64::MAX, i64::MIN] {
            let mut s = String::new();
            v.write_param(&mut s);
            assert_eq!(i64::parse_param(&s), Some(v));
        }
    }

    #[test]
    fn strings_are_non_empty() {
        assert_eq!(String::parse_param(""), None);
        assert_eq!(String::parse_param("a b").as_deref(), Some("a b"));
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_only_lowercase_hyphenated() {
        let s = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id = uuid::Uuid::parse_param(s).unwrap();
        let mut out = String::new();
        id.write_param(&mut out);
        assert_eq!(out, s);
        assert_eq!(uuid::Uuid::parse_param(&s.to_uppercase()), None);
        assert_eq!(uuid::Uuid::parse_param(&s.replace('-', "")), None);
    }
}
