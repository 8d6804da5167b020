//! The pattern type: its pieces, its parse (at runtime, or prebuilt by the
//! macros in a `static`) and what it tells about itself.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use roomauth_syntax::{self as syntax, Part, Shape, SyntaxError};

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
}

/// A room pattern such as `org-<org>-project-<id>`, with the [`Shape`] of
/// each placeholder's value.
///
/// See the [module documentation](super) for the syntax and the matching rule.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    pub(super) source: Cow<'static, str>,
    pub(super) segments: Cow<'static, [Segment]>,
    /// One per placeholder, in order.
    pub(super) shapes: Cow<'static, [Shape]>,
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
    /// [`MAX_PLACEHOLDERS`](super::MAX_PLACEHOLDERS) placeholders or with two placeholders in a row
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
}

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
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct PatternError {
    pub(super) pattern: String,
    pub(super) errors: Vec<SyntaxError>,
}

crate::error::debug_is_display!(PatternError);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::SyntaxErrorKind;

    fn p(src: &str) -> Pattern {
        Pattern::parse(src).unwrap()
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
}
