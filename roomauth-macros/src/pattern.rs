//! Room patterns at compile time: a `LitStr` checked with the runtime's own
//! grammar (`roomauth_syntax`), diagnostics that point inside the pattern,
//! and the tokens that build the pattern in a `static`.

use std::fmt::Write as _;
use std::ops::Range;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{LitStr, Type};

use crate::ctxt::Ctxt;
use roomauth_syntax::{self as syntax, Part, Shape, Shaped};

/// One piece of a checked pattern, owned, with its byte range in the source.
pub enum Piece {
    /// Literal text.
    Literal(String),
    /// A placeholder's name.
    Placeholder(String),
}

/// A room pattern that passed the syntax check.
pub struct RoomPattern {
    /// The string literal as the user wrote it, for spans.
    pub lit: LitStr,
    /// The pattern's text.
    pub source: String,
    /// The pieces, each with its byte range in `source` (a placeholder's
    /// range covers its angle brackets).
    pub pieces: Vec<(Piece, Range<usize>)>,
}

impl RoomPattern {
    /// Checks `lit`, recording every syntax error in `cx`; `None` if there
    /// was one.
    pub fn parse(lit: &LitStr, cx: &mut Ctxt) -> Option<RoomPattern> {
        let source = lit.value();
        match syntax::parse_spanned(&source) {
            Ok(parts) => {
                let pieces = parts
                    .into_iter()
                    .map(|(part, range)| {
                        let piece = match part {
                            Part::Literal(text) => Piece::Literal(text.to_owned()),
                            Part::Placeholder(name) => Piece::Placeholder(name.to_owned()),
                        };
                        (piece, range)
                    })
                    .collect();
                Some(RoomPattern {
                    lit: lit.clone(),
                    source,
                    pieces,
                })
            }
            Err(errors) => {
                for error in errors {
                    let (message, help) = error.fault_and_help_in(&source);
                    cx.syn_error(error_in(lit, &source, error.span, message, &help));
                }
                None
            }
        }
    }

    /// The placeholders' names with their byte ranges, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = (&str, Range<usize>)> + '_ {
        self.pieces.iter().filter_map(|(piece, range)| match piece {
            Piece::Placeholder(name) => Some((name.as_str(), range.clone())),
            Piece::Literal(_) => None,
        })
    }

    /// The position of placeholder `name` among the placeholders, as a
    /// `usize` expression for generated code, which takes values by
    /// position; `usize::MAX` (no value) where there is none, a mistake
    /// validation has already reported.
    pub fn position_of(&self, name: &str) -> TokenStream {
        match self
            .placeholders()
            .position(|(candidate, _)| candidate == name)
        {
            Some(at) => quote!(#at),
            None => quote!(::core::primitive::usize::MAX),
        }
    }

    /// Whether the pattern has a placeholder called `name`.
    pub fn has_placeholder(&self, name: &str) -> bool {
        self.placeholders().any(|(candidate, _)| candidate == name)
    }

    /// The placeholders' names, sorted, for comparing patterns.
    pub fn placeholder_set(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.placeholders().map(|(name, _)| name).collect();
        names.sort_unstable();
        names
    }

    /// An error at this pattern that marks `range` of it, with the fix on a
    /// `= help:` line.
    pub fn error_help(
        &self,
        range: Range<usize>,
        message: impl Into<String>,
        help: impl std::fmt::Display,
    ) -> syn::Error {
        error_in(&self.lit, &self.source, range, message.into(), &help)
    }

    /// A room name that both patterns match, if there is one, each
    /// placeholder with the shape `shape_of` its name gives (one function
    /// per pattern). `None` too when a shape is unknown: then `Rules::new`
    /// decides, with the types' real shapes.
    pub fn overlap(
        &self,
        shape_of: &dyn Fn(&str) -> Option<Shape>,
        other: &RoomPattern,
        other_shape_of: &dyn Fn(&str) -> Option<Shape>,
    ) -> Option<String> {
        let shapes = |pattern: &RoomPattern, shape_of: &dyn Fn(&str) -> Option<Shape>| {
            pattern
                .placeholders()
                .map(|(name, _)| shape_of(name))
                .collect::<Option<Vec<Shape>>>()
        };
        let (a, b) = (shapes(self, shape_of)?, shapes(other, other_shape_of)?);
        syntax::overlap(
            Shaped {
                parts: &self.parts(),
                shapes: &a,
            },
            Shaped {
                parts: &other.parts(),
                shapes: &b,
            },
        )
    }

    fn parts(&self) -> Vec<Part<'_>> {
        self.pieces
            .iter()
            .map(|(piece, _)| match piece {
                Piece::Literal(text) => Part::Literal(text),
                Piece::Placeholder(name) => Part::Placeholder(name),
            })
            .collect()
    }

    /// `::roomauth::__private::Pattern::from_static("...", &[...], &[...])`,
    /// an expression that may initialise a `static`; `shapes` are constant
    /// expressions, one per placeholder in order.
    pub fn to_tokens(&self, shapes: &[TokenStream]) -> TokenStream {
        let source = &self.source;
        let p = crate::private();
        let segments = self.pieces.iter().map(|(piece, _)| match piece {
            Piece::Literal(text) => quote! {
                #p::Segment::Literal(#p::Cow::Borrowed(#text))
            },
            Piece::Placeholder(name) => quote! {
                #p::Segment::Placeholder(#p::Cow::Borrowed(#name))
            },
        });
        quote! {
            #p::Pattern::from_static(#source, &[#(#segments),*], &[#(#shapes),*])
        }
    }
}

/// How types keep patterns apart, for the help of an overlap error.
pub const TYPES_APART: &str = "`String` takes any text, an integer only its digits";

/// The shape of a placeholder's values as far as a macro can tell from how
/// its type is written: `String`, the integers and `Uuid` by name. `None`
/// for any other type (an alias, the app's own `RoomParam`), whose shape
/// only the compiled program knows.
pub fn shape_of_type(ty: &Type) -> Option<Shape> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            if !last.arguments.is_empty() {
                return None;
            }
            match last.ident.to_string().as_str() {
                "String" => Some(Shape::Text),
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Some(Shape::Unsigned),
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Some(Shape::Signed),
                "Uuid" => Some(Shape::Uuid),
                _ => None,
            }
        }
        Type::Paren(paren) => shape_of_type(&paren.elem),
        Type::Group(group) => shape_of_type(&group.elem),
        _ => None,
    }
}

/// An error spanned at the whole literal (stable proc macros cannot point
/// inside a string), whose message quotes the pattern on a second line and
/// marks `range` of it with carets on a third; then the `= help:` line.
fn error_in(
    lit: &LitStr,
    source: &str,
    range: Range<usize>,
    message: String,
    help: &dyn std::fmt::Display,
) -> syn::Error {
    let with_help = |text: String| crate::ctxt::with_help(text, help);
    if source.is_empty() {
        return syn::Error::new(lit.span(), with_help(message));
    }
    let mut quoted = String::from("\"");
    let mut carets = String::from(" ");
    for (at, c) in source.char_indices() {
        let escaped: String = match c {
            '"' => "\\\"".to_owned(),
            '\'' => "'".to_owned(),
            c => c.escape_debug().collect(),
        };
        let inside = range.contains(&at) || (range.is_empty() && at == range.start);
        let mark = if inside { '^' } else { ' ' };
        carets.extend(std::iter::repeat_n(mark, escaped.chars().count()));
        quoted.push_str(&escaped);
    }
    quoted.push('"');
    if range.start >= source.len() {
        carets.push('^');
    }
    let mut text = message;
    let _ = write!(text, "\n  {quoted}\n  {}", carets.trim_end());
    syn::Error::new(lit.span(), with_help(text))
}
