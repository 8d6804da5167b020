//! Parsing `#[room_auth(...)]`'s arguments: which rooms, the most access,
//! the session parameter.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens as _;
use syn::ext::IdentExt as _;
use syn::{Expr, Ident, Path, Type};

use crate::attr::{self, Arg};
use crate::ctxt::Ctxt;
use crate::pattern::RoomPattern;

const KEYS: &[&str] = &["rooms", "access", "permission", "session", "context"];

fn example(key: &str) -> String {
    match key {
        "access" => "`#[room_auth(rooms = \"project-<id>\", access = \"read\")]`".to_owned(),
        "permission" => {
            "`#[room_auth(rooms = \"project-<id>\", permission = \"join\")]`".to_owned()
        }
        "session" => "`#[room_auth(rooms = \"project-<id>\", session = user)]`".to_owned(),
        "context" => {
            "`#[room_auth(rooms = \"project-<id>\", context = AxumContext<AppState>)]`".to_owned()
        }
        _ => "`#[room_auth(rooms = \"project-<id>\")]`".to_owned(),
    }
}

/// Which rooms a rule answers for.
pub enum Rooms {
    /// `rooms = "p"` or `rooms = ["p1", "p2"]`.
    Patterns(Vec<RoomPattern>),
    /// `rooms = SomeRoomResource`.
    Type(Path),
}

/// The most a rule grants.
#[derive(Clone, Copy)]
pub enum Access {
    Read,
    Write,
}

/// What the attribute's arguments say.
pub struct Args {
    pub rooms: Option<Rooms>,
    pub access: Access,
    pub session: Option<Ident>,
    /// `context = Type`: the one request context the rule serves, so that
    /// each extractor is checked at its parameter.
    pub context: Option<Type>,
}

pub fn parse_args(tokens: TokenStream, cx: &mut Ctxt) -> Args {
    let mut args = Args {
        rooms: None,
        access: Access::Write,
        session: None,
        context: None,
    };
    let mut access_key: Option<Ident> = None;
    let parsed = attr::parse_args(tokens, KEYS, "`#[room_auth(...)]`", example, cx);
    for Arg { key, value } in parsed.args {
        match key.unraw().to_string().as_str() {
            "rooms" => {
                args.rooms = parse_rooms(&value, cx);
            }
            "access" | "permission" => {
                if let Some(previous) = &access_key {
                    cx.error_help(
                        key.span(),
                        format!("`{key}` and `{previous}` both set the rule's maximum access"),
                        "keep one: `access = \"read\"` or `access = \"write\"`",
                    );
                    continue;
                }
                let parsed = if key == "access" {
                    parse_access(&value, cx)
                } else {
                    parse_permission(&value, cx)
                };
                if let Some(access) = parsed {
                    args.access = access;
                }
                access_key = Some(key.clone());
            }
            "context" => match syn::parse2::<Type>(value.to_token_stream()) {
                Ok(ty) => args.context = Some(ty),
                Err(_) => cx.error_spanned_help(
                    &value,
                    "`context` takes a type",
                    "name the web framework's request context, like \
                     `context = roomauth::axum::AxumContext<AppState>`",
                ),
            },
            _ => match attr::as_ident(&value) {
                Some(ident) => args.session = Some(ident.clone()),
                None => cx.error_spanned_help(
                    &value,
                    "`session` takes the name of a parameter",
                    "name the parameter that is the app's session extractor, without quotes, \
                     like `session = user`",
                ),
            },
        }
    }
    if !parsed.mentioned.contains(&"rooms") {
        cx.error_help(
            Span::call_site(),
            "missing `rooms`",
            "say which rooms this rule answers for, like `#[room_auth(rooms = \"project-<id>\")]`",
        );
    }
    args
}

fn parse_rooms(value: &Expr, cx: &mut Ctxt) -> Option<Rooms> {
    const WRONG_KIND: &str = "`rooms` takes a pattern, a list of patterns, or a room type";
    const KINDS: &str = "write a pattern like `rooms = \"project-<id>\"`, a list like \
         `rooms = [\"project-<id>\", \"team-<id>\"]`, or a type that derives `RoomResource`, \
         like `rooms = ProjectRoom`";
    match attr::peel(value) {
        Expr::Lit(_) => match attr::as_lit_str(value) {
            Some(lit) => RoomPattern::parse(lit, cx).map(|p| Rooms::Patterns(vec![p])),
            None => {
                cx.error_spanned_help(value, WRONG_KIND, KINDS);
                None
            }
        },
        Expr::Array(array) => {
            if array.elems.is_empty() {
                cx.error_spanned_help(
                    value,
                    "`rooms = []` lists no pattern, so the rule would answer for no room",
                    "give at least one, like `rooms = [\"project-<id>\"]`",
                );
                return None;
            }
            let mut patterns = Vec::new();
            for elem in &array.elems {
                match attr::as_lit_str(elem) {
                    Some(lit) => patterns.extend(RoomPattern::parse(lit, cx)),
                    None => cx.error_spanned_help(
                        elem,
                        "each element of `rooms = [...]` must be a pattern string",
                        "write it like `\"project-<id>\"`",
                    ),
                }
            }
            // Every element a valid pattern (the others are reported).
            (patterns.len() == array.elems.len()).then_some(Rooms::Patterns(patterns))
        }
        Expr::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last().map(|s| s.ident.to_string());
            if last.as_deref().is_some_and(is_constant_name) {
                cx.error_spanned_help(
                    value,
                    "`rooms` cannot read a constant",
                    "the macro reads the patterns from the attribute itself, at compile time: \
                     write the pattern string here, like `rooms = \"project-<id>\"`, or use a \
                     type that derives `RoomResource`, like `rooms = ProjectRoom`",
                );
                return None;
            }
            Some(Rooms::Type(path.path.clone()))
        }
        _ => {
            cx.error_spanned_help(value, WRONG_KIND, KINDS);
            None
        }
    }
}

fn parse_access(value: &Expr, cx: &mut Ctxt) -> Option<Access> {
    let Some(lit) = attr::as_lit_str(value) else {
        cx.error_spanned_help(
            value,
            "`access` takes a string",
            "write `access = \"read\"` or `access = \"write\"` (the default)",
        );
        return None;
    };
    match lit.value().as_str() {
        "read" => Some(Access::Read),
        "write" => Some(Access::Write),
        other => {
            let hint = attr::did_you_mean(other, ["read", "write"])
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_default();
            cx.error_help(
                lit.span(),
                format!("unknown access `{other}`{hint}"),
                "the rule's maximum access is `read` or `write` (the default)",
            );
            None
        }
    }
}

/// `permission = "join" | "read_write"`: Room Service's spellings of
/// `access = "read" | "write"`.
fn parse_permission(value: &Expr, cx: &mut Ctxt) -> Option<Access> {
    let Some(lit) = attr::as_lit_str(value) else {
        cx.error_spanned_help(
            value,
            "`permission` takes a string",
            "write `permission = \"join\"` (the room only) or `permission = \"read_write\"` \
             (the room and its documents, the default)",
        );
        return None;
    };
    match lit.value().as_str() {
        "join" => Some(Access::Read),
        "read_write" => Some(Access::Write),
        other => {
            let hint = attr::did_you_mean(other, ["join", "read_write"])
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_default();
            cx.error_help(
                lit.span(),
                format!("unknown permission `{other}`{hint}"),
                "the permissions are `join` (the room only) and `read_write` (the room and its \
                 documents, the default)",
            );
            None
        }
    }
}

/// Whether `name` is written like a constant (`ROOMS`, `PROJECT_ROOM`), not
/// like a type (`ProjectRoom`).
fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name.chars().count() > 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}
