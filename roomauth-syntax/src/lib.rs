//! The syntax of roomauth's room patterns: a pure parser with diagnostics,
//! the [`Shape`]s of placeholder values, and the exact [`overlap`] check
//! between two patterns.
//!
//! This crate depends on nothing but `std` because both `roomauth` (as
//! `roomauth::pattern::syntax`) and the proc-macro crate `roomauth-macros`
//! use it, so that `#[room_auth]` and `#[derive(RoomResource)]` reject
//! exactly the patterns the runtime rejects, with the same messages.
//!
//! # Syntax
//!
//! A pattern is literal text and `<name>` placeholders, like
//! `org-<org>-project-<id>`:
//!
//! - Literal text is any characters except `<` and `>`, matched exactly.
//!   There is no escape syntax, so a literal can never contain `<` or `>`.
//! - A placeholder is `<`, a name, and `>`. The name is a Rust identifier
//!   (`[A-Za-z_][A-Za-z0-9_]*`, not `_` alone, not a keyword such as `type`
//!   or `self`), since it binds the parameter or field of the same name.
//! - Names are unique within a pattern, two placeholders are always
//!   separated by literal text (`<a>-<b>`, never `<a><b>`), and a pattern has
//!   at most [`MAX_PLACEHOLDERS`] placeholders.
//!
//! [`parse`] reports every mistake it finds, not only the first, each with the
//! byte range of `src` that is wrong.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::ops::Range;

mod overlap;
mod shape;

pub use overlap::{Shaped, overlap};
pub use shape::Shape;

/// The largest number of placeholders one pattern may have.
pub const MAX_PLACEHOLDERS: usize = 16;

/// One piece of a parsed pattern, borrowing the pattern's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part<'a> {
    /// Literal text, matched exactly; never empty, never contains `<` or `>`.
    Literal(&'a str),
    /// A `<name>` placeholder; holds the name without the angle brackets.
    Placeholder(&'a str),
}

impl<'a> Part<'a> {
    /// The literal text, or the placeholder's name.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Part::Literal(text) | Part::Placeholder(text) => text,
        }
    }
}

/// One mistake in a pattern: what is wrong, and where. `Debug` prints the
/// message, like `Display`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    /// What is wrong.
    pub kind: SyntaxErrorKind,
    /// The byte range of the pattern's source that is wrong (empty for an
    /// empty pattern).
    pub span: Range<usize>,
}

/// The kinds of mistakes [`parse`] reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// The pattern is empty. The span is `0..0`.
    Empty,
    /// A `<` has no matching `>`. The span runs from the `<` to the end of the
    /// pattern.
    Unclosed,
    /// A `>` has no `<` before it. The span is the `>`.
    StrayClose,
    /// A placeholder has no name: `<>`. The span is the `<>`.
    EmptyName,
    /// A placeholder's name is not a Rust identifier, is `_`, or is a keyword.
    /// The span is the name.
    InvalidName,
    /// A placeholder's name was already used in this pattern. The span is the
    /// second name.
    DuplicateName {
        /// The byte range of the first use of the name.
        first: Range<usize>,
    },
    /// Two placeholders with no literal text between them, like `<a><b>`.
    /// The span covers both placeholders.
    AdjacentPlaceholders,
    /// More than [`MAX_PLACEHOLDERS`] placeholders. The span covers the
    /// placeholders beyond the limit; this is reported once per pattern.
    TooManyPlaceholders,
    /// A `<` inside a placeholder, like `<a<b>`. The span is the inner `<`.
    NestedOpen,
    /// Another framework's placeholder syntax in literal text: `{name}` (axum,
    /// Laravel) or `:name` after `-`, `/` or `.` (Express, Rails), which would
    /// match only that very text. The span is the `{name}` or `:name`.
    ForeignPlaceholder,
}

impl SyntaxErrorKind {
    /// What is wrong, in a few words, and how to fix it: the first line and
    /// the `help:` line of the macros' compile errors.
    pub fn fault_and_help(&self) -> (String, String) {
        const NO_ESCAPE: &str = "(literal text cannot contain `<` or `>`, there is no escape)";
        let (fault, help): (&str, String) = match self {
            SyntaxErrorKind::Empty => (
                "empty room pattern",
                "a pattern needs at least one character: write literal text and `<name>` \
                 placeholders, like `project-<id>`"
                    .to_owned(),
            ),
            SyntaxErrorKind::Unclosed => (
                "unclosed placeholder: `<` has no matching `>`",
                format!("close it like `<id>`, or remove the `<` {NO_ESCAPE}"),
            ),
            SyntaxErrorKind::StrayClose => (
                "stray `>`: there is no `<` before it",
                format!("open the placeholder like `<id>`, or remove the `>` {NO_ESCAPE}"),
            ),
            SyntaxErrorKind::EmptyName => (
                "empty placeholder name `<>`",
                "write the name of the parameter or field it binds inside, like `<id>`".to_owned(),
            ),
            SyntaxErrorKind::InvalidName => (
                "invalid placeholder name",
                "a name is a Rust identifier (a letter or `_`, then ASCII letters, digits or \
                 `_`), not `_` alone and not a keyword: rename it like `<room_id>`"
                    .to_owned(),
            ),
            SyntaxErrorKind::DuplicateName { .. } => (
                "duplicate placeholder name",
                "each name binds one parameter or field, so it appears once in a pattern: \
                 rename one of them, like `<id>` and `<other_id>`"
                    .to_owned(),
            ),
            SyntaxErrorKind::AdjacentPlaceholders => (
                "two placeholders with no literal text between them",
                "a room name could be split between them in more than one way: put a \
                 separator between them, like `<org>-<id>`"
                    .to_owned(),
            ),
            SyntaxErrorKind::TooManyPlaceholders => (
                "too many placeholders",
                format!(
                    "a pattern may have at most {MAX_PLACEHOLDERS}: use fewer, for example \
                     merge `<a>-<b>` into one placeholder like `<ab>` whose type parses both values"
                ),
            ),
            SyntaxErrorKind::NestedOpen => (
                "`<` inside a placeholder",
                "placeholders cannot nest and names cannot contain `<`: close the first \
                 placeholder with `>` before opening the next, like `<a>-<b>`"
                    .to_owned(),
            ),
            SyntaxErrorKind::ForeignPlaceholder => (
                "not a placeholder: `{name}` and `:name` would match only that very text",
                FOREIGN_HELP.to_owned(),
            ),
        };
        (fault.to_owned(), help)
    }

    /// A full sentence that names the mistake and how to fix it.
    pub fn message(&self) -> String {
        let (fault, help) = self.fault_and_help();
        format!("{fault}; {help}")
    }
}

/// How to write a placeholder, for [`SyntaxErrorKind::ForeignPlaceholder`].
const FOREIGN_HELP: &str = "roomauth writes placeholders in angle brackets, like \
     `project-<id>`, not `{id}` or `:id` as in web routes";

impl fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl SyntaxError {
    /// Like [`SyntaxErrorKind::fault_and_help`], but quoting the offending
    /// text of `src` (the pattern this error was found in) where that helps,
    /// e.g. "invalid placeholder name `type`: it is a Rust keyword".
    pub fn fault_and_help_in(&self, src: &str) -> (String, String) {
        let text = src.get(self.span.clone()).unwrap_or("");
        match &self.kind {
            SyntaxErrorKind::InvalidName if is_keyword(text) => (
                format!("invalid placeholder name `{text}`: it is a Rust keyword"),
                format!("rename it, like `<{text}_id>` or `<room_{text}>`"),
            ),
            SyntaxErrorKind::InvalidName if text == "_" => (
                "invalid placeholder name `_`".to_owned(),
                "`_` cannot name a parameter or field: give it a name, like `<id>`".to_owned(),
            ),
            SyntaxErrorKind::InvalidName => {
                let (_, help) = self.kind.fault_and_help();
                (format!("invalid placeholder name `{text}`"), help)
            }
            SyntaxErrorKind::DuplicateName { .. } => (
                format!("duplicate placeholder name `{text}`"),
                format!(
                    "each name binds one parameter or field, so it appears once in a pattern: \
                     rename one of them, like `<{text}>` and `<other_{text}>`"
                ),
            ),
            SyntaxErrorKind::ForeignPlaceholder => {
                let name = text.trim_start_matches([':', '{']).trim_end_matches('}');
                (
                    format!("`{text}` is not a placeholder: did you mean `<{name}>`?"),
                    FOREIGN_HELP.to_owned(),
                )
            }
            kind => kind.fault_and_help(),
        }
    }

    /// [`SyntaxError::fault_and_help_in`] as one sentence.
    pub fn message_in(&self, src: &str) -> String {
        let (fault, help) = self.fault_and_help_in(src);
        format!("{fault}; {help}")
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at bytes {}..{})",
            self.kind.message(),
            self.span.start,
            self.span.end
        )
    }
}

impl std::error::Error for SyntaxError {}

impl fmt::Debug for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Keywords that cannot be used as placeholder names: the strict keywords of
/// every edition and the reserved ones. `gen` (reserved only in edition
/// 2024) and weak keywords such as `union` are allowed.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is a keyword that cannot name a placeholder.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` may name a placeholder: `[A-Za-z_][A-Za-z0-9_]*`, not `_`
/// alone, and not a keyword.
pub fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_');
    first_ok
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && name != "_"
        && !is_keyword(name)
}

/// Parses a pattern, gathering every mistake.
///
/// On success the parts alternate between literals and placeholders (never
/// two placeholders in a row, never an empty literal).
pub fn parse(src: &str) -> Result<Vec<Part<'_>>, Vec<SyntaxError>> {
    parse_spanned(src).map(|parts| parts.into_iter().map(|(part, _)| part).collect())
}

/// Like [`parse`], and also gives each part's byte range in `src` (for a
/// placeholder, the range covers the angle brackets).
pub fn parse_spanned(src: &str) -> Result<Vec<(Part<'_>, Range<usize>)>, Vec<SyntaxError>> {
    if src.is_empty() {
        return Err(vec![SyntaxError {
            kind: SyntaxErrorKind::Empty,
            span: 0..0,
        }]);
    }
    let mut errors = Vec::new();
    let mut parts: Vec<(Part<'_>, Range<usize>)> = Vec::new();
    let mut names: Vec<(&str, Range<usize>)> = Vec::new();
    let mut placeholders = 0usize;
    let mut too_many: Option<Range<usize>> = None;
    // Where the current placeholder's `<` is, if inside one.
    let mut open: Option<usize> = None;
    // Where the current literal run starts, when outside a placeholder.
    let mut literal_start = 0usize;

    for (i, byte) in src.bytes().enumerate() {
        match (byte, open) {
            (b'<', None) => {
                if literal_start < i {
                    parts.push((Part::Literal(&src[literal_start..i]), literal_start..i));
                }
                open = Some(i);
            }
            (b'<', Some(_)) => {
                // Recover by abandoning the outer placeholder.
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::NestedOpen,
                    span: i..i + 1,
                });
                open = Some(i);
            }
            (b'>', None) => errors.push(SyntaxError {
                kind: SyntaxErrorKind::StrayClose,
                span: i..i + 1,
            }),
            (b'>', Some(start)) => {
                let name_span = start + 1..i;
                let name = &src[name_span.clone()];
                let span = start..i + 1;
                if name.is_empty() {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::EmptyName,
                        span: span.clone(),
                    });
                } else if !is_valid_name(name) {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::InvalidName,
                        span: name_span,
                    });
                } else if let Some((_, first)) = names.iter().find(|(seen, _)| *seen == name) {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::DuplicateName {
                            first: first.clone(),
                        },
                        span: name_span,
                    });
                } else {
                    names.push((name, name_span));
                }
                if let Some((Part::Placeholder(_), previous)) = parts.last() {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::AdjacentPlaceholders,
                        span: previous.start..span.end,
                    });
                }
                placeholders += 1;
                if placeholders > MAX_PLACEHOLDERS {
                    let start = too_many.as_ref().map_or(span.start, |r| r.start);
                    too_many = Some(start..span.end);
                }
                parts.push((Part::Placeholder(name), span));
                open = None;
                literal_start = i + 1;
            }
            _ => {}
        }
    }
    match open {
        Some(start) => errors.push(SyntaxError {
            kind: SyntaxErrorKind::Unclosed,
            span: start..src.len(),
        }),
        None => {
            if literal_start < src.len() {
                parts.push((
                    Part::Literal(&src[literal_start..]),
                    literal_start..src.len(),
                ));
            }
        }
    }
    if let Some(span) = too_many {
        errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooManyPlaceholders,
            span,
        });
    }
    for (part, range) in &parts {
        if let Part::Literal(text) = part {
            errors.extend(
                foreign_placeholders(text, range.start).map(|span| SyntaxError {
                    kind: SyntaxErrorKind::ForeignPlaceholder,
                    span,
                }),
            );
        }
    }
    if errors.is_empty() {
        Ok(parts)
    } else {
        errors.sort_by_key(|error| (error.span.start, error.span.end));
        Err(errors)
    }
}

/// Where literal `text` (at `offset` in the pattern) holds another framework's
/// placeholder: `{name}`, or `:name` at the start of the pattern or after
/// `-`, `/` or `.` (not after other text, so `chat:lobby` stays literal).
fn foreign_placeholders<'a>(
    text: &'a str,
    offset: usize,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let bytes = text.as_bytes();
    let name_end = move |from: usize| {
        let len = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let name = &text[from..from + len];
        let starts_well = name.bytes().next().is_some_and(|b| !b.is_ascii_digit());
        (starts_well && is_valid_name(name)).then_some(from + len)
    };
    (0..bytes.len()).filter_map(move |i| match bytes[i] {
        b'{' => {
            let end = name_end(i + 1)?;
            (bytes.get(end) == Some(&b'}')).then(|| offset + i..offset + end + 1)
        }
        b':' => {
            let at = offset + i;
            // A literal that starts after a placeholder follows its `>`.
            let after_separator = at == 0 || (i > 0 && matches!(bytes[i - 1], b'-' | b'/' | b'.'));
            let end = name_end(i + 1)?;
            after_separator.then_some(at..offset + end)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<SyntaxErrorKind> {
        parse(src)
            .expect_err("pattern should be rejected")
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    fn single(src: &str) -> SyntaxError {
        let errors = parse(src).expect_err("pattern should be rejected");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().expect("one error")
    }

    #[test]
    fn parses_valid_patterns() {
        assert_eq!(
            parse("org-<org>-project-<id>").unwrap(),
            vec![
                Part::Literal("org-"),
                Part::Placeholder("org"),
                Part::Literal("-project-"),
                Part::Placeholder("id"),
            ]
        );
        assert_eq!(parse("lobby").unwrap(), vec![Part::Literal("lobby")]);
        assert_eq!(parse("<id>").unwrap(), vec![Part::Placeholder("id")]);
        assert_eq!(
            parse("<a>é<_b2>").unwrap(),
            vec![
                Part::Placeholder("a"),
                Part::Literal("é"),
                Part::Placeholder("_b2")
            ]
        );
        let spanned = parse_spanned("p-<id>!").unwrap();
        assert_eq!(
            spanned,
            vec![
                (Part::Literal("p-"), 0..2),
                (Part::Placeholder("id"), 2..6),
                (Part::Literal("!"), 6..7)
            ]
        );
    }

    #[test]
    fn empty() {
        let e = single("");
        assert_eq!(e.kind, SyntaxErrorKind::Empty);
        assert_eq!(e.span, 0..0);
    }

    #[test]
    fn unclosed() {
        let e = single("project-<id");
        assert_eq!(e.kind, SyntaxErrorKind::Unclosed);
        assert_eq!(e.span, 8..11);
        assert_eq!(single("<").span, 0..1);
    }

    #[test]
    fn stray_close() {
        let e = single("project->id");
        assert_eq!(e.kind, SyntaxErrorKind::StrayClose);
        assert_eq!(e.span, 8..9);
    }

    #[test]
    fn empty_name() {
        let e = single("project-<>");
        assert_eq!(e.kind, SyntaxErrorKind::EmptyName);
        assert_eq!(e.span, 8..10);
    }

    #[test]
    fn invalid_names() {
        for name in [
            "1a", "a-b", "_", "type", "fn", "self", "Self", "match", "é", "a b", "try",
        ] {
            let src = format!("x-<{name}>");
            let e = single(&src);
            assert_eq!(e.kind, SyntaxErrorKind::InvalidName, "{name}");
            assert_eq!(&src[e.span.clone()], name);
        }
        for name in ["a", "_a", "A9", "room_id", "union", "gen", "r"] {
            assert!(parse(&format!("x-<{name}>")).is_ok(), "{name}");
        }
    }

    #[test]
    fn duplicate_name() {
        let e = single("<id>-<id>");
        assert_eq!(e.kind, SyntaxErrorKind::DuplicateName { first: 1..3 });
        assert_eq!(e.span, 6..8);
    }

    #[test]
    fn adjacent_placeholders() {
        let e = single("x<a><b>");
        assert_eq!(e.kind, SyntaxErrorKind::AdjacentPlaceholders);
        assert_eq!(e.span, 1..7);
    }

    #[test]
    fn too_many_placeholders() {
        let ok: String = (0..MAX_PLACEHOLDERS).map(|i| format!("<p{i}>-")).collect();
        assert!(parse(&ok).is_ok());
        let src: String = (0..MAX_PLACEHOLDERS + 2)
            .map(|i| format!("<p{i}>-"))
            .collect();
        let e = single(&src);
        assert_eq!(e.kind, SyntaxErrorKind::TooManyPlaceholders);
        assert!(src[e.span.clone()].starts_with("<p16>"));
        assert!(src[e.span.clone()].ends_with("<p17>"));
    }

    #[test]
    fn nested_open() {
        let e = single("<a<b>");
        assert_eq!(e.kind, SyntaxErrorKind::NestedOpen);
        assert_eq!(e.span, 2..3);
    }

    #[test]
    fn gathers_all_errors_in_order() {
        assert_eq!(
            kinds("><><type>-<a>-<a><b"),
            vec![
                SyntaxErrorKind::StrayClose,
                SyntaxErrorKind::EmptyName,
                SyntaxErrorKind::AdjacentPlaceholders,
                SyntaxErrorKind::InvalidName,
                SyntaxErrorKind::DuplicateName { first: 11..12 },
                SyntaxErrorKind::Unclosed,
            ]
        );
    }

    #[test]
    fn messages_name_mistake_and_fix() {
        let all = [
            SyntaxErrorKind::Empty,
            SyntaxErrorKind::Unclosed,
            SyntaxErrorKind::StrayClose,
            SyntaxErrorKind::EmptyName,
            SyntaxErrorKind::InvalidName,
            SyntaxErrorKind::DuplicateName { first: 0..1 },
            SyntaxErrorKind::AdjacentPlaceholders,
            SyntaxErrorKind::TooManyPlaceholders,
            SyntaxErrorKind::NestedOpen,
            SyntaxErrorKind::ForeignPlaceholder,
        ];
        for kind in all {
            let (fault, help) = kind.fault_and_help();
            assert!(fault.len() <= 80, "{fault}");
            assert!(help.contains("like `"), "{help}");
            assert_eq!(kind.message(), format!("{fault}; {help}"));
        }
        assert_eq!(
            SyntaxErrorKind::Unclosed.message(),
            "unclosed placeholder: `<` has no matching `>`; close it like `<id>`, or remove \
             the `<` (literal text cannot contain `<` or `>`, there is no escape)"
        );
        let src = "a-<type>";
        let e = single(src);
        assert!(
            e.message_in(src)
                .starts_with("invalid placeholder name `type`: it is a Rust keyword")
        );
        let src = "<id>-<id>";
        assert!(single(src).message_in(src).contains("`id`"));
        assert_eq!(
            single("<").to_string(),
            format!("{} (at bytes 0..1)", SyntaxErrorKind::Unclosed)
        );
    }

    #[test]
    fn other_frameworks_placeholders() {
        for (src, text, name) in [
            ("team.{team}", "{team}", "team"),
            ("project-:id", ":id", "id"),
            (":id", ":id", "id"),
            ("org/:org_id/x", ":org_id", "org_id"),
            ("{a}-<b>", "{a}", "a"),
            ("<b>-{a}", "{a}", "a"),
        ] {
            let e = single(src);
            assert_eq!(e.kind, SyntaxErrorKind::ForeignPlaceholder, "{src}");
            assert_eq!(&src[e.span.clone()], text, "{src}");
            let (fault, _) = e.fault_and_help_in(src);
            assert!(
                fault.contains(&format!("did you mean `<{name}>`?")),
                "{fault}"
            );
        }
        // Colons inside words, digits, braces around non-names stay literal.
        for src in [
            "chat:lobby",
            "<org>:<id>",
            "<org>:lobby",
            "a-:1",
            "{}",
            "{a-b}",
            "a{b",
            "x-{1}",
            "a::b",
        ] {
            assert!(parse(src).is_ok(), "{src}");
        }
    }
}
