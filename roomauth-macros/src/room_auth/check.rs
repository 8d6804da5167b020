//! Checking the function against its arguments: its signature, and where
//! each parameter gets its value (a placeholder, the typed room, the session
//! or another extractor).

use quote::ToTokens;
use syn::ext::IdentExt as _;
use syn::{FnArg, Ident, ItemFn, Pat, Path, Type};

use super::parse::{Access, Args, Rooms};
use crate::attr;
use crate::ctxt::Ctxt;
use crate::pattern::{RoomPattern, TYPES_APART, shape_of_type};

/// How one parameter of the function gets its value.
pub enum Source {
    /// From the room placeholder of this name.
    Placeholder(String),
    /// The whole room, parsed into the `rooms = Type` type.
    Room,
    /// The app's session extractor: its rejection means "not logged in".
    Session,
    /// Any other extractor: its rejection is passed through.
    Extractor,
}

/// One parameter of the function.
pub struct Param<'a> {
    /// Its name without `r#`, if its pattern is a plain identifier.
    pub name: Option<Ident>,
    pub ty: &'a Type,
    pub source: Source,
    /// Under `#[cfg]` (reported): no further checks.
    pub cfg: bool,
}

/// The parameter bound to `placeholder`, if any.
pub fn param_of<'p, 'a>(params: &'p [Param<'a>], placeholder: &str) -> Option<&'p Param<'a>> {
    params
        .iter()
        .find(|param| matches!(&param.source, Source::Placeholder(name) if name == placeholder))
}

/// A validated rule.
pub struct RuleDef<'a> {
    pub func: &'a ItemFn,
    pub rooms: Rooms,
    pub access: Access,
    pub params: Vec<Param<'a>>,
    /// `context = Type`: the one request context the rule serves.
    pub context: Option<Type>,
}

/// Checks the function against the arguments; `None` when the arguments
/// name no rooms (reported already).
pub fn validate<'a>(func: &'a ItemFn, args: Args, cx: &mut Ctxt) -> Option<RuleDef<'a>> {
    check_signature(func, cx);
    let mut params = params_of(func, cx);
    match &args.rooms {
        None => {}
        Some(Rooms::Patterns(patterns)) => {
            bind_placeholders(func, patterns, &mut params, cx);
            check_patterns(patterns, &params, cx);
        }
        Some(Rooms::Type(path)) => bind_room(func, path, &mut params, cx),
    }
    if let Some(session) = &args.session {
        bind_session(func, session, &mut params, cx);
    }
    if let Some(rooms) = &args.rooms {
        check_unbound_values(rooms, &params, cx);
    }
    Some(RuleDef {
        func,
        rooms: args.rooms?,
        access: args.access,
        params,
        context: args.context,
    })
}

fn check_signature(func: &ItemFn, cx: &mut Ctxt) {
    let sig = &func.sig;
    if let Some(receiver) = sig.receiver() {
        cx.error_spanned_help(
            receiver,
            "`#[room_auth]` goes on a free function, not on a method",
            "move the function out of the `impl` block and take what it needs as parameters",
        );
    } else if let Some(self_type) = self_type_in(sig) {
        cx.error_help(
            self_type.span(),
            "`#[room_auth]` goes on a free function, not on an associated function",
            "move the function out of the `impl` block and name the type instead of `Self`",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_help(
            &sig.generics,
            "a `#[room_auth]` function cannot be generic",
            "the rule calls it with concrete types: remove the generic parameters and name \
             the types, like `State<AppState>`",
        );
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        cx.error_spanned_help(
            token,
            "a `#[room_auth]` function cannot be `unsafe`",
            "the rule calls it from safe code: remove `unsafe`, and use an `unsafe` block \
             inside if needed",
        );
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output
        && matches!(&**ty, Type::Path(path) if path.path.is_ident("bool"))
    {
        cx.error_spanned_help(
            ty,
            "a `#[room_auth]` function cannot return `bool`: it must say who the user is",
            "return `Option<U>` with the user's id, like `allowed.then_some(user.id)`, or \
             `Result<U, Deny>`",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_help(
            variadic,
            "a `#[room_auth]` function cannot be variadic",
            "remove the `...`",
        );
    }
}

/// The first `Self` in the signature: the function is in an `impl` block,
/// where the rule struct cannot go. (An associated function that does not
/// name `Self` cannot be told from a free one.)
pub fn self_type_in(sig: &syn::Signature) -> Option<Ident> {
    fn find(tokens: proc_macro2::TokenStream) -> Option<Ident> {
        tokens.into_iter().find_map(|token| match token {
            proc_macro2::TokenTree::Ident(ident) if ident == "Self" => Some(ident),
            proc_macro2::TokenTree::Group(group) => find(group.stream()),
            _ => None,
        })
    }
    find(sig.to_token_stream())
}

/// The typed parameters, each an extractor until bound otherwise.
fn params_of<'a>(func: &'a ItemFn, cx: &mut Ctxt) -> Vec<Param<'a>> {
    let mut params = Vec::new();
    for input in &func.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        if let Type::ImplTrait(_) = &*typed.ty {
            cx.error_spanned_help(
                &typed.ty,
                "a `#[room_auth]` parameter cannot have an `impl Trait` type",
                "the rule must know the concrete type to parse or extract it: name the type",
            );
        }
        if let Type::Reference(reference) = &*typed.ty {
            let owned = type_text(&reference.elem);
            let name = param_name(&typed.pat).map_or_else(|| "_".to_owned(), |n| n.to_string());
            cx.error_spanned_help(
                &typed.ty,
                format!(
                    "a `#[room_auth]` parameter cannot be a reference: `{name}` borrows `{owned}`"
                ),
                format!(
                    "the rule extracts or parses each argument and passes it by value: \
                     write `{name}: {owned}`"
                ),
            );
        }
        // The rule calls the function with one argument per parameter, so
        // a parameter must not disappear under `#[cfg]`.
        let mut cfg = false;
        for attr in typed.attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            cfg = true;
            cx.error_spanned_help(
                attr,
                "`#[cfg]` on a parameter of a `#[room_auth]` function",
                "the rule passes every parameter: write two functions under `#[cfg]` instead, \
                 or make the parameter's type itself configurable",
            );
        }
        params.push(Param {
            name: param_name(&typed.pat),
            ty: &typed.ty,
            source: Source::Extractor,
            cfg,
        });
    }
    params
}

/// A type as the user wrote it, without the spaces a token stream puts
/// between every token (`web::Json<Body>`, not `web :: Json < Body >`).
fn type_text(ty: &Type) -> String {
    let text = ty.to_token_stream().to_string();
    [
        (" :: ", "::"),
        (" < ", "<"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
    ]
    .iter()
    .fold(text, |text, (from, to)| text.replace(from, to))
}

/// The name a parameter binds, without `r#`, if its pattern is a plain
/// identifier: `r#gen` binds `<gen>`.
fn param_name(pat: &Pat) -> Option<Ident> {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.unraw()),
        _ => None,
    }
}

/// Binds each parameter named like a placeholder to it. `_doc` binds `<doc>`
/// when no parameter is called `doc`: rustc suggests that rename for an
/// unused parameter, and following its advice must not break the build.
fn bind_placeholders(
    func: &ItemFn,
    patterns: &[RoomPattern],
    params: &mut [Param<'_>],
    cx: &mut Ctxt,
) {
    let names: Vec<String> = params
        .iter()
        .filter_map(|p| p.name.as_ref().map(Ident::to_string))
        .collect();
    let placeholder_of = |name: &str| -> Option<String> {
        let has = |n: &str| patterns.iter().any(|p| p.has_placeholder(n));
        if has(name) {
            return Some(name.to_owned());
        }
        let bare = name.strip_prefix('_')?;
        (has(bare) && !names.iter().any(|n| n == bare)).then(|| bare.to_owned())
    };
    for param in params.iter_mut() {
        if let Some(placeholder) = param
            .name
            .as_ref()
            .and_then(|n| placeholder_of(&n.to_string()))
        {
            param.source = Source::Placeholder(placeholder);
        }
    }
    // The other patterns have the same placeholders, or an error says so.
    let Some(pattern) = patterns.first() else {
        return;
    };
    let fn_name = &func.sig.ident;
    for (placeholder, range) in pattern.placeholders() {
        if param_of(params, placeholder).is_some() {
            continue;
        }
        let help = match attr::did_you_mean(placeholder, names.iter().map(String::as_str)) {
            Some(name) => format!(
                "did you mean the parameter `{name}`? rename it `{placeholder}`, or the \
                 placeholder `<{name}>`"
            ),
            None => format!(
                "add a parameter named like it to `{fn_name}`, with the type to parse it into, \
                 like `{placeholder}: u64`"
            ),
        };
        cx.syn_error(pattern.error_help(
            range,
            format!("placeholder `<{placeholder}>` has no parameter to bind"),
            help,
        ));
    }
}

/// Whether `ty` is written as the same type as `path` (compared by the last
/// path segment, so `rooms::ProjectRoom` and `ProjectRoom` agree).
fn same_type(ty: &Type, path: &Path) -> bool {
    let Type::Path(ty) = ty else { return false };
    if ty.qself.is_some() {
        return false;
    }
    match (ty.path.segments.last(), path.segments.last()) {
        (Some(a), Some(b)) => {
            a.ident == b.ident && a.arguments.is_empty() && b.arguments.is_empty()
        }
        _ => false,
    }
}

/// `rooms = Type`: the one parameter of that type receives the room.
fn bind_room(func: &ItemFn, path: &Path, params: &mut [Param<'_>], cx: &mut Ctxt) {
    let fn_name = &func.sig.ident;
    let matching: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| same_type(p.ty, path))
        .map(|(i, _)| i)
        .collect();
    let type_name = path.to_token_stream().to_string().replace(' ', "");
    match matching.as_slice() {
        [] => cx.error_spanned_help(
            path,
            format!("`rooms = {type_name}` has no parameter of type `{type_name}`"),
            format!("add one to `{fn_name}` to receive the parsed room, like `room: {type_name}`"),
        ),
        [index] => params[*index].source = Source::Room,
        [_, rest @ ..] => {
            for &index in rest {
                cx.error_spanned_help(
                    params[index].ty,
                    format!("a second parameter of the room type `{type_name}`"),
                    "only one parameter receives the room: remove this one, or clone the first",
                );
            }
        }
    }
}

/// `session = user`: that extractor's refusal means "not logged in".
fn bind_session(func: &ItemFn, session: &Ident, params: &mut [Param<'_>], cx: &mut Ctxt) {
    let fn_name = &func.sig.ident;
    let session_name = session.unraw();
    const HELP: &str = "name the parameter that extracts the logged-in user, \
                        like `session = user` with `user: CurrentUser`";
    match params
        .iter_mut()
        .find(|p| p.name.as_ref() == Some(&session_name))
    {
        Some(param) => match &param.source {
            Source::Extractor => param.source = Source::Session,
            Source::Placeholder(name) => cx.error_help(
                session.span(),
                format!("`session = {session}` names the placeholder parameter `<{name}>`"),
                HELP,
            ),
            Source::Room | Source::Session => cx.error_help(
                session.span(),
                format!("`session = {session}` names the parameter that receives the room"),
                HELP,
            ),
        },
        None => {
            let names: Vec<String> = params
                .iter()
                .filter(|p| matches!(p.source, Source::Extractor))
                .filter_map(|p| p.name.as_ref().map(Ident::to_string))
                .collect();
            let help = match attr::did_you_mean(
                &session_name.to_string(),
                names.iter().map(String::as_str),
            ) {
                Some(name) => format!("did you mean `session = {name}`?"),
                None => format!(
                    "add the parameter that extracts the logged-in user, like \
                     `{session}: CurrentUser`, or name an existing one"
                ),
            };
            cx.error_help(
                session.span(),
                format!("`session = {session}` names no parameter of `{fn_name}`"),
                help,
            );
        }
    }
}

/// Types that are room values, never extractors of a web framework: a
/// parameter of such a type that no placeholder binds is a mistake at that
/// parameter (a misspelt or missing placeholder), not an unmet
/// `FromContext` bound far away at the rule's registration.
fn is_value_type(ty: &Type) -> bool {
    const VALUES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "bool", "char", "f32", "f64", "String", "Uuid",
    ];
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().is_some_and(|last| {
            last.arguments.is_empty() && VALUES.iter().any(|v| last.ident == v)
        }),
        Type::Reference(reference) => {
            matches!(&*reference.elem, Type::Path(p) if p.path.is_ident("str"))
        }
        Type::Paren(paren) => is_value_type(&paren.elem),
        _ => false,
    }
}

fn check_unbound_values(rooms: &Rooms, params: &[Param<'_>], cx: &mut Ctxt) {
    // Placeholders no parameter binds: reported already, with a hint at the
    // parameter whose name is close, which then gets no error of its own.
    let unbound: Vec<&str> = match rooms {
        Rooms::Patterns(patterns) => patterns
            .first()
            .map(|pattern| {
                pattern
                    .placeholders()
                    .map(|(name, _)| name)
                    .filter(|name| {
                        !params.iter().any(
                            |p| matches!(&p.source, Source::Placeholder(bound) if bound == name),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Rooms::Type(_) => Vec::new(),
    };
    // `rooms = Type` without a parameter of that type: reported already, and
    // the values of the room belong in it.
    if matches!(rooms, Rooms::Type(_)) && !params.iter().any(|p| matches!(p.source, Source::Room)) {
        return;
    }
    for param in params {
        if param.cfg || !matches!(param.source, Source::Extractor) || !is_value_type(param.ty) {
            continue;
        }
        let hinted = param.name.as_ref().is_some_and(|name| {
            let names: Vec<String> = params
                .iter()
                .filter_map(|p| p.name.as_ref().map(Ident::to_string))
                .collect();
            unbound.iter().any(|placeholder| {
                attr::did_you_mean(placeholder, names.iter().map(String::as_str))
                    == Some(name.to_string().as_str())
            })
        });
        if hinted {
            continue;
        }
        let ty = param.ty.to_token_stream().to_string().replace(' ', "");
        let (what, help) = match (&param.name, rooms) {
            (Some(name), Rooms::Patterns(patterns)) => {
                let names: Vec<&str> = patterns
                    .first()
                    .map(|p| p.placeholders().map(|(n, _)| n).collect())
                    .unwrap_or_default();
                let hint = match attr::did_you_mean(&name.to_string(), names.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? "),
                    None => String::new(),
                };
                (
                    format!("no placeholder binds the parameter `{name}: {ty}`"),
                    format!(
                        "{hint}a parameter named like a `<placeholder>` is parsed from the room \
                         name; add `<{name}>` to the pattern, or rename the parameter"
                    ),
                )
            }
            (Some(name), Rooms::Type(path)) => (
                format!("no placeholder binds the parameter `{name}: {ty}`"),
                format!(
                    "with `rooms = {}`, the room's values are the fields of that type: take \
                     them from the room parameter",
                    path.to_token_stream().to_string().replace(' ', "")
                ),
            ),
            (None, _) => (
                format!("no placeholder binds a parameter of type `{ty}`"),
                "name the parameter like a `<placeholder>` of the pattern".to_owned(),
            ),
        };
        cx.error_spanned_help(
            param.ty,
            format!("{what}, and `{ty}` is no extractor"),
            help,
        );
    }
}

/// Several patterns of one rule: the same placeholders, and no room name
/// matched by two of them.
fn check_patterns(patterns: &[RoomPattern], params: &[Param<'_>], cx: &mut Ctxt) {
    // The shape of each placeholder, from its parameter's type as written.
    let shape_of = |name: &str| param_of(params, name).and_then(|param| shape_of_type(param.ty));
    let Some(first) = patterns.first() else {
        return;
    };
    let expected = first.placeholder_set();
    for pattern in &patterns[1..] {
        let set = pattern.placeholder_set();
        if set != expected {
            let show = |set: &[&str]| {
                if set.is_empty() {
                    "no placeholders".to_owned()
                } else {
                    set.iter()
                        .map(|n| format!("`<{n}>`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            cx.syn_error(pattern.error_help(
                0..pattern.source.len(),
                "the patterns of one rule must have the same placeholders",
                format!(
                    "they bind the same parameters, but `{}` has {} and `{}` has {}: make them \
                     agree, or split the function into two rules",
                    first.source,
                    show(&expected),
                    pattern.source,
                    show(&set)
                ),
            ));
        }
    }
    for (i, a) in patterns.iter().enumerate() {
        for b in &patterns[i + 1..] {
            if a.source == b.source {
                cx.syn_error(b.error_help(
                    0..b.source.len(),
                    format!("the pattern `{}` is listed twice", b.source),
                    "remove one of them",
                ));
            } else if let Some(room) = a.overlap(&shape_of, b, &shape_of) {
                cx.syn_error(b.error_help(
                    0..b.source.len(),
                    format!("room patterns `{}` and `{}` overlap", a.source, b.source),
                    format!(
                        "the room `{room}` would match both: change a literal, or a \
                         placeholder's type ({TYPES_APART}), so that no room name matches both"
                    ),
                ));
            }
        }
    }
}
