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
mod format;
mod matching;
mod near;
mod overlap;
mod parse;
mod radix;
mod shape;
/// The grammar of room patterns (the `roomauth-syntax` crate, which the macros
/// use too).
pub use roomauth_syntax as syntax;

pub use captures::{Captures, CapturesIter};
pub use dispatch::{Dispatcher, DispatcherBuilder, Match, OverlapError};
pub use format::FormatError;
pub use matching::MAX_ROOM_LEN;
pub use near::{MAX_NEAR, near};
pub use parse::{Pattern, PatternError, Segment};
pub use shape::NoPlaceholder;
pub use syntax::{MAX_PLACEHOLDERS, Part, Shape, SyntaxError, SyntaxErrorKind};
