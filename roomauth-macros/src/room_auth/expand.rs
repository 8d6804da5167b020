//! The expansion: the function as written, a struct of the same name, and
//! its `Rule` impl; or, after an error, a rule that cannot run.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Ident, ItemFn, ReturnType, Type};

use super::check::{RuleDef, Source, param_of};
use super::parse::{Access, Rooms};

/// The function, its rule struct, and the `Rule` impl.
pub fn expand(rule: &RuleDef<'_>) -> TokenStream {
    let func = rule.func;
    let vis = &func.vis;
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let doc = format!(
        "The `#[room_auth]` rule of [`{name_str}()`]: register it with \
         `.rules(rules![{name_str}])`."
    );
    let p = crate::private();
    let patterns = patterns(rule, &p);
    let access = match rule.access {
        Access::Read => quote!(#p::Access::Read),
        Access::Write => quote!(#p::Access::Write),
    };
    let bindings = bindings(rule, &p);
    // Generic over the request context, with a bound per extractor (unmet,
    // it is reported where the rule is registered); or, with `context = C`,
    // for `C` only, so that an extractor `C` lacks is reported at its
    // parameter.
    let (context, impl_generics, bounds) = match &rule.context {
        Some(context) => (quote!(type __RoomauthCx = #context;), quote!(), Vec::new()),
        None => {
            let mut bounds = vec![quote!(__RoomauthCx: #p::RequestContext)];
            bounds.extend(rule.params.iter().filter_map(|param| match param.source {
                Source::Session | Source::Extractor => {
                    let ty = param.ty;
                    Some(quote_spanned!(ty.span()=> #ty: #p::FromContext<__RoomauthCx>))
                }
                Source::Placeholder(_) | Source::Room => None,
            }));
            (quote!(), quote!(<__RoomauthCx>), bounds)
        }
    };
    let args = (0..rule.params.len()).map(binding);
    let call = match func.sig.asyncness {
        Some(_) => quote!(#name(#(#args),*).await),
        None => quote!(#name(#(#args),*)),
    };
    let decision = decision(func);
    quote! {
        #func

        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #[doc = #doc]
        #vis struct #name {}

        const _: () = {
            // Each helper is called with the user's type, spanned where the
            // user wrote it: an unmet bound is reported at that type, once.
            // A placeholder's shape (for the patterns) and parser, from one
            // call site per use, so that a type that is no `RoomParam` is
            // reported once.
            #[allow(dead_code, clippy::type_complexity)]
            const fn __roomauth_room_param<T: #p::RoomParam>() -> (
                #p::Shape,
                fn(&#p::RoomMatch<'_>, &[usize]) -> #p::Option<T>,
            ) {
                fn parse<T: #p::RoomParam>(
                    __roomauth_room: &#p::RoomMatch<'_>,
                    __roomauth_at: &[usize],
                ) -> #p::Option<T> {
                    __roomauth_room.param_at::<T>(*__roomauth_at.get(__roomauth_room.pattern_index)?)
                }
                (<T as #p::RoomParam>::SHAPE, parse::<T>)
            }

            #[allow(dead_code)]
            fn __roomauth_room_resource<T: #p::RoomResource>() -> (
                &'static [#p::Pattern],
                fn(&#p::RoomMatch<'_>) -> #p::Option<T>,
            ) {
                (<T as #p::RoomResource>::PATTERNS, <T as #p::RoomResource>::from_match)
            }

            #[allow(dead_code)]
            fn __roomauth_extract<Cx: #p::RequestContext, T: #p::FromContext<Cx>>(
                __roomauth_cx: &mut Cx,
            ) -> impl ::core::future::Future<
                Output = #p::Result<T, <Cx as #p::RequestContext>::Rejection>,
            > + ::core::marker::Send {
                <T as #p::FromContext<Cx>>::from_context(__roomauth_cx)
            }

            fn __roomauth_decision<T: #p::IntoDecision>(__roomauth_output: T) -> #p::Result<#p::Grant, #p::Deny> {
                #p::IntoDecision::into_decision(__roomauth_output, #access)
            }

            #context

            impl #impl_generics #p::Rule<__RoomauthCx> for #name
            where
                #(#bounds,)*
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

/// The variable that holds the `i`-th argument.
fn binding(i: usize) -> Ident {
    format_ident!("__roomauth_arg{}", i)
}

/// The body of `Rule::patterns`: a `static` of the patterns, or the room
/// type's.
fn patterns(rule: &RuleDef<'_>, p: &TokenStream) -> TokenStream {
    match &rule.rooms {
        Rooms::Patterns(patterns) => {
            let count = patterns.len();
            // Each placeholder's shape is its parameter's type's.
            let shape_of = |placeholder: &str| {
                match param_of(&rule.params, placeholder) {
                    Some(param) => {
                        let ty = param.ty;
                        quote_spanned!(ty.span()=> __roomauth_room_param::<#ty>().0)
                    }
                    None => quote!(#p::Shape::Text), // reported: no parameter
                }
            };
            let built = patterns.iter().map(|pattern| {
                let shapes: Vec<TokenStream> = pattern
                    .placeholders()
                    .map(|(name, _)| shape_of(name))
                    .collect();
                pattern.to_tokens(&shapes)
            });
            quote! {
                static __ROOMAUTH_PATTERNS: [#p::Pattern; #count] = [#(#built),*];
                &__ROOMAUTH_PATTERNS
            }
        }
        Rooms::Type(path) => quote_spanned! {path.span()=>
            __roomauth_room_resource::<#path>().0
        },
    }
}

/// One `let` per parameter: placeholders and the typed room first (a room
/// whose values do not parse is no match, and then no extractor runs), then
/// the extractors in the order written.
fn bindings(rule: &RuleDef<'_>, p: &TokenStream) -> Vec<TokenStream> {
    let refuse = quote!(return #p::Err);
    let name_str = rule.func.sig.ident.to_string();
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
                    let #var = match (#param_of::<#ty>().1)(&__roomauth_room, &[#(#at),*]) {
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
            // The log names the extractor: the framework's own answer
            // (actix's 400, say) says nothing of which parameter refused.
            Source::Extractor => quote! {
                #p::Err(__roomauth_rejection) => {
                    #p::log_rejection::<#ty>(#name_str, __roomauth_room.room);
                    #refuse(#p::Refusal::Rejected(__roomauth_rejection))
                }
            },
            Source::Placeholder(_) | Source::Room => continue,
        };
        // Spanned at the parameter's type: with `context = C`, a type that is
        // no extractor of `C` is reported there, once. The type comes from
        // the `let`, not a turbofish: a path type in the turbofish would be
        // a second span for the same error (stable spans cover one token).
        let extract = quote_spanned! {ty.span()=>
            __roomauth_extract::<__RoomauthCx, _>(&mut *__roomauth_cx).await
        };
        bindings.push(quote! {
            let #var: #ty = match #extract {
                #p::Ok(__roomauth_value) => __roomauth_value,
                #rejected,
            };
        });
    }
    bindings
}

/// The function's output turned into the decision, checked where the user
/// wrote the return type.
fn decision(func: &ItemFn) -> TokenStream {
    match &func.sig.output {
        ReturnType::Type(_, ty) if !matches!(&**ty, Type::ImplTrait(_)) => {
            quote_spanned!(ty.span()=> __roomauth_decision::<#ty>(__roomauth_output))
        }
        ReturnType::Type(_, ty) => {
            quote_spanned!(ty.span()=> __roomauth_decision(__roomauth_output))
        }
        ReturnType::Default => {
            quote_spanned!(func.sig.ident.span()=> __roomauth_decision::<()>(__roomauth_output))
        }
    }
}

/// After an error: the rule struct with a rule that cannot run, so that
/// `rules![name]` and other uses add no second error (thiserror's
/// fallback). The build fails on the first error anyway.
pub fn fallback(func: &ItemFn) -> TokenStream {
    let vis = &func.vis;
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let p = crate::private();
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
