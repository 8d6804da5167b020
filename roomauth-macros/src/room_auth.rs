//! `#[room_auth(...)]`: parse the arguments and the function, validate them
//! against each other, and expand to the function plus a rule struct.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Path, ReturnType, Type};

use crate::attr::{self, Arg};
use crate::ctxt::Ctxt;
use crate::pattern::RoomPattern;

const KEYS: &[&str] = &["rooms", "access", "permission", "session"];

fn example(key: &str) -> String {
    match key {
        "access" => "`#[room_auth(rooms = \"project-<id>\", access = \"read\")]`".to_owned(),
        "permission" => {
            "`#[room_auth(rooms = \"project-<id>\", permission = \"join\")]`".to_owned()
        }
        "session" => "`#[room_auth(rooms = \"project-<id>\", session = user)]`".to_owned(),
        _ => "`#[room_auth(rooms = \"project-<id>\")]`".to_owned(),
    }
}

// ---------------------------------------------------------------- parse --

/// Which rooms a rule answers for.
enum Rooms {
    /// `rooms = "p"` or `rooms = ["p1", "p2"]`.
    Patterns(Vec<RoomPattern>),
    /// `rooms = SomeRoomResource`.
    Type(Path),
}

/// The most a rule grants.
#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
}

/// What the attribute's arguments say.
struct Args {
    rooms: Option<Rooms>,
    access: Access,
    session: Option<Ident>,
}

fn parse_args(tokens: TokenStream, cx: &mut Ctxt) -> Args {
    let mut args = Args {
        rooms: None,
        access: Access::Write,
        session: None,
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
                    cx.error(
                        key.span(),
                        format!(
                            "`{key}` and `{previous}` both set the rule's maximum access: \
                             keep one; `access = \"read\"` or `access = \"write\"`"
                        ),
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
            _ => match attr::as_ident(&value) {
                Some(ident) => args.session = Some(ident.clone()),
                None => cx.error_spanned_by(
                    &value,
                    "`session` names the parameter that is the app's session extractor: \
                     write the parameter's name without quotes, like `session = user`",
                ),
            },
        }
    }
    if !parsed.mentioned.contains(&"rooms") {
        cx.error(
            Span::call_site(),
            "missing `rooms`: say which rooms this rule answers for, \
             like `#[room_auth(rooms = \"project-<id>\")]`",
        );
    }
    args
}

fn parse_rooms(value: &Expr, cx: &mut Ctxt) -> Option<Rooms> {
    const WRONG_KIND: &str = "`rooms` takes a room pattern like `rooms = \"project-<id>\"`, \
         a list of patterns like `rooms = [\"project-<id>\", \"team-<id>\"]`, \
         or a type that derives `RoomResource`, like `rooms = ProjectRoom`";
    match attr::peel(value) {
        Expr::Lit(_) => match attr::as_lit_str(value) {
            Some(lit) => RoomPattern::parse(lit, cx).map(|p| Rooms::Patterns(vec![p])),
            None => {
                cx.error_spanned_by(value, WRONG_KIND);
                None
            }
        },
        Expr::Array(array) => {
            if array.elems.is_empty() {
                cx.error_spanned_by(
                    value,
                    "`rooms = []` lists no pattern, so the rule would answer for no room: \
                     give at least one, like `rooms = [\"project-<id>\"]`",
                );
                return None;
            }
            let mut patterns = Vec::new();
            let before = cx.is_ok();
            for elem in &array.elems {
                match attr::as_lit_str(elem) {
                    Some(lit) => patterns.extend(RoomPattern::parse(lit, cx)),
                    None => cx.error_spanned_by(
                        elem,
                        "each element of `rooms = [...]` must be a pattern string, \
                         like `\"project-<id>\"`",
                    ),
                }
            }
            (before == cx.is_ok() && patterns.len() == array.elems.len())
                .then_some(Rooms::Patterns(patterns))
        }
        Expr::Path(path) if path.qself.is_none() => Some(Rooms::Type(path.path.clone())),
        _ => {
            cx.error_spanned_by(value, WRONG_KIND);
            None
        }
    }
}

fn parse_access(value: &Expr, cx: &mut Ctxt) -> Option<Access> {
    let Some(lit) = attr::as_lit_str(value) else {
        cx.error_spanned_by(
            value,
            "`access` takes a string: `access = \"read\"` or `access = \"write\"` (the default)",
        );
        return None;
    };
    match lit.value().as_str() {
        "read" => Some(Access::Read),
        "write" => Some(Access::Write),
        other => {
            let hint = attr::did_you_mean(other, ["read", "write"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            cx.error(
                lit.span(),
                format!(
                    "unknown access `{other}`: {hint}the rule's maximum access is `read` \
                     or `write` (the default)"
                ),
            );
            None
        }
    }
}

/// `permission = "join" | "read_write"`: Room Service's spellings of
/// `access = "read" | "write"`.
fn parse_permission(value: &Expr, cx: &mut Ctxt) -> Option<Access> {
    let Some(lit) = attr::as_lit_str(value) else {
        cx.error_spanned_by(
            value,
            "`permission` takes a string: `permission = \"join\"` (the room only) \
             or `permission = \"read_write\"` (the room and its documents, the default)",
        );
        return None;
    };
    match lit.value().as_str() {
        "join" => Some(Access::Read),
        "read_write" => Some(Access::Write),
        other => {
            let hint = attr::did_you_mean(other, ["join", "read_write"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            cx.error(
                lit.span(),
                format!(
                    "unknown permission `{other}`: {hint}the permissions are `join` \
                     (the room only) and `read_write` (the room and its documents, the default)"
                ),
            );
            None
        }
    }
}

// ------------------------------------------------------------- validate --

/// How one parameter of the function gets its value.
enum Source {
    /// From the room placeholder of the same name.
    Placeholder(String),
    /// The whole room, parsed into the `rooms = Type` type.
    Room,
    /// The app's session extractor: its rejection means "not logged in".
    Session,
    /// Any other extractor: its rejection is passed through.
    Extractor,
}

/// One parameter of the function.
struct Param<'a> {
    /// Its name, if it is a plain identifier pattern.
    name: Option<Ident>,
    ty: &'a Type,
    source: Source,
}

/// A validated rule.
struct RuleDef<'a> {
    func: &'a ItemFn,
    rooms: Rooms,
    access: Access,
    params: Vec<Param<'a>>,
}

fn check_signature(func: &ItemFn, cx: &mut Ctxt) {
    let sig = &func.sig;
    if let Some(receiver) = sig.receiver() {
        cx.error_spanned_by(
            receiver,
            "`#[room_auth]` goes on a free function, not on a method: \
             move the function out of the `impl` block and take what it needs as parameters",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            "a `#[room_auth]` function cannot be generic: the rule calls it with concrete types; \
             remove the generic parameters and name the types, like `State<AppState>`",
        );
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        cx.error_spanned_by(
            token,
            "a `#[room_auth]` function cannot be `unsafe`: the rule calls it from safe code; \
             remove `unsafe` and use an `unsafe` block inside if needed",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, "a `#[room_auth]` function cannot be variadic");
    }
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input
            && let Type::ImplTrait(_) = &*typed.ty
        {
            cx.error_spanned_by(
                &typed.ty,
                "a `#[room_auth]` parameter cannot have an `impl Trait` type: \
                 the rule must know the concrete type to parse or extract it; name the type",
            );
        }
    }
}

/// The name a parameter binds, if its pattern is a plain identifier.
fn param_name(pat: &Pat) -> Option<Ident> {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.clone()),
        _ => None,
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

fn validate<'a>(func: &'a ItemFn, args: Args, cx: &mut Ctxt) -> Option<RuleDef<'a>> {
    check_signature(func, cx);
    let fn_name = &func.sig.ident;
    let mut params: Vec<Param<'a>> = func
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(Param {
                name: param_name(&typed.pat),
                ty: &typed.ty,
                source: Source::Extractor,
            }),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let rooms = args.rooms;

    match &rooms {
        None => {}
        Some(Rooms::Patterns(patterns)) => {
            check_patterns(patterns, cx);
            for param in &mut params {
                if let Some(name) = &param.name {
                    let name = name.to_string();
                    if patterns.iter().any(|p| p.has_placeholder(&name)) {
                        param.source = Source::Placeholder(name);
                    }
                }
            }
            let names: Vec<String> = params
                .iter()
                .filter_map(|p| p.name.as_ref().map(Ident::to_string))
                .collect();
            // The other patterns have the same placeholders, or an error says so.
            if let Some(pattern) = patterns.first() {
                for (placeholder, range) in pattern.placeholders() {
                    if names.iter().any(|name| name == placeholder) {
                        continue;
                    }
                    let hint = attr::did_you_mean(placeholder, names.iter().map(String::as_str))
                        .map(|name| format!(" (or is it the parameter `{name}`?)"))
                        .unwrap_or_default();
                    cx.syn_error(pattern.error_at(
                        range,
                        format!(
                            "placeholder `<{placeholder}>` has no parameter to bind: \
                             add a parameter named like it to `{fn_name}`, with the type to parse \
                             it into, like `{placeholder}: u64`, or rename the placeholder to \
                             match a parameter{hint}"
                        ),
                    ));
                }
            }
        }
        Some(Rooms::Type(path)) => {
            let matching: Vec<usize> = params
                .iter()
                .enumerate()
                .filter(|(_, p)| same_type(p.ty, path))
                .map(|(i, _)| i)
                .collect();
            let type_name = path.to_token_stream().to_string().replace(' ', "");
            match matching.as_slice() {
                [] => cx.error_spanned_by(
                    path,
                    format!(
                        "`rooms = {type_name}` needs a parameter of type `{type_name}` to receive \
                         the parsed room: add one to `{fn_name}`, like `room: {type_name}`"
                    ),
                ),
                [index] => params[*index].source = Source::Room,
                [_, rest @ ..] => {
                    for &index in rest {
                        cx.error_spanned_by(
                            params[index].ty,
                            format!(
                                "only one parameter can receive the room `{type_name}`: \
                                 remove this one, or clone the first"
                            ),
                        );
                    }
                }
            }
        }
    }

    if let Some(session) = &args.session {
        match params.iter_mut().find(|p| p.name.as_ref() == Some(session)) {
            Some(param) => match &param.source {
                Source::Extractor => param.source = Source::Session,
                Source::Placeholder(name) => cx.error(
                    session.span(),
                    format!(
                        "`session = {session}` names a parameter that is bound from the room \
                         placeholder `<{name}>`: name the parameter that extracts the logged-in \
                         user instead, like `session = user` with `user: CurrentUser`"
                    ),
                ),
                Source::Room | Source::Session => cx.error(
                    session.span(),
                    format!(
                        "`session = {session}` names the parameter that receives the room: \
                         name the parameter that extracts the logged-in user instead, \
                         like `session = user` with `user: CurrentUser`"
                    ),
                ),
            },
            None => {
                let names: Vec<String> = params
                    .iter()
                    .filter(|p| matches!(p.source, Source::Extractor))
                    .filter_map(|p| p.name.as_ref().map(Ident::to_string))
                    .collect();
                let hint =
                    attr::did_you_mean(&session.to_string(), names.iter().map(String::as_str))
                        .map(|name| format!("did you mean `{name}`? "))
                        .unwrap_or_default();
                cx.error(
                    session.span(),
                    format!(
                        "`session = {session}` names no parameter of `{fn_name}`: {hint}\
                         `session` names the parameter that extracts the logged-in user; \
                         add it, like `{session}: CurrentUser`, or name an existing parameter"
                    ),
                );
            }
        }
    }

    Some(RuleDef {
        func,
        rooms: rooms?,
        access: args.access,
        params,
    })
}

/// Several patterns of one rule: the same placeholders, and no room name
/// matched by two of them.
fn check_patterns(patterns: &[RoomPattern], cx: &mut Ctxt) {
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
            cx.syn_error(pattern.error_at(
                0..pattern.source.len(),
                format!(
                    "the patterns of one rule must have the same placeholders, since they bind the \
                     same parameters: `{}` has {}, but `{}` has {}; make them agree, or split the \
                     function into two rules",
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
            if let Some(room) = a.overlap(b) {
                cx.syn_error(b.error_at(
                    0..b.source.len(),
                    format!(
                        "room patterns `{}` and `{}` overlap: the room `{room}` would match both \
                         (a placeholder matches any non-empty text); change a literal so that no \
                         room name matches both, or remove one of them",
                        a.source, b.source
                    ),
                ));
            }
        }
    }
}

// --------------------------------------------------------------- expand --

fn expand(rule: &RuleDef<'_>) -> TokenStream {
    let func = rule.func;
    let vis = &func.vis;
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let doc = format!(
        "The `#[room_auth]` rule of [`{name_str}()`]: register it with \
         `.rules(rules![{name_str}])`."
    );
    let p = quote!(::roomauth::__private);

    let patterns = match &rule.rooms {
        Rooms::Patterns(patterns) => {
            let count = patterns.len();
            let built = patterns.iter().map(RoomPattern::to_tokens);
            quote! {
                static __ROOMAUTH_PATTERNS: [#p::Pattern; #count] = [#(#built),*];
                &__ROOMAUTH_PATTERNS
            }
        }
        Rooms::Type(path) => quote_spanned! {path.span()=>
            __roomauth_room_resource::<#path>().0
        },
    };
    let access = match rule.access {
        Access::Read => quote!(#p::Access::Read),
        Access::Write => quote!(#p::Access::Write),
    };

    let binding = |i: usize| format_ident!("__roomauth_arg{}", i);
    let refuse = quote!(return #p::Err);
    // Placeholders and the typed room first: a room whose values do not
    // parse is no match, and then no extractor runs.
    let room_of = match &rule.rooms {
        Rooms::Type(path) => quote_spanned!(path.span()=> (__roomauth_room_resource::<#path>().1)),
        Rooms::Patterns(_) => quote!(),
    };
    // Where a placeholder sits in each pattern: the generated code takes its
    // value by position, not by looking its name up per request. (Every
    // pattern has the same placeholders; validation made sure.)
    let positions = |name: &str| -> Vec<TokenStream> {
        match &rule.rooms {
            Rooms::Patterns(patterns) => patterns
                .iter()
                .map(|pattern| pattern.position_of(name))
                .collect(),
            Rooms::Type(_) => Vec::new(),
        }
    };
    let mut bindings = Vec::new();
    for (i, param) in rule.params.iter().enumerate() {
        let var = binding(i);
        let ty = param.ty;
        let param_of = quote_spanned!(ty.span()=> __roomauth_room_param);
        match &param.source {
            Source::Placeholder(placeholder) => {
                let at = positions(placeholder);
                bindings.push(quote! {
                let #var = match #param_of::<#ty>(&__roomauth_room, &[#(#at),*]) {
                    #p::Some(__roomauth_value) => __roomauth_value,
                    #p::None => #refuse(#p::Refusal::NoMatch),
                };
                });
            }
            Source::Room => bindings.push(quote! {
                let #var = match #room_of(&__roomauth_room) {
                    #p::Some(__roomauth_value) => __roomauth_value,
                    #p::None => #refuse(#p::Refusal::NoMatch),
                };
            }),
            Source::Session | Source::Extractor => {}
        }
    }
    for (i, param) in rule.params.iter().enumerate() {
        let var = binding(i);
        let ty = param.ty;
        let rejected = match &param.source {
            Source::Session => quote!(#p::Err(_) => #refuse(#p::Refusal::Unauthenticated)),
            Source::Extractor => {
                quote!(#p::Err(__roomauth_rejection) => #refuse(#p::Refusal::Rejected(__roomauth_rejection)))
            }
            Source::Placeholder(_) | Source::Room => continue,
        };
        bindings.push(quote! {
            let #var = match <#ty as #p::FromContext<__RoomauthCx>>::from_context(&mut *__roomauth_cx).await {
                #p::Ok(__roomauth_value) => __roomauth_value,
                #rejected,
            };
        });
    }
    let extractor_bounds = rule.params.iter().filter_map(|param| match param.source {
        Source::Session | Source::Extractor => {
            let ty = param.ty;
            Some(quote_spanned!(ty.span()=> #ty: #p::FromContext<__RoomauthCx>))
        }
        _ => None,
    });
    let args = (0..rule.params.len()).map(binding);
    let call = match func.sig.asyncness {
        Some(_) => quote!(#name(#(#args),*).await),
        None => quote!(#name(#(#args),*)),
    };
    // The return type, checked where the user wrote it.
    let decision = match &func.sig.output {
        ReturnType::Type(_, ty) if !matches!(**ty, Type::ImplTrait(_)) => {
            quote_spanned!(ty.span()=> __roomauth_decision::<#ty>(__roomauth_output))
        }
        ReturnType::Type(_, ty) => {
            quote_spanned!(ty.span()=> __roomauth_decision(__roomauth_output))
        }
        ReturnType::Default => {
            quote_spanned!(name.span()=> __roomauth_decision::<()>(__roomauth_output))
        }
    };
    quote! {
        #func

        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #[doc = #doc]
        #vis struct #name {}

        const _: () = {
            // Each helper is called with the user's type, spanned where the
            // user wrote it: an unmet bound is reported at that type, once.
            #[allow(dead_code)]
            fn __roomauth_room_param<T: #p::RoomParam>(
                __roomauth_room: &#p::RoomMatch<'_>,
                __roomauth_at: &[usize],
            ) -> #p::Option<T> {
                __roomauth_room.param_at::<T>(*__roomauth_at.get(__roomauth_room.pattern_index)?)
            }

            #[allow(dead_code)]
            fn __roomauth_room_resource<T: #p::RoomResource>() -> (
                &'static [#p::Pattern],
                fn(&#p::RoomMatch<'_>) -> #p::Option<T>,
            ) {
                (<T as #p::RoomResource>::PATTERNS, <T as #p::RoomResource>::from_match)
            }

            fn __roomauth_decision<T: #p::IntoDecision>(__roomauth_output: T) -> #p::Result<#p::Grant, #p::Deny> {
                #p::IntoDecision::into_decision(__roomauth_output, #access)
            }

            impl<__RoomauthCx> #p::Rule<__RoomauthCx> for #name
            where
                __RoomauthCx: #p::RequestContext,
                #(#extractor_bounds,)*
            {
                fn name(&self) -> &'static str {
                    #name_str
                }

                fn patterns(&self) -> &[#p::Pattern] {
                    #patterns
                }

                fn access(&self) -> #p::Access {
                    #access
                }

                fn authorize<'__roomauth>(
                    &'__roomauth self,
                    __roomauth_room: #p::RoomMatch<'__roomauth>,
                    __roomauth_cx: &'__roomauth mut __RoomauthCx,
                ) -> #p::BoxFuture<
                    '__roomauth,
                    #p::Result<
                        #p::Grant,
                        #p::Refusal<<__RoomauthCx as #p::RequestContext>::Rejection>,
                    >,
                > {
                    #p::Box::pin(async move {
                        #(#bindings)*
                        let __roomauth_output = #call;
                        match #decision {
                            #p::Ok(__roomauth_grant) => #p::Ok(__roomauth_grant),
                            #p::Err(__roomauth_deny) => #p::Err(#p::Refusal::Deny(__roomauth_deny)),
                        }
                    })
                }
            }
        };
    }
}

/// The whole attribute: the function as written, and, if everything checks
/// out, its rule; otherwise the function and every error.
pub fn room_auth(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::new();
    let parsed_args = parse_args(args, &mut cx);
    let func = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Fn(func)) => Some(func),
        Ok(item) => {
            cx.error_spanned_by(
                &item,
                "`#[room_auth]` goes on a function, like `async fn project_rooms(id: u64) \
                 -> Result<String, Deny>`, that decides who may join the rooms",
            );
            None
        }
        Err(error) => {
            cx.syn_error(error);
            None
        }
    };
    let rule = func
        .as_ref()
        .and_then(|func| validate(func, parsed_args, &mut cx));
    match (cx.check(), rule) {
        (Ok(()), Some(rule)) => expand(&rule),
        (Err(errors), _) => {
            let errors = errors.into_compile_error();
            // Not inside an `impl` (a method), where no struct may go.
            let fallback = func
                .as_ref()
                .filter(|func| func.sig.receiver().is_none())
                .map(fallback);
            quote!(#input #errors #fallback)
        }
        (Ok(()), None) => input,
    }
}

/// After an error: the rule struct with a rule that cannot run, so that
/// `rules![name]` and other uses add no second error (thiserror's
/// fallback). The build fails on the first error anyway.
fn fallback(func: &ItemFn) -> TokenStream {
    let vis = &func.vis;
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let p = quote!(::roomauth::__private);
    quote! {
        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #vis struct #name {}

        impl<__RoomauthCx: #p::RequestContext> #p::Rule<__RoomauthCx> for #name {
            fn name(&self) -> &'static str {
                #name_str
            }

            fn patterns(&self) -> &[#p::Pattern] {
                &[]
            }

            fn authorize<'__roomauth>(
                &'__roomauth self,
                _: #p::RoomMatch<'__roomauth>,
                _: &'__roomauth mut __RoomauthCx,
            ) -> #p::BoxFuture<
                '__roomauth,
                #p::Result<#p::Grant, #p::Refusal<<__RoomauthCx as #p::RequestContext>::Rejection>>,
            > {
                ::core::panic!("the `#[room_auth]` rule failed to compile")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::room_auth;

    fn expand(args: proc_macro2::TokenStream, input: proc_macro2::TokenStream) -> String {
        room_auth(args, input).to_string()
    }

    #[test]
    fn expands_to_the_function_and_a_rule() {
        let out = expand(
            quote!(rooms = "project-<id>", permission = "join", session = user),
            quote! {
                pub async fn project_rooms(user: CurrentUser, id: u64, State(db): State<Db>) -> Result<String, Deny> {
                    Ok(user.id)
                }
            },
        );
        // Print it with `cargo test -p roomauth-macros -- --nocapture`.
        println!("{out}");
        assert!(out.starts_with("pub async fn project_rooms"));
        assert!(out.contains("pub struct project_rooms { }"));
        assert!(out.contains("Access :: Read"));
        assert!(out.contains("Refusal :: Unauthenticated"));
        assert!(out.contains("Pattern :: from_static (\"project-<id>\""));
        // Placeholders are bound before the first extractor runs.
        let placeholder = out.find("__roomauth_room_param :: < u64 >").unwrap();
        let extractor = out
            .find("< CurrentUser as :: roomauth :: __private :: FromContext")
            .unwrap();
        assert!(placeholder < extractor);
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn errors_keep_the_function() {
        let out = expand(
            quote!(rooms = "project-<id"),
            quote!(
                fn f(id: u64) -> Option<u64> {
                    Some(id)
                }
            ),
        );
        assert!(out.starts_with("fn f"));
        assert!(out.contains("compile_error"));
        // The fallback rule only: it cannot run.
        assert!(out.contains("failed to compile"));
        assert!(!out.contains("authorize < '__roomauth > (& '__roomauth self , __roomauth_room"));
    }
}
